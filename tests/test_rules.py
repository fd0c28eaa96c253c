"""Classification and disposition rules, the override rule, and the disposition table."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.checklists import load_template_file, template_from_api
from app.domain import (
    Answer,
    ChecklistTemplate,
    Classification,
    CustomerReason,
    Disposition,
    DomainError,
    Result,
    Section,
    StepKind,
)
from app.rules import (
    DEFAULT_RULES_PATH,
    DispositionRules,
    RulesError,
    check_override,
    classify,
    step_failed,
    suggest,
)
from app.wizard import Wizard

DATA = Path(__file__).parent / "data" / "checklists"
C = Classification
D = Disposition
R = CustomerReason


@pytest.fixture(scope="module")
def rules() -> DispositionRules:
    return DispositionRules.load(DATA / "dispositions.toml")


def mixed_template() -> ChecklistTemplate:
    """One step of every kind in every section that allows it."""
    return template_from_api(
        {
            "template_id": "mixed",
            "version": 1,
            "category": "audio",
            "sections": [
                {
                    "section": "accessories",
                    "steps": [
                        {
                            "step_id": "a-cable",
                            "prompt": "Cable present",
                            "kind": "pass_fail",
                            "accessory": "charging cable",
                        },
                        {
                            "step_id": "a-box",
                            "prompt": "Box and inserts present",
                            "kind": "pass_fail",
                        },
                        {
                            "step_id": "a-count",
                            "prompt": "Ear tips count",
                            "kind": "number",
                            "min": 3,
                            "max": 3,
                        },
                    ],
                },
                {
                    "section": "appearance",
                    "steps": [
                        {
                            "step_id": "p-shell",
                            "prompt": "Shell",
                            "kind": "pass_fail",
                            "photo_on_fail": True,
                        },
                        {
                            "step_id": "p-grade",
                            "prompt": "Grade",
                            "kind": "choice",
                            "options": ["A", "B", "C"],
                            "fail_options": ["C"],
                        },
                        {"step_id": "p-photo", "prompt": "Overview", "kind": "photo"},
                        {
                            "step_id": "p-serial",
                            "prompt": "Serial",
                            "kind": "text",
                            "capture": "serial",
                        },
                    ],
                },
                {
                    "section": "function",
                    "steps": [
                        {
                            "step_id": "f-battery",
                            "prompt": "Battery",
                            "kind": "number",
                            "min": 80,
                            "max": 100,
                            "unit": "%",
                        },
                        {"step_id": "f-low", "prompt": "Noise", "kind": "number", "max": 30},
                        {"step_id": "f-power", "prompt": "Power", "kind": "pass_fail"},
                    ],
                },
            ],
        }
    )


def ans(step_id: str, result: str, value: float | str | None = None) -> Answer:
    return Answer(step_id=step_id, result=Result(result), value=value)


# --- failed steps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step_id", "result", "value", "failed"),
    [
        ("p-shell", "pass", None, False),
        ("p-shell", "fail", None, True),
        ("p-shell", "na", None, False),
        ("f-battery", "value", 80, False),
        ("f-battery", "value", 100.0, False),
        ("f-battery", "value", 79.9, True),
        ("f-battery", "value", 101, True),
        ("f-battery", "na", None, False),
        ("f-low", "value", -1000, False),  # no min: open below
        ("f-low", "value", 30.5, True),
        ("p-grade", "value", "A", False),
        ("p-grade", "value", "C", True),
        ("p-serial", "value", "X1", False),
        ("p-photo", "pass", None, False),
        ("f-power", "fail", None, True),
    ],
)
def test_step_failed(step_id: str, result: str, value: Any, failed: bool) -> None:
    t = mixed_template()
    assert step_failed(t.step(step_id), ans(step_id, result, value)) is failed


def test_unanswered_step_never_fails() -> None:
    assert step_failed(mixed_template().step("p-shell"), None) is False


# --- classification ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "classification", "because", "missing"),
    [
        ([], C.INTACT, (), ()),
        ([("p-shell", "pass", None), ("a-cable", "pass", None)], C.INTACT, (), ()),
        ([("p-shell", "fail", None)], C.DAMAGED, ("p-shell",), ()),
        ([("f-battery", "value", 72)], C.DAMAGED, ("f-battery",), ()),
        ([("p-grade", "value", "C")], C.DAMAGED, ("p-grade",), ()),
        ([("p-grade", "value", "B")], C.INTACT, (), ()),
        ([("a-cable", "fail", None)], C.MISSING_PARTS, ("a-cable",), ("charging cable",)),
        # A failed accessory step without `accessory` is named by its prompt.
        ([("a-box", "fail", None)], C.MISSING_PARTS, ("a-box",), ("Box and inserts present",)),
        ([("a-count", "value", 2)], C.MISSING_PARTS, ("a-count",), ("Ear tips count",)),
        # Precedence: damaged wins, the missing accessories stay listed.
        (
            [("a-cable", "fail", None), ("f-power", "fail", None), ("p-shell", "fail", None)],
            C.DAMAGED,
            ("p-shell", "f-power"),
            ("charging cable",),
        ),
        (
            [("a-box", "fail", None), ("a-cable", "fail", None), ("f-low", "value", 31)],
            C.DAMAGED,
            ("f-low",),
            ("charging cable", "Box and inserts present"),
        ),
        ([("p-shell", "na", None), ("a-cable", "na", None)], C.INTACT, (), ()),
    ],
)
def test_classify(
    answers: list[tuple[str, str, Any]],
    classification: Classification,
    because: tuple[str, ...],
    missing: tuple[str, ...],
    rules: DispositionRules,
) -> None:
    t = mixed_template()
    given_answers = {a[0]: ans(*a) for a in answers}
    assert classify(t, given_answers) == (classification, because, missing)
    s = suggest(t, given_answers, rules)
    assert (s.classification, s.because, s.missing_accessories) == (
        classification,
        because,
        missing,
    )
    assert s.disposition == rules.decide(classification, None, "audio",
                                         untested=bool(s.untested))


def test_answers_for_unknown_steps_are_ignored(rules: DispositionRules) -> None:
    t = mixed_template()
    s = suggest(t, {"ghost": ans("ghost", "fail")}, rules)
    assert s.classification is C.INTACT and s.because == ()


def test_suggest_uses_reason_and_item_category(rules: DispositionRules) -> None:
    t = mixed_template()  # category audio
    damaged = {"p-shell": ans("p-shell", "fail")}
    assert suggest(t, damaged, rules).disposition is D.REFURBISH
    assert suggest(t, damaged, rules, R.DEFECTIVE).disposition is D.RETURN_TO_VENDOR
    # The generic template standing in for apparel: the item's category decides.
    assert suggest(t, damaged, rules, category="apparel_shoes").disposition is D.SCRAP


# --- override -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suggested", "chosen", "reason", "expected"),
    [
        (C.DAMAGED, C.DAMAGED, None, None),
        (C.DAMAGED, C.DAMAGED, "typed anyway", None),
        (
            C.DAMAGED,
            C.INTACT,
            "  scuff is from the packaging film  ",
            "scuff is from the packaging film",
        ),
        (
            C.INTACT,
            C.MISSING_PARTS,
            "cable found loose in the tote",
            "cable found loose in the tote",
        ),
    ],
)
def test_check_override_accepts(
    suggested: Classification, chosen: Classification, reason: str | None, expected: str | None
) -> None:
    assert check_override(suggested, chosen, reason) == expected


@pytest.mark.parametrize("reason", [None, "", "   \n\t"])
def test_check_override_needs_a_reason(reason: str | None) -> None:
    with pytest.raises(DomainError, match="from damaged to intact needs a reason"):
        check_override(C.DAMAGED, C.INTACT, reason)


# --- disposition table --------------------------------------------------------------------


def test_shipped_table_loads_and_covers_every_case() -> None:
    table = DispositionRules.load(DEFAULT_RULES_PATH)
    for c in C:
        for r in [None, *R]:
            for cat in ["audio", "phones_tablets", "apparel_shoes", "furniture", ""]:
                assert table.decide(c, r, cat) in set(D)


@pytest.mark.parametrize(
    ("classification", "reason", "category", "expected", "rule"),
    [
        (C.DAMAGED, R.DEFECTIVE, "audio", D.RETURN_TO_VENDOR, 1),
        (C.DAMAGED, R.DEFECTIVE, "apparel_shoes", D.RETURN_TO_VENDOR, 1),  # first match wins
        (C.DAMAGED, R.NO_LONGER_NEEDED, "apparel_shoes", D.SCRAP, 2),
        (C.DAMAGED, R.NO_LONGER_NEEDED, " Apparel_Shoes ", D.SCRAP, 2),
        (C.DAMAGED, None, "audio", D.REFURBISH, 3),
        (C.MISSING_PARTS, R.WRONG_ITEM, "apparel_shoes", D.RESTOCK, 4),
        (C.MISSING_PARTS, R.DEFECTIVE, "audio", D.REFURBISH, 5),
        (C.INTACT, R.DEFECTIVE, "phones_tablets", D.REFURBISH, 6),
        (C.INTACT, R.DEFECTIVE, "kitchen_appliances", D.REFURBISH, 6),
        (C.INTACT, R.DEFECTIVE, "audio", D.RESTOCK, 8),
        (C.INTACT, None, "phones_tablets", D.RESTOCK, 8),
        (C.INTACT, R.NO_LONGER_NEEDED, None, D.RESTOCK, 8),
    ],
)
def test_decide(
    rules: DispositionRules,
    classification: Classification,
    reason: CustomerReason | None,
    category: str | None,
    expected: Disposition,
    rule: int,
) -> None:
    assert rules.decide(classification, reason, category) is expected
    assert rules.match(classification, reason, category).number == rule


CATCH_ALLS = (
    '[[rule]]\nclassification = "intact"\nuntested = true\ndisposition = "refurbish"\n'
    '[[rule]]\nclassification = "intact"\ndisposition = "restock"\n'
    '[[rule]]\nclassification = "damaged"\ndisposition = "refurbish"\n'
    '[[rule]]\nclassification = "missing_parts"\ndisposition = "refurbish"\n'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[rule]\n", "t.toml: not valid TOML"),
        ("version = 1\n", "t.toml: no [[rule]] entries"),
        ("version = 2\n" + CATCH_ALLS, "unsupported 'version' 2"),
        ("colour = 1\n" + CATCH_ALLS, "unknown key 'colour'"),
        (
            CATCH_ALLS + '[[rule]]\nclassification = "broken"\ndisposition = "scrap"\n',
            "rule 5: unknown classification 'broken'",
        ),
        (
            '[[rule]]\nclassification = "intact"\ndisposition = "sell"\n' + CATCH_ALLS,
            "rule 1: unknown disposition 'sell'",
        ),
        (
            '[[rule]]\nclassification = "intact"\ncustomer_reason = "changed_mind"\n'
            'disposition = "restock"\n' + CATCH_ALLS,
            "rule 1: unknown customer_reason 'changed_mind'",
        ),
        ('[[rule]]\ndisposition = "restock"\n' + CATCH_ALLS, "rule 1: 'classification' is missing"),
        ('[[rule]]\nclassification = "intact"\n' + CATCH_ALLS, "rule 1: 'disposition' is missing"),
        (
            '[[rule]]\nclassification = 1\ndisposition = "restock"\n' + CATCH_ALLS,
            "rule 1: 'classification' must be a word",
        ),
        (
            '[[rule]]\nclassification = "intact"\ncategory = 3\ndisposition = "restock"\n'
            + CATCH_ALLS,
            "rule 1: 'category' must be a word or a list of words",
        ),
        (
            '[[rule]]\nclassification = "intact"\ncategory = []\ndisposition = "restock"\n'
            + CATCH_ALLS,
            "rule 1: 'category' is an empty list",
        ),
        (
            '[[rule]]\nclassification = "intact"\nnote = 5\ndisposition = "restock"\n' + CATCH_ALLS,
            "rule 1: 'note' must be a string",
        ),
        (
            '[[rule]]\nclassification = "intact"\nwhen = "x"\ndisposition = "restock"\n'
            + CATCH_ALLS,
            "rule 1: unknown key 'when'",
        ),
        ("rule = [1]\n", "rule 1: expected a table"),
        (
            '[[rule]]\nclassification = "intact"\ndisposition = "restock"\n'
            '[[rule]]\nclassification = "damaged"\ndisposition = "scrap"\n',
            "no catch-all rule for 'missing_parts'",
        ),
        (
            '[[rule]]\nclassification = "intact"\ncustomer_reason = "defective"\n'
            'disposition = "refurbish"\n'
            '[[rule]]\nclassification = "damaged"\ndisposition = "refurbish"\n'
            '[[rule]]\nclassification = "missing_parts"\ndisposition = "refurbish"\n',
            "no catch-all rule for 'intact'",
        ),
        (
            CATCH_ALLS + '[[rule]]\nclassification = "intact"\ncategory = "audio"\n'
            'disposition = "refurbish"\n',
            "rule 5: can never match, rule 2 already matches",
        ),
        (
            '[[rule]]\nclassification = "intact"\ncategory = ["audio", "apparel_shoes"]\n'
            'disposition = "refurbish"\n'
            '[[rule]]\nclassification = "intact"\ncategory = "AUDIO"\ncustomer_reason = "other"\n'
            'disposition = "scrap"\n' + CATCH_ALLS,
            "rule 2: can never match, rule 1 already matches",
        ),
    ],
    ids=[
        "bad toml",
        "no rules",
        "version",
        "top-level key",
        "unknown classification",
        "unknown disposition",
        "unknown reason",
        "no classification",
        "no disposition",
        "classification type",
        "category type",
        "empty list",
        "note type",
        "rule key",
        "rule not table",
        "missing catch-all",
        "narrow rule is no catch-all",
        "after catch-all",
        "shadowed by wider rule",
    ],
)
def test_broken_table_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "t.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(RulesError) as info:
        DispositionRules.load(path)
    assert expected in str(info.value)
    assert str(info.value).startswith("t.toml: ")


def test_missing_table_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot be read"):
        DispositionRules.load(tmp_path / "none.toml")


def test_table_saved_in_a_legacy_encoding_is_refused_with_a_message(tmp_path: Path) -> None:
    # A site editor saving the Chinese notes as GBK ("ANSI" on a Chinese Windows).
    path = tmp_path / "t.toml"
    path.write_bytes('version = 1\n[[rule]]\nclassification = "intact"\n'
                     'disposition = "restock"\nnote = "退货入库"\n'.encode("gbk"))
    with pytest.raises(RulesError, match=r"^t\.toml: not UTF-8"):
        DispositionRules.load(path)


def test_narrower_rule_before_wider_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(
        '[[rule]]\nclassification = "intact"\ncategory = "audio"\n'
        'customer_reason = ["defective", "other"]\ndisposition = "refurbish"\n'
        '[[rule]]\nclassification = "intact"\ncategory = "audio"\ndisposition = "scrap"\n'
        + CATCH_ALLS,
        "utf-8",
    )
    table = DispositionRules.load(path)
    assert table.decide(C.INTACT, R.OTHER, "audio") is D.REFURBISH
    assert table.decide(C.INTACT, R.WRONG_ITEM, "audio") is D.SCRAP
    assert table.decide(C.INTACT, R.OTHER, "kitchen") is D.RESTOCK


# --- property: every answer sequence gives one consistent classification -------------------

SECTIONS = [s.value for s in Section]
KINDS = [k.value for k in StepKind]


@st.composite
def template_dicts(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=1, max_value=12))
    by_section: dict[str, list[dict[str, Any]]] = {s: [] for s in SECTIONS}
    accessories = iter(["cable", "case", "manual", "tips", "strap"] * 3)
    for i in range(count):
        section = draw(st.sampled_from(SECTIONS))
        kind = draw(st.sampled_from(KINDS))
        step: dict[str, Any] = {
            "step_id": f"s{i}",
            "prompt": f"Step {i}",
            "kind": kind,
            "required": draw(st.booleans()),
        }
        can_fail = kind == "pass_fail"
        if kind == "choice":
            options = draw(st.lists(st.sampled_from("ABCDE"), min_size=2, max_size=4, unique=True))
            step["options"] = options
            step["fail_options"] = draw(st.lists(st.sampled_from(options), unique=True))
            can_fail = bool(step["fail_options"])
        if kind == "number":
            low = draw(st.none() | st.integers(-50, 50))
            high = draw(st.none() | st.integers(-50, 50))
            if low is not None and high is not None and low > high:
                low, high = high, low
            step["min"], step["max"] = low, high
            can_fail = low is not None or high is not None
        if can_fail:
            step["photo_on_fail"] = draw(st.booleans())
        if section == "accessories" and draw(st.booleans()):
            step["accessory"] = f"{next(accessories)} {i}"
        if kind == "text" and draw(st.booleans()):
            step["capture"] = "serial"
        by_section[section].append(step)
    sections = [{"section": s, "steps": steps} for s, steps in by_section.items() if steps]
    order = draw(st.permutations(sections))
    return {"template_id": "prop", "version": 1, "category": "audio", "sections": list(order)}


def expected_failure(step: dict[str, Any], result: str, value: Any) -> bool:
    """The rules restated independently, from the raw template data."""
    if result == "fail":
        return True
    if result != "value":
        return False
    if step["kind"] == "number":
        low, high = step.get("min"), step.get("max")
        return (low is not None and value < low) or (high is not None and value > high)
    if step["kind"] == "choice":
        return value in step.get("fail_options", [])
    return False


@st.composite
def answer_for(draw: st.DrawFn, step: dict[str, Any]) -> tuple[str, Any]:
    kind = step["kind"]
    if kind == "pass_fail":
        return draw(st.sampled_from(["pass", "fail", "na"])), None
    if draw(st.integers(0, 4)) == 0:
        return "na", None
    if kind == "number":
        return "value", draw(st.integers(-80, 80) | st.floats(-80, 80, allow_nan=False))
    if kind == "choice":
        return "value", draw(st.sampled_from(step["options"]))
    if kind == "text":
        return "value", draw(st.text("abcXYZ09 -", min_size=1, max_size=8).filter(str.strip))
    return "pass", None


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_answer_sequence_yields_one_consistent_classification(data: st.DataObject) -> None:
    raw = data.draw(template_dicts())
    template: ChecklistTemplate = template_from_api(raw)
    raw_steps = {
        st_["step_id"]: (sec["section"], st_) for sec in raw["sections"] for st_ in sec["steps"]
    }
    wizard = Wizard(template)
    final: dict[str, tuple[str, Any]] = {}
    for _ in range(data.draw(st.integers(0, 25))):
        step_id = data.draw(st.sampled_from(sorted(raw_steps)))
        result, value = data.draw(answer_for(raw_steps[step_id][1]))
        photos = [str(uuid.uuid4())] if raw_steps[step_id][1]["kind"] == "photo" else None
        wizard.answer(result, value, step_id=step_id, photo_ids=photos)
        final[step_id] = (result, value)

    failed = {
        sid for sid, (res, val) in final.items() if expected_failure(raw_steps[sid][1], res, val)
    }
    damage = {sid for sid in failed if raw_steps[sid][0] != "accessories"}
    accessory = {sid for sid in failed if raw_steps[sid][0] == "accessories"}
    rules = DispositionRules.load(DATA / "dispositions.toml")
    s = suggest(template, wizard.answers, rules)

    assert (s.classification is C.DAMAGED) == bool(damage)
    assert (s.classification is C.MISSING_PARTS) == (not damage and bool(accessory))
    assert (s.classification is C.INTACT) == (not failed)
    assert set(s.because) == (damage or accessory)
    walking = [st_.step_id for st_ in template.steps]
    expected_missing = [
        raw_steps[sid][1].get("accessory") or raw_steps[sid][1]["prompt"]
        for sid in walking
        if sid in accessory
    ]
    assert list(s.missing_accessories) == expected_missing
    # 16.4: the function steps not answered or answered N/A are the tests not done, and
    # an item with any of them is never suggested intact-and-restock.
    not_done = [sid for sid in walking if raw_steps[sid][0] == "function"
                and (sid not in final or final[sid][0] == "na")]
    assert list(s.untested) == not_done
    assert s.disposition is rules.decide(s.classification, None, "audio",
                                         untested=bool(not_done))
    assert not (not_done and s.classification is C.INTACT and s.disposition is D.RESTOCK)


def test_real_template_precedence_example(rules: DispositionRules) -> None:
    audio = load_template_file(DATA / "audio_v4.json")
    answers = {
        "app-shell": ans("app-shell", "fail"),
        "acc-case": ans("acc-case", "fail"),
        "acc-cable": ans("acc-cable", "pass"),
    }
    s = suggest(audio, answers, rules, R.DAMAGED_IN_TRANSIT)
    assert s.classification is C.DAMAGED
    assert s.because == ("app-shell",)
    assert s.missing_accessories == ("carry case",)
    assert s.disposition is D.REFURBISH


# --- honest grades (16.4): untested intact stock is never restocked ---------------------------


def _table(tmp_path: Path, text: str) -> DispositionRules:
    path = tmp_path / "t.toml"
    path.write_text(text, "utf-8")
    return DispositionRules.load(path)


def test_the_shipped_table_sends_untested_intact_stock_to_refurbish(
        rules: DispositionRules) -> None:
    shipped = DispositionRules.load(DEFAULT_RULES_PATH)
    for table in (rules, shipped):
        assert table.decide(C.INTACT, R.NO_LONGER_NEEDED, "audio", untested=True) is D.REFURBISH
        assert table.decide(C.INTACT, R.NO_LONGER_NEEDED, "audio") is D.RESTOCK
        # The flag narrows only its own rules: a damaged item routes as before.
        assert table.decide(C.DAMAGED, R.DEFECTIVE, "audio", untested=True) is D.RETURN_TO_VENDOR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[rule]]\nclassification = "intact"\ndisposition = "restock"\n'
         '[[rule]]\nclassification = "damaged"\ndisposition = "refurbish"\n'
         '[[rule]]\nclassification = "missing_parts"\ndisposition = "refurbish"\n',
         "rule 1: would restock intact items whose function tests were not done"),
        ('[[rule]]\nclassification = "intact"\nuntested = true\ndisposition = "restock"\n'
         '[[rule]]\nclassification = "intact"\ndisposition = "refurbish"\n'
         '[[rule]]\nclassification = "damaged"\ndisposition = "refurbish"\n'
         '[[rule]]\nclassification = "missing_parts"\ndisposition = "refurbish"\n',
         "rule 1: would restock intact items"),
        ('[[rule]]\nclassification = "intact"\ncategory = "audio"\ndisposition = "restock"\n'
         + CATCH_ALLS, "rule 1: would restock intact items"),
        ('[[rule]]\nclassification = "intact"\nuntested = false\ndisposition = "scrap"\n'
         + CATCH_ALLS, "rule 1: 'untested' can only be true"),
        (CATCH_ALLS + '[[rule]]\nclassification = "intact"\nuntested = true\n'
         'category = "audio"\ndisposition = "scrap"\n',
         "rule 5: can never match, rule 1 already matches"),
    ],
    ids=["no untested rule", "untested restock", "narrow restock first", "false", "shadowed"],
)
def test_a_table_that_could_restock_untested_stock_is_refused(tmp_path: Path, text: str,
                                                              expected: str) -> None:
    with pytest.raises(RulesError) as info:
        _table(tmp_path, text)
    assert expected in str(info.value)


def test_an_untested_rule_narrowed_by_category_routes_only_its_items(tmp_path: Path) -> None:
    table = _table(tmp_path, '[[rule]]\nclassification = "intact"\nuntested = true\n'
                   'category = "audio"\ndisposition = "scrap"\n' + CATCH_ALLS)
    assert table.decide(C.INTACT, None, "audio", untested=True) is D.SCRAP
    assert table.decide(C.INTACT, None, "kitchen", untested=True) is D.REFURBISH
    assert table.decide(C.INTACT, None, "audio") is D.RESTOCK
    # A restock rule for tested stock may follow the untested catch-all.
    table = _table(tmp_path, CATCH_ALLS.replace(
        '[[rule]]\nclassification = "intact"\ndisposition = "restock"\n',
        '[[rule]]\nclassification = "intact"\ncategory = "audio"\ndisposition = "restock"\n'
        '[[rule]]\nclassification = "intact"\ndisposition = "scrap"\n'))
    assert table.decide(C.INTACT, None, "audio") is D.RESTOCK
    assert table.decide(C.INTACT, None, "audio", untested=True) is D.REFURBISH
