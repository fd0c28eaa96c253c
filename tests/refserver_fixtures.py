"""Shared helpers for the reference case API server tests: a running server, clients, bodies."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from refserver import RunningServer, start_server

TOKEN = "test-token"
DISABLED_TOKEN = "disabled-token"
STATION = "WH1-BENCH-04"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "X-Station-Id": STATION}

# The contract's example template, so tests do not depend on resources/checklists.
SAMPLE_TEMPLATE: dict[str, Any] = {
    "template_id": "audio",
    "version": 4,
    "category": "audio",
    "sections": [
        {
            "section": "appearance",
            "steps": [
                {
                    "step_id": "app-shell",
                    "prompt": "Housing free of cracks, dents, scratches",
                    "kind": "pass_fail",
                    "required": True,
                    "photo_on_fail": True,
                }
            ],
        },
        {
            "section": "function",
            "steps": [
                {
                    "step_id": "fn-power",
                    "prompt": "Powers on and pairs",
                    "kind": "pass_fail",
                    "required": True,
                }
            ],
        },
        {
            "section": "accessories",
            "steps": [
                {
                    "step_id": "acc-cable",
                    "prompt": "Charging cable present",
                    "kind": "pass_fail",
                    "required": True,
                    "accessory": "charging cable",
                }
            ],
        },
    ],
}


def make_jpeg(seed: int = 0, size: tuple[int, int] = (64, 48)) -> bytes:
    """A real, small JPEG whose bytes depend on the seed."""
    img = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def make_png(seed: int = 0) -> bytes:
    img = Image.new("RGB", (32, 32), ((seed * 17) % 256, 200, 10))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_id() -> str:
    return str(uuid.uuid4())


def photo_entry(photo_id: str, data: bytes, step_id: str | None = "app-shell") -> dict[str, Any]:
    return {
        "photo_id": photo_id,
        "sha256": sha(data),
        "step_id": step_id,
        "taken_at": "2026-11-22T08:12:10Z",
        "width": 64,
        "height": 48,
    }


def inspection(
    inspection_id: str,
    case_id: str = "C-000101",
    line_id: str = "L1",
    photos: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A well-formed inspection result, as the contract shows it."""
    photos = photos or []
    body: dict[str, Any] = {
        "inspection_id": inspection_id,
        "case_id": case_id,
        "line_id": line_id,
        "station_id": STATION,
        "inspector_id": "E1027",
        "started_at": "2026-11-22T08:11:02Z",
        "completed_at": "2026-11-22T08:15:40Z",
        "template_id": "audio",
        "template_version": 4,
        "answers": [
            {
                "step_id": "app-shell",
                "result": "fail" if photos else "pass",
                "note": "左耳罩有划痕",
                "photo_ids": [p["photo_id"] for p in photos if "photo_id" in p],
            },
            {"step_id": "fn-volume", "result": "value", "value": 72.5},
            {"step_id": "acc-cable", "result": "pass"},
        ],
        "serial_number_scanned": "HX2-00931877",
        "classification": "damaged" if photos else "intact",
        "classification_suggested": "damaged" if photos else "intact",
        "override_reason": None,
        "missing_accessories": [],
        "disposition": "refurbish" if photos else "restock",
        "photos": photos,
        "client_version": "1.0.0",
    }
    body.update(overrides)
    return body


def dump(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


class Api:
    """A requests session speaking to one server with the station's headers."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None) -> None:
        self.base = base_url
        self.session = requests.Session()
        self.session.headers.update(HEADERS if headers is None else headers)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session.get(self.base + path, timeout=10, **kw)

    def put_photo(
        self,
        inspection_id: str,
        photo_id: str,
        data: bytes,
        sha256: str | None = None,
        content_type: str = "image/jpeg",
    ) -> requests.Response:
        headers = {"Content-Type": content_type}
        if sha256 != "":
            headers["X-Content-SHA256"] = sha(data) if sha256 is None else sha256
        return self.session.put(
            f"{self.base}/inspections/{inspection_id}/photos/{photo_id}",
            data=data,
            headers=headers,
            timeout=30,
        )

    def put_inspection(self, inspection_id: str, body: Any) -> requests.Response:
        data = body if isinstance(body, bytes) else dump(body)
        return self.session.put(
            f"{self.base}/inspections/{inspection_id}",
            data=data,
            headers={"Content-Type": "application/json"},
            timeout=10,
        )

    def close(self) -> None:
        self.session.close()


def start_test_server(tmp_path: Path, checklists: Path | None = None) -> RunningServer:
    if checklists is None:
        checklists = tmp_path / "checklists"
        checklists.mkdir(exist_ok=True)
        (checklists / "audio.json").write_text(json.dumps(SAMPLE_TEMPLATE), encoding="utf-8")
    return start_server(
        tmp_path / "ref" / "cases.db",
        tmp_path / "ref" / "photos",
        tokens={TOKEN},
        disabled_tokens={DISABLED_TOKEN},
        checklist_dir=checklists,
    )


@pytest.fixture
def refserver(tmp_path: Path) -> Iterator[RunningServer]:
    with start_test_server(tmp_path) as server:
        yield server


@pytest.fixture
def api(refserver: RunningServer) -> Iterator[Api]:
    client = Api(refserver.url)
    yield client
    client.close()
