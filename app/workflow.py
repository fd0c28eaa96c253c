"""The inspection session without Qt: start, resume, answer, photos, suggestion and confirm.

Every business rule the inspection screens need lives here (or below, in app/wizard.py,
app/rules.py and app/store/): the widgets only show state and forward key presses.

Persistence: each answer and each move is written at once. By default the write runs
synchronously (tests, CLI); the GUI passes `persist`, which queues the same write on its
single database thread, so the GUI thread never waits on the disk while the order of the
writes is kept. Photos are processed and stored in two halves: `store_photo` (slow, any
thread: decode, downscale, re-encode, write) and `attach_photo` (fast, the owner's thread:
the wizard takes the photo id in).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from app.case_gate import check_line_in, gate_message
from app.checklists import failure_text, merge_expected_accessories, template_for
from app.config import Settings, save_settings
from app.context import StationContext
from app.domain import (
    Answer,
    Case,
    CaseItem,
    ChecklistStep,
    ChecklistTemplate,
    Classification,
    CustomerReason,
    Disposition,
    DomainError,
    InspectionStatus,
    Photo,
    Result,
    StepKind,
    Suggestion,
)
from app.imagecheck import (
    DEFAULT_MAX_MEGAPIXELS,
    ImageRefused,
    ImageTooLarge,
    check_image_header,
)
from app.messages import Both, t
from app.mismatch import SignOff, check_sign_off, sign_off
from app.operators import Operator, require_shift_lead
from app.photo_check import judge_photo
from app.rules import check_override, suggest
from app.store.store import InspectionRecord
from app.weight import WEIGHT_STEP_ID, add_weight_step, answer_weight_step
from app.wizard import IdentityCheck, Wizard

__all__ = [
    "MAX_PHOTO_FILE_BYTES",
    "ConfirmPlan",
    "InspectionSession",
    "PhotoError",
    "PhotoTooLarge",
    "WorkflowError",
    "categories",
    "choose_line",
    "mark_handled",
    "prepare_photo",
    "prompt_for",
    "report_prompts",
    "retry_needs_attention",
    "save_station_settings",
    "start_inspection",
]

# A phone photo is a few MB; anything far larger is not an evidence photo.
MAX_PHOTO_FILE_BYTES = 60 * 1024 * 1024

Persist = Callable[[Callable[[], None]], None]


class WorkflowError(DomainError):
    """The session refuses an action; the message is plain and fit to show the inspector."""


class PhotoError(WorkflowError):
    """A picture that cannot be used as evidence (not an image, damaged, empty)."""


class PhotoTooLarge(PhotoError):
    """An image bomb (or a panorama): more pixels than image_max_megapixels, never decoded."""

    def __init__(self, refused: ImageTooLarge) -> None:
        super().__init__(f"This file cannot be used as a photo: {refused}.")
        self.width, self.height, self.limit = refused.width, refused.height, refused.limit


def _actor(ctx: StationContext) -> Operator:
    if ctx.operator is None:
        raise WorkflowError(key="flow_log_in")
    return ctx.operator


def prompt_for(step: ChecklistStep, language: str) -> str:
    """The prompt in the UI language: Chinese when the station runs in zh_CN and has one."""
    if language == "zh_CN" and step.prompt_zh:
        return step.prompt_zh
    return step.prompt


def categories(ctx: StationContext, language: str = "en") -> list[tuple[str, str]]:
    """(category, title) of every loaded template, for the offline category picker."""
    out: list[tuple[str, str]] = []
    for category, template in sorted(ctx.templates.items()):
        zh = template.title_zh
        out.append((category, zh if language == "zh_CN" and zh else template.title))
    return out


# --- photos ---------------------------------------------------------------------------------


def prepare_photo(
    source: np.ndarray[Any, Any] | bytes, max_px: int, quality: int,
    max_megapixels: float = DEFAULT_MAX_MEGAPIXELS,
) -> tuple[bytes, int, int]:
    """Evidence JPEG: long edge at most `max_px`, EXIF and other metadata dropped.

    `source` is a BGR frame from the camera or the bytes of an image file. Re-encoding
    with OpenCV writes no metadata, so GPS positions and device names in a file's EXIF
    never leave the station; OpenCV applies the EXIF orientation when decoding, so the
    picture stays upright.
    """
    if max_px < 1 or not 1 <= quality <= 100:
        raise ValueError("max_px must be positive and quality 1..100")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if not data:
            raise PhotoError(key="photo_empty")
        if len(data) > MAX_PHOTO_FILE_BYTES:
            raise PhotoError(key="photo_file_large", mb=MAX_PHOTO_FILE_BYTES // (1024 * 1024))
        try:
            check_image_header(data, max_megapixels)  # an image bomb is never decoded
        except ImageTooLarge as exc:
            raise PhotoTooLarge(exc) from None
        except ImageRefused as exc:
            raise PhotoError(key="photo_refused", detail=str(exc)) from None
        buf = np.frombuffer(data, dtype=np.uint8)
        try:
            image = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        except cv2.error:
            image = None
        if image is None:
            raise PhotoError(key="photo_unreadable_file")
    elif isinstance(source, np.ndarray):
        image = source
    else:
        raise PhotoError(key="photo_not_a_picture")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim != 3 or image.shape[2] != 3 or image.size == 0:
        raise PhotoError(key="photo_no_pixels")
    if image.dtype != np.uint8:
        raise PhotoError(key="photo_not_8bit")
    height, width = image.shape[:2]
    long_edge = max(height, width)
    if long_edge > max_px:
        scale = max_px / long_edge
        width = max(1, round(width * scale))
        height = max(1, round(height * scale))
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise PhotoError(key="photo_no_jpeg")
    return encoded.tobytes(), int(width), int(height)


# --- starting -------------------------------------------------------------------------------


def _template_for_item(
    ctx: StationContext, category: str, expected: Sequence[str]
) -> ChecklistTemplate:
    return merge_expected_accessories(template_for(ctx.templates, category), expected)


def start_inspection(
    ctx: StationContext,
    case: Case | None,
    item: CaseItem | None,
    scanned_code: str,
    category: str | None = None,
) -> str:
    """A new draft for one item line; without a case (offline) it starts unverified.

    Offline the inspector picks the category (see `categories`); the case is looked up
    and attached before upload.
    """
    actor = _actor(ctx)
    if case is not None:
        if item is None:
            raise WorkflowError(key="flow_choose_line")
        case.item(item.line_id)  # the item must belong to the case
        gate = check_line_in(ctx.store, case, item)
        if gate.refusal is not None:
            raise WorkflowError(gate_message(gate.refusal, ctx.settings.language))
        cat = item.category
        expected: Sequence[str] = item.expected_accessories
    else:
        if item is not None:
            raise WorkflowError("An item line needs its case.")
        if not category or not category.strip():
            raise WorkflowError(key="flow_choose_category")
        cat = category.strip()
        expected = ()
    template = _template_for_item(ctx, cat, expected)
    insp = ctx.store.start_inspection(
        template=template,
        station_id=ctx.settings.station_id,
        inspector_id=actor.operator_id,
        case=case,
        item=item,
        scanned_code=scanned_code,
        category=cat,
    )
    return insp.inspection_id


# --- the session ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfirmPlan:
    """A checked confirmation, ready to be written (see InspectionSession.commit)."""

    inspection_id: str
    answers_in_order: tuple[str, ...]
    classification: Classification
    classification_suggested: Classification
    override_reason: str | None
    disposition: Disposition | None
    missing_accessories: tuple[str, ...]
    actor: str
    signed_off_by: str | None = None  # the shift lead who signed a serial mismatch off


def _sync_persist(write: Callable[[], None]) -> None:
    write()


class InspectionSession:
    """One draft inspection, rebuilt from the store, walked through the wizard.

    Resuming rebuilds the same template (the same expected-accessory merge, so the same
    step ids) and the wizard at the saved position.
    """

    def __init__(
        self,
        ctx: StationContext,
        inspection_id: str,
        *,
        persist: Persist | None = None,
    ) -> None:
        self.ctx = ctx
        self.inspection_id = inspection_id
        self._persist = persist or _sync_persist
        self.actor = _actor(ctx).operator_id
        insp = ctx.store.load_inspection(inspection_id)
        if insp.status is not InspectionStatus.DRAFT:
            raise WorkflowError("This inspection is already confirmed and can no longer change.")
        self.unverified = insp.unverified
        self.scanned_code = insp.scanned_code
        self.case: Case | None = ctx.store.draft_case(inspection_id)
        self.item: CaseItem | None = (
            self.case.item(insp.line_id) if self.case is not None and insp.line_id else None
        )
        base = self._base_template(insp.template_id)
        expected = self.item.expected_accessories if self.item else ()
        self.template = add_weight_step(merge_expected_accessories(base, expected),
                                        self.item.expected_weight_g if self.item else None,
                                        ctx.settings)
        self.category = self.item.category if self.item else self.template.category
        self.customer_reason: CustomerReason | None = (
            self.case.customer_reason if self.case else None
        )
        self.photos: dict[str, Photo] = dict(insp.photos)
        self.wizard = Wizard(
            self.template,
            insp.answers,
            insp.current_step,
            expected_serial=self.item.serial_number if self.item else None,
            on_answer=self._save_answer,
            on_move=self._save_move,
        )
        self._serial_saved = insp.serial_number_scanned
        self.mismatch_sign_off: SignOff | None = None

    def _base_template(self, template_id: str) -> ChecklistTemplate:
        for template in self.ctx.templates.values():
            if template.template_id == template_id:
                return template
        raise WorkflowError(
            f"The checklist {template_id!r} of this inspection is no longer installed; "
            "ask the shift lead."
        )

    # --- persistence ---------------------------------------------------------------------

    def _save_answer(self, answer: Answer) -> None:
        # The position saved with an answer is where the inspector is now.
        store, iid, index, actor = self.ctx.store, self.inspection_id, self.wizard_index, self.actor
        self._persist(lambda: store.save_answer(iid, answer, current_step=index, actor=actor))

    def _save_move(self, index: int) -> None:
        store, iid = self.ctx.store, self.inspection_id
        self._persist(lambda: store.set_current_step(iid, index))

    @property
    def wizard_index(self) -> int:
        # During Wizard.__init__ no callback fires, so self.wizard exists whenever this runs.
        return self.wizard.index

    def _save_serial(self) -> None:
        serial = self.wizard.captured_serial()
        if serial == self._serial_saved:
            return
        self._serial_saved = serial
        store, iid = self.ctx.store, self.inspection_id
        self._persist(lambda: store.set_serial_scanned(iid, serial))

    # --- state -------------------------------------------------------------------------

    @property
    def current(self) -> ChecklistStep | None:
        return self.wizard.current

    @property
    def expected_serial(self) -> str | None:
        return self.wizard.expected_serial

    def answer_of(self, step_id: str) -> Answer | None:
        return self.wizard.answers.get(step_id)

    def step_photos(self, step_id: str) -> list[Photo]:
        """The photos attached to a step, in the order they were taken."""
        answer = self.wizard.answers.get(step_id)
        if answer is None:
            return []
        return [self.photos[p] for p in answer.photo_ids if p in self.photos]

    def identity(self) -> IdentityCheck:
        """How the captured serial/IMEI compares with the expected one (MISMATCH: swapped?)."""
        return self.wizard.identity_check()

    def sign_off_mismatch(self, who: str, pin: str) -> SignOff:
        """A shift lead's badge/ID + PIN for a serial mismatch (slow: scrypt; any thread)."""
        signed = sign_off(self.ctx.operators, self.inspection_id, self.identity(),
                          self.wizard.captured_serial(), who, pin)
        self.mismatch_sign_off = signed
        return signed

    # --- answering -----------------------------------------------------------------------

    def answer(
        self, result: Result | str, value: float | str | None = None, *, note: str | None = None
    ) -> Answer:
        """Answer the current step (saved at once); raises WizardError with a plain message."""
        weighed = answer_weight_step(self, result, value, note)  # a typed weight (16.2)
        if weighed is not None:
            return weighed
        made = self.wizard.answer(result, value, note=note)
        step = self.wizard.step(made.step_id)
        if step.capture:
            self._save_serial()
        return made

    def set_note(self, note: str) -> Answer | None:
        """Change the current step's note; before a result is chosen there is nothing to keep."""
        step = self.wizard.current
        if step is None:
            return None
        previous = self.wizard.answers.get(step.step_id)
        if previous is None or previous.note == note.strip():
            return previous
        return self.wizard.answer(previous.result, previous.value, note=note)

    def next(self) -> ChecklistStep | None:
        return self.wizard.next()

    def back(self) -> ChecklistStep | None:
        return self.wizard.back()

    def out_of_range(self) -> bool:
        step = self.wizard.current
        return step is not None and self.wizard.number_out_of_range(step.step_id)

    # --- photos ------------------------------------------------------------------------

    def store_photo(self, source: np.ndarray[Any, Any] | bytes, step_id: str,
                    keep_note: str | None = None) -> Photo:
        """Downscale, strip metadata and save a photo for a step (slow: run off the GUI thread).

        A blurred, dark or burnt-out photo raises PhotoQualityRefused unless `keep_note`
        says why it is kept (16.3). Thread-safe: touches the store only, never the wizard.
        """
        settings = self.ctx.settings
        data, width, height = prepare_photo(
            source, settings.photo_max_px, settings.photo_jpeg_quality,
            settings.image_max_megapixels,
        )
        quality = judge_photo(data, settings, keep_note)
        return self.ctx.store.add_photo(
            self.inspection_id, step_id, data, mime="image/jpeg", width=width, height=height,
            actor=self.actor, quality=quality,
        )

    def check_photo_allowed(self, step_id: str | None = None) -> ChecklistStep:
        """Raise before taking a picture the wizard would refuse (no result chosen yet)."""
        step = self.wizard.current if step_id is None else self.wizard.step(step_id)
        if step is None:
            raise WorkflowError(key="flow_photo_on_summary")
        if step.kind is not StepKind.PHOTO and step.step_id not in self.wizard.answers:
            raise WorkflowError(key="wizard_result_first")
        return step

    def attach_photo(self, photo: Photo) -> Answer:
        """Attach a stored photo to its step's answer (saved at once)."""
        if photo.step_id is None:
            raise WorkflowError("This photo belongs to no step.")
        self.photos[photo.photo_id] = photo
        return self.wizard.add_photo(photo.photo_id, photo.step_id)

    def add_photo(self, source: np.ndarray[Any, Any] | bytes) -> Photo:
        """Both halves at once, for the current step (tests and simple callers)."""
        step = self.check_photo_allowed()
        photo = self.store_photo(source, step.step_id)
        try:
            self.attach_photo(photo)
        except DomainError:
            self.ctx.store.delete_photo(self.inspection_id, photo.photo_id, actor=self.actor)
            raise
        return photo

    def remove_photo(self, photo_id: str) -> None:
        """Detach and delete a photo; the wizard refuses first when the step needs it."""
        photo = self.photos.get(photo_id)
        step_id = photo.step_id if photo else None
        self.wizard.remove_photo(photo_id, step_id)
        self.photos.pop(photo_id, None)
        store, iid, actor = self.ctx.store, self.inspection_id, self.actor
        self._persist(lambda: store.delete_photo(iid, photo_id, actor=actor))

    # --- summary -----------------------------------------------------------------------

    def suggestion(self) -> Suggestion:
        """What the rules propose for the answers so far (see app/rules.py)."""
        return suggest(
            self.template,
            self.wizard.answers,
            self.ctx.rules,
            self.customer_reason,
            category=self.category,
        )

    def because_steps(self) -> list[ChecklistStep]:
        """The steps that led to the suggested classification, in walking order."""
        ids = set(self.suggestion().because)
        return [s for s in self.template.steps if s.step_id in ids]

    def because_texts(self, language: str) -> list[str]:
        """What each of those steps found ("Activation lock NOT removed"), not its prompt."""
        answers = self.wizard.answers
        return [failure_text(s, language, answers.get(s.step_id)) for s in self.because_steps()]

    def disposition_for(self, classification: Classification) -> Disposition:
        """What the site's rule table says happens to an item of this classification."""
        return self.ctx.rules.decide(classification, self.customer_reason, self.category)

    def prepare_confirm(
        self, classification: Classification | str, override_reason: str | None
    ) -> ConfirmPlan:
        """Check everything (complete checklist, override reason) without writing."""
        if not self.wizard.summary_available:
            missing = self.wizard.first_incomplete_step()
            raise WorkflowError(key="wizard_step_incomplete", step=Both(
                missing.prompt if missing else "?",
                (missing.prompt_zh or missing.prompt) if missing else "?"))
        try:
            chosen = Classification(classification)
        except ValueError:
            raise WorkflowError(f"Unknown classification {classification!r}") from None
        suggested = self.suggestion()
        reason = check_override(suggested.classification, chosen, override_reason)
        lead = check_sign_off(self.identity(), self.wizard.captured_serial(),
                              self.mismatch_sign_off, self.inspection_id)
        return ConfirmPlan(
            inspection_id=self.inspection_id,
            answers_in_order=tuple(s.step_id for s in self.template.steps),
            classification=chosen,
            classification_suggested=suggested.classification,
            override_reason=reason,
            disposition=self.disposition_for(chosen),
            missing_accessories=suggested.missing_accessories,
            actor=self.actor,
            signed_off_by=lead,
        )

    def commit(self, plan: ConfirmPlan) -> None:
        """Write the result and its outbox entry (one transaction in the store)."""
        self.ctx.store.complete(
            plan.inspection_id,
            answers_in_order=plan.answers_in_order,
            classification=plan.classification,
            classification_suggested=plan.classification_suggested,
            override_reason=plan.override_reason,
            disposition=plan.disposition,
            missing_accessories=plan.missing_accessories,
            actor=plan.actor,
            serial_mismatch=plan.signed_off_by is not None,
            signed_off_by=plan.signed_off_by,
        )

    def confirm(self, classification: Classification | str, override_reason: str | None) -> None:
        """check_override, then complete in the store, synchronously."""
        self.commit(self.prepare_confirm(classification, override_reason))


