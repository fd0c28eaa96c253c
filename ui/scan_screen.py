"""The scan screen: live camera picture, a scan field that always has focus, recent scans.

Handheld scanners type into the scan field; every key also goes to the wedge detector,
which tells a scanner burst from a person typing (both count; Tab ends a burst like
Enter). Camera reads arrive as accepted ScanEvents from the camera worker. A good read
flashes and beeps; the case lookup runs in the background and a failed one says why in
plain words. Questions (which of several cases, which category offline, which unfinished
inspection) appear in one choice list: Up/Down choose, Enter with an empty field picks,
Esc cancels.

Signals:
    case_found(object, bool, str): (Case, from the offline cache?, the scanned text).
    start_unverified(str, str): offline start: (scanned text, chosen category).
    resume_requested(str): the inspection id of an unfinished draft to continue.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, assert_never

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import Inspection
from app.resources import resource_path
from app.scanning.events import ScanEvent, ScanSource
from app.scanning.labels import GS, Patterns, Rejected, interpret
from app.scanning.wedge import WedgeDetector
from app.step_text import categories
from app.sync.outcomes import Ambiguous, Found, LookupOutcome, NotFound, Offline
from ui.services import Services

if TYPE_CHECKING:  # Qt Multimedia is optional at run time (imported when the beep is due)
    from PySide6.QtMultimedia import QSoundEffect
from ui.widgets import (
    ERROR_COLOUR,
    INFO_COLOUR,
    OK_COLOUR,
    WARN_COLOUR,
    FlashLabel,
    VideoView,
    heading_font,
)

log = logging.getLogger("station.ui.scan")

_KEY_NAMES = {
    Qt.Key.Key_Return: "Enter",
    Qt.Key.Key_Enter: "Enter",
    Qt.Key.Key_Tab: "Tab",
    Qt.Key.Key_Backspace: "Backspace",
}


class Choice(Enum):
    NONE = 0
    CANDIDATES = 1
    CATEGORY = 2
    DRAFTS = 3


class LookupProblem(Enum):
    """Why a lookup gave no case, for the message the inspector reads."""

    UNKNOWN = "unknown"
    OFFLINE = "offline"
    SERVER = "server"
    AMBIGUOUS = "ambiguous"
    REJECTED = "rejected"


class ScanScreen(QWidget):
    case_found = Signal(object, bool, str)
    start_unverified = Signal(str, str)
    resume_requested = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.services = services
        self.clock = clock
        self.wedge = WedgeDetector(patterns=self._patterns(),
                                   gs_text=services.ctx.settings.scanner_gs_text)
        self.choice = Choice.NONE
        self.pending_code = ""
        self.last_problem: LookupProblem | None = None
        self.busy = False
        self.scan_started_at: float | None = None
        self.drafts: list[Inspection] = []
        self._sound: QSoundEffect | None = None
        self._sound_ready = False

        outer = QHBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        self.video = VideoView(self)
        self.video.setObjectName("video")
        self.video.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(self.video, 3)

        side = QVBoxLayout()
        outer.addLayout(side, 2)
        self.heading = QLabel(self)
        self.heading.setFont(heading_font(self.font(), 1.6))
        side.addWidget(self.heading)
        self.scan_edit = QLineEdit(self)
        self.scan_edit.setObjectName("scan_edit")
        self.scan_edit.setMinimumHeight(56)
        self.scan_edit.setFont(heading_font(self.font(), 1.5, bold=False))
        self.scan_edit.setMaxLength(512)
        self.scan_edit.installEventFilter(self)
        side.addWidget(self.scan_edit)
        self.message = FlashLabel(self)
        self.message.setObjectName("scan_message")
        side.addWidget(self.message)

        self.choice_label = QLabel(self)
        self.choice_label.setWordWrap(True)
        self.choice_label.setFont(heading_font(self.font(), 1.1))
        side.addWidget(self.choice_label)
        self.choices = QListWidget(self)
        self.choices.setObjectName("choices")
        self.choices.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.choices.setFont(heading_font(self.font(), 1.2, bold=False))
        self.choices.itemClicked.connect(lambda _item: self._pick())
        side.addWidget(self.choices, 2)

        self.recent_label = QLabel(self)
        side.addWidget(self.recent_label)
        self.recent = QListWidget(self)
        self.recent.setObjectName("recent")
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent.setTextElideMode(Qt.TextElideMode.ElideRight)
        side.addWidget(self.recent, 1)
        self.drafts_label = QLabel(self)
        self.drafts_label.setObjectName("drafts_label")
        self.drafts_label.setWordWrap(True)
        side.addWidget(self.drafts_label)
        self._show_choice(Choice.NONE)
        self.retranslate_ui()

    def _patterns(self) -> Patterns:
        return Patterns.from_settings(self.services.ctx.settings)

    # --- language -------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.heading.setText(self.tr("Scan a return label"))
        self.scan_edit.setPlaceholderText(self.tr("RMA, tracking or order number, then Enter"))
        self.recent_label.setText(self.tr("Recent scans"))
        self.video.set_placeholder(self.tr("No camera picture. Handheld scanner and typing "
                                           "still work."))
        self._update_drafts_label()
        if self.choice is Choice.CANDIDATES:
            self.choice_label.setText(self.tr("Several returns match. Choose one (↑ ↓, Enter) "
                                              "or scan its RMA:"))
        elif self.choice is Choice.CATEGORY:
            self.choice_label.setText(self.tr("Choose the item's category (↑ ↓, Enter); "
                                              "Esc cancels:"))
            self._fill_categories()
        elif self.choice is Choice.DRAFTS:
            self.choice_label.setText(self.tr("Unfinished inspections (↑ ↓, Enter to "
                                              "continue; Esc cancels):"))

    # --- activation -------------------------------------------------------------------------

    def activate(self) -> None:
        """Shown again (after login, confirm or cancel): clear, refresh drafts, focus."""
        self.scan_edit.clear()
        self.wedge.reset()
        self.wedge.patterns = self._patterns()
        self.wedge.gs_text = self.services.ctx.settings.scanner_gs_text
        self.busy = False
        if self.choice is not Choice.DRAFTS:
            self._show_choice(Choice.NONE)
        self.focus_input()
        self.refresh_drafts()

    def clear_for_handover(self) -> None:
        """The next operator sees none of the last one's messages, scans or questions."""
        self.recent.clear()
        self.message.show_message("")
        self.scan_edit.clear()
        self.wedge.reset()
        self.pending_code = ""
        self.last_problem = None
        self.busy = False
        self._show_choice(Choice.NONE)
        self.drafts = []
        self._update_drafts_label()

    def lookup_text(self, code: str) -> None:
        """A code scanned by hand on another screen (the case screen): look it up here."""
        self.handle_scan(ScanEvent(text=code, source=ScanSource.WEDGE, symbology=None,
                                   interpretation=interpret(code, self._patterns()),
                                   timestamp=self.clock()))

    def focus_input(self) -> None:
        self.scan_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh_drafts(self) -> None:
        operator = self.services.operator
        if operator is None:
            return
        store = self.services.ctx.store
        self.services.run_in_background(lambda: store.open_drafts(operator.operator_id),
                                        self._got_drafts)

    def _got_drafts(self, drafts: object) -> None:
        assert isinstance(drafts, list)
        self.drafts = drafts
        self._update_drafts_label()

    def _update_drafts_label(self) -> None:
        if self.drafts:
            self.drafts_label.setText(self.tr("You have {0} unfinished inspection(s): "
                                              "press F6 to continue one.").format(len(self.drafts)))
            self.drafts_label.setStyleSheet(f"color: {WARN_COLOUR}; font-weight: bold;")
        else:
            self.drafts_label.setText("")

    # --- camera -----------------------------------------------------------------------------

    def show_frame(self, image: QImage, frame_size: QSize) -> None:
        self.video.set_frame(image)

    def show_codes(self, polygons: object, frame_size: QSize) -> None:
        assert isinstance(polygons, list)
        self.video.set_outlines(polygons, frame_size)

    def camera_state(self, state: str, message: str) -> None:
        if state in ("failed", "stopped", "ended"):
            self.video.clear_frame()
            self.video.set_placeholder(self.tr("No camera picture ({0}). Handheld scanner and "
                                               "typing still work.").format(message))

    # --- keys -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scan_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.choice is not Choice.NONE:
            row = self.choices.currentRow() + (-1 if key == Qt.Key.Key_Up else 1)
            self.choices.setCurrentRow(max(0, min(self.choices.count() - 1, row)))
            return True
        if key == Qt.Key.Key_Escape:
            self.scan_edit.clear()
            self.wedge.reset()
            if self.choice is not Choice.NONE:
                self._show_choice(Choice.NONE)
                self.message.show_message(self.tr("Cancelled. Scan the next label."), INFO_COLOUR)
            return True
        if key == Qt.Key.Key_F6:
            self.show_drafts()
            return True
        name = _KEY_NAMES.get(Qt.Key(key))
        if name in ("Enter", "Tab"):
            if not self.scan_edit.text().strip() and self.choice is not Choice.NONE:
                self.wedge.reset()
                self._pick()
                return True
            scan = self.wedge.feed(name, self.clock())
            field_text = self.scan_edit.text().strip()
            self.scan_edit.clear()
            if scan is None and field_text:
                scan = self._typed(field_text)
            elif scan is not None and scan.source is ScanSource.TYPED:
                # The field may have been edited with the cursor keys: it holds the truth,
                # except for GS separators, which only the detector keeps.
                scan = self._typed(scan.text if GS in scan.text else field_text or scan.text)
            if scan is not None:
                self.handle_scan(scan)
            return True
        if name == "Backspace":
            self.wedge.feed(name, self.clock())
            return False
        text = event.text()
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if text == "\x1d" or (key == Qt.Key.Key_BracketRight and ctrl):
            self.wedge.feed("GS", self.clock())  # a scanner's FNC1 separator in a GS1 string
            return True
        if len(text) == 1 and text.isprintable():
            self.wedge.feed(text, self.clock())
        return False

    def _typed(self, text: str) -> ScanEvent:
        return ScanEvent(text=text, source=ScanSource.TYPED, symbology=None,
                         interpretation=interpret(text, self._patterns()),
                         timestamp=self.clock())

    # --- scans ------------------------------------------------------------------------------

    def handle_scan(self, event: ScanEvent) -> None:
        """One accepted scan from the camera, a handheld scanner or typing."""
        self._add_recent(event)
        interp = event.interpretation
        if isinstance(interp, Rejected):
            self.last_problem = LookupProblem.REJECTED
            self.message.show_message(
                self.tr("This code cannot be used: {0}").format(interp.reason), ERROR_COLOUR,
                flash=True)
            return
        if event.kind == "badge":
            self.message.show_message(self.tr("That is an employee badge. Scan the return "
                                              "label of the parcel."), WARN_COLOUR, flash=True)
            return
        if self.busy:
            self.message.show_message(self.tr("Still looking up the last code…"), INFO_COLOUR)
            return
        self.good_read()
        code = interp.value or event.text
        self._lookup(code)

    def good_read(self) -> None:
        self.play_beep()
        self.message.show_message(self.tr("Looking up…"), OK_COLOUR, flash=True)

    def play_beep(self) -> None:
        if not self.services.ctx.settings.sound:
            return
        if not self._sound_ready:
            self._sound_ready = True
            try:
                from PySide6.QtMultimedia import QSoundEffect

                sound = QSoundEffect(self)
                sound.setSource(QUrl.fromLocalFile(str(resource_path("sounds", "beep.wav"))))
                sound.setVolume(0.8)
                self._sound = sound
            except ImportError as exc:  # QtMultimedia missing from this build: stay silent
                log.warning("no sound: %s", exc)
        if self._sound is not None:
            self._sound.play()

    def _add_recent(self, event: ScanEvent) -> None:
        when = datetime.now().strftime("%H:%M:%S")
        source = {ScanSource.CAMERA: self.tr("camera"), ScanSource.WEDGE: self.tr("scanner"),
                  ScanSource.TYPED: self.tr("typed")}[event.source]
        shown = event.text.replace(GS, "<GS>")  # the separator itself draws as a box
        text = shown if len(shown) <= 40 else shown[:39] + "…"
        item = QListWidgetItem(f"{when}  {text}  ({event.kind}, {source})")
        item.setToolTip(shown)
        self.recent.insertItem(0, item)
        while self.recent.count() > 20:
            self.recent.takeItem(self.recent.count() - 1)

    def _lookup(self, code: str) -> None:
        lookup = self.services.lookup
        self.pending_code = code  # an offline start uses it: it must be this scan's code
        if lookup is None:
            self._on_outcome(Offline(code, "no case API is configured"))
            return
        self.busy = True
        self.scan_started_at = time.perf_counter()
        self.services.run_in_background(lambda: lookup.lookup(code), self._on_lookup,
                                        self._on_lookup_failed)

    def _on_lookup(self, outcome: object) -> None:
        assert isinstance(outcome, Found | Ambiguous | NotFound | Offline)
        self._on_outcome(outcome)

    def _on_lookup_failed(self, exc: BaseException) -> None:
        self.busy = False
        log.error("lookup failed: %s", exc)
        self.last_problem = LookupProblem.SERVER
        self.message.show_message(self.tr("The lookup failed on this station: {0}. Try again."
                                          ).format(exc), ERROR_COLOUR, flash=True)

    def _on_outcome(self, outcome: LookupOutcome) -> None:
        self.busy = False
        match outcome:
            case Found(case=case, from_cache=from_cache):
                self.last_problem = None
                self._show_choice(Choice.NONE)
                self.message.show_message(self.tr("Found {0}.").format(case.rma), OK_COLOUR)
                self.case_found.emit(case, from_cache, self.pending_code)
            case Ambiguous(code=code, candidates=candidates):
                self.last_problem = LookupProblem.AMBIGUOUS
                self.message.show_message(self.tr("{0} belongs to several returns.").format(
                    code), WARN_COLOUR, flash=True)
                self._show_choice(Choice.CANDIDATES)
                for cand in candidates:
                    entry = QListWidgetItem(f"{cand.rma}   ({cand.case_id}, {cand.status})")
                    entry.setData(Qt.ItemDataRole.UserRole, cand.rma)
                    self.choices.addItem(entry)
                self.choices.setCurrentRow(0)
            case NotFound(code=code):
                self.last_problem = LookupProblem.UNKNOWN
                self.message.show_message(self.tr(
                    "Unknown code: no return case has the code {0}. Check that you scanned the "
                    "return label (RMA, tracking or order number), or type the RMA.").format(
                    code), ERROR_COLOUR, flash=True)
            case Offline(reason=reason, server_answered=True):
                self.last_problem = LookupProblem.SERVER
                self.message.show_message(self.tr(
                    "The case server had a problem ({0}). Scan again to retry, or "
                    "start the inspection unverified: choose the item's category."
                ).format(reason), WARN_COLOUR, flash=True)
                self._show_choice(Choice.CATEGORY)
            case Offline():
                self.last_problem = LookupProblem.OFFLINE
                self.message.show_message(self.tr(
                    "Offline: the case server cannot be reached. The inspection "
                    "starts unverified and is checked when the station is back "
                    "online. Choose the item's category."), WARN_COLOUR, flash=True)
                self._show_choice(Choice.CATEGORY)
            case unknown:
                assert_never(unknown)

    # --- choices ----------------------------------------------------------------------------

    def _show_choice(self, choice: Choice) -> None:
        self.choice = choice
        self.choices.clear()
        visible = choice is not Choice.NONE
        self.choices.setVisible(visible)
        self.choice_label.setVisible(visible)
        if choice is Choice.CATEGORY:
            self._fill_categories()
        self.retranslate_ui() if visible else self.choice_label.clear()

    def _fill_categories(self) -> None:
        row = max(0, self.choices.currentRow())
        self.choices.clear()
        language = self.services.ctx.settings.language
        for category, title in categories(self.services.ctx, language):
            entry = QListWidgetItem(f"{title}  ({category})")
            entry.setData(Qt.ItemDataRole.UserRole, category)
            self.choices.addItem(entry)
        self.choices.setCurrentRow(min(row, self.choices.count() - 1))

    def show_drafts(self) -> None:
        if not self.drafts:
            self.message.show_message(self.tr("No unfinished inspections."), INFO_COLOUR)
            return
        self._show_choice(Choice.DRAFTS)
        for draft in self.drafts:
            started = draft.started_at.astimezone().strftime("%H:%M")
            label = draft.scanned_code or draft.case_id or draft.inspection_id[:8]
            entry = QListWidgetItem(self.tr("{0}  started {1}, step {2}").format(
                label, started, draft.current_step + 1))
            entry.setData(Qt.ItemDataRole.UserRole, draft.inspection_id)
            self.choices.addItem(entry)
        self.choices.setCurrentRow(0)

    def _pick(self) -> None:
        if self.choices.currentRow() < 0:  # nothing chosen (the stubs say an item is)
            return
        item = self.choices.currentItem()
        value = str(item.data(Qt.ItemDataRole.UserRole))
        choice = self.choice
        self._show_choice(Choice.NONE)
        if choice is Choice.CANDIDATES:
            self._lookup(value)
        elif choice is Choice.CATEGORY:
            self.start_unverified.emit(self.pending_code, value)
        elif choice is Choice.DRAFTS:
            self.resume_requested.emit(value)
        self.focus_input()
