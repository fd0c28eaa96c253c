"""SQLite store of the reference case API server: cases, inspection results and photos.

The decisions that need the stored state (idempotent replays, conflicts, unknown
case or line, missing photos, case state) live here, under one write lock, so
two stations racing on the same line cannot both win.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    mapped_column,
    relationship,
    selectinload,
    sessionmaker,
)

from app.atomic import atomic_write

CASE_STATUSES = ("awaiting_inspection", "inspected", "closed", "cancelled")
CUSTOMER_REASONS = (
    "defective",
    "not_as_described",
    "damaged_in_transit",
    "wrong_item",
    "no_longer_needed",
    "other",
)


def utc_now_text() -> str:
    """Server clock as the contract writes timestamps (RFC 3339, UTC, whole seconds)."""
    return datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def lookup_key(code: str) -> str:
    """Lookups trim white space and ignore letter case."""
    return code.strip().casefold()


def canonical_json(value: Any) -> str:
    """One text per JSON value: key order and white space do not matter."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Base(DeclarativeBase):
    pass


class CaseRow(Base):
    __tablename__ = "rs_cases"

    case_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rma: Mapped[str] = mapped_column(String(64), unique=True)
    rma_key: Mapped[str] = mapped_column(String(64), index=True)
    order_id: Mapped[str] = mapped_column(String(64))
    order_key: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(32))
    customer_reason: Mapped[str] = mapped_column(String(32))
    customer_comment: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[str] = mapped_column(String(40))
    inspect_by: Mapped[str] = mapped_column(String(40))
    items: Mapped[list[CaseItemRow]] = relationship(
        back_populates="case", order_by="CaseItemRow.position", cascade="all, delete-orphan"
    )
    tracking: Mapped[list[TrackingRow]] = relationship(
        back_populates="case", order_by="TrackingRow.position", cascade="all, delete-orphan"
    )


class CaseItemRow(Base):
    __tablename__ = "rs_case_items"
    __table_args__ = (UniqueConstraint("case_id", "line_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("rs_cases.case_id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    line_id: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    serial_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    unit_price: Mapped[str | None] = mapped_column(String(32), nullable=True)
    currency: Mapped[str | None] = mapped_column(String(8), nullable=True)
    expected_accessories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Optional contract fields (issue 16): absent from the answer when not known.
    gtin: Mapped[str | None] = mapped_column(String(14), nullable=True)
    expected_weight_g: Mapped[float | None] = mapped_column(Float, nullable=True)
    case: Mapped[CaseRow] = relationship(back_populates="items")


class TrackingRow(Base):
    __tablename__ = "rs_tracking_numbers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("rs_cases.case_id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64))
    number_key: Mapped[str] = mapped_column(String(64), index=True)
    case: Mapped[CaseRow] = relationship(back_populates="tracking")


class InspectionRow(Base):
    __tablename__ = "rs_inspections"
    # One result per item line: a second, different result is `already_inspected`.
    __table_args__ = (UniqueConstraint("case_id", "line_id"),)

    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("rs_cases.case_id"), index=True)
    line_id: Mapped[str] = mapped_column(String(32))
    canonical: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    station_header: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[str] = mapped_column(String(40))


class PhotoRow(Base):
    __tablename__ = "rs_photos"

    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    photo_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[str] = mapped_column(String(40))


