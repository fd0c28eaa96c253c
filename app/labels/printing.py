"""Which label printer the site has (settings label_printer*), and the steps to print on it.

Qt-free: the UI calls these on worker threads (the store read, the TCP send, the PDF) and
only hands a finished page PDF to the OS print queue itself, as it does with reports.
A failure raises LabelError; the confirmed inspection is stored before any of this runs.
"""

from __future__ import annotations

import logging
from datetime import tzinfo
from pathlib import Path

from app.atomic import atomic_write
from app.config import Settings
from app.domain import Operator
from app.labels.content import LabelContent, LabelError, label_content, require_label_reprint
from app.labels.page import build_label_pdf
from app.labels.zpl import TIMEOUT_S, build_zpl, send_zpl
from app.store.store import Store
from app.training import is_training_folder

log = logging.getLogger("station.labels")

NONE, ZPL, PAGE = "none", "zpl", "page"


def load_label(store: Store, inspection_id: str, settings: Settings, *,
               reprint: bool = False, by: Operator | None = None,
               tz: tzinfo | None = None) -> LabelContent:
    """The label of a stored inspection; a reprint is checked and written to the audit log.

    A reprint is a person asking again (history): the rule is the core's, and the label
    says REPRINT so a second label for one item is visible on the floor.
    """
    who = require_label_reprint(by) if reprint else None
    if settings.label_printer == NONE:
        raise LabelError(key="label_no_printer")
    record = store.record(inspection_id)
    if who is not None:
        store.audit(who.operator_id, "label_reprinted", inspection_id,
                    printer=settings.label_printer)
    return label_content(record, station_id=settings.station_id, language=settings.language,
                         tz=tz, reprint=reprint,
                         training=is_training_folder(store.db_file.parent))


def send_zpl_label(content: LabelContent, settings: Settings, *,
                   timeout: float = TIMEOUT_S) -> str:
    """Build and send the ZPL; returns where it went (host:port)."""
    send_zpl(build_zpl(content, settings.label_size), settings.label_printer_host,
             settings.label_printer_port, timeout=timeout)
    where = f"{settings.label_printer_host}:{settings.label_printer_port}"
    log.info("label for %s sent to %s", content.inspection_id, where)
    return where


def write_page_label(content: LabelContent, settings: Settings, out: Path) -> Path:
    """The page label as a PDF file, for the print queue (written whole or not at all)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, build_label_pdf(content, settings.label_size), durable=False)
    return out
