"""The two sounds of the bench: the good-read beep and the error tone of a refused input.

Counted as well as played, so tests (which run silent) can see that a refusal was told.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl

from app.resources import resource_path

if TYPE_CHECKING:  # Qt Multimedia is optional at run time (imported at the first sound)
    from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger("station.ui.tones")


class Tones(QObject):
    """Plays resources/sounds/{beep,error}.wav when the station's `sound` setting is on."""

    def __init__(self, enabled: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.good_count = 0
        self.error_count = 0
        self._effects: dict[str, QSoundEffect] | None = None

    def good(self) -> None:
        self.good_count += 1
        self._play("beep")

    def error(self) -> None:
        self.error_count += 1
        self._play("error")

    def _play(self, name: str) -> None:
        if not self.enabled:
            return
        if self._effects is None:
            self._effects = {}
            try:
                from PySide6.QtMultimedia import QSoundEffect
            except ImportError as exc:  # QtMultimedia missing from this build: stay silent
                log.warning("no sound: %s", exc)
                return
            for sound in ("beep", "error"):
                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(resource_path("sounds", f"{sound}.wav"))))
                effect.setVolume(0.8)
                self._effects[sound] = effect
        found = self._effects.get(name)
        if found is not None:
            found.play()
