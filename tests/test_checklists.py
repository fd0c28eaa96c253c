"""Checklist templates: the shipped ones load, broken ones are refused with a useful message."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.checklists import (
    DEFAULT_TEMPLATE_DIR,
    TemplateError,
    load_template_file,
    load_templates,
    merge_expected_accessories,
    template_for,
    template_from_api,
    template_to_dict,
    templates_from_api,
)
from app.domain import Section, StepKind
from app.messages import Both

DATA = Path(__file__).parent / "data" / "checklists"
BASE_FILE = DATA / "audio_v4.json"
SHIPPED_CATEGORIES = {"audio", "phones_tablets", "kitchen_appliances", "apparel_shoes", "generic"}


def base() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BASE_FILE.read_text("utf-8"))
    return data


def write(tmp_path: Path, data: Any, name: str = "broken.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def steps_of(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    for s in data["sections"]:
        if s["section"] == section:
            steps: list[dict[str, Any]] = s["steps"]
            return steps
    raise KeyError(section)


def step_of(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    for s in data["sections"]:
        for st in s["steps"]:
            if st["step_id"] == step_id:
                found: dict[str, Any] = st
                return found
    raise KeyError(step_id)


# --- shipped templates ------------------------------------------------------------------------


def test_every_shipped_template_loads() -> None:
    templates = load_templates(DEFAULT_TEMPLATE_DIR)
    assert set(templates) == SHIPPED_CATEGORIES
    kinds = set()
    for category, t in templates.items():
        assert t.template_id == category
        assert t.title.zh != t.title.en, category  # both languages, really
        assert 5 <= len(t.steps) <= 10, category
        assert all(s.prompt.zh != s.prompt.en for s in t.steps), category
        # Walking order: sections never go back.
        order = [list(Section).index(s.section) for s in t.steps]
        assert order == sorted(order), category
        assert {s.section for s in t.steps} == set(Section), category
        assert any(s.photo_on_fail for s in t.steps if s.section is Section.APPEARANCE)
        kinds |= {s.kind for s in t.steps}
    assert kinds == set(StepKind)
    phone = templates["phones_tablets"]
    assert phone.step("app-imei").capture == "imei"
    battery = phone.step("fn-battery")
    assert (battery.kind, battery.min, battery.max, battery.unit) == (StepKind.NUMBER, 80, 100, "%")
    grade = templates["apparel_shoes"].step("app-grade")
    assert grade.kind is StepKind.CHOICE and set(grade.fail_options) < set(grade.options)


def test_steps_are_flattened_in_walking_order_whatever_the_file_order(tmp_path: Path) -> None:
    data = base()
    data["sections"].reverse()
    t = load_template_file(write(tmp_path, data, "reordered.json"))
    sections = [s.section for s in t.steps]
    assert sections == sorted(sections, key=list(Section).index)
    assert t.steps[0].step_id == "app-serial" and t.steps[-1].step_id == "acc-case"
    assert t.step("fn-power").section is Section.FUNCTION
    assert t.version == 4


# --- broken templates -------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _set(step_id: str, key: str, value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        step_of(d, step_id)[key] = value

    return mutate


def _dup_id(d: dict[str, Any]) -> None:
    steps_of(d, "function")[1]["step_id"] = "fn-power"


def _unknown_section(d: dict[str, Any]) -> None:
    d["sections"][1]["section"] = "packaging"


def _dup_section(d: dict[str, Any]) -> None:
    d["sections"].append(copy.deepcopy(d["sections"][0]))


def _choice_without_options(d: dict[str, Any]) -> None:
    step_of(d, "fn-sound").update(kind="choice")


def _number_min_gt_max(d: dict[str, Any]) -> None:
    step_of(d, "fn-sound").update(kind="number", min=10, max=5)


def _no_steps(d: dict[str, Any]) -> None:
    for s in d["sections"]:
        s["steps"] = []


def _fail_option_unknown(d: dict[str, Any]) -> None:
    step_of(d, "fn-sound").update(kind="choice", options=["ok", "noisy"], fail_options=["dead"])


def _dup_accessory(d: dict[str, Any]) -> None:
    step_of(d, "acc-case")["accessory"] = " Charging Cable "


BROKEN: list[tuple[str, Mutation, list[str]]] = [
    ("duplicate step id", _dup_id, ["step 'fn-power'", "function step 2", "duplicate step id"]),
    ("unknown kind", _set("fn-mic", "kind", "slider"), ["step 'fn-mic'", "unknown kind 'slider'"]),
    ("unknown section", _unknown_section, ["section #2", "unknown section 'packaging'"]),
    ("duplicate section", _dup_section, ["section #4", "'appearance' appears twice"]),
    ("choice without options", _choice_without_options, ["step 'fn-sound'", "'options'"]),
    ("number min > max", _number_min_gt_max, ["step 'fn-sound'", "'min' (10) is greater"]),
    ("version is a string", lambda d: d.update(version="4"), ["template", "'version'", "integer"]),
    ("version is a float", lambda d: d.update(version=4.0), ["'version' must be an integer"]),
    ("version is a bool", lambda d: d.update(version=True), ["'version' must be an integer"]),
    ("required not bool", _set("fn-mic", "required", "yes"), ["step 'fn-mic'", "true or false"]),
    (
        "prompt not text",
        _set("fn-mic", "prompt", 5),
        ["step 'fn-mic'", "'prompt' must be a map of both languages"],
    ),
    # texts shown to people: a map with both languages (15.3)
    (
        "prompt a plain string",
        _set("fn-mic", "prompt", "Microphone works"),
        ["step 'fn-mic'", "'prompt' must be a map of both languages", '"zh_CN"', "not str"],
    ),
    (
        "prompt without Chinese",
        _set("fn-mic", "prompt", {"en": "Microphone works"}),
        ["step 'fn-mic'", "'prompt' has no Chinese text ('zh_CN')"],
    ),
    (
        "prompt without English",
        _set("fn-mic", "prompt", {"zh_CN": "麦克风正常"}),
        ["step 'fn-mic'", "'prompt' has no English text ('en')"],
    ),
    (
        "prompt with an empty Chinese text",
        _set("fn-mic", "prompt", {"en": "Microphone works", "zh_CN": "  "}),
        ["step 'fn-mic'", "'prompt.zh_CN' is empty"],
    ),
    (
        "prompt in an unknown language",
        _set("fn-mic", "prompt", {"en": "Microphone works", "zh_CN": "麦克风正常", "de": "x"}),
        ["step 'fn-mic'", "unknown language 'de'"],
    ),
    (
        "failed without Chinese",
        _set("fn-mic", "failed", {"en": "Microphone silent"}),
        ["step 'fn-mic'", "'failed' has no Chinese text"],
    ),
    (
        "the old prompt_zh field",
        _set("fn-mic", "prompt_zh", "麦克风正常"),
        ["step 'fn-mic'", "'prompt_zh' is no longer used: write 'prompt' as"],
    ),
    (
        "title without Chinese",
        lambda d: d.update(title={"en": "Audio"}),
        ["template: 'title' has no Chinese text"],
    ),
    (
        "the old title_zh field",
        lambda d: d.update(title_zh="音频"),
        ["template: 'title_zh' is no longer used"],
    ),
    ("prompt missing", _set("fn-mic", "prompt", None), ["step 'fn-mic'", "'prompt' is missing"]),
    ("options not list", _set("fn-mic", "options", "a,b"), ["step 'fn-mic'", "list of strings"]),
    ("min not number", _set("fn-mic", "min", "1"), ["step 'fn-mic'", "'min' must be a finite"]),
    (
        "max beyond any float",  # an int float() cannot hold: OverflowError, not a message
        lambda d: step_of(d, "fn-sound").update(kind="number", max=10**400),
        ["step 'fn-sound'", "'max' must be a finite number"],
    ),
    ("unknown key", _set("fn-mic", "photo_on_fial", True), ["step 'fn-mic'", "'photo_on_fial'"]),
    ("unsafe step id", _set("fn-mic", "step_id", "../x"), ["function step 3", "not a valid id"]),
    ("step id not text", _set("fn-mic", "step_id", 7), ["function step 3", "must be a string"]),
    ("fail option unknown", _fail_option_unknown, ["step 'fn-sound'", "'dead', not an option"]),
    ("capture on pass_fail", _set("fn-mic", "capture", "serial"), ["needs a text step"]),
    ("capture unknown", _set("app-serial", "capture", "mac"), ["unknown capture 'mac'"]),
    ("photo_on_fail on text", _set("app-serial", "photo_on_fail", True), ["can never fail"]),
    (
        "accessory outside",
        _set("fn-mic", "accessory", "cable"),
        ["only allowed in the accessories"],
    ),
    ("min on pass_fail", _set("fn-mic", "min", 1), ["'min' only applies to number steps"]),
    ("options on text", _set("app-serial", "options", ["a", "b"]), ["only apply to choice"]),
    ("duplicate accessory", _dup_accessory, ["step 'acc-case'", "already checked by step"]),
    ("no steps", _no_steps, ["the template has no steps"]),
    ("sections not list", lambda d: d.update(sections={}), ["'sections' must be a non-empty"]),
    ("steps not list", lambda d: d["sections"][0].update(steps={}), ["'appearance'", "list"]),
    ("step not object", lambda d: d["sections"][0]["steps"].append(3), ["appearance step 5"]),
    ("bad template id", lambda d: d.update(template_id="a b"), ["'template_id'", "valid id"]),
    ("top-level unknown", lambda d: d.update(colour="red"), ["template", "'colour'"]),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_broken_template_is_refused_naming_file_step_and_problem(
    tmp_path: Path, mutate: Mutation, expected: list[str]
) -> None:
    data = base()
    mutate(data)
    with pytest.raises(TemplateError) as info:
        load_template_file(write(tmp_path, data, "audio_site.json"))
    message = str(info.value)
    assert message.startswith("audio_site.json: ")
    for part in expected:
        assert part in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"template_id": "audio",, "version": 1}', "not valid JSON: Expecting property name"),
        (b'{"template_id": "a", "template_id": "b"}', "duplicate key 'template_id'"),
        (b'{"template_id": "a", "version": NaN}', "NaN is not allowed"),
        (b"[1, 2]", "must be a JSON object, not list"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"", "not valid JSON"),
        (b"[" * 200_000 + b"]" * 200_000, "not valid JSON: nested too deeply"),
    ],
    ids=["syntax", "duplicate key", "nan", "array", "not utf-8", "empty", "deep nesting"],
)
def test_unreadable_template_file_is_refused(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(TemplateError, match=r"^bad\.json: ") as info:
        load_template_file(path)
    assert expected in str(info.value)


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "template_id": "audio",\n  "version": 1,\n}\n', "utf-8")
    with pytest.raises(TemplateError, match=r"line 4 column 1"):
        load_template_file(path)


def test_a_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + BASE_FILE.read_bytes())
    assert load_template_file(path).template_id == "audio"


def test_one_broken_file_refuses_the_folder_and_is_named(tmp_path: Path) -> None:
    write(tmp_path, base(), "audio.json")
    broken = base()
    broken.update(category="phones_tablets")
    _dup_id(broken)
    write(tmp_path, broken, "phones.json")
    with pytest.raises(TemplateError, match=r"^phones.json: step 'fn-power'.*duplicate step id"):
        load_templates(tmp_path)


def test_two_files_for_one_category_are_refused(tmp_path: Path) -> None:
    write(tmp_path, base(), "a.json")
    other = base()
    other["template_id"] = "audio-b"
    other["category"] = "AUDIO"
    write(tmp_path, other, "b.json")
    with pytest.raises(TemplateError, match=r"^b.json: .*'audio' is already defined by a.json"):
        load_templates(tmp_path)


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="does not exist"):
        load_templates(tmp_path / "nope")


# --- choosing a template ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "template_id"),
    [
        ("audio", "audio"),
        (" Phones_Tablets ", "phones_tablets"),
        ("furniture", "generic"),
        ("", "generic"),
    ],
)
def test_template_for_falls_back_to_generic(category: str, template_id: str) -> None:
    templates = load_templates()
    assert template_for(templates, category).template_id == template_id


def test_template_for_without_generic_is_an_error() -> None:
    templates = load_templates()
    del templates["generic"]
    with pytest.raises(TemplateError, match="no template for category 'furniture'"):
        template_for(templates, "furniture")


# --- expected accessories ---------------------------------------------------------------------


def test_merge_adds_only_uncovered_accessories_with_safe_ids() -> None:
    audio = load_template_file(BASE_FILE)
    merged = merge_expected_accessories(
        audio,
        [" Charging  CABLE ", "carry case", "user manual", "User Manual", "", "../../etc/passwd"],
    )
    added = merged.steps[len(audio.steps) :]
    assert [s.step_id for s in added] == ["acc-exp-1", "acc-exp-2"]
    manual, odd = added
    assert (manual.prompt, manual.accessory) == (
        Both("user manual present", "user manual 齐全"),
        "user manual",
    )
    assert manual.kind is StepKind.PASS_FAIL and manual.required
    assert manual.section is Section.ACCESSORIES
    assert odd.accessory == "../../etc/passwd" and odd.step_id == "acc-exp-2"
    # Unchanged identity, and the original steps come first in the same order.
    assert (merged.template_id, merged.version) == (audio.template_id, audio.version)
    assert merged.steps[: len(audio.steps)] == audio.steps
    assert merged.title == audio.title


def test_merge_is_deterministic_idempotent_and_skips_used_ids() -> None:
    data = base()
    steps_of(data, "accessories").append(
        {
            "step_id": "acc-exp-1",
            "prompt": "Strap present",
            "kind": "pass_fail",
            "accessory": "strap",
        }
    )
    t = template_from_api(data)
    expected = ["user manual", "ear tips", "Strap"]
    once = merge_expected_accessories(t, expected)
    assert [s.step_id for s in once.steps[-2:]] == ["acc-exp-2", "acc-exp-3"]
    assert merge_expected_accessories(t, expected) == once
    assert merge_expected_accessories(once, expected) == once
    assert merge_expected_accessories(t, []) is t


def test_merge_strips_control_characters_from_accessory_text() -> None:
    t = load_template_file(BASE_FILE)
    merged = merge_expected_accessories(t, ["ear\ntips\x00", "x" * 500])
    assert merged.steps[-2].accessory == "ear tips"
    assert len(merged.steps[-1].prompt.en) <= 130


# --- templates from the server ----------------------------------------------------------------


def test_server_template_ignores_unknown_keys_but_validates_the_rest() -> None:
    data = base()
    data["colour"] = "red"
    step_of(data, "fn-mic")["future_field"] = 1
    assert template_from_api(data).step("fn-mic").prompt
    _dup_id(data)
    with pytest.raises(TemplateError, match=r"^server: step 'fn-power'.*duplicate step id"):
        template_from_api(data)


def test_server_template_may_send_the_contract_s_plain_strings() -> None:
    """The contract's prompt is a string: both languages show it; a map is read as in files."""
    data = base()
    step_of(data, "fn-mic")["prompt"] = "Microphone works"
    data["title"] = "Audio"
    t = template_from_api(data)
    assert t.step("fn-mic").prompt == Both("Microphone works", "Microphone works")
    assert t.title == Both("Audio", "Audio")
    assert t.step("fn-power").prompt.zh == "可开机并能与测试手机蓝牙配对"
    step_of(data, "fn-mic")["prompt"] = {"en": "Microphone works"}
    with pytest.raises(TemplateError, match=r"^server: step 'fn-mic'.*has no Chinese text"):
        template_from_api(data)


