"""The two decoding engines behind one interface: zxing-cpp first, zbar as the second
opinion (and the agreement engine for EAN/UPC); both give reads in one shape."""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Sequence
from typing import Any, ClassVar

import cv2
import numpy as np

from app.scanning.symbols import (
    CODE39,
    CODE93,
    CODE128,
    DATABAR,
    DATABAR_EXP,
    DATAMATRIX,
    EAN8,
    EAN13,
    ITF,
    PDF417,
    QR,
    UPCA,
    UPCE,
    Point,
    RawRead,
)

# --------------------------------------------------------------------------- normalising


def _normalise(text: str, symbology: str) -> tuple[str, str]:
    """Give both engines' results one shape (UPC-A as 12 digits, no stray NULs)."""
    text = text.replace("\x00", "")
    if symbology == EAN13 and len(text) == 13 and text.startswith("0") and text.isdigit():
        return text[1:], UPCA
    return text, symbology


# --------------------------------------------------------------------------- zxing-cpp


class ZxingEngine:
    """zxing-cpp; one call is stateless and releases the GIL, so it is thread-safe."""

    _NAMES: ClassVar[dict[str, tuple[str, ...]]] = {
        CODE128: ("Code128",),
        CODE39: ("Code39",),
        CODE93: ("Code93",),
        ITF: ("ITF",),
        EAN13: ("EAN13",),
        EAN8: ("EAN8",),
        UPCA: ("UPCA",),
        UPCE: ("UPCE",),
        QR: ("QRCode",),
        DATAMATRIX: ("DataMatrix",),
        PDF417: ("PDF417",),
        DATABAR: ("DataBar",),
        DATABAR_EXP: ("DataBarExpanded", "DataBarExp"),
    }
    _BACK: ClassVar[dict[str, str]] = {
        "Code128": CODE128,
        "Code39": CODE39,
        "Code39Std": CODE39,
        "Code39Ext": CODE39,
        "Code93": CODE93,
        "ITF": ITF,
        "ITF14": ITF,
        "EAN13": EAN13,
        "EAN8": EAN8,
        "UPCA": UPCA,
        "UPCE": UPCE,
        "QRCode": QR,
        "QRCodeModel2": QR,
        "DataMatrix": DATAMATRIX,
        "PDF417": PDF417,
        "DataBar": DATABAR,
        "DataBarOmni": DATABAR,
        "DataBarExpanded": DATABAR_EXP,
        "DataBarExp": DATABAR_EXP,
    }

    def __init__(
        self,
        name: str = "zxing",
        *,
        binarizer: str = "LocalAverage",
        try_rotate: bool = True,
        try_invert: bool = False,
        try_downscale: bool = False,
    ) -> None:
        import zxingcpp

        self._zx: Any = zxingcpp
        self.name = name
        self.config = f"{name}/{binarizer}"
        # A fixed threshold (or BoolCast) turns blur into wrong bar widths that can still
        # pass a 1D checksum: its lone 1D read needs a second opinion (ladder.py).
        self.fragile = binarizer in ("FixedThreshold", "BoolCast")
        # Work per megapixel, relative to one upright pass: try_rotate scans twice.
        self.cost = (2.0 if try_rotate else 1.0) * (2.0 if try_invert else 1.0) * (
            1.33 if try_downscale else 1.0)
        self._binarizer = getattr(zxingcpp.Binarizer, binarizer)
        self._opts = {
            "try_rotate": try_rotate,
            "try_invert": try_invert,
            "try_downscale": try_downscale,
        }
        self._formats_cache: dict[frozenset[str], Any] = {}

    def _formats(self, symbologies: frozenset[str]) -> Any:
        cached = self._formats_cache.get(symbologies)
        if cached is not None:
            return cached
        fmts = []
        for sym in sorted(symbologies):
            for attr in self._NAMES.get(sym, ()):
                fmt = getattr(self._zx.BarcodeFormat, attr, None)
                if fmt is not None:
                    fmts.append(fmt)
                    break
        # zxing-cpp 3 takes a tuple; 2.x wanted the formats or-ed together.
        value: Any = tuple(fmts)
        try:
            self._zx.read_barcodes(np.zeros((8, 8), np.uint8), formats=value)
        except TypeError:
            value = fmts[0]
            for fmt in fmts[1:]:
                value = value | fmt
        self._formats_cache[symbologies] = value
        return value

    def read(self, grey: np.ndarray, symbologies: frozenset[str]) -> list[RawRead]:
        results = self._zx.read_barcodes(
            grey,
            formats=self._formats(symbologies),
            binarizer=self._binarizer,
            **self._opts,
        )
        out: list[RawRead] = []
        for res in results:
            fmt_name = getattr(res.format, "name", str(res.format))
            sym = self._BACK.get(fmt_name)
            if sym is None or not res.text:
                continue
            pos = res.position
            pts = tuple(
                (float(p.x), float(p.y))
                for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
            )
            text, sym = _normalise(res.text, sym)
            out.append(RawRead(text, sym, pts))
        return out


