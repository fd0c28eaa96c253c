"""The station's local store: the one way into the station database and photo folder.

`Store` puts together the parts, one job per module:

- `core.py`: opening, the write lock and transactions, the audit log;
- `inspections.py`: drafts, answers, photos, completion, resolving offline inspections;
- `history.py`: completed inspections read back (history, search, shift rows, bench board);
- `outbox_rows.py`: the delivery queue and the retention purge;
- `operator_rows.py`: the roster and failed logins;
- `records.py`: the plain values all of them hand out.
"""

from __future__ import annotations

from app.store.history import HistoryQueries
from app.store.inspections import InspectionWrites
from app.store.operator_rows import OperatorClash, OperatorRows
from app.store.outbox_rows import OutboxRows
from app.store.records import (
    AuditLine,
    InspectionRecord,
    LoginFailure,
    OperatorChange,
    OperatorRecord,
    OutboxItem,
    OutboxState,
    QueueCounts,
    ShiftRow,
    result_from_payload,
)

__all__ = ["AuditLine", "InspectionRecord", "LoginFailure", "OperatorChange", "OperatorClash",
           "OperatorRecord", "OutboxItem", "OutboxState", "QueueCounts", "ShiftRow", "Store",
           "result_from_payload"]


class Store(InspectionWrites, HistoryQueries, OutboxRows, OperatorRows):
    """The one way into the station database and photo folder."""
