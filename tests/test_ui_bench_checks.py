"""The weight step and the photo guardrails on the real flow widgets (pytest-qt, offscreen).

The scale is the simulated one on a pseudo-terminal (tests/scale_sim.py), read through
the station's own serial code on the background pool; the camera is a video file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from app.domain import Case
from app.weight import WEIGHT_STEP_ID
from app.workflow import start_inspection
from tests.builders import gadget_case as make_case
from tests.flow_helpers import VideoStillSource, bgr_frame, screenshot
from tests.scale_sim import SimulatedScale, simulated_scale
from ui.inspection_flow import InspectionFlow


def weighed_case() -> Case:
    case = make_case()
    return replace(case, items=(replace(case.items[0], expected_weight_g=1250.0),))


def open_flow(qtbot: Any, services: Any, ctx: Any, case: Case) -> InspectionFlow:
    flow = InspectionFlow(services)
    qtbot.addWidget(flow)
    flow.resize(1366, 768)
    flow.show()
    with qtbot.waitSignal(flow.ready, timeout=10_000):
        flow.start(start_inspection(ctx, case, case.items[0], case.rma))
    return flow


@pytest.fixture
def scale(ctx: Any) -> Iterator[SimulatedScale]:
    with simulated_scale([b"US,GS,+   900.0 g\r\n", b"ST,GS,+  1262.5 g\r\n"]) as sim:
        ctx.settings = ctx.settings.replace(scale_port=sim.port, scale_timeout_s=20)
        yield sim


def test_the_weight_step_reads_the_scale_by_itself(qtbot: Any, services: Any, ctx: Any,
                                                   scale: SimulatedScale) -> None:
    flow = open_flow(qtbot, services, ctx, weighed_case())
    session = flow.session
    assert session is not None and session.current is not None
    assert session.current.step_id == WEIGHT_STEP_ID
    panel = flow.step_page.scale
    assert panel.isVisible()
    assert flow.value_edit.isReadOnly()  # the scale answers: its figure is not typed over
    assert "read by itself" in flow.step_page.hint.text()
    qtbot.waitUntil(lambda: session.answer_of(WEIGHT_STEP_ID) is not None, timeout=20_000)
    qtbot.waitUntil(lambda: flow.value_edit.text() == "1262.5", timeout=5000)
    assert "1262.5 g" in panel.status.text()
    assert "1212.5 to 1287.5 g" in flow.step_page.range_label.text()
    screenshot(flow, "weight_step_scale")
    flow.value_edit.setFocus()
    qtbot.keyClicks(flow.value_edit, "9")  # typing is refused while the scale answers
    assert flow.value_edit.text() == "1262.5"
    qtbot.keyClick(flow.value_edit, Qt.Key.Key_Return)  # Enter on the scale's figure
    answer = session.answer_of(WEIGHT_STEP_ID)
    assert answer is not None and answer.extra is not None
    assert answer.extra["weight"]["source"] == "scale"
    assert session.current is not None and session.current.step_id == "app-serial"
    assert services.wait_idle(10_000)


def test_an_unplugged_scale_is_told_and_the_weight_can_be_typed(
        qtbot: Any, services: Any, ctx: Any, qm_dir: Path) -> None:
    from ui.i18n import Translations

    translations = Translations(qm_dir)
    assert translations.switch("zh_CN")
    try:
        typed_after_the_scale_failed(qtbot, services, ctx)
    finally:
        translations.switch("en")


def typed_after_the_scale_failed(qtbot: Any, services: Any, ctx: Any) -> None:
    ctx.settings = ctx.settings.replace(scale_port="/dev/no-such-scale", language="zh_CN")
    flow = open_flow(qtbot, services, ctx, weighed_case())
    panel = flow.step_page.scale
    assert flow.value_edit.isReadOnly()  # until the scale has had its chance
    assert "自动读取重量" in flow.step_page.hint.text()
    qtbot.waitUntil(lambda: "无法打开" in panel.status.text(), timeout=10_000)
    assert "/dev/no-such-scale" in flow.message.text()
    assert not flow.value_edit.isReadOnly()  # the scale did not answer: typing is offered
    assert "电子秤无应答" in flow.step_page.hint.text()
    flow.value_edit.setFocus()
    qtbot.keyClicks(flow.value_edit, "310")
    qtbot.keyClick(flow.value_edit, Qt.Key.Key_Return)
    session = flow.session
    assert session is not None
    answer = session.answer_of(WEIGHT_STEP_ID)
    assert answer is not None and answer.extra is not None
    assert answer.extra["weight"] == {**answer.extra["weight"], "source": "typed",
                                      "verdict": "fail"}
    assert session.current is not None and session.current.step_id == WEIGHT_STEP_ID  # photo!
    screenshot(flow, "weight_step_typed_fail_zh")
    assert services.wait_idle(10_000)


def blurred_camera(tmp_path: Path) -> VideoStillSource:
    path = tmp_path / "blurred.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 15, (1280, 720))
    for _ in range(3):
        writer.write(cv2.GaussianBlur(bgr_frame(1280, 720), (0, 0), 8))
    writer.release()
    return VideoStillSource(path)


def test_a_blurred_photo_is_refused_and_kept_with_a_note(
        qtbot: Any, services: Any, ctx: Any, tmp_path: Path) -> None:
    services.camera = blurred_camera(tmp_path)
    flow = open_flow(qtbot, services, ctx, make_case())
    flow.value_edit.setFocus()
    qtbot.keyClicks(flow.value_edit, "SN-GX-1000")
    qtbot.keyClick(flow.value_edit, Qt.Key.Key_Return)
    qtbot.keyClick(flow, Qt.Key.Key_F)
    flow.keys.flush()
    qtbot.keyClick(flow, Qt.Key.Key_Space)
    flow.keys.flush()
    panel = flow.photos
    qtbot.waitUntil(lambda: panel.keep_row.isVisible(), timeout=10_000)
    assert "blurred" in flow.message.text() and "Take it again" in flow.message.text()
    assert panel.photo_ids() == []
    screenshot(flow, "photo_refused_blurred")
    panel.keep_button.click()  # no note: refused again, nothing kept
    qtbot.waitUntil(lambda: "needs a note" in flow.message.text(), timeout=10_000)
    assert panel.photo_ids() == []
    qtbot.keyClick(flow, Qt.Key.Key_F2)  # F2: to the keep-anyway note first
    flow.keys.flush()
    assert panel.keep_note.hasFocus()
    qtbot.keyClicks(panel.keep_note, "scratch only visible this close")
    qtbot.keyClick(panel.keep_note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(panel.photo_ids()) == 1, timeout=10_000)
    assert not panel.keep_row.isVisible()
    assert flow.session is not None and flow.session.current is not None
    assert flow.session.current.step_id == "app-body"  # Enter kept the photo, not Next
    assert services.wait_idle(10_000)
    stored = ctx.store.load_inspection(flow.inspection_id)
    (photo,) = stored.photos.values()
    assert photo.quality is not None
    assert photo.quality["note"] == "scratch only visible this close"
    assert photo.quality["problems"] == ["blurred"]
    services.camera.close()


def test_a_shift_lead_sets_the_scale_in_the_settings(qtbot: Any, services: Any,
                                                     ctx: Any) -> None:
    from app.config import load_settings
    from tests.flow_helpers import as_lead
    from ui.settings_dialog import SettingsDialog

    as_lead(ctx)
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    port = dialog.fields["scale_port"].editor
    protocol = dialog.fields["scale_protocol"].editor
    assert isinstance(port, QLineEdit) and isinstance(protocol, QComboBox)
    assert dialog.labels["scale_port"].text() == "Scale port"
    port.setText("/dev/ttyUSB0")
    protocol.setCurrentIndex(protocol.findData("request"))
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000):
        dialog.save()
    on_disk = load_settings(ctx.paths.config_file, env={})
    assert (on_disk.scale_port, on_disk.scale_protocol) == ("/dev/ttyUSB0", "request")