# --------------------------------------------------------------------------- zbar


class ZbarEngine:
    """zbar through pyzbar's ctypes wrapper, one image scanner per thread.

    A zbar image scanner keeps state and must not be shared between threads, so each
    thread gets its own, configured once for the requested symbologies.
    """

    _NAMES: ClassVar[dict[str, str]] = {
        CODE128: "CODE128",
        CODE39: "CODE39",
        CODE93: "CODE93",
        EAN13: "EAN13",
        EAN8: "EAN8",
        UPCA: "UPCA",
        UPCE: "UPCE",
        QR: "QRCODE",
        # ITF is left to zxing: zbar's I25 reads short false codes from plain texture.
        # DataBar too: zbar 0.23 prints assertion failures on some frames.
    }

    def __init__(self, name: str = "zbar") -> None:
        from pyzbar import wrapper

        self._w = wrapper
        self.name = name
        self.config = name
        self.fragile = False
        self.cost = 3.0  # per megapixel, against zxing's upright pass (platform-notes.md)
        self._local = threading.local()
        self._back = {getattr(wrapper.ZBarSymbol, v): k for k, v in self._NAMES.items()}

    def _scanner(self, symbologies: frozenset[str]) -> Any:
        w = self._w
        cache: dict[frozenset[str], Any] | None = getattr(self._local, "scanners", None)
        if cache is None:
            cache = {}
            self._local.scanners = cache
        scanner = cache.get(symbologies)
        if scanner is None:
            scanner = w.zbar_image_scanner_create()
            if not scanner:
                raise RuntimeError("zbar could not create an image scanner")
            wanted = {
                getattr(w.ZBarSymbol, self._NAMES[s]) for s in symbologies if s in self._NAMES
            }
            for sym in w.ZBarSymbol:
                on = 1 if sym in wanted else 0
                w.zbar_image_scanner_set_config(scanner, sym, w.ZBarConfig.CFG_ENABLE, on)
            cache[symbologies] = scanner
        return scanner

    def read(self, grey: np.ndarray, symbologies: frozenset[str]) -> list[RawRead]:
        if not any(s in self._NAMES for s in symbologies):
            return []
        w = self._w
        scanner = self._scanner(symbologies)
        h, wid = grey.shape[:2]
        data = np.ascontiguousarray(grey).tobytes()
        image = w.zbar_image_create()
        out: list[RawRead] = []
        try:
            w.zbar_image_set_format(image, 808466521)  # fourcc 'Y800' (8-bit grey)
            w.zbar_image_set_size(image, wid, h)
            w.zbar_image_set_data(
                image, ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p), len(data), None
            )
            if w.zbar_scan_image(scanner, image) < 0:
                return []
            symbol = w.zbar_image_first_symbol(image)
            while symbol:
                raw = ctypes.string_at(
                    w.zbar_symbol_get_data(symbol), w.zbar_symbol_get_data_length(symbol)
                )
                sym_name = self._back.get(symbol.contents.type)
                n = w.zbar_symbol_get_loc_size(symbol)
                pts = [
                    (
                        float(w.zbar_symbol_get_loc_x(symbol, i)),
                        float(w.zbar_symbol_get_loc_y(symbol, i)),
                    )
                    for i in range(n)
                ]
                if sym_name is not None and pts:
                    try:
                        text = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        text = raw.decode("latin-1")
                    text, sym_name = _normalise(text, sym_name)
                    if text:
                        out.append(RawRead(text, sym_name, _box(pts)))
                symbol = w.zbar_symbol_next(symbol)
        finally:
            w.zbar_image_destroy(image)
        return out


def _box(pts: Sequence[Point]) -> tuple[Point, ...]:
    """Four corners around zbar's scan-line hits (a 1D symbol gives a thin hull)."""
    arr = np.asarray(pts, np.float32).reshape(-1, 1, 2)
    rect = cv2.minAreaRect(arr)
    return tuple((float(x), float(y)) for x, y in cv2.boxPoints(rect))