# --- shift-lead actions -------------------------------------------------------------------------


_CURRENT = object()


def _who(ctx: StationContext, by: Operator | object | None) -> Operator | None:
    # Callers that queue the action pass the operator seen when the button was pressed,
    # so a later logout/login cannot change who the action runs as.
    return ctx.operator if by is _CURRENT else by  # type: ignore[return-value]


def retry_needs_attention(ctx: StationContext, inspection_id: str,
                          by: Operator | object | None = _CURRENT) -> None:
    """Send a needs-attention item again; shift leads only."""
    lead = require_shift_lead(_who(ctx, by), "retry an item that needs attention")
    ctx.store.retry_attention(inspection_id, by=lead)


def choose_line(ctx: StationContext, inspection_id: str, line_id: str,
                by: Operator | object | None = _CURRENT) -> None:
    """A shift lead picks the item line of a resolved offline inspection; it is then sent."""
    lead = require_shift_lead(_who(ctx, by), "choose the item line")
    ctx.store.choose_line(inspection_id, line_id, by=lead)


def mark_handled(ctx: StationContext, inspection_id: str, note: str,
                 by: Operator | object | None = _CURRENT) -> None:
    """Close a needs-attention item handled outside the station; shift leads only."""
    lead = require_shift_lead(_who(ctx, by), "mark an item as handled")
    ctx.store.mark_handled(inspection_id, by=lead, note=note)


