"""Demo cases of the reference server are realistic and cover what the demo needs; the CLI runs."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from stdnum import imei

from refserver import DEMO_CASES, demo_case_documents
from refserver.demo_cases import DEMO_AMBIGUOUS_ORDER_ID, ups_complete

CATEGORIES = {"audio", "phones_tablets", "kitchen_appliances", "apparel_shoes"}


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def test_every_checklist_category_and_an_unknown_one_are_covered() -> None:
    categories = {item["category"] for case in DEMO_CASES for item in case["items"]}
    assert categories >= CATEGORIES
    assert categories - CATEGORIES - {"generic"}, "no case exercises the generic fallback"


def test_identifiers_have_the_site_formats() -> None:
    rmas = [c["rma"] for c in DEMO_CASES]
    assert len(set(rmas)) == len(rmas)
    assert all(re.fullmatch(r"RMA-2026-\d{7}", r) for r in rmas)
    assert all(re.fullmatch(r"SO-\d{5}", c["order_id"]) for c in DEMO_CASES)
    tracking = [t for c in DEMO_CASES for t in c["tracking_numbers"]]
    assert len(set(tracking)) == len(tracking)
    assert any(re.fullmatch(r"SF\d{13}", t) for t in tracking)
    assert any(re.fullmatch(r"JDVA\d+", t) for t in tracking)
    ups = [t for t in tracking if t.startswith("1Z")]
    assert ups and all(len(t) == 18 and ups_complete(t[2:17]) == t for t in ups)
    assert all(re.fullmatch(r"SF\d{13}|JDVA\d{11}|1Z[0-9A-Z]{16}", t) for t in tracking), tracking


def test_ups_check_digit_matches_the_published_sample() -> None:
    assert ups_complete("999AA1012345678") == "1Z999AA10123456784"


def test_phones_carry_a_valid_imei_as_serial_number() -> None:
    phones = [
        item
        for case in DEMO_CASES
        for item in case["items"]
        if item["category"] == "phones_tablets" and "TabPro" not in item["title"]
    ]
    assert len(phones) >= 2
    for item in phones:
        assert len(item["serial_number"]) == 15 and imei.is_valid(item["serial_number"])


def test_demo_covers_ambiguity_two_lines_closed_cancelled_and_chinese() -> None:
    by_order = [c for c in DEMO_CASES if c["order_id"] == DEMO_AMBIGUOUS_ORDER_ID]
    assert len(by_order) == 2
    assert any(len(c["items"]) == 2 for c in DEMO_CASES)
    statuses = [c["status"] for c in DEMO_CASES]
    assert statuses.count("closed") == 1 and statuses.count("cancelled") == 1
    han = re.compile(r"[\u4e00-\u9fff]")
    assert any(han.search(item["title"]) for c in DEMO_CASES for item in c["items"])
    assert any(han.search(c["customer_comment"]) for c in DEMO_CASES)
    assert any("左耳有杂音" in c["customer_comment"] for c in DEMO_CASES)


def test_deadlines_are_received_plus_24h_some_overdue_some_not() -> None:
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    docs = demo_case_documents(now)
    assert [d["rma"] for d in docs] == [c["rma"] for c in DEMO_CASES]
    for doc in docs:
        assert _parse(doc["inspect_by"]) - _parse(doc["received_at"]) == timedelta(hours=24)
        assert "received_hours_ago" not in doc
    open_docs = [d for d in docs if d["status"] == "awaiting_inspection"]
    overdue = [d for d in open_docs if _parse(d["inspect_by"]) < now]
    assert overdue and len(overdue) < len(open_docs)


def test_cli_starts_prints_base_url_and_serves(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "refserver", "--port", "0", "--db", str(db), "--token", "t1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()  # printed once the port is bound
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/v1", url), url
        headers = {"Authorization": "Bearer t1", "X-Station-Id": "B1"}
        r = requests.get(
            f"{url}/cases/lookup", params={"code": "rma-2026-0001235"}, headers=headers, timeout=5
        )
        assert r.status_code == 200 and r.json()["case_id"] == "C-000102"
        bad = {"Authorization": "Bearer demo-token", "X-Station-Id": "B1"}
        assert requests.get(f"{url}/health", headers=bad, timeout=5).status_code == 401
    finally:
        proc.terminate()
        proc.communicate(timeout=10)  # waits, and closes both pipes
        assert proc.returncode == 0
    assert db.exists()
    assert (tmp_path / "demo-photos").is_dir()


def test_cli_no_seed_starts_empty(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "refserver",
            "--port",
            "0",
            "--db",
            str(tmp_path / "e.db"),
            "--no-seed",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        headers = {"Authorization": "Bearer demo-token", "X-Station-Id": "B1"}
        r = requests.get(
            f"{url}/cases/lookup", params={"code": DEMO_CASES[0]["rma"]}, headers=headers, timeout=5
        )
        assert r.status_code == 404
    finally:
        proc.terminate()
        proc.communicate(timeout=10)  # waits, and closes both pipes
        assert proc.returncode == 0
