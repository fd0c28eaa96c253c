"""Upgrades keep everything: version N writes, the program folder is replaced by N+1, all is found.

Each version runs in its own process from its own copy of the program (app/ and
resources/, as a bundle would carry them), with HOME and the XDG folders pointed at a
temporary home and no --data-dir: the point is that the platform folders, not the
program folder, hold the data. Version N leaves a draft with a photo, a completed
inspection still waiting in the outbox, settings, a token file and a log; N+1 must
find all of it, and neither version may write a single file inside its program folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

COMMON = r'''
import json, logging, sys
from pathlib import Path
import app
from app.config import load_settings, save_settings
from app.domain import (Answer, Case, ChecklistStep, ChecklistTemplate, Classification,
                        Disposition, Operator, Result, Role, Section, StepKind)
from app.messages import Both
from app.logs import setup_logging
from app.paths import resolve_paths
from app.store import Store
from app.sync.token import load_token, store_token

TEMPLATE = ChecklistTemplate(
    template_id="audio", version=4, category="audio", title=Both("Audio", "音频"),
    steps=(ChecklistStep("app-shell", Both("Housing free of cracks", "外壳无裂纹"),
                         StepKind.PASS_FAIL, Section.APPEARANCE, photo_on_fail=True),
           ChecklistStep("fn-power", Both("Powers on", "可以开机"),
                         StepKind.PASS_FAIL, Section.FUNCTION)))

def case(case_id, rma):
    return Case.from_api({
        "case_id": case_id, "rma": rma, "order_id": "SO-1", "status": "awaiting_inspection",
        "customer_reason": "defective", "customer_comment": "左耳有杂音",
        "tracking_numbers": [], "received_at": "2026-11-21T16:02:00Z",
        "inspect_by": "2026-11-22T16:02:00Z",
        "items": [{"line_id": "L1", "sku": "HX-200", "title": "Headphones", "category": "audio",
                   "quantity": 1, "serial_number": "HX2-1", "unit_price": "59.90",
                   "currency": "CNY", "expected_accessories": []}]})

paths = resolve_paths()
paths.ensure()
setup_logging(paths.log_dir, console=False)
log = logging.getLogger("station.upgrade-test")
out = {"version": app.__version__, "app_file": app.__file__, "db": str(paths.db_file),
       "config": str(paths.config_file), "log": str(paths.log_file)}
'''

VERSION_N = COMMON + r'''
settings = load_settings(paths.config_file).replace(
    station_id="BENCH-07", camera_source="2", token_source="file", language="zh_CN")
save_settings(settings, paths.config_file)
store_token("tok-upgrade-123", settings, paths.token_file,
            by=Operator("L1", "Lead", Role.SHIFT_LEAD, None))
store = Store(paths.db_file, paths.photos_dir)
c = case("C-1", "RMA-2026-0000001")
draft = store.start_inspection(template=TEMPLATE, station_id="BENCH-07", inspector_id="E1",
                               case=c, item=c.items[0])
photo = store.add_photo(draft.inspection_id, "app-shell", b"\xff\xd8 photo bytes \xff\xd9",
                        mime="image/jpeg", width=4, height=3, actor="E1")
store.save_answer(draft.inspection_id, Answer("app-shell", Result.FAIL, note="cracked",
                                              photo_ids=(photo.photo_id,)),
                  current_step=1, actor="E1")
c2 = case("C-2", "RMA-2026-0000002")
done = store.start_inspection(template=TEMPLATE, station_id="BENCH-07", inspector_id="E1",
                              case=c2, item=c2.items[0])
for step, n in (("app-shell", 1), ("fn-power", 2)):
    store.save_answer(done.inspection_id, Answer(step, Result.PASS), current_step=n, actor="E1")
store.complete(done.inspection_id, answers_in_order=["app-shell", "fn-power"],
               classification=Classification.INTACT,
               classification_suggested=Classification.INTACT, override_reason=None,
               disposition=Disposition.RESTOCK, missing_accessories=[], actor="E1")
store.close()
log.info("written by version %s", app.__version__)
out.update(draft=draft.inspection_id, photo=photo.photo_id, photo_sha=photo.sha256,
           completed=done.inspection_id)
print(json.dumps(out))
'''

VERSION_N1 = COMMON + r'''
settings = load_settings(paths.config_file)
store = Store(paths.db_file, paths.photos_dir)
drafts = store.open_drafts()
outbox = [(i.inspection_id, i.state) for i in store.outbox_items(["pending"])]
d = drafts[0] if drafts else None
out.update(
    station_id=settings.station_id, camera_source=settings.camera_source,
    language=settings.language, token=load_token(settings, paths.token_file),
    drafts=[x.inspection_id for x in drafts],
    draft_step=d.current_step if d else None,
    draft_answers={k: [a.result.value, a.note, list(a.photo_ids)] for k, a in d.answers.items()}
    if d else {},
    photo_bytes=store.photo_bytes(next(iter(d.photos))).hex() if d and d.photos else None,
    outbox=outbox, pending=store.queue_counts().pending,
    payload=bool(outbox) and store.result_payload(outbox[0][0]) is not None,
)
store.close()
log.info("opened by version %s", app.__version__)
print(json.dumps(out))
'''


def _install(program: Path, version: str) -> Path:
    """A program folder as an installer would leave it: the code and resources, nothing else."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "refserver")
    shutil.copytree(ROOT / "app", program / "app", ignore=ignore)
    shutil.copytree(ROOT / "resources", program / "resources", ignore=ignore)
    init = program / "app" / "__init__.py"
    text = init.read_text(encoding="utf-8")
    init.write_text(text + f'\n__version__ = "{version}"  # installed as this version\n',
                    encoding="utf-8")
    return program


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*")}


