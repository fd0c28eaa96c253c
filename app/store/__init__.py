"""Local storage: the SQLite database (through SQLAlchemy) and the photo folder."""

from app.store.db import StoreError
from app.store.photos import DiskFullError
from app.store.store import (
    InspectionRecord,
    OutboxItem,
    OutboxState,
    QueueCounts,
    ShiftRow,
    Store,
)

__all__ = ["DiskFullError", "InspectionRecord", "OutboxItem", "OutboxState", "QueueCounts",
           "ShiftRow", "Store", "StoreError"]
