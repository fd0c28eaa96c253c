"""The label as ZPL for Zebra-type printers, sent over raw TCP (port 9100).

Every text field goes through ^FH (hex escapes): a title from the case system holding
"^XZ" or "~JA" stays text and cannot end the label or send the printer a command. ^CI28
makes the printer read the escaped bytes as UTF-8. Latin text uses the printer's scalable
font 0; a field with Chinese uses CJK_FONT, which Zebra's Asian models carry (others need
it downloaded once). The inspection id is Code 128 (^BC), drawn down the label's right edge:
36 characters at 2 dots a module (0.25 mm, what bench scanners read) are wider than 4 in.
"""

from __future__ import annotations

import socket

from app.labels.content import LabelContent, LabelError

DPI = 203  # dots per inch of the common Zebra desktop and industrial heads
SIZES: dict[str, tuple[int, int]] = {"4x6in": (812, 1218), "100x150mm": (799, 1199)}
CJK_FONT = "E:ANMDJ.TTF"  # Andale Mono WT J, resident on Zebra's Asian printers
TIMEOUT_S = 5.0
MARGIN = 30
BARCODE_COLUMN = 150  # dots kept free on the right for the vertical Code 128
MODULE_DOTS = 2
BAR_HEIGHT = 110


def _escape(text: str) -> str:
    """Field data for ^FH_: printable ASCII as is, everything else as _XX UTF-8 bytes."""
    out: list[str] = []
    for ch in " ".join(text.split()):  # no line breaks or tabs inside a field
        if " " <= ch <= "~" and ch not in "^~_\\":
            out.append(ch)
        else:
            out.extend(f"_{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out)


def _font(text: str, height: int, width: int | None = None) -> str:
    w = width if width is not None else height
    if any(ord(ch) > 0x24F for ch in text):  # beyond Latin Extended: Chinese and the like
        return f"^A@N,{height},{w},{CJK_FONT}"
    return f"^A0N,{height},{w}"


def _text(x: int, y: int, text: str, height: int, *, width: int, lines: int = 1,
          font_width: int | None = None) -> str:
    """One text field in a block `width` dots wide (wrapped to `lines`, then cut)."""
    return (f"^FO{x},{y}{_font(text, height, font_width)}^FB{width},{lines},0,L,0"
            f"^FH_^FD{_escape(text)}^FS")


def build_zpl(content: LabelContent, size: str = "4x6in") -> bytes:
    """The whole label, ^XA to ^XZ, as the bytes sent to the printer."""
    try:
        width, height = SIZES[size]
    except KeyError:
        raise ValueError(f"unknown label size {size!r}; use one of {', '.join(SIZES)}") from None
    x, col = MARGIN, width - 2 * MARGIN - BARCODE_COLUMN
    c = content.caption
    parts = ["^XA", "^CI28", f"^PW{width}", f"^LL{height}", "^LH0,0"]

    def field(y: int, caption: str, value: str, size_: int, *, lines: int = 1) -> None:
        parts.append(_text(x, y, caption, 24, width=col))
        parts.append(_text(x, y + 28, value, size_, width=col, lines=lines))

    field(30, c("rma"), content.rma, 56)
    field(130, c("item"), content.sku, 40)
    parts.append(_text(x, 205, content.description, 30, width=col, lines=2))
    field(290, c("classification"), content.classification, 44)
    parts.append(_text(x, 390, c("disposition"), 24, width=col))
    parts.append(_text(x, 420, content.code, 220, width=col, font_width=180))
    parts.append(_text(x, 650, content.disposition, 40, width=col, lines=2))
    if content.reprint:
        parts.append(_text(x, 760, c("label_reprint"), 56, width=col))
    if content.training:
        parts.append(_text(x, 830, c("label_training"), 32, width=col, lines=2))
    # The inspection id: Code 128 rotated (reads top to bottom), its text across the foot.
    parts.append(f"^BY{MODULE_DOTS},3,{BAR_HEIGHT}")
    parts.append(f"^FO{width - MARGIN - BAR_HEIGHT - 10},40^BCR,{BAR_HEIGHT},N,N,N"
                 f"^FD{_escape(content.inspection_id)}^FS")
    full = width - 2 * MARGIN
    parts.append(_text(x, 960, c("inspection_id"), 24, width=full))
    parts.append(_text(x, 988, content.inspection_id, 28, width=full, font_width=24))
    parts.append(_text(x, 1040, f"{c('station')}: {content.station}", 30, width=full))
    parts.append(_text(x, 1085, f"{c('completed')}: {content.time}", 30, width=full))
    parts.append("^PQ1")
    parts.append("^XZ")
    return ("\n".join(parts) + "\n").encode("ascii")


def send_zpl(data: bytes, host: str, port: int = 9100, *, timeout: float = TIMEOUT_S) -> None:
    """Send the label and close; raises LabelError (refused, timed out, unreachable).

    A raw-TCP printer answers nothing, so "sent" means the printer took the bytes.
    """
    where = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
    except ConnectionRefusedError:
        raise LabelError(key="label_refused", where=where) from None
    except TimeoutError:
        raise LabelError(key="label_timeout", where=where, seconds=f"{timeout:g}") from None
    except OSError as exc:  # unknown host, network unreachable, reset while sending
        raise LabelError(key="label_unreachable", where=where,
                         reason=exc.strerror or str(exc)) from None
