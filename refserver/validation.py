"""Shape checks for an inspection result, as the contract describes it (422 `invalid_shape`).

Every problem is reported as `"<field path>: <what is wrong>"` so a person
reading the station's needs-attention list knows what to fix. Step-kind rules
(which result a `number` step may give) are not checked: the server may not
know the template version the station used.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, TypeGuard

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")
# RFC 3339 date-time in UTC: `Z` (either case) or a zero offset.
UTC_TS_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|\+00:00)$"
)

RESULTS = ("pass", "fail", "na", "value")
CLASSIFICATIONS = ("intact", "damaged", "missing_parts")
DISPOSITIONS = ("restock", "refurbish", "return_to_vendor", "scrap")
MAX_ERRORS = 50

_REQUIRED = (
    "inspection_id",
    "case_id",
    "line_id",
    "station_id",
    "inspector_id",
    "started_at",
    "completed_at",
    "template_id",
    "template_version",
    "answers",
    "serial_number_scanned",
    "classification",
    "classification_suggested",
    "override_reason",
    "missing_accessories",
    "disposition",
    "photos",
    "client_version",
)
_PHOTO_FIELDS = ("photo_id", "sha256", "step_id", "taken_at", "width", "height")


def is_uuid(text: object) -> bool:
    return isinstance(text, str) and UUID_RE.match(text) is not None


def is_utc_timestamp(text: object) -> bool:
    """RFC 3339, UTC, and a real calendar moment (no month 13, no 25 o'clock)."""
    if not isinstance(text, str):
        return False
    m = UTC_TS_RE.match(text)
    if m is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    try:
        datetime(year, month, day, hour, minute, min(second, 59))  # 60: leap second
    except ValueError:
        return False
    return second <= 60


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: object) -> TypeGuard[str]:
    """A non-empty string (white space alone does not count)."""
    return isinstance(value, str) and value.strip() != ""


def validate_inspection(payload: Any, path_id: str) -> list[str]:
    """Return the shape problems of an inspection result (empty list: well-formed)."""
    errors: list[str] = []
    if not isinstance(payload, dict):
        return ["$: expected a JSON object"]
    for key in _REQUIRED:
        if key not in payload:
            errors.append(f"{key}: missing")
    if errors:
        return errors

    _check_identity(payload, path_id, errors)
    _check_verdict(payload, errors)
    photo_ids = _check_photos(payload["photos"], errors)
    _check_answers(payload["answers"], photo_ids, errors)
    return errors[:MAX_ERRORS]


def _check_identity(payload: dict[str, Any], path_id: str, errors: list[str]) -> None:
    """Ids, times, versions and the scanned serial: who inspected what, and when."""
    iid = payload["inspection_id"]
    if not is_uuid(iid):
        errors.append("inspection_id: expected a UUID")
    elif iid.lower() != path_id.lower():
        errors.append("inspection_id: differs from the id in the path")
    for key in ("case_id", "line_id", "station_id", "inspector_id", "template_id"):
        if not _text(payload[key]):
            errors.append(f"{key}: expected a non-empty string")
    if not _text(payload["client_version"]):
        errors.append("client_version: expected a non-empty string")
    for key in ("started_at", "completed_at"):
        if not is_utc_timestamp(payload[key]):
            errors.append(f"{key}: expected an RFC 3339 UTC timestamp like 2026-11-22T08:15:00Z")
    version = payload["template_version"]
    if not _is_int(version) or version < 0:
        errors.append("template_version: expected a non-negative integer")
    serial = payload["serial_number_scanned"]
    if serial is not None and not isinstance(serial, str):
        errors.append("serial_number_scanned: expected a string or null")


def _check_verdict(payload: dict[str, Any], errors: list[str]) -> None:
    """Classification, override reason, disposition and missing accessories."""
    for key in ("classification", "classification_suggested"):
        if payload[key] not in CLASSIFICATIONS:
            errors.append(f"{key}: expected one of {', '.join(CLASSIFICATIONS)}")
    override = payload["override_reason"]
    if override is not None and not isinstance(override, str):
        errors.append("override_reason: expected a string or null")
    elif payload["classification"] != payload["classification_suggested"] and not _text(override):
        errors.append("override_reason: required when classification differs from the suggestion")
    disposition = payload["disposition"]
    if disposition is not None and disposition not in DISPOSITIONS:
        errors.append(f"disposition: expected null or one of {', '.join(DISPOSITIONS)}")
    missing_acc = payload["missing_accessories"]
    if not isinstance(missing_acc, list) or not all(isinstance(a, str) for a in missing_acc):
        errors.append("missing_accessories: expected a list of strings")


