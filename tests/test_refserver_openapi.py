"""The reference server and resources/openapi/case-api.yaml describe the same API.

Two guards: the server's routing table and the file list the same operations
and status codes, and a bounded, deterministic schemathesis run against the
live server finds no server error and no answer the file does not describe.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import yaml
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from refserver import API_PREFIX, ROUTES, RunningServer
from refserver.server import MAX_PHOTO_BYTES
from tests.refserver_fixtures import HEADERS, start_test_server

SPEC_PATH = Path(__file__).resolve().parents[1] / "resources" / "openapi" / "case-api.yaml"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
MAX_EXAMPLES = 40


def _spec() -> dict[str, Any]:
    data = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _spec_operations(spec: dict[str, Any]) -> dict[tuple[str, str], set[int]]:
    ops: dict[tuple[str, str], set[int]] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                ops[(method.upper(), path)] = {int(code) for code in op["responses"]}
    return ops


def test_every_served_route_is_in_the_file_with_the_same_answers() -> None:
    served = {(r.method, r.template): set(r.responses) for r in ROUTES}
    described = _spec_operations(_spec())
    assert set(served) == set(described), "operations differ between server and OpenAPI file"
    for key, codes in served.items():
        assert codes == described[key], (
            f"{key}: server {sorted(codes)} vs file {sorted(described[key])}"
        )


def test_file_declares_the_base_path_and_photo_limit_the_server_uses() -> None:
    spec = _spec()
    assert all(s["url"].endswith(API_PREFIX) for s in spec["servers"])
    photo_op = spec["paths"]["/inspections/{inspection_id}/photos/{photo_id}"]["put"]
    assert f"{MAX_PHOTO_BYTES:,}" in photo_op["responses"]["413"]["description"]
    # Every status in the contract's table for the photo PUT is there.
    assert {200, 201, 400, 409, 413, 415, 422} <= {int(c) for c in photo_op["responses"]}


# --- schemathesis against the live server --------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with start_test_server(tmp_path_factory.mktemp("schemathesis")) as server:
        yield server


schema = schemathesis.openapi.from_path(
    SPEC_PATH,
    config=schemathesis.Config.from_dict(
        {"headers": HEADERS, "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True}}
    ),
)
_timings: list[float] = []


@schema.parametrize()
def test_live_server_conforms_to_openapi(case: Any, live_server: RunningServer) -> None:
    """No 5xx, and status, content type, headers and body as the file describes."""
    started = time.perf_counter()
    case.call_and_validate(
        base_url=live_server.url,
        headers=HEADERS,
        checks=[
            schemathesis.checks.not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
        timeout=10,
    )
    _timings.append(time.perf_counter() - started)


def test_served_repo_checklists_match_the_described_template_shape(tmp_path: Path) -> None:
    """resources/checklists/*.json, as /checklists serves them, fit the file's template schema."""
    import jsonschema_rs  # ships with schemathesis

    from refserver.server import DEFAULT_CHECKLIST_DIR

    spec = _spec()
    validator = jsonschema_rs.Draft7Validator(
        {"$ref": "#/components/schemas/ChecklistTemplate", "components": spec["components"]}
    )
    with start_test_server(tmp_path, checklists=DEFAULT_CHECKLIST_DIR) as server:
        r = requests.get(f"{server.url}/checklists", headers=HEADERS, timeout=10)
    assert r.status_code == 200
    templates = r.json()
    assert len(templates) == len(list(DEFAULT_CHECKLIST_DIR.glob("*.json")))
    for template in templates:
        problems = [e.message for e in validator.iter_errors(template)]
        assert not problems, (template.get("template_id"), problems[:5])
