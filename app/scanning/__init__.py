"""Scanning: barcode decoding, camera capture, handheld wedge, acceptance, label interpretation."""
