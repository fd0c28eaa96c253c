"""Small shared widgets: big glove-friendly buttons, a flashing message label, a video view."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

# Colours used for messages across screens (kept here so every screen agrees).
OK_COLOUR = "#1b5e20"
WARN_COLOUR = "#e65100"
ERROR_COLOUR = "#b71c1c"
INFO_COLOUR = "#0d47a1"


class BigButton(QPushButton):
    """A push button large enough for a gloved finger (at least 56 px high)."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *,
                 primary: bool = False) -> None:
        super().__init__(text, parent)
        self.setMinimumHeight(56)
        self.setMinimumWidth(140)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.25)
        font.setBold(primary)
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        if primary:
            self.setDefault(True)
            self.setStyleSheet(
                "QPushButton { background: #1565c0; color: white; border-radius: 6px;"
                " padding: 6px 18px; }"
                "QPushButton:disabled { background: #90a4ae; }"
                "QPushButton:focus { border: 3px solid #ffb300; }"
            )


def button_row_right(button: QPushButton) -> QHBoxLayout:
    """A row holding `button` at its right end (a page's primary action)."""
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(button)
    return row


def page_header(page: QWidget, on_back: Callable[[], object]) -> tuple[
        QHBoxLayout, QPushButton, QLabel]:
    """A full-screen page's top row: a back button (also Esc) and a heading; add the rest."""
    top = QHBoxLayout()
    back_button = QPushButton(page)
    back_button.setMinimumHeight(44)
    back_button.clicked.connect(on_back)
    top.addWidget(back_button)
    back = QShortcut(QKeySequence(Qt.Key.Key_Escape), page)
    back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    back.activated.connect(on_back)
    title = QLabel(page)
    title.setFont(heading_font(page.font(), 1.4))
    top.addWidget(title)
    top.addStretch(1)
    return top, back_button, title


def heading_font(base: QFont, scale: float = 1.6, bold: bool = True) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(base.pointSizeF(), 10) * scale)
    font.setBold(bold)
    return font


LONG_WORD = 40  # a scanned code longer than this is shortened on screen


def shorten_words(text: str, limit: int = LONG_WORD) -> str:
    """Long unbroken words (scanned codes) cut in the middle: they would widen the window."""
    def cut(word: str) -> str:
        if len(word) <= limit:
            return word
        keep = (limit - 1) // 2
        return word[:keep] + "…" + word[-keep:]
    return "\n".join(" ".join(cut(w) for w in line.split(" ")) for line in text.split("\n"))


class ElidedLabel(QLabel):
    """One line of plain text that never widens its window: elided, full text in a tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = ""

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text if len(text) > 0 else "")
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(10, self.width() - 4)
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                                      width))


class FlashLabel(QLabel):
    """A message line that can flash its background briefly (good read, error).

    Text is always shown as plain text: scanned codes never reach a rich-text label.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setMinimumHeight(48)
        # Wraps to the width it is given and never asks for more.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setFont(heading_font(self.font(), 1.25, bold=True))
        self._colour = INFO_COLOUR
        self._flash = QTimer(self)
        self._flash.setSingleShot(True)
        self._flash.timeout.connect(self._unflash)
        self._apply(False)

    @property
    def colour(self) -> str:
        return self._colour

    def show_message(self, text: str, colour: str = INFO_COLOUR, *, flash: bool = False,
                     flash_ms: int = 400) -> None:
        self._colour = colour
        shown = shorten_words(text)
        self.setText(shown)
        self.setToolTip(text if shown != text else "")
        self._apply(flash)
        if flash:
            self._flash.start(flash_ms)

    def is_flashing(self) -> bool:
        return self._flash.isActive()

    def _unflash(self) -> None:
        self._apply(False)

    def _apply(self, flashing: bool) -> None:
        if flashing:
            self.setStyleSheet(f"QLabel {{ background: {self._colour}; color: white;"
                               " padding: 6px; border-radius: 4px; }")
        else:
            self.setStyleSheet(f"QLabel {{ color: {self._colour}; padding: 6px; }}")


class VideoView(QWidget):
    """Paints the newest camera frame scaled to fit, with detected codes outlined.

    Frames arrive already scaled and converted on the capture side, so painting here is
    a single drawImage: the GUI thread never resizes a 1080p frame.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._outlines: list[tuple[QPolygonF, QSize]] = []
        self._placeholder = ""
        self.frames_painted = 0
        self.frames_received = 0
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def set_frame(self, image: QImage) -> None:
        self._image = image
        self.frames_received += 1
        self.update()

    def clear_frame(self) -> None:
        self._image = None
        self._outlines = []
        self.update()

    def set_outlines(self, polygons: Sequence[Sequence[tuple[float, float]]],
                     frame_size: QSize) -> None:
        """Corner points in the coordinates of a frame of `frame_size` (full resolution)."""
        self._outlines = [
            (QPolygonF([QPointF(x, y) for x, y in pts]), frame_size) for pts in polygons if pts
        ]
        self.update()

    def has_frame(self) -> bool:
        return self._image is not None

    def image(self) -> QImage | None:
        """The frame on screen now (a copy: the caller may keep it)."""
        return None if self._image is None else self._image.copy()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor(40, 40, 40))
            if self._image is None or self._image.isNull():
                painter.setPen(QColor(220, 220, 220))
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._placeholder)
                return
            img = self._image
            scale = min(self.width() / img.width(), self.height() / img.height())
            w, h = img.width() * scale, img.height() * scale
            target = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
            painter.drawImage(target, img)
            if self._outlines:
                pen = QPen(QColor(0, 230, 118), 4)
                painter.setPen(pen)
                for poly, size in self._outlines:
                    if size.width() <= 0 or size.height() <= 0:
                        continue
                    sx, sy = w / size.width(), h / size.height()
                    mapped = QPolygonF([
                        QPointF(target.x() + poly.at(i).x() * sx, target.y() + poly.at(i).y() * sy)
                        for i in range(poly.size())])
                    painter.drawPolygon(mapped)
            self.frames_painted += 1
        finally:
            painter.end()