def _run(program: Path, script: str, home: Path, workdir: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("INSPECTION_STATION_") and k != "PYTHONPATH"}
    env.update(
        HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"), XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=str(home / ".cache"), PYTHONPATH=str(program),
        PYTHONDONTWRITEBYTECODE="1",  # a frozen bundle writes no bytecode either
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    before = _snapshot(program)
    proc = subprocess.run([sys.executable, "-c", script], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert _snapshot(program) == before, "the program wrote inside its own folder"
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(str(result["app_file"])).is_relative_to(program), "ran the wrong copy"
    return result


@pytest.mark.skipif(sys.platform == "win32", reason="XDG folders are how Linux/macOS tests "
                    "redirect platformdirs; Windows uses the user profile")
def test_data_drafts_and_unsent_queue_survive_replacing_the_program(tmp_path: Path) -> None:
    home, workdir = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    workdir.mkdir()
    program = tmp_path / "opt" / "inspection-station"

    _install(program, "1.0.0")
    written = _run(program, VERSION_N, home, workdir)
    assert written["version"] == "1.0.0"

    shutil.rmtree(program)  # the upgrade: the old program folder is replaced wholesale
    _install(program, "1.1.0")
    found = _run(program, VERSION_N1, home, workdir)
    assert found["version"] == "1.1.0"

    # Everything lives in the per-user platform folders, at the same place for both versions.
    for key in ("db", "config", "log"):
        assert found[key] == written[key]
        assert Path(str(found[key])).is_relative_to(home)
    assert Path(str(found["db"])).is_relative_to(home / ".local" / "share" / "InspectionStation")
    assert Path(str(found["config"])).is_relative_to(home / ".config" / "InspectionStation")
    assert Path(str(found["log"])).is_relative_to(home / ".local" / "state" / "InspectionStation")

    assert (found["station_id"], found["camera_source"], found["language"]) == (
        "BENCH-07", "2", "zh_CN")
    assert found["token"] == "tok-upgrade-123"
    assert found["drafts"] == [written["draft"]]
    assert found["draft_step"] == 1
    assert found["draft_answers"] == {"app-shell": ["fail", "cracked", [written["photo"]]]}
    assert found["photo_bytes"] == b"\xff\xd8 photo bytes \xff\xd9".hex()
    assert found["outbox"] == [[written["completed"], "pending"]]
    assert found["pending"] == 1 and found["payload"] is True
    log_text = Path(str(found["log"])).read_text(encoding="utf-8")
    assert "written by version 1.0.0" in log_text and "opened by version 1.1.0" in log_text
