"""Evidence photos of the current checklist step: take (Space), import, thumbnails, retake, delete.

The panel never decides anything: app/workflow.py downscales and strips the photo, the
store saves it, the wizard attaches it. Taking, processing and saving run off the GUI
thread; only attaching (a few microseconds) happens here.

Signals:
    photos_changed(): a photo was attached or removed (the flow re-checks its gates).
    message(str, bool): text for the inspector, and whether it is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain import DomainError, Photo, StepKind
from app.photo_check import PhotoQualityRefused
from app.workflow import InspectionSession, PhotoTooLarge
from ui.i18n import error_text
from ui.services import Services
from ui.widgets import BigButton, VideoView

THUMB_PX = 120


def _load_thumb(data: bytes) -> QImage:
    """Decode and scale on a worker thread (QImage is safe off the GUI thread, QPixmap not)."""
    image = QImage.fromData(data)
    if image.isNull():
        return image
    return image.scaled(
        THUMB_PX, THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


class _Thumb(QWidget):
    """One photo with its Retake and Delete buttons."""

    def __init__(self, photo: Photo, panel: PhotoPanel) -> None:
        super().__init__(panel)
        self.photo = photo
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.image = QLabel(self)
        self.image.setFixedSize(QSize(THUMB_PX, THUMB_PX))
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setStyleSheet("QLabel { background: #263238; color: white; }")
        layout.addWidget(self.image)
        row = QHBoxLayout()
        self.retake = QPushButton(self)
        self.delete = QPushButton(self)
        for button in (self.retake, self.delete):
            button.setMinimumHeight(40)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(button)
        layout.addLayout(row)
        self.retake.clicked.connect(lambda: panel.retake(photo.photo_id))
        self.delete.clicked.connect(lambda: panel.delete(photo.photo_id))
        self.retranslate_ui()

    def set_image(self, image: QImage) -> None:
        if image.isNull():
            self.image.setText(self.tr("unreadable"))
        else:
            self.image.setPixmap(QPixmap.fromImage(image))

    def retranslate_ui(self) -> None:
        self.retake.setText(self.tr("Retake"))
        self.delete.setText(self.tr("Delete"))
        if self.image.pixmap().isNull():
            self.image.setText(self.tr("loading…"))


class _KeepNote(QLineEdit):
    """The keep-anyway note: Enter keeps the photo and goes no further (not Next)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class PhotoPanel(QWidget):
    """The live camera view on steps that take photos, the step's thumbnails, Take / Import.

    Frames come from the camera worker already scaled on its thread (the main window
    forwards them only while the flow is on screen); painting one is a single drawImage.
    """

    photos_changed = Signal()
    message = Signal(str, bool)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.session: InspectionSession | None = None
        self.step_id: str | None = None
        self.busy = False
        self._thumbs: dict[str, _Thumb] = {}
        self._generation = 0  # thumbnails loaded for an older step are dropped
        self._taken: QImage | None = None  # the frame in view when Space was pressed
        self._shown_before: set[str] = set()  # photo ids whose thumbnails were up before

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.live = VideoView(self)
        self.live.setObjectName("live_view")
        self.live.setMinimumSize(240, 135)  # fits beside the step at 1366x768
        self.live.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(self.live, 1)
        buttons = QHBoxLayout()
        self.take_button = BigButton(parent=self)
        self.import_button = BigButton(parent=self)
        for b in (self.take_button, self.import_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        self.camera_label = QLabel(self)
        buttons.addWidget(self.camera_label, 1)
        outer.addLayout(buttons)
        # A refused photo (blurred, dark, burnt out: 16.3) may be kept with a note.
        self.keep_row = QWidget(self)
        keep = QHBoxLayout(self.keep_row)
        keep.setContentsMargins(0, 0, 0, 0)
        self.keep_note = _KeepNote(self.keep_row)
        self.keep_note.setObjectName("keep_note")
        self.keep_note.setMinimumHeight(40)
        self.keep_note.returnPressed.connect(self.keep_anyway)
        self.keep_button = QPushButton(self.keep_row)
        self.keep_button.setObjectName("keep_anyway")
        self.keep_button.setMinimumHeight(40)
        self.keep_button.clicked.connect(self.keep_anyway)
        keep.addWidget(self.keep_note, 1)
        keep.addWidget(self.keep_button)
        self.keep_row.hide()  # placed by the step page, where a 768-pixel screen has room
        self._refused: tuple[Any, str, str | None, Path | None] | None = None
        self.strip = QWidget(self)
        self.strip_layout = QHBoxLayout(self.strip)
        self.strip_layout.setContentsMargins(0, 0, 0, 0)
        self.strip_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.strip)
        scroll.setFixedHeight(THUMB_PX + 80)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(scroll)
        self.take_button.clicked.connect(self.take_photo)
        self.import_button.clicked.connect(lambda: self.import_file())
        self.retranslate_ui()

    # --- state --------------------------------------------------------------------------

    def has_camera(self) -> bool:
        return self.services.camera_available()

    def set_step(self, session: InspectionSession | None, step_id: str | None) -> None:
        self.session = session
        self.step_id = step_id
        self._drop_refused()
        step = session.wizard.step(step_id) if session is not None and step_id else None
        takes_photos = step is not None and (step.kind is StepKind.PHOTO or step.photo_on_fail)
        self.live.setVisible(takes_photos)
        if not takes_photos:
            self.live.clear_frame()
        self.refresh()

    def show_frame(self, image: QImage) -> None:
        """A live camera frame (GUI thread, already scaled): shown only on photo steps."""
        if self.live.isVisible():
            self.live.set_frame(image)

    def refresh(self) -> None:
        """Rebuild the thumbnails from the session (after any change)."""
        self._generation += 1
        generation = self._generation
        for thumb in self._thumbs.values():
            thumb.setParent(None)
            thumb.deleteLater()
        self._thumbs.clear()
        self.retranslate_ui()
        if self.session is None or self.step_id is None:
            self._shown_before = set()
            return
        store = self.services.ctx.store
        for photo in self.session.step_photos(self.step_id):
            thumb = _Thumb(photo, self)
            self._thumbs[photo.photo_id] = thumb
            self.strip_layout.insertWidget(self.strip_layout.count() - 1, thumb)
            pid = photo.photo_id

            def load(pid: str = pid) -> QImage:
                return _load_thumb(store.photo_bytes(pid))

            if self._taken is not None and pid not in self._shown_before:
                thumb.set_image(self._taken.scaled(
                    THUMB_PX, THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio))  # at once

            def show(image: Any, pid: str = pid) -> None:
                thumb = self._thumbs.get(pid)
                if generation == self._generation and thumb is not None:
                    thumb.set_image(image)

            self.services.run_in_background(load, show, lambda exc: None)

        self._shown_before = set(self._thumbs)
        self._taken = None

    def photo_ids(self) -> list[str]:
        return list(self._thumbs)

    # --- actions ------------------------------------------------------------------------

    def _check(self) -> str | None:
        if self.session is None or self.step_id is None:
            return None
        if self.busy:
            self.message.emit(self.tr("Still saving the last photo…"), False)
            return None
        try:
            self.session.check_photo_allowed(self.step_id)
        except DomainError as exc:
            self.message.emit(error_text(exc, self.services.ctx.settings.language), True)
            return None
        return self.step_id

    def take_photo(self, replacing: str | None = None) -> None:
        """Space: a full-resolution still from the live camera, attached to this step."""
        step_id = self._check()
        if step_id is None:
            return
        if not self.has_camera():
            self.message.emit(
                self.tr("No camera: import the photo from a file instead."), True)
            return
        self.busy = True
        self._drop_refused()
        self.message.emit(self.tr("Taking photo…"), False)
        self._taken = self.live.image()
        take: Callable[..., None] = self.services.take_still
        take(lambda frame: self._save(frame, step_id, replacing),
             lambda msg: self._failed(str(msg)))

    def import_file(self, path: str | None = None) -> None:
        """Attach a photo file (JPEG or PNG); without `path` a file dialog asks for one."""
        step_id = self._check()
        if step_id is None:
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import a photo"), str(Path.home()),
                self.tr("Pictures (*.jpg *.jpeg *.png)"))
            if not path:
                return
        self.busy = True
        file_path = Path(path)
        self._save(None, step_id, None, file_path)

    def _save(self, frame: Any, step_id: str, replacing: str | None,
              file_path: Path | None = None, keep_note: str | None = None) -> None:
        session = self.session
        if session is None:
            self.busy = False
            return

        def work() -> Photo:
            source = file_path.read_bytes() if file_path is not None else frame
            return session.store_photo(source, step_id, keep_note)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, PhotoQualityRefused) or (
                    isinstance(exc, DomainError) and exc.key == "photo_q_note_needed"):
                self.busy = False
                if session is self.session and step_id == self.step_id:
                    self._refused = (frame, step_id, replacing, file_path)
                    self.keep_row.show()
                self.message.emit(error_text(exc, self.services.ctx.settings.language), True)
                return
            self._failed(self._error_text(exc))

        self.services.run_in_background(
            work, lambda photo: self._attach(session, photo, replacing), failed, writes=True)

    def keep_anyway(self) -> None:
        """Keep the refused photo with the note typed beside it (the core refuses no note)."""
        if self._refused is None or self.busy:
            return
        frame, step_id, replacing, file_path = self._refused
        self.busy = True
        self._save(frame, step_id, replacing, file_path, keep_note=self.keep_note.text())

    def _drop_refused(self) -> None:
        self._refused = None
        self.keep_note.clear()
        self.keep_row.hide()

    def _attach(self, session: InspectionSession, photo: Photo, replacing: str | None) -> None:
        self.busy = False
        if session is not self.session:
            return  # the flow moved on to another inspection meanwhile
        try:
            session.keep_photo(photo, replacing)  # a refused photo is deleted again there
        except DomainError as exc:
            self.message.emit(error_text(exc, self.services.ctx.settings.language), True)
            self.refresh()
            self.photos_changed.emit()
            return
        self._drop_refused()
        self.message.emit(self.tr("Photo saved."), False)
        self.refresh()
        self.photos_changed.emit()

    def _error_text(self, exc: BaseException) -> str:
        if isinstance(exc, PhotoTooLarge):  # the one refusal with numbers a person can act on
            if exc.width and exc.height:
                return self.tr("the picture has {0}x{1} pixels, more than the limit of {2} MP "
                               "(setting image_max_megapixels); it was not opened").format(
                    exc.width, exc.height, f"{exc.limit:g}")
            return self.tr("the picture has more pixels than the limit of {0} MP (setting "
                           "image_max_megapixels); it was not opened").format(f"{exc.limit:g}")
        return error_text(exc, self.services.ctx.settings.language)

    def _failed(self, text: str) -> None:
        self.busy = False
        self.message.emit(self.tr("The photo was not saved: %1").replace("%1", text), True)

    def retake(self, photo_id: str) -> None:
        """A new still replaces this one (the old one is removed once the new one is kept)."""
        self.take_photo(replacing=photo_id)

    def delete(self, photo_id: str) -> None:
        if self.session is None:
            return
        try:
            self.session.remove_photo(photo_id)
        except DomainError as exc:
            self.message.emit(error_text(exc, self.services.ctx.settings.language), True)
            return
        self.refresh()
        self.photos_changed.emit()

    # --- words --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.take_button.setText(self.tr("Take photo (Space)"))
        self.keep_note.setPlaceholderText(self.tr("Why keep this photo anyway?"))
        self.keep_button.setText(self.tr("Keep anyway"))
        self.import_button.setText(self.tr("Import photo…"))
        self.camera_label.setText("" if self.has_camera() else self.tr("no camera"))
        for thumb in self._thumbs.values():
            thumb.retranslate_ui()
