"""ORM models of the station database (they mirror the schema the migrations build)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCText(TypeDecorator[datetime]):
    """Aware UTC datetimes stored as fixed-width text, so text order is time order."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return ts_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else ts_value(value)


def ts_text(value: datetime) -> str:
    """The stored form: "2026-11-22T16:02:00.000000Z" (fixed width, so text order is time
    order)."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def ts_value(text: str) -> datetime:
    """The stored form read back: fromisoformat reads it directly (strptime is ~20x slower)."""
    return datetime.fromisoformat(text)


class Base(DeclarativeBase):
    pass


class OperatorRow(Base):
    __tablename__ = "operators"
    operator_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    badge_code: Mapped[str | None] = mapped_column(Text, unique=True)
    pin_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCText)


class CaseRow(Base):
    __tablename__ = "cases"
    case_id: Mapped[str] = mapped_column(Text, primary_key=True)
    rma: Mapped[str] = mapped_column(Text, index=True)
    order_id: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UTCText)


class InspectionRow(Base):
    __tablename__ = "inspections"
    inspection_id: Mapped[str] = mapped_column(Text, primary_key=True)
    case_id: Mapped[str | None] = mapped_column(Text)
    line_id: Mapped[str | None] = mapped_column(Text)
    rma: Mapped[str | None] = mapped_column(Text, index=True)
    order_id: Mapped[str | None] = mapped_column(Text)
    sku: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text)
    customer_reason: Mapped[str | None] = mapped_column(Text)
    serial_expected: Mapped[str | None] = mapped_column(Text)
    serial_scanned: Mapped[str | None] = mapped_column(Text, index=True)
    station_id: Mapped[str] = mapped_column(Text)
    inspector_id: Mapped[str] = mapped_column(Text, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCText)
    completed_at: Mapped[datetime | None] = mapped_column(UTCText, index=True)
    status: Mapped[str] = mapped_column(Text, index=True)
    unverified: Mapped[bool] = mapped_column(Integer, default=0)
    scanned_code: Mapped[str] = mapped_column(Text, default="")
    template_id: Mapped[str] = mapped_column(Text)
    template_version: Mapped[int] = mapped_column(Integer)
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    classification: Mapped[str | None] = mapped_column(Text)
    classification_suggested: Mapped[str | None] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)
    disposition: Mapped[str | None] = mapped_column(Text)
    missing_accessories: Mapped[str] = mapped_column(Text, default="[]")
    case_body: Mapped[str | None] = mapped_column(Text)
    # Issue 14.3: scanned serial differs from the case line's; signed off by a shift lead.
    serial_mismatch: Mapped[bool] = mapped_column(Integer, default=0)
    mismatch_signed_by: Mapped[str | None] = mapped_column(Text)
    mismatch_signed_at: Mapped[datetime | None] = mapped_column(UTCText)
    mismatch_sign_off_reason: Mapped[str | None] = mapped_column(Text)  # 16.1: it holds too
    # Issue 14.2: the case an unverified inspection resolved to, while its line is chosen.
    candidate_case_id: Mapped[str | None] = mapped_column(Text)
    # Issue 16.1: the product code (GTIN-14) of the case line and the one scanned; a
    # mismatch is held for review, signed off by a shift lead with a reason.
    gtin_expected: Mapped[str | None] = mapped_column(Text)
    gtin_scanned: Mapped[str | None] = mapped_column(Text)
    gtin_mismatch: Mapped[bool] = mapped_column(Integer, default=0)
    gtin_signed_by: Mapped[str | None] = mapped_column(Text)
    gtin_signed_at: Mapped[datetime | None] = mapped_column(UTCText)
    gtin_sign_off_reason: Mapped[str | None] = mapped_column(Text)
    # Issue 16.4: function steps answered N/A or skipped (a JSON list of step ids).
    untested_steps: Mapped[str] = mapped_column(Text, default="[]")


class AnswerRow(Base):
    __tablename__ = "answers"
    inspection_id: Mapped[str] = mapped_column(
        Text, ForeignKey("inspections.inspection_id", ondelete="CASCADE"), primary_key=True
    )
    step_id: Mapped[str] = mapped_column(Text, primary_key=True)
    result: Mapped[str] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(Text)  # JSON
    note: Mapped[str] = mapped_column(Text, default="")
    photo_ids: Mapped[str] = mapped_column(Text, default="[]")
    answered_at: Mapped[datetime] = mapped_column(UTCText)
    extra: Mapped[str | None] = mapped_column(Text)  # JSON: the weight check (16.2)


class PhotoRow(Base):
    __tablename__ = "photos"
    photo_id: Mapped[str] = mapped_column(Text, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(
        Text, ForeignKey("inspections.inspection_id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String)
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(Text)
    taken_at: Mapped[datetime] = mapped_column(UTCText)
    file_name: Mapped[str] = mapped_column(Text)
    quality: Mapped[str | None] = mapped_column(Text)  # JSON: kept despite guardrails (16.3)


class ResultRow(Base):
    __tablename__ = "results"
    inspection_id: Mapped[str] = mapped_column(
        Text, ForeignKey("inspections.inspection_id", ondelete="CASCADE"), primary_key=True
    )
    # None until an unverified (offline) inspection has its case resolved.
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCText)


class OutboxRow(Base):
    __tablename__ = "outbox"
    inspection_id: Mapped[str] = mapped_column(
        Text, ForeignKey("inspections.inspection_id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCText)
    last_error: Mapped[str | None] = mapped_column(Text)
    attention_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCText)
    sent_at: Mapped[datetime | None] = mapped_column(UTCText)
    server_received_at: Mapped[str | None] = mapped_column(Text)
    handled_by: Mapped[str | None] = mapped_column(Text)
    handled_note: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[datetime | None] = mapped_column(UTCText)
    retry_hold_s: Mapped[float | None] = mapped_column(Float)  # the server's Retry-After


class AuditRow(Base):
    __tablename__ = "audit"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCText)
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(Text)


class LoginFailureRow(Base):
    __tablename__ = "login_failures"
    subject: Mapped[str] = mapped_column(Text, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCText)
    wait_until: Mapped[datetime | None] = mapped_column(UTCText)
    locked_until: Mapped[datetime | None] = mapped_column(UTCText)