def _check_photos(photos: object, errors: list[str]) -> set[str] | None:
    """Check photos[]; return the declared ids (lower case), None when photos[] is unusable."""
    if not isinstance(photos, list):
        errors.append("photos: expected a list")
        return None
    seen: set[str] = set()
    for i, photo in enumerate(photos):
        where = f"photos[{i}]"
        if not isinstance(photo, dict):
            errors.append(f"{where}: expected an object")
            continue
        absent = [f for f in _PHOTO_FIELDS if f not in photo]
        if absent:
            errors.append(f"{where}: missing {', '.join(absent)}")
            continue
        pid = photo["photo_id"]
        if not is_uuid(pid):
            errors.append(f"{where}.photo_id: expected a UUID")
        elif pid.lower() in seen:
            errors.append(f"{where}.photo_id: listed twice")
        else:
            seen.add(pid.lower())
        if not isinstance(photo["sha256"], str) or not SHA256_RE.match(photo["sha256"]):
            errors.append(f"{where}.sha256: expected 64 hex digits")
        # A photo not tied to a step (an overview shot) carries step_id null.
        if photo["step_id"] is not None and not _text(photo["step_id"]):
            errors.append(f"{where}.step_id: expected a step id or null")
        if not is_utc_timestamp(photo["taken_at"]):
            errors.append(f"{where}.taken_at: expected an RFC 3339 UTC timestamp")
        for dim in ("width", "height"):
            if not _is_int(photo[dim]) or photo[dim] <= 0:
                errors.append(f"{where}.{dim}: expected a positive integer")
    return seen


def _check_answers(answers: object, photo_ids: set[str] | None, errors: list[str]) -> None:
    if not isinstance(answers, list):
        errors.append("answers: expected a list")
        return
    steps: set[str] = set()
    for i, answer in enumerate(answers):
        where = f"answers[{i}]"
        if not isinstance(answer, dict):
            errors.append(f"{where}: expected an object")
            continue
        step_id = answer.get("step_id")
        if not _text(step_id):
            errors.append(f"{where}.step_id: expected a non-empty string")
        elif step_id in steps:
            errors.append(f"{where}.step_id: {step_id!r} answered twice")
        else:
            steps.add(step_id)
        result = answer.get("result")
        if result not in RESULTS:
            errors.append(f"{where}.result: expected one of {', '.join(RESULTS)}")
        elif result == "value":
            value = answer.get("value")
            if not (_is_number(value) or isinstance(value, str)):
                errors.append(f"{where}.value: a `value` result needs a number or a string")
        note = answer.get("note")
        if note is not None and not isinstance(note, str):
            errors.append(f"{where}.note: expected a string")
        if "weight" in answer:
            _check_weight(answer["weight"], f"{where}.weight", errors)
        if "photo_ids" in answer:
            ids = answer["photo_ids"]
            if not isinstance(ids, list):
                errors.append(f"{where}.photo_ids: expected a list of UUIDs")
                continue
            for j, pid in enumerate(ids):
                if not is_uuid(pid):
                    errors.append(f"{where}.photo_ids[{j}]: expected a UUID")
                elif photo_ids is not None and pid.lower() not in photo_ids:
                    errors.append(f"{where}.photo_ids[{j}]: not listed in photos[]")


WEIGHT_SOURCES = ("scale", "typed")
WEIGHT_VERDICTS = ("pass", "fail", "not_compared")


def _check_weight(weight: object, where: str, errors: list[str]) -> None:
    """The optional weight-check record of an answer (case-api.md, "Bench checks")."""
    if not isinstance(weight, dict):
        errors.append(f"{where}: expected an object")
        return
    if not _is_number(weight.get("reading_g")):
        errors.append(f"{where}.reading_g: expected a number of grams")
    if weight.get("source") not in WEIGHT_SOURCES:
        errors.append(f"{where}.source: expected one of {', '.join(WEIGHT_SOURCES)}")
    if weight.get("verdict") not in WEIGHT_VERDICTS:
        errors.append(f"{where}.verdict: expected one of {', '.join(WEIGHT_VERDICTS)}")
    expected = weight.get("expected_g")
    if expected is not None and not _is_number(expected):
        errors.append(f"{where}.expected_g: expected a number or null")
