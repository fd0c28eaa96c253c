"""Reference case API server over real HTTP: every answer in the contract's table and its order."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import requests

from refserver import DEMO_CASES, RunningServer
from refserver.server import MAX_PHOTO_BYTES, Reply
from tests.refserver_fixtures import (
    DISABLED_TOKEN,
    SAMPLE_TEMPLATE,
    STATION,
    TOKEN,
    Api,
    inspection,
    make_jpeg,
    make_png,
    new_id,
    photo_entry,
    sha,
    start_test_server,
)

ZH_CASE = DEMO_CASES[0]  # C-000101, headphones, Chinese title and comment


# --- transport: base URL, tokens, station header ------------------------------------------------


def test_health_answers_ok_with_server_clock(api: Api, refserver: RunningServer) -> None:
    assert refserver.url == f"http://127.0.0.1:{refserver.port}/api/v1"
    r = api.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["server_time"].endswith("Z") and "T" in body["server_time"]
    assert r.headers["Content-Type"].startswith("application/json")


def test_missing_or_unknown_token_is_401_disabled_is_403(refserver: RunningServer) -> None:
    base = refserver.url
    r = requests.get(f"{base}/health", headers={"X-Station-Id": STATION}, timeout=5)
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = {"Authorization": "Bearer nope", "X-Station-Id": STATION}
    assert requests.get(f"{base}/health", headers=wrong, timeout=5).status_code == 401
    basic = {"Authorization": f"Basic {TOKEN}", "X-Station-Id": STATION}
    assert requests.get(f"{base}/health", headers=basic, timeout=5).status_code == 401
    disabled = {"Authorization": f"Bearer {DISABLED_TOKEN}", "X-Station-Id": STATION}
    r = requests.get(f"{base}/health", headers=disabled, timeout=5)
    assert r.status_code == 403
    assert r.json() == {"error": "forbidden", "reason": "station_disabled"}


def test_tokens_can_be_changed_while_running(refserver: RunningServer, api: Api) -> None:
    assert api.get("/health").status_code == 200
    refserver.set_tokens({"other"}, disabled={TOKEN})
    assert api.get("/health").status_code == 403
    refserver.set_tokens({TOKEN})
    assert api.get("/health").status_code == 200


def test_missing_station_id_is_400(refserver: RunningServer) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    r = requests.get(f"{refserver.url}/health", headers=headers, timeout=5)
    assert r.status_code == 400
    assert r.json() == {"error": "bad_request", "reason": "missing_station_id"}


def test_unknown_path_and_method_answer_json(api: Api, refserver: RunningServer) -> None:
    r = api.get("/nope")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = api.session.post(f"{refserver.url}/health", timeout=5)
    assert r.status_code == 405 and r.headers["Allow"] == "GET"
    r = api.session.get(f"http://127.0.0.1:{refserver.port}/health", timeout=5)
    assert r.status_code == 404  # endpoints live under /api/v1 only


# --- lookup -------------------------------------------------------------------------------------


def test_lookup_by_rma_ignores_case_and_surrounding_white_space(api: Api) -> None:
    r = api.get("/cases/lookup", params={"code": "  rma-2026-0001234\t"})
    assert r.status_code == 200
    case = r.json()
    assert case["case_id"] == ZH_CASE["case_id"]
    assert case["items"][0]["title"] == "无线降噪耳机 HX-200 黑色"
    assert "左耳有杂音" in case["customer_comment"]
    assert set(case) >= {
        "case_id", "rma", "order_id", "status", "customer_reason", "customer_comment",
        "tracking_numbers", "received_at", "inspect_by", "items",
    }  # fmt: skip


def test_lookup_by_tracking_number_and_unique_order_id(api: Api) -> None:
    phone = next(c for c in DEMO_CASES if c["case_id"] == "C-000102")
    r = api.get("/cases/lookup", params={"code": phone["tracking_numbers"][0].lower()})
    assert r.status_code == 200 and r.json()["case_id"] == "C-000102"
    r = api.get("/cases/lookup", params={"code": " so-90417 "})
    assert r.status_code == 200 and r.json()["case_id"] == "C-000102"
    r = api.get("/cases/lookup", params={"code": "jdva28419365077"})
    assert r.status_code == 200 and [i["line_id"] for i in r.json()["items"]] == ["L1", "L2"]


def test_lookup_of_order_covering_two_cases_is_300(api: Api) -> None:
    r = api.get("/cases/lookup", params={"code": "so-88812"})
    assert r.status_code == 300
    body = r.json()
    assert body["error"] == "ambiguous"
    assert body["candidates"] == [
        {"case_id": "C-000101", "rma": "RMA-2026-0001234", "status": "awaiting_inspection"},
        {"case_id": "C-000104", "rma": "RMA-2026-0001237", "status": "awaiting_inspection"},
    ]
    # The inspector then scans the RMA, which resolves.
    assert api.get("/cases/lookup", params={"code": "RMA-2026-0001237"}).status_code == 200


def test_lookup_unknown_is_404_and_missing_code_400(api: Api) -> None:
    r = api.get("/cases/lookup", params={"code": "RMA-2026-9999999"})
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"
    assert api.get("/cases/lookup").status_code == 400
    assert api.get("/cases/lookup", params={"code": "   "}).status_code == 400


def test_lookup_shows_status_changes_and_added_cases(api: Api, refserver: RunningServer) -> None:
    refserver.store.set_case_status("C-000101", "closed")
    assert (
        api.get("/cases/lookup", params={"code": "RMA-2026-0001234"}).json()["status"] == "closed"
    )
    doc = dict(refserver.store.get_case("C-000102") or {})
    doc.update(case_id="C-777", rma="RMA-2026-0777777", order_id="SO-77777", tracking_numbers=[])
    refserver.store.add_case(doc)
    assert api.get("/cases/lookup", params={"code": "so-77777"}).json()["case_id"] == "C-777"


# --- checklists ---------------------------------------------------------------------------------


def test_checklists_serves_the_json_templates_of_the_folder(api: Api) -> None:
    r = api.get("/checklists")
    assert r.status_code == 200
    assert r.json() == [SAMPLE_TEMPLATE]


def test_checklists_of_an_empty_folder_is_an_empty_array(tmp_path: Path) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    with start_test_server(tmp_path, checklists=empty) as server:
        client = Api(server.url)
        r = client.get("/checklists")
        client.close()
    assert r.status_code == 200 and r.json() == []


# --- photos -------------------------------------------------------------------------------------


def test_photo_201_then_200_and_stored_byte_identical(api: Api, refserver: RunningServer) -> None:
    iid, pid = new_id(), new_id()
    data = make_jpeg(1)
    r = api.put_photo(iid, pid, data)
    assert r.status_code == 201
    assert r.json() == {"photo_id": pid, "sha256": sha(data)}
    assert api.put_photo(iid, pid, data).status_code == 200
    assert refserver.store.count_photos(iid) == 1
    stored = refserver.store.get_photo(iid, pid)
    assert stored is not None
    assert stored.data == data and sha(stored.data) == sha(data) == stored.sha256
    assert stored.content_type == "image/jpeg"
    # Stored under a generated file name, never one taken from the request.
    assert iid not in stored.path.name and pid not in stored.path.name
    assert stored.path.parent == refserver.store.photo_dir


def test_photo_png_and_upper_case_ids_are_the_same_photo(
    api: Api, refserver: RunningServer
) -> None:
    iid, pid = new_id(), new_id()
    data = make_png(3)
    r = api.put_photo(iid.upper(), pid.upper(), data, content_type="image/png")
    assert r.status_code == 201
    assert api.put_photo(iid, pid, data, content_type="image/png").status_code == 200
    stored = refserver.store.get_photo(iid, pid)
    assert stored is not None and stored.content_type == "image/png" and stored.data == data


def test_photo_same_id_other_bytes_is_409(api: Api, refserver: RunningServer) -> None:
    iid, pid = new_id(), new_id()
    first = make_jpeg(1)
    assert api.put_photo(iid, pid, first).status_code == 201
    r = api.put_photo(iid, pid, make_jpeg(2))
    assert r.status_code == 409
    assert r.json()["error"] == "conflict" and r.json()["reason"] == "different_bytes"
    stored = refserver.store.get_photo(iid, pid)
    assert stored is not None and stored.data == first
    # The same photo id under another inspection is another photo.
    assert api.put_photo(new_id(), pid, make_jpeg(2)).status_code == 201


def test_photo_header_missing_or_bad_and_ids_not_uuids_are_400(api: Api) -> None:
    data = make_jpeg(1)
    r = api.put_photo(new_id(), new_id(), data, sha256="")
    assert r.status_code == 400 and r.json()["reason"] == "missing_sha256"
    r = api.put_photo(new_id(), new_id(), data, sha256="abc")
    assert r.status_code == 400 and r.json()["reason"] == "invalid_sha256"
    r = api.put_photo("not-a-uuid", new_id(), data)
    assert r.status_code == 400 and r.json()["reason"] == "invalid_id"
    r = api.put_photo(new_id(), "..%2F..%2Fetc%2Fpasswd", data)
    assert r.status_code == 400 and r.json()["reason"] == "invalid_id"


def test_photo_hash_mismatch_is_422(api: Api, refserver: RunningServer) -> None:
    iid, pid = new_id(), new_id()
    data = make_jpeg(1)
    r = api.put_photo(iid, pid, data, sha256=sha(b"other"))
    assert r.status_code == 422
    assert r.json()["error"] == "invalid" and r.json()["reason"] == "sha256_mismatch"
    assert refserver.store.count_photos(iid) == 0
    # Upper-case hex is the same hash.
    assert api.put_photo(iid, pid, data, sha256=sha(data).upper()).status_code == 201


def test_photo_not_jpeg_or_png_by_first_bytes_is_415(api: Api) -> None:
    gif = b"GIF89a" + b"\x00" * 100
    r = api.put_photo(new_id(), new_id(), gif, content_type="image/jpeg")
    assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
    assert api.put_photo(new_id(), new_id(), b"", content_type="image/jpeg").status_code == 415
    # A real JPEG is accepted whatever the Content-Type header claims.
    assert (
        api.put_photo(new_id(), new_id(), make_jpeg(4), content_type="text/plain").status_code
        == 201
    )


def test_photo_over_15_000_000_bytes_is_413_and_the_limit_itself_fits(
    api: Api, refserver: RunningServer
) -> None:
    at_limit = b"\xff\xd8\xff\xe0" + b"\x00" * (MAX_PHOTO_BYTES - 4)
    over = at_limit + b"\x00"
    iid = new_id()
    r = api.put_photo(iid, new_id(), over)
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    assert api.put_photo(iid, new_id(), at_limit).status_code == 201
    assert refserver.store.count_photos(iid) == 1
    assert api.get("/health").status_code == 200  # the connection pool is still usable


# --- inspections --------------------------------------------------------------------------------


def _upload(api: Api, iid: str, n: int) -> list[dict[str, Any]]:
    entries = []
    for i in range(n):
        pid, data = new_id(), make_jpeg(10 + i)
        assert api.put_photo(iid, pid, data).status_code == 201
        entries.append(photo_entry(pid, data))
    return entries


def test_inspection_201_and_replays_with_other_key_order_are_200(
    api: Api, refserver: RunningServer
) -> None:
    iid = new_id()
    body = inspection(iid, photos=_upload(api, iid, 2))
    r = api.put_inspection(iid, body)
    assert r.status_code == 201
    first = r.json()
    assert first["inspection_id"] == iid and first["received_at"].endswith("Z")
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=3, ensure_ascii=True)
    for replay in (json.dumps(body).encode(), reordered.encode("utf-8")):
        r = api.put_inspection(iid, replay)
        assert r.status_code == 200
        assert r.json() == first
    assert refserver.store.count_inspections() == 1
    assert refserver.store.get_inspection(iid) == body
    assert refserver.store.get_inspection_station(iid) == STATION
    case = refserver.store.get_case("C-000101")
    assert case is not None and case["status"] == "inspected"  # its only line has a result


def test_same_id_other_payload_is_409_different_payload(api: Api, refserver: RunningServer) -> None:
    iid = new_id()
    body = inspection(iid)
    assert api.put_inspection(iid, body).status_code == 201
    r = api.put_inspection(iid, {**body, "inspector_id": "E9999"})
    assert r.status_code == 409
    assert r.json() == {"error": "conflict", "reason": "different_payload"}
    stored = refserver.store.get_inspection(iid)
    assert stored is not None and stored["inspector_id"] == "E1027"


def test_stored_id_answers_before_case_state(api: Api, refserver: RunningServer) -> None:
    """Order of checks: a stored id answers 200/409 whatever happened to the case since."""
    iid = new_id()
    body = inspection(iid)
    assert api.put_inspection(iid, body).status_code == 201
    refserver.store.set_case_status("C-000101", "closed")
    assert api.put_inspection(iid, body).status_code == 200
    r = api.put_inspection(iid, {**body, "inspector_id": "E9999"})
    assert r.json()["reason"] == "different_payload"
    refserver.store.set_case_status("C-000101", "cancelled")
    assert api.put_inspection(iid, body).status_code == 200


def test_token_before_json_before_shape_before_stored_id(
    api: Api, refserver: RunningServer
) -> None:
    iid = new_id()
    body = inspection(iid)
    assert api.put_inspection(iid, body).status_code == 201
    anon = Api(refserver.url, headers={"X-Station-Id": STATION})
    assert anon.put_inspection(iid, b"{not json").status_code == 401
    anon.close()
    assert api.put_inspection(iid, b"{not json").status_code == 400
    # Shape comes before the stored-id check: a broken replay is 422, not 409.
    r = api.put_inspection(iid, {**body, "classification": "broken"})
    assert r.status_code == 422 and r.json()["reason"] == "invalid_shape"


def test_not_json_is_400(api: Api) -> None:
    iid = new_id()
    for raw in (b"", b"{", b"\xff\xfe{}", b'{"a": NaN}', b"<html>oops</html>"):
        r = api.put_inspection(iid, raw)
        assert r.status_code == 400, raw
        assert r.json() == {"error": "bad_request", "reason": "not_json"}
    assert api.put_inspection("not-a-uuid", inspection(iid)).status_code == 400


def _shape_errors(api: Api, iid: str, body: Any) -> list[str]:
    r = api.put_inspection(iid, body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid" and r.json()["reason"] == "invalid_shape"
    errors = r.json()["errors"]
    assert isinstance(errors, list) and errors
    return [str(e) for e in errors]


def test_shape_errors_name_the_field(api: Api) -> None:
    iid = new_id()
    good = inspection(iid)
    missing = dict(good)
    del missing["disposition"]
    assert _shape_errors(api, iid, missing) == ["disposition: missing"]
    assert _shape_errors(api, iid, [good]) == ["$: expected a JSON object"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"inspection_id": new_id()}, "inspection_id: differs"),
        ({"template_version": "4"}, "template_version"),
        ({"template_version": True}, "template_version"),
        ({"started_at": "2026-11-22T09:11:02+01:00"}, "started_at"),
        ({"completed_at": "2026-13-22T08:15:40Z"}, "completed_at"),
        ({"classification": "broken"}, "classification"),
        ({"disposition": "sell"}, "disposition"),
        ({"classification": "damaged"}, "override_reason: required"),
        ({"classification": "damaged", "override_reason": "  "}, "override_reason: required"),
        ({"answers": [{"step_id": "x", "result": "ok"}]}, "answers[0].result"),
        ({"answers": [{"step_id": "x", "result": "value"}]}, "answers[0].value"),
        ({"answers": [{"step_id": "x", "result": "pass"}] * 2}, "answered twice"),
        ({"case_id": ""}, "case_id"),
        ({"missing_accessories": "cable"}, "missing_accessories"),
        ({"serial_number_scanned": 123}, "serial_number_scanned"),
        ({"station_id": None}, "station_id"),
    ]
    for change, expected in cases:
        errors = _shape_errors(api, iid, {**good, **change})
        assert any(expected in e for e in errors), (change, errors)


def test_shape_of_photo_entries_all_six_fields(api: Api) -> None:
    iid = new_id()
    pid = new_id()
    entry = photo_entry(pid, make_jpeg(1))
    for field in ("photo_id", "sha256", "step_id", "taken_at", "width", "height"):
        partial = {k: v for k, v in entry.items() if k != field}
        errors = _shape_errors(api, iid, inspection(iid, photos=[partial]))
        assert any(e.startswith("photos[0]: missing") and field in e for e in errors), errors
    bad = {**entry, "width": 0, "sha256": "xyz", "photo_id": "p1"}
    errors = _shape_errors(api, iid, inspection(iid, photos=[bad]))
    assert {"photos[0].width", "photos[0].sha256", "photos[0].photo_id"} <= {
        e.split(":")[0] for e in errors
    }
    # An answer may only name photos listed in photos[].
    body = inspection(iid)
    body["answers"][0]["photo_ids"] = [pid]
    assert any("not listed in photos[]" in e for e in _shape_errors(api, iid, body))


def test_null_allowed_only_where_the_contract_says(api: Api, refserver: RunningServer) -> None:
    iid = new_id()
    photos = _upload(api, iid, 1)
    photos[0]["step_id"] = None  # an overview photo not tied to a step
    body = inspection(
        iid,
        case_id="C-000102",
        photos=photos,
        serial_number_scanned=None,
        disposition=None,
        override_reason=None,
    )
    assert api.put_inspection(iid, body).status_code == 201
    assert refserver.store.count_inspections("C-000102") == 1


def test_unknown_case_or_line_is_422(api: Api) -> None:
    iid = new_id()
    r = api.put_inspection(iid, inspection(iid, case_id="C-404"))
    assert r.status_code == 422 and r.json()["reason"] == "unknown_case"
    r = api.put_inspection(iid, inspection(iid, line_id="L9"))
    assert r.status_code == 422 and r.json()["reason"] == "unknown_line"


def test_missing_photos_lists_the_ids_then_succeeds(api: Api, refserver: RunningServer) -> None:
    iid = new_id()
    uploaded = _upload(api, iid, 1)
    data2, data3 = make_jpeg(20), make_png(21)
    pid2, pid3 = new_id(), new_id()
    body = inspection(iid, photos=[*uploaded, photo_entry(pid2, data2), photo_entry(pid3, data3)])
    # A photo stored under another inspection does not count.
    assert api.put_photo(new_id(), pid2, data2).status_code == 201
    r = api.put_inspection(iid, body)
    assert r.status_code == 422
    assert r.json() == {
        "error": "invalid",
        "reason": "missing_photos",
        "missing_photos": [pid2, pid3],
    }
    assert api.put_photo(iid, pid2, data2).status_code == 201
    r = api.put_inspection(iid, body)
    assert r.json()["missing_photos"] == [pid3]
    assert api.put_photo(iid, pid3, data3, content_type="image/png").status_code == 201
    assert api.put_inspection(iid, body).status_code == 201
    assert refserver.store.count_photos(iid) == 3
    for entry, data in zip(body["photos"][1:], (data2, data3), strict=True):
        stored = refserver.store.get_photo(iid, entry["photo_id"])
        assert stored is not None and stored.data == data


def test_declared_hash_differs_from_stored_photo_is_422(api: Api) -> None:
    iid = new_id()
    entries = _upload(api, iid, 1)
    entries[0]["sha256"] = sha(b"something else")
    r = api.put_inspection(iid, inspection(iid, photos=entries))
    assert r.status_code == 422
    assert r.json()["reason"] == "photo_sha256_mismatch"
    assert r.json()["photo_ids"] == [entries[0]["photo_id"]]


def test_closed_and_cancelled_cases_are_409(api: Api) -> None:
    iid = new_id()
    r = api.put_inspection(iid, inspection(iid, case_id="C-000106"))  # seeded closed
    assert r.status_code == 409 and r.json() == {"error": "conflict", "reason": "case_closed"}
    r = api.put_inspection(iid, inspection(iid, case_id="C-000107"))  # seeded cancelled
    assert r.status_code == 409 and r.json()["reason"] == "case_cancelled"


def test_missing_photos_come_before_case_state(api: Api) -> None:
    iid = new_id()
    body = inspection(iid, case_id="C-000106", photos=[photo_entry(new_id(), make_jpeg(1))])
    r = api.put_inspection(iid, body)
    assert r.status_code == 422 and r.json()["reason"] == "missing_photos"


def test_second_result_for_a_line_is_already_inspected(api: Api, refserver: RunningServer) -> None:
    first, second = new_id(), new_id()
    assert api.put_inspection(first, inspection(first)).status_code == 201
    r = api.put_inspection(second, inspection(second))
    assert r.status_code == 409 and r.json()["reason"] == "already_inspected"
    assert refserver.store.inspection_ids() == [first]


def test_two_line_case_is_inspected_when_both_lines_have_results(
    api: Api, refserver: RunningServer
) -> None:
    a, b = new_id(), new_id()
    assert api.put_inspection(a, inspection(a, case_id="C-000103", line_id="L1")).status_code == 201
    case = refserver.store.get_case("C-000103")
    assert case is not None and case["status"] == "awaiting_inspection"
    assert api.put_inspection(b, inspection(b, case_id="C-000103", line_id="L2")).status_code == 201
    case = refserver.store.get_case("C-000103")
    assert case is not None and case["status"] == "inspected"
    assert refserver.store.count_inspections("C-000103") == 2


def test_racing_stations_on_one_line_store_exactly_one(refserver: RunningServer) -> None:
    ids = [new_id() for _ in range(8)]
    statuses: list[int] = []
    lock = threading.Lock()

    def send(iid: str) -> None:
        client = Api(refserver.url)
        code = client.put_inspection(iid, inspection(iid, case_id="C-000109")).status_code
        client.close()
        with lock:
            statuses.append(code)

    threads = [threading.Thread(target=send, args=(iid,)) for iid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(statuses) == [201] + [409] * 7
    assert refserver.store.count_inspections("C-000109") == 1


def test_inspection_stays_after_restart_and_replays_200(tmp_path: Path) -> None:
    iid = new_id()
    with start_test_server(tmp_path) as server:
        client = Api(server.url)
        pid, data = new_id(), make_jpeg(5)
        assert client.put_photo(iid, pid, data).status_code == 201
        body = inspection(iid, photos=[photo_entry(pid, data)])
        assert client.put_inspection(iid, body).status_code == 201
        client.close()
    with start_test_server(tmp_path) as server:
        client = Api(server.url)
        assert client.put_inspection(iid, body).status_code == 200
        assert client.put_photo(iid, pid, data).status_code == 200
        client.close()
        assert server.store.count_inspections() == 1
        assert server.store.case_ids() == sorted(c["case_id"] for c in DEMO_CASES)  # no duplicates
        stored = server.store.get_photo(iid, pid)
        assert stored is not None and stored.data == data


# --- fault switches (for the sync fault tests) ----------------------------------------------------


def test_drop_after_commit_then_replay_is_200(api: Api, refserver: RunningServer) -> None:
    iid = new_id()
    body = inspection(iid)
    refserver.faults.drop_after = lambda method, path, status: method == "PUT" and status == 201
    try:
        api.put_inspection(iid, body)
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("the connection should have been dropped before the answer")
    refserver.faults.drop_after = None
    assert refserver.store.count_inspections() == 1  # committed although never answered
    assert api.put_inspection(iid, body).status_code == 200


def test_before_hook_answers_instead_of_the_server(api: Api, refserver: RunningServer) -> None:
    refserver.faults.before = lambda method, path: (
        Reply(503, {"Retry-After": "2"}, b"<html>busy</html>") if path.endswith("/health") else None
    )
    r = api.get("/health")
    assert r.status_code == 503 and r.headers["Retry-After"] == "2" and r.text.startswith("<html>")
    assert api.get("/checklists").status_code == 200
    refserver.faults.before = None
    assert api.get("/health").status_code == 200


def test_stop_returns_with_an_idle_keep_alive_connection_open(tmp_path: Path) -> None:
    server = start_test_server(tmp_path)
    client = Api(server.url)
    assert client.get("/health").status_code == 200  # leaves a pooled connection open
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 5
    try:
        client.get("/health")
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("a stopped server must not answer")
    finally:
        client.close()
