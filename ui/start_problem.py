"""The dialog shown when the station refuses to start over its data, in the site's language.

A missing database beside an earlier station's records, or a damaged one, is told in
plain words with the way to restore; nothing is rebuilt or written. The core raises
EvidenceError / DamagedDatabase with the facts; the words are chosen here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from app.station_store import EvidenceError
from app.store.db import DamagedDatabase
from ui.i18n import Translations

T = QCoreApplication


def _evidence_words() -> dict[str, str]:
    return {"photos": T.translate("StartProblem", "photos"),
            "token": T.translate("StartProblem", "the station token"),
            "audit_key": T.translate("StartProblem", "the audit key"),
            "logs": T.translate("StartProblem", "logs")}


def start_problem_text(exc: BaseException) -> str:
    """What the person at the station reads (tests call this without the dialog)."""
    if isinstance(exc, EvidenceError):
        words = _evidence_words()
        state = (T.translate("StartProblem", "missing") if exc.missing
                 else T.translate("StartProblem", "empty"))
        return T.translate(
            "StartProblem",
            "The station database {0} is {1}, but this data folder holds {2} from an earlier "
            "start. It was not rebuilt, so nothing is overwritten.\n\nTo restore: copy "
            "station.db from your backup into {3} and start again. To set up a new station "
            "instead, first move the whole folder {3} aside.").format(
                exc.db_file, state, ", ".join(words[e] for e in exc.evidence),
                exc.db_file.parent)
    if isinstance(exc, DamagedDatabase):
        return T.translate(
            "StartProblem",
            "The station database {0} is damaged. Nothing was written to it.\n\nTo restore: "
            "copy station.db from your backup over it (or move it aside) and start again.\n\n"
            "Details: {1}").format(exc.db_file, exc)
    return T.translate("StartProblem", "The station cannot start:\n{0}").format(exc)


def show_start_problem(exc: BaseException, language: str) -> None:
    translations = Translations()
    if language != "en":
        translations.switch(language)
    QMessageBox.critical(None, T.translate("StartProblem", "Inspection station"),
                         start_problem_text(exc))