def test_server_sends_every_field_with_nulls() -> None:
    data = base()
    for s in data["sections"]:
        for st in s["steps"]:
            for key in ("accessory", "options", "min", "max", "unit", "capture"):
                st.setdefault(key, None)
    assert template_from_api(data) == load_template_file(BASE_FILE)


def test_templates_from_api_keeps_the_good_ones() -> None:
    good = base()
    bad = base()
    bad["category"] = "phones_tablets"
    bad["version"] = "2"
    templates, errors = templates_from_api([good, bad, good])
    assert set(templates) == {"audio"}
    assert [str(e).split(":")[0] for e in errors] == ["server (template 2)", "server (template 3)"]
    assert "integer" in str(errors[0]) and "appears twice" in str(errors[1])
    assert templates_from_api({"templates": []})[0] == {}


def test_server_template_with_a_huge_number_is_refused_not_a_crash() -> None:
    bad = base()
    step_of(bad, "fn-sound").update(kind="number", min=-(10**400))
    templates, errors = templates_from_api([bad])
    assert templates == {}
    assert "'min' must be a finite number" in str(errors[0])


def test_to_dict_round_trips_every_shipped_template() -> None:
    for t in load_templates().values():
        merged = merge_expected_accessories(t, ["spare fuse"])
        again = template_from_api(json.loads(json.dumps(template_to_dict(merged))))
        assert again == merged


def test_a_failed_step_says_what_was_found() -> None:
    """"Because:" wording: the template's own failure words, else derived from the prompt."""
    from app.checklists import failure_text
    from app.domain import Answer, Result

    phone = load_templates(DEFAULT_TEMPLATE_DIR)["phones_tablets"]
    lock = phone.step("fn-lock")
    assert failure_text(lock, "en").startswith("Account / activation lock NOT removed")
    assert failure_text(lock, "zh_CN").startswith("账户锁/激活锁未解除")
    battery = phone.step("fn-battery")
    reading = Answer("fn-battery", Result.VALUE, value=72)
    assert failure_text(battery, "en", reading) == (
        f"{battery.prompt.en}: 72 %, outside the accepted range")
    assert failure_text(battery, "zh_CN", reading) == f"{battery.prompt.zh}：72 %，超出合格范围"
    screen = phone.step("app-screen")
    assert failure_text(screen, "en") == f"NOT OK: {screen.prompt.en}"
    assert failure_text(screen, "zh_CN") == f"不合格：{screen.prompt.zh}"
