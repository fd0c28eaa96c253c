"""Reports for shift leads: inspection and shift PDFs, statistics and CSV export (Qt-free)."""
