"""Text from outside (a person, a server, a scan) made safe to store and to print."""

from __future__ import annotations

import unicodedata

# Bidi embeddings/overrides/isolates: invisible, and they reorder what a reader sees.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def for_terminal(text: str) -> str:
    """Escape every non-printable character so a hostile text cannot drive the terminal."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


def clean_person_text(text: str, *, multiline: bool = False) -> str:
    """Drop control characters (ESC, NUL, bidi overrides...) from text a person typed or pasted.

    A note keeps its line breaks (CR LF and CR become LF) and tabs; single-line texts keep
    neither. Everything else in Unicode category Cc is removed, not replaced: it was never
    meant to be seen.
    """
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    keep = {"\n", "\t"} if multiline else set()
    return "".join(
        ch for ch in text
        if ch in keep or (unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS)
    )