@dataclass(frozen=True, slots=True)
class Answer:
    """What the HTTP layer sends back: a status code and a JSON body."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    inspection_id: str
    photo_id: str
    sha256: str
    content_type: str
    data: bytes
    path: Path


def _conflict(reason: str, **extra: Any) -> Answer:
    return Answer(409, {"error": "conflict", "reason": reason, **extra})


def _invalid(reason: str, **extra: Any) -> Answer:
    return Answer(422, {"error": "invalid", "reason": reason, **extra})


class Store:
    """The server's state in its own SQLite file, plus photo files named by generated ids."""

    def __init__(self, db_path: Path, photo_dir: Path) -> None:
        self.db_path = Path(db_path)
        self.photo_dir = Path(photo_dir)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.photo_dir.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(
            f"sqlite:///{self.db_path}",
            connect_args={"check_same_thread": False, "timeout": 30},
        )
        event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        _add_item_columns(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = threading.Lock()

    def close(self) -> None:
        self.engine.dispose()

    # --- cases --------------------------------------------------------------------------------

    def add_case(self, doc: Mapping[str, Any], *, replace: bool = False) -> None:
        """Add a case given in the contract's lookup shape (admin helper for tests and seeding)."""
        row = _case_row(doc)
        with self._write_lock, self._sessions.begin() as s:
            old = s.get(CaseRow, row.case_id)
            if old is not None:
                if not replace:
                    raise ValueError(f"case {row.case_id} exists")
                s.delete(old)
                s.flush()
            s.add(row)

    def seed(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Add the cases that are not stored yet; return how many were added."""
        added = 0
        with self._write_lock, self._sessions.begin() as s:
            for doc in docs:
                if s.get(CaseRow, str(doc["case_id"])) is None:
                    s.add(_case_row(doc))
                    added += 1
        return added

    def set_case_status(self, case_id: str, status: str) -> None:
        if status not in CASE_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._write_lock, self._sessions.begin() as s:
            row = s.get(CaseRow, case_id)
            if row is None:
                raise KeyError(case_id)
            row.status = status

    def get_case(self, case_id: str) -> dict[str, Any] | None:
        with self._sessions() as s:
            row = s.scalars(_case_query().where(CaseRow.case_id == case_id)).first()
            return None if row is None else _case_doc(row)

    def case_ids(self) -> list[str]:
        with self._sessions() as s:
            return list(s.scalars(select(CaseRow.case_id).order_by(CaseRow.case_id)))

    def lookup(self, code: str) -> list[dict[str, Any]]:
        """Every case whose RMA, order id or tracking number matches the code."""
        key = lookup_key(code)
        if not key:
            return []
        with self._sessions() as s:
            by_tracking = select(TrackingRow.case_id).where(TrackingRow.number_key == key)
            query = (
                _case_query()
                .where(
                    (CaseRow.rma_key == key)
                    | (CaseRow.order_key == key)
                    | CaseRow.case_id.in_(by_tracking)
                )
                .order_by(CaseRow.case_id)
            )
            return [_case_doc(row) for row in s.scalars(query).unique()]

    # --- photos -------------------------------------------------------------------------------

    def put_photo(
        self, inspection_id: str, photo_id: str, data: bytes, sha256: str, content_type: str
    ) -> Answer:
        """Store a checked photo: 201 new, 200 same bytes again, 409 other bytes."""
        ok = Answer(200, {"photo_id": photo_id, "sha256": sha256})
        with self._write_lock:
            with self._sessions() as s:
                old = s.get(PhotoRow, (inspection_id, photo_id))
                if old is not None:
                    if old.sha256 == sha256:
                        return ok
                    return _conflict("different_bytes", photo_id=photo_id)
            suffix = ".png" if content_type == "image/png" else ".jpg"
            file_name = uuid.uuid4().hex + suffix  # never a name taken from the request
            _write_file(self.photo_dir / file_name, data)
            with self._sessions.begin() as s:
                s.add(
                    PhotoRow(
                        inspection_id=inspection_id,
                        photo_id=photo_id,
                        sha256=sha256,
                        size=len(data),
                        content_type=content_type,
                        file_name=file_name,
                        stored_at=utc_now_text(),
                    )
                )
        return Answer(201, ok.body)

    def count_photos(self, inspection_id: str | None = None) -> int:
        with self._sessions() as s:
            query = select(func.count()).select_from(PhotoRow)
            if inspection_id is not None:
                query = query.where(PhotoRow.inspection_id == inspection_id.lower())
            return int(s.scalar(query) or 0)

    def get_photo(self, inspection_id: str, photo_id: str) -> StoredPhoto | None:
        with self._sessions() as s:
            row = s.get(PhotoRow, (inspection_id.lower(), photo_id.lower()))
            if row is None:
                return None
            path = self.photo_dir / row.file_name
            return StoredPhoto(
                inspection_id=row.inspection_id,
                photo_id=row.photo_id,
                sha256=row.sha256,
                content_type=row.content_type,
                data=path.read_bytes(),
                path=path,
            )

    def photo_keys(self) -> list[tuple[str, str]]:
        with self._sessions() as s:
            rows = s.execute(
                select(PhotoRow.inspection_id, PhotoRow.photo_id).order_by(
                    PhotoRow.inspection_id, PhotoRow.photo_id
                )
            )
            return [(r[0], r[1]) for r in rows]

    # --- inspections --------------------------------------------------------------------------

    def put_inspection(
        self, inspection_id: str, payload: Mapping[str, Any], raw: bytes, station_header: str
    ) -> Answer:
        """The checks after shape, in the contract's order: stored id, case/line, photos, state."""
        canonical = canonical_json(payload)
        with self._write_lock, self._sessions.begin() as s:
            old = s.get(InspectionRow, inspection_id)
            if old is not None:
                if old.canonical == canonical:
                    return Answer(
                        200, {"inspection_id": inspection_id, "received_at": old.received_at}
                    )
                return _conflict("different_payload")

            case_id = str(payload["case_id"])
            line_id = str(payload["line_id"])
            case = s.scalars(_case_query().where(CaseRow.case_id == case_id)).first()
            if case is None:
                return _invalid("unknown_case", case_id=case_id)
            if all(item.line_id != line_id for item in case.items):
                return _invalid("unknown_line", case_id=case_id, line_id=line_id)

            declared = _declared_photos(payload)
            stored = {
                row.photo_id: row.sha256
                for row in s.scalars(
                    select(PhotoRow).where(PhotoRow.inspection_id == inspection_id)
                )
            }
            missing = [pid for pid in declared if pid not in stored]
            if missing:
                return _invalid("missing_photos", missing_photos=missing)
            mismatched = [
                pid for pid, sha in declared.items() if sha is not None and stored[pid] != sha
            ]
            if mismatched:
                return _invalid("photo_sha256_mismatch", photo_ids=mismatched)

            if case.status == "closed":
                return _conflict("case_closed")
            if case.status == "cancelled":
                return _conflict("case_cancelled")
            done = set(
                s.scalars(select(InspectionRow.line_id).where(InspectionRow.case_id == case_id))
            )
            if line_id in done or case.status == "inspected":
                return _conflict("already_inspected", case_id=case_id, line_id=line_id)

            received_at = utc_now_text()
            s.add(
                InspectionRow(
                    inspection_id=inspection_id,
                    case_id=case_id,
                    line_id=line_id,
                    canonical=canonical,
                    raw=raw,
                    station_header=station_header,
                    received_at=received_at,
                )
            )
            if {item.line_id for item in case.items} <= (done | {line_id}):
                case.status = "inspected"
            return Answer(201, {"inspection_id": inspection_id, "received_at": received_at})

    def count_inspections(self, case_id: str | None = None) -> int:
        with self._sessions() as s:
            query = select(func.count()).select_from(InspectionRow)
            if case_id is not None:
                query = query.where(InspectionRow.case_id == case_id)
            return int(s.scalar(query) or 0)

    def inspection_ids(self) -> list[str]:
        with self._sessions() as s:
            return list(
                s.scalars(select(InspectionRow.inspection_id).order_by(InspectionRow.inspection_id))
            )

    def get_inspection(self, inspection_id: str) -> dict[str, Any] | None:
        """The stored result as a JSON value (None when not stored)."""
        raw = self.get_inspection_bytes(inspection_id)
        return None if raw is None else dict(json.loads(raw))

    def get_inspection_bytes(self, inspection_id: str) -> bytes | None:
        """The exact request body first stored under this id."""
        with self._sessions() as s:
            row = s.get(InspectionRow, inspection_id.lower())
            return None if row is None else bytes(row.raw)

    def get_inspection_station(self, inspection_id: str) -> str | None:
        """The X-Station-Id header the result came with."""
        with self._sessions() as s:
            row = s.get(InspectionRow, inspection_id.lower())
            return None if row is None else row.station_header


# --- helpers ------------------------------------------------------------------------------------


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _case_query() -> Any:
    return select(CaseRow).options(selectinload(CaseRow.items), selectinload(CaseRow.tracking))


def _write_file(path: Path, data: bytes) -> None:
    """Write then rename, so a crash never leaves a half photo under its final name."""
    atomic_write(path, data, durable=True)


def _declared_photos(payload: Mapping[str, Any]) -> dict[str, str | None]:
    """Photo ids the result names (photos[] first, then answers), lower-cased, in order."""
    out: dict[str, str | None] = {}
    photos: Sequence[Any] = payload.get("photos") or []
    for p in photos:
        out[str(p["photo_id"]).lower()] = str(p["sha256"]).lower()
    answers: Sequence[Any] = payload.get("answers") or []
    for a in answers:
        for pid in a.get("photo_ids") or []:
            out.setdefault(str(pid).lower(), None)
    return out


def _case_row(doc: Mapping[str, Any]) -> CaseRow:
    status = str(doc.get("status", "awaiting_inspection"))
    if status not in CASE_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    reason = str(doc.get("customer_reason", "other"))
    if reason not in CUSTOMER_REASONS:
        raise ValueError(f"unknown customer_reason {reason!r}")
    items = list(doc["items"])
    if not items:
        raise ValueError("a case needs at least one item line")
    row = CaseRow(
        case_id=str(doc["case_id"]),
        rma=str(doc["rma"]),
        rma_key=lookup_key(str(doc["rma"])),
        order_id=str(doc["order_id"]),
        order_key=lookup_key(str(doc["order_id"])),
        status=status,
        customer_reason=reason,
        customer_comment=str(doc.get("customer_comment") or ""),
        received_at=str(doc["received_at"]),
        inspect_by=str(doc["inspect_by"]),
    )
    for pos, item in enumerate(items):
        row.items.append(
            CaseItemRow(
                position=pos,
                line_id=str(item["line_id"]),
                sku=str(item["sku"]),
                title=str(item["title"]),
                category=str(item["category"]),
                quantity=int(item.get("quantity", 1)),
                serial_number=item.get("serial_number"),
                unit_price=item.get("unit_price"),
                currency=item.get("currency"),
                expected_accessories=[str(a) for a in item.get("expected_accessories") or []],
                gtin=item.get("gtin"),
                expected_weight_g=item.get("expected_weight_g"),
            )
        )
    for pos, number in enumerate(doc.get("tracking_numbers") or []):
        row.tracking.append(
            TrackingRow(position=pos, number=str(number), number_key=lookup_key(str(number)))
        )
    return row


def _case_doc(row: CaseRow) -> dict[str, Any]:
    return {
        "case_id": row.case_id,
        "rma": row.rma,
        "order_id": row.order_id,
        "status": row.status,
        "customer_reason": row.customer_reason,
        "customer_comment": row.customer_comment,
        "tracking_numbers": [t.number for t in row.tracking],
        "received_at": row.received_at,
        "inspect_by": row.inspect_by,
        "items": [
            {
                "line_id": it.line_id,
                "sku": it.sku,
                "title": it.title,
                "category": it.category,
                "quantity": it.quantity,
                "serial_number": it.serial_number,
                "unit_price": it.unit_price,
                "currency": it.currency,
                "expected_accessories": list(it.expected_accessories),
                **{k: v for k, v in (("gtin", it.gtin),
                                     ("expected_weight_g", it.expected_weight_g))
                   if v is not None},
            }
            for it in row.items
        ],
    }


def _add_item_columns(engine: Engine) -> None:
    """A server file from before the optional item fields (a training folder) gets them."""
    with engine.begin() as conn:
        have = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(rs_case_items)")}
        for name, kind in (("gtin", "VARCHAR(14)"), ("expected_weight_g", "FLOAT")):
            if name not in have:
                conn.exec_driver_sql(f"ALTER TABLE rs_case_items ADD COLUMN {name} {kind}")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
