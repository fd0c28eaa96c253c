"""Interface languages: loads the station's .qm translations and switches them at run time.

Switching installs a new QTranslator; Qt then sends every widget a LanguageChange
event, and the main window calls `retranslate_ui()` on each screen. English is the
source language, so it needs no file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.resources import resource_path

log = logging.getLogger("station.ui.i18n")

LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}


def error_text(exc: BaseException, language: str) -> str:
    """What a person reads for an error: a keyed core error in the station's language."""
    from app.domain import DomainError

    return exc.message(language) if isinstance(exc, DomainError) else str(exc)


def translations_dir() -> Path:
    return resource_path("translations")


class Translations:
    """Owns the installed translators; one instance per application."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or translations_dir()
        self.language = "en"
        self._installed: list[QTranslator] = []

    def qm_file(self, language: str) -> Path:
        return self.folder / f"station_{language}.qm"

    def switch(self, language: str) -> bool:
        """Install `language`; False (and English) when its .qm is missing or unreadable."""
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication before loading translations")
        for old in self._installed:
            app.removeTranslator(old)
        self._installed.clear()
        self.language = "en"
        if language == "en":
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
            return True
        ours = QTranslator(app)
        if not ours.load(str(self.qm_file(language))):
            log.warning("no translation for %s at %s (run scripts/build_translations.py)",
                        language, self.qm_file(language))
            return False
        qt_base = QTranslator(app)
        if qt_base.load(f"qtbase_{language}",
                        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_base)
            self._installed.append(qt_base)
        app.installTranslator(ours)
        self._installed.append(ours)
        QLocale.setDefault(QLocale(language))
        self.language = language
        return True