def save_station_settings(ctx: StationContext, changes: dict[str, Any],
                          by: Operator | object | None = _CURRENT) -> Settings:
    """Validate (ConfigError names the key) and write the settings file; shift leads only.

    Returns the new settings; the caller installs them (on the GUI thread) as ctx.settings.
    """
    lead = require_shift_lead(_who(ctx, by), "change the station settings")
    new = ctx.settings.replace(**changes)
    save_settings(new, ctx.paths.config_file)
    ctx.store.audit(lead.operator_id, "settings_saved", "",
                    keys=sorted(k for k in changes if getattr(ctx.settings, k) != getattr(new, k)))
    return new


# --- history and reports -------------------------------------------------------------------------


def report_prompts(ctx: StationContext, record: InspectionRecord, language: str) -> dict[str, str]:
    """step_id -> prompt for a completed inspection's report, including merged accessory steps."""
    return prompts_for_record(ctx.templates, record, language)


def prompts_for_record(templates: Mapping[str, ChecklistTemplate], record: InspectionRecord,
                       language: str) -> dict[str, str]:
    """The same, from the templates alone (the report CLI has no station context)."""
    template = next((t for t in templates.values()
                     if t.template_id == (record.result.template_id if record.result else "")),
                    None)
    if template is None:
        try:
            template = template_for(templates, record.category)
        except DomainError:
            return {}
    item = None
    if record.case is not None and record.result is not None:
        with contextlib.suppress(DomainError):
            item = record.case.item(record.result.line_id)
    merged = merge_expected_accessories(template, item.expected_accessories if item else ())
    return {WEIGHT_STEP_ID: t(language, "weight_prompt"),
            **{s.step_id: prompt_for(s, language) for s in merged.steps}}
