"""Generator of the decoder's test corpus: synthetic camera frames of return labels.

The corpus here (`frames/`, `manifest.json`) was made in two steps, and both are this
script:

    python tests/data/scanning/gen_corpus.py render OUT [--seed 7] [--per-cell 1]
    python tests/data/scanning/gen_corpus.py subset FULL OUT

`render` draws the full corpus: for each resolution, each symbology x each distortion
class `per_cell` frames, then frames with no code and frames with two codes, each a
label on a grey bench seen through a camera (3D tilt and roll, optics, motion, noise,
light gradient, vignette, glare, confusing stripes, JPEG), with the truth in
`manifest.json` (schema below). `subset` copies every second frame of a full corpus
(even positions) plus all clean ones, byte for byte, and writes their manifest: it
reproduces this folder exactly from the full corpus (160 frames, 32 MB, kept outside
the repository as ../shared/samples/barcodes).

The original renderer was not kept with the corpus; `render` is a rewrite after the
manifest (the same classes, parameter ranges, symbologies, code texts and schema). It
draws every code with zxing-cpp (the original used python-barcode, segno and libdmtx),
so its frames are of the same family, not byte-identical to the committed ones.

Manifest: `frames[]` with `id`, `file`, `res`, `width`, `height`, `class`, `params`
(how the frame was degraded), `symbols[]` (`symbology`, `gen`, `text`, `modules`
[columns, rows], `polygon` (corners in pixels: top-left, top-right, bottom-right,
bottom-left of the symbol), `ppm` (pixels per module), `angle_deg`, `width_frac`) and
`sha256` (first 16 hex digits of the file's SHA-256).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import zxingcpp

RESOLUTIONS = {"720p": [1280, 720], "1080p": [1920, 1080]}
CLASSES = ["clean", "rot_0_45", "rot_90_180", "perspective", "gauss_blur", "motion_blur",
           "noise", "low_contrast", "jpeg", "small", "combo_hard", "none", "multi"]
SYMBOLOGIES = ["code128_rma", "code128_trk", "qr", "datamatrix", "ean13", "upca"]
NONE_FRAMES, MULTI_FRAMES = 8, 6  # per resolution and per cell
SUBSET_NOTE = ("Every second frame of ../shared/samples/barcodes/manifest.json (even positions) "
               "plus all clean frames: the full corpus is 32 MB. Copied for the decoder floor "
               "test.")
_FORMAT = {"code128_rma": ("CODE128", zxingcpp.BarcodeFormat.Code128),
           "code128_trk": ("CODE128", zxingcpp.BarcodeFormat.Code128),
           "qr": ("QR", zxingcpp.BarcodeFormat.QRCode),
           "datamatrix": ("DATAMATRIX", zxingcpp.BarcodeFormat.DataMatrix),
           "ean13": ("EAN13", zxingcpp.BarcodeFormat.EAN13),
           "upca": ("UPCA", zxingcpp.BarcodeFormat.UPCA)}
_ALNUM = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


# --------------------------------------------------------------------------- code texts

def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, n))


def _gtin_check(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def code_text(rng: np.random.Generator, gen: str) -> str:
    rma = f"RMA-{rng.integers(2024, 2027)}-{_digits(rng, 7)}"
    if gen == "code128_rma":
        return rma
    if gen == "code128_trk":
        return "1Z" + "".join(rng.choice(list(_ALNUM), 6)) + _digits(rng, 10)
    sku = f"{''.join(rng.choice(list('ABCDEFGHKLMNPRSTVWXYZ'), 2))}-{_digits(rng, 4)}-" \
          f"{rng.choice(['S', 'M', 'L', 'XL'])}"
    if gen == "qr":
        return str(rng.choice([rma, f"RMA:{rma};ORD:{_digits(rng, 7)};SKU:{sku};"
                                    f"QTY:{rng.integers(1, 5)}",
                               f"https://returns.example.com/r/{rma}?o={_digits(rng, 7)}"]))
    if gen == "datamatrix":
        return f"{rma}|{sku}"
    if gen == "ean13":
        return _gtin_check(str(rng.integers(1, 10)) + _digits(rng, 11))
    return _gtin_check(str(rng.integers(1, 10)) + _digits(rng, 10))  # upca


def modules(gen: str, text: str) -> np.ndarray:
    """The symbol at one pixel per module, no quiet zone: True where a module is dark."""
    image = np.asarray(zxingcpp.create_barcode(text, _FORMAT[gen][1])
                       .to_image(scale=1, add_quiet_zones=False))
    dark = image < 128
    if gen.startswith(("code128", "ean", "upc")):
        dark = dark[dark.shape[0] // 2: dark.shape[0] // 2 + 1]  # 1D: one row says it all
    return dark


# --------------------------------------------------------------------------- parameters

def params_for(rng: np.random.Generator, cls: str, gen: str | None) -> dict[str, Any]:
    """How one frame is degraded; `frac` is the (first) symbol's width over the frame's."""
    def u(lo: float, hi: float) -> float:
        return round(float(rng.uniform(lo, hi)), 3)

    matrix = gen in ("qr", "datamatrix")

    p: dict[str, Any] = {
        "roll": u(-6, 6), "tilt_x": u(-10, 10), "tilt_y": u(-10, 10),
        "frac": u(0.11, 0.16) if matrix else u(0.25, 0.45),
        "optic_sigma": u(0.4, 0.8), "gauss_sigma": 0.0, "motion_len": 0.0, "motion_ang": 0.0,
        "noise_sigma": u(1.5, 4.0), "contrast": 1.0, "light_grad": u(0.0, 0.15),
        "vignette": u(0.0, 0.2), "glare": False, "jpeg_q": int(rng.integers(80, 93)),
        "focal_rel": u(0.9, 1.3), "stripes": bool(rng.random() < 0.15),
    }
    sign = 1 if rng.random() < 0.5 else -1
    if cls == "rot_0_45":
        p["roll"] = sign * u(10, 45)
    elif cls == "rot_90_180":
        p["roll"] = u(88, 268)
    elif cls == "perspective":
        p.update(roll=u(-3, 6), tilt_x=u(-37, 37), tilt_y=sign * u(20, 44),
                 frac=u(0.16, 0.2) if matrix else u(0.3, 0.42))
    elif cls == "gauss_blur":
        p["gauss_sigma"] = u(1.5, 3.0)
    elif cls == "motion_blur":
        p.update(motion_len=u(6, 14), motion_ang=u(0, 180))
    elif cls == "noise":
        p["noise_sigma"] = u(12, 24)
    elif cls == "low_contrast":
        p.update(contrast=u(0.18, 0.32), light_grad=u(0.3, 0.58), vignette=u(0.3, 0.5),
                 glare=bool(rng.random() < 0.5))
    elif cls == "jpeg":
        p["jpeg_q"] = int(rng.integers(12, 30))
    elif cls == "small":
        p["frac"] = u(0.055, 0.07) if matrix else u(0.1, 0.2)
    elif cls == "combo_hard":
        p.update(roll=u(-30, 30), tilt_x=u(-20, 20), tilt_y=u(-20, 20),
                 frac=u(0.085, 0.13) if matrix else u(0.2, 0.345),
                 gauss_sigma=u(0, 1.5) if rng.random() < 0.5 else 0.0, motion_len=u(0, 8),
                 motion_ang=u(0, 130), noise_sigma=u(6, 11), contrast=u(0.47, 0.7),
                 light_grad=u(0.22, 0.4), jpeg_q=int(rng.integers(37, 60)))
    elif cls == "none":
        p.update(frac=u(0.26, 0.45), stripes=bool(rng.random() < 0.5))
    elif cls == "multi":
        p["frac"] = u(0.3, 0.43)
    return p


# --------------------------------------------------------------------------- drawing

_SCALE = 6  # card pixels per module


def _card(rng: np.random.Generator, symbols: list[tuple[str, np.ndarray]],
          caption: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """A white label with the symbols stacked (the first one widest), and their corners."""
    widest = max((d.shape[1] * _SCALE for _g, d in symbols), default=600)
    width = widest + 24 * _SCALE
    blocks: list[tuple[int, int, np.ndarray[Any, Any]]] = []
    corners: list[Any] = []
    y = 10 * _SCALE
    for _gen, dark in symbols:
        w = dark.shape[1] * _SCALE
        h = dark.shape[0] * _SCALE if dark.shape[0] > 1 else int(w * 0.22)
        x = 12 * _SCALE if not blocks else width - w - 12 * _SCALE
        img = np.where(cv2.resize(dark.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
                       > 0, 20, 245).astype(np.uint8)
        blocks.append((x, y, img))
        corners.append(np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float64))
        y += h + 10 * _SCALE
    height = y + 30 * _SCALE
    card = np.full((height, width), int(rng.integers(236, 252)), np.uint8)
    for x, top, img in blocks:
        card[top:top + img.shape[0], x:x + img.shape[1]] = img
    cv2.putText(card, caption, (12 * _SCALE, height - 14 * _SCALE), cv2.FONT_HERSHEY_SIMPLEX,
                width / 900, 30, max(1, width // 400), cv2.LINE_AA)
    return card, corners


def _homography(p: dict[str, Any], card_shape: tuple[int, int], ref_w: float,
                size: tuple[int, int], centre: tuple[float, float]) -> np.ndarray:
    """Card pixels -> frame pixels: the card turned in 3D and seen by a pinhole camera."""
    w_frame, _ = size
    ch, cw = card_shape
    k = p["frac"] * w_frame / ref_w  # frame pixels per card pixel at the card's centre
    f = p["focal_rel"] * w_frame
    ax, ay, az = (math.radians(p[n]) for n in ("tilt_x", "tilt_y", "roll"))
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    rz = np.array([[math.cos(az), -math.sin(az), 0], [math.sin(az), math.cos(az), 0], [0, 0, 1]])
    rot = rz @ ry @ rx
    src = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float64)
    pts = np.c_[(src - [cw / 2, ch / 2]) * k, np.zeros(4)] @ rot.T + [0, 0, f]
    dst = pts[:, :2] * f / pts[:, 2:3] + centre
    return cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))


def _bench(rng: np.random.Generator, p: dict[str, Any], size: tuple[int, int]) -> np.ndarray:
    w, h = size
    base = cv2.resize(rng.normal(90, 18, (h // 40 + 2, w // 40 + 2)), (w, h),
                      interpolation=cv2.INTER_CUBIC)
    bench = base + rng.normal(0, 6, (h, w))
    if p["stripes"]:  # bars that are not a barcode (a keyboard, a grille, a cable)
        period = float(rng.uniform(6, 18))
        x = np.arange(w)[None, :] + 0.3 * np.arange(h)[:, None]
        bench += 40 * (np.sin(2 * math.pi * x / period) > 0)
    return bench


def _camera(rng: np.random.Generator, p: dict[str, Any], grey: np.ndarray) -> np.ndarray:
    h, w = grey.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    ang = rng.uniform(0, 2 * math.pi)
    ramp = ((xx - w / 2) * math.cos(ang) + (yy - h / 2) * math.sin(ang)) / max(w, h)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
    img = grey * (1 + 2 * p["light_grad"] * ramp) * (1 - p["vignette"] * r2 / 2)
    if p["glare"]:
        gx, gy, gs = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h, 0.12 * w
        img += 160 * np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * gs * gs))
    mean = float(img.mean())
    img = mean + (img - mean) * p["contrast"]
    img = cv2.GaussianBlur(img, (0, 0), p["optic_sigma"])
    if p["gauss_sigma"] > 0:
        img = cv2.GaussianBlur(img, (0, 0), p["gauss_sigma"])
    if p["motion_len"] >= 1:
        n = round(p["motion_len"]) | 1
        kernel = np.zeros((n, n))
        kernel[n // 2, :] = 1.0 / n
        turn = cv2.getRotationMatrix2D((n / 2 - 0.5, n / 2 - 0.5), p["motion_ang"], 1.0)
        kernel = cv2.warpAffine(kernel, turn, (n, n))
        img = cv2.filter2D(img, -1, kernel / max(kernel.sum(), 1e-9))
    img = img + rng.normal(0, p["noise_sigma"], img.shape)
    tint = np.array([1.0, 1.0 + rng.uniform(0, 0.08), 1.0 + rng.uniform(0, 0.12)])
    out: np.ndarray[Any, Any] = np.clip(img[:, :, None] * tint, 0, 255).astype(np.uint8)
    return out


def render_frame(rng: np.random.Generator, cls: str, gens: list[str],
                 size: tuple[int, int]) -> tuple[bytes, dict[str, Any], list[dict[str, Any]]]:
    p = params_for(rng, cls, gens[0] if gens else None)
    texts = [code_text(rng, g) for g in gens]
    symbols = [(g, modules(g, t)) for g, t in zip(gens, texts, strict=True)]
    card, corners = _card(rng, symbols, texts[0] if texts else code_text(rng, "code128_rma"))
    ref_w = corners[0][1, 0] - corners[0][0, 0] if corners else card.shape[1] * 0.8
    w, h = size
    for _ in range(50):  # a place where the whole card is in the picture
        centre = (float(rng.uniform(0.3, 0.7) * w), float(rng.uniform(0.3, 0.7) * h))
        hom = _homography(p, card.shape, ref_w, size, centre)
        outline = cv2.perspectiveTransform(
            np.array([[[0, 0], [card.shape[1], 0], [card.shape[1], card.shape[0]],
                       [0, card.shape[0]]]], np.float32), hom)[0]
        if outline.min() >= 2 and outline[:, 0].max() < w - 2 and outline[:, 1].max() < h - 2:
            break
    frame = _bench(rng, p, size)
    warped = cv2.warpPerspective(card.astype(np.float64), hom, size, flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones(card.shape), hom, size, flags=cv2.INTER_LINEAR)
    frame = frame * (1 - mask) + warped * mask
    ok, jpeg = cv2.imencode(".jpg", _camera(rng, p, frame),
                            [cv2.IMWRITE_JPEG_QUALITY, p["jpeg_q"]])
    assert ok
    truth = []
    for (gen, dark), text, box in zip(symbols, texts, corners, strict=True):
        poly = cv2.perspectiveTransform(box[None].astype(np.float32), hom)[0].astype(float)
        top = poly[1] - poly[0]
        width_px = (np.linalg.norm(top) + np.linalg.norm(poly[2] - poly[3])) / 2
        truth.append({
            "symbology": _FORMAT[gen][0], "gen": gen, "text": text,
            "modules": [int(dark.shape[1]), int(dark.shape[0])],
            "polygon": [[round(float(x), 1), round(float(y), 1)] for x, y in poly],
            "ppm": round(float(width_px / dark.shape[1]), 2),
            "angle_deg": round(math.degrees(math.atan2(top[1], top[0])), 1),
            "width_frac": round(float(width_px / w), 3),
        })
    return jpeg.tobytes(), p, truth


def render(out: Path, *, seed: int = 7, per_cell: int = 1,
           resolutions: dict[str, list[int]] = RESOLUTIONS) -> dict[str, Any]:
    """Draw a whole corpus into `out` (frames/ and manifest.json); returns the manifest."""
    rng = np.random.default_rng(seed)
    (out / "frames").mkdir(parents=True, exist_ok=True)
    frames: list[dict[str, Any]] = []

    def add(name: str, res: str, cls: str, gens: list[str]) -> None:
        w, h = resolutions[res]
        data, params, symbols = render_frame(rng, cls, gens, (w, h))
        file = f"frames/{name}.jpg"
        (out / file).write_bytes(data)
        frames.append({"id": name, "file": file, "res": res, "width": w, "height": h,
                       "class": cls, "params": params, "symbols": symbols,
                       "sha256": hashlib.sha256(data).hexdigest()[:16]})

    for res in resolutions:
        for gen in SYMBOLOGIES:
            for cls in CLASSES[:-2]:
                for k in range(per_cell):
                    add(f"{res}_{cls}_{gen}_{k}", res, cls, [gen])
        for k in range(NONE_FRAMES * per_cell):
            add(f"{res}_none_{k}", res, "none", [])
        for k in range(MULTI_FRAMES * per_cell):  # a 1D code and another one beside it
            first = str(rng.choice(["code128_rma", "code128_trk", "ean13", "upca"]))
            second = str(rng.choice([g for g in SYMBOLOGIES if g != first]))
            add(f"{res}_multi_{k}", res, "multi", [first, second])
    manifest = {
        "generator": "gen_corpus.py", "seed": seed, "per_cell": per_cell,
        "resolutions": resolutions, "classes": CLASSES, "symbologies": SYMBOLOGIES,
        "encoders": {"all": "zxing-cpp (gen_corpus.py render)", "opencv": cv2.__version__,
                     "numpy": np.__version__},
        "frames": frames,
    }
    _write_manifest(out, manifest)
    return manifest


def subset(full: Path, out: Path) -> dict[str, Any]:
    """Every second frame of `full` (even positions) plus every clean one, copied as is."""
    manifest = json.loads((full / "manifest.json").read_text(encoding="utf-8"))
    picked = [f for i, f in enumerate(manifest["frames"]) if i % 2 == 0 or f["class"] == "clean"]
    (out / "frames").mkdir(parents=True, exist_ok=True)
    for frame in picked:
        shutil.copyfile(full / frame["file"], out / frame["file"])
    result = {**manifest, "frames": picked, "subset": SUBSET_NOTE}
    _write_manifest(out, result)
    return result


def _write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render", help="draw a full corpus")
    r.add_argument("out", type=Path)
    r.add_argument("--seed", type=int, default=7)
    r.add_argument("--per-cell", type=int, default=1)
    s = sub.add_parser("subset", help="the committed subset of a full corpus")
    s.add_argument("full", type=Path)
    s.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "render":
        manifest = render(args.out, seed=args.seed, per_cell=args.per_cell)
    else:
        manifest = subset(args.full, args.out)
    print(f"{len(manifest['frames'])} frames in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
