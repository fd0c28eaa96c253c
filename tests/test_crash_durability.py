"""A station process SIGKILLed while saving answers or completing loses nothing confirmed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.store.db import integrity_ok
from tests.builders import open_store

WORKER = r"""
import sys, itertools
from app.domain import Answer, Classification, Disposition, Result
from tests.builders import AUDIO_TEMPLATE as TEMPLATE, make_case, open_store
from pathlib import Path
store = open_store(Path(sys.argv[1]))
mode = sys.argv[2]
for n in itertools.count():
    case = make_case(case_id=f"C-{n}")
    insp = store.start_inspection(template=TEMPLATE, station_id="B1", inspector_id="E1",
                                  case=case, item=case.items[0])
    for i, step in enumerate(TEMPLATE.steps):
        store.save_answer(insp.inspection_id, Answer(step.step_id, Result.PASS),
                          current_step=i + 1, actor="E1")
        if mode == "answers":
            print("answer", insp.inspection_id, step.step_id, flush=True)
    store.complete(insp.inspection_id, answers_in_order=[s.step_id for s in TEMPLATE.steps],
                   classification=Classification.INTACT,
                   classification_suggested=Classification.INTACT, override_reason=None,
                   disposition=Disposition.RESTOCK, missing_accessories=[], actor="E1")
    print("completed", insp.inspection_id, flush=True)
"""


def _run_and_kill(folder: Path, mode: str, lines_before_kill: int) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    with subprocess.Popen([sys.executable, "-c", WORKER, str(folder), mode],
                          stdout=subprocess.PIPE, text=True, env=env) as proc:
        assert proc.stdout is not None
        seen = [proc.stdout.readline().strip() for _ in range(lines_before_kill)]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    return seen


@pytest.mark.parametrize(("mode", "lines"), [("answers", 7), ("answers", 20),
                                             ("completed", 5), ("completed", 12)])
def test_sigkill_leaves_a_consistent_station(tmp_path: Path, mode: str, lines: int) -> None:
    seen = _run_and_kill(tmp_path, mode, lines)
    store = open_store(tmp_path)
    ok, detail = integrity_ok(store.engine)
    assert ok, detail
    with store.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT i.inspection_id, i.status, r.payload IS NOT NULL, o.inspection_id IS NOT NULL "
            "FROM inspections i LEFT JOIN results r USING (inspection_id) "
            "LEFT JOIN outbox o USING (inspection_id)")).all()
    by_id = {r[0]: r for r in rows}
    for _id, status, has_result, has_outbox in rows:
        if status == "completed":
            assert has_result and has_outbox
        else:
            assert not has_result and not has_outbox
    # Everything the worker reported as saved is there.
    for line in seen:
        kind, inspection_id, *rest = line.split()
        assert inspection_id in by_id
        if kind == "completed":
            assert by_id[inspection_id][1] == "completed"
            body = json.loads(store.result_payload(inspection_id) or b"{}")
            assert body["inspection_id"] == inspection_id
        else:
            insp = store.load_inspection(inspection_id)
            assert rest[0] in insp.answers
    # Drafts resume where they stopped: current_step counts the saved answers.
    for draft in store.open_drafts():
        assert draft.current_step == len(draft.answers)
