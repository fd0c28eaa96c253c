"""The decoder corpus generator (tests/data/scanning/gen_corpus.py): its frames hold the
codes its manifest says, where it says, and `subset` picks and copies as the committed
corpus was made."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

from app.scanning.decoder import Decoder

DATA = Path(__file__).parent / "data" / "scanning"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_corpus", DATA / "gen_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _generator()


@pytest.mark.parametrize(("cls", "gens"), [
    ("clean", ["code128_rma"]), ("clean", ["qr"]), ("clean", ["ean13"]),
    ("clean", ["datamatrix"]), ("multi", ["code128_rma", "qr"]),
])
def test_rendered_frames_hold_the_codes_of_their_truth(cls: str, gens: list[str]) -> None:
    rng = np.random.default_rng(11)
    data, params, truth = gen.render_frame(rng, cls, gens, (1280, 720))
    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert frame is not None and frame.shape == (720, 1280, 3)
    assert set(params) == set(gen.params_for(rng, "clean", None))
    found = {c.text: c for c in Decoder.for_stills().decode(frame)}
    assert set(found) == {t["text"] for t in truth}
    for t in truth:
        poly = np.array(t["polygon"], np.float32)
        for x, y in found[t["text"]].points:  # read where the manifest says it is
            assert cv2.pointPolygonTest(poly, (x, y), True) > -12
        assert t["ppm"] > 1.0 and 0 < t["width_frac"] < 1


def test_a_frame_without_codes_reads_nothing() -> None:
    data, _params, truth = gen.render_frame(np.random.default_rng(3), "none", [], (1280, 720))
    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert truth == [] and Decoder.for_stills().decode(frame) == []


def test_subset_takes_even_positions_and_every_clean_frame_byte_for_byte(
        tmp_path: Path) -> None:
    full, out = tmp_path / "full", tmp_path / "out"
    (full / "frames").mkdir(parents=True)
    classes = ["noise", "clean", "jpeg", "small", "jpeg", "clean", "noise", "small"]
    frames = []
    for i, cls in enumerate(classes):
        name = f"frames/f{i}.jpg"
        (full / name).write_bytes(bytes([i]) * 10)
        frames.append({"id": f"f{i}", "file": name, "class": cls})
    (full / "manifest.json").write_text(json.dumps({"seed": 7, "frames": frames}))
    made = gen.subset(full, out)
    assert [f["id"] for f in made["frames"]] == ["f0", "f1", "f2", "f4", "f5", "f6"]
    assert json.loads((out / "manifest.json").read_text()) == made
    assert made["subset"] == gen.SUBSET_NOTE and made["seed"] == 7
    for f in made["frames"]:
        assert (out / f["file"]).read_bytes() == (full / f["file"]).read_bytes()
    assert sorted(p.name for p in (out / "frames").iterdir()) == [
        "f0.jpg", "f1.jpg", "f2.jpg", "f4.jpg", "f5.jpg", "f6.jpg"]


def test_the_committed_corpus_is_what_its_manifest_says() -> None:
    manifest = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == "gen_corpus.py" and manifest["subset"] == gen.SUBSET_NOTE
    assert manifest["classes"] == gen.CLASSES and manifest["symbologies"] == gen.SYMBOLOGIES
    for frame in manifest["frames"]:
        digest = hashlib.sha256((DATA / frame["file"]).read_bytes()).hexdigest()[:16]
        assert digest == frame["sha256"], frame["id"]
