"""The inspection session without Qt: start, resume, answer, photos, suggestion and confirm.

Every business rule the inspection screens need lives here (or below, in app/wizard.py,
app/rules.py and app/store/): the widgets only show state and forward key presses.
Beside it: app/photo_prep.py (a photo made fit to store), app/lead_actions.py (shift-lead
actions outside an inspection), app/step_text.py (template texts in a language).

Persistence: each answer and each move is written at once. By default the write runs
synchronously (tests, CLI); the GUI passes `persist`, which queues the same write on its
single database thread, so the GUI thread never waits on the disk while the order of the
writes is kept. Photos are processed and stored in two halves: `store_photo` (slow, any
thread: decode, downscale, re-encode, write) and `attach_photo` (fast, the owner's thread:
the wizard takes the photo id in).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import numpy as np

from app.case_gate import check_line_in, gate_message
from app.checklists import failure_text, merge_expected_accessories, template_for
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
    WorkflowError,
)
from app.identity_gate import add_identity_gate, gate_enabled

# Split out of this module (15.6); still importable from here for existing callers.
from app.lead_actions import (
    choose_line,
    mark_handled,
    retry_needs_attention,
    save_station_settings,
)
from app.messages import Both
from app.mismatch import SignOff, check_product_sign_off, check_sign_off, sign_off
from app.operators import Operator
from app.photo_check import judge_photo
from app.photo_prep import MAX_PHOTO_FILE_BYTES, PhotoError, PhotoTooLarge, prepare_photo
from app.product_code import GATE_STEP_ID, ProductCheck, compare
from app.rules import check_override, suggest, untested_steps
from app.step_text import categories, prompt_for, prompts_for_record, report_prompts
from app.weight import WEIGHT_STEP_ID, add_weight_step, answer_weight_step
from app.wizard import IdentityCheck, Wizard

__all__ = [
    "MAX_PHOTO_FILE_BYTES",
    "ConfirmPlan",
    "InspectionSession",
    "PhotoError",
    "PhotoTooLarge",
    "ValueEntered",
    "WorkflowError",
    "categories",
    "choose_line",
    "mark_handled",
    "prepare_photo",
    "prompt_for",
    "prompts_for_record",
    "report_prompts",
    "retry_needs_attention",
    "save_station_settings",
    "start_inspection",
]

Persist = Callable[[Callable[[], None]], None]


def _actor(ctx: StationContext) -> Operator:
    if ctx.operator is None:
        raise WorkflowError(key="flow_log_in")
    return ctx.operator


# --- starting -------------------------------------------------------------------------------


def _template_for_item(
    ctx: StationContext, category: str, expected: Sequence[str]
) -> ChecklistTemplate:
    template = merge_expected_accessories(template_for(ctx.templates, category), expected)
    gate = gate_enabled(ctx.settings.identity_gate_categories, category)
    return add_identity_gate(template, gate)  # the product's own barcode first (16.1)


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
    sign_off_reason: str | None = None  # and why (a serial mismatch holds too, 16.1)
    gtin_scanned: str | None = None  # 16.1: the product code scanned at the identity gate
    product_sign_off: SignOff | None = None  # a product mismatch's lead and reason
    untested: tuple[str, ...] = ()  # 16.4: function steps answered N/A or skipped


class ValueEntered(StrEnum):
    """What Enter in a step's value field comes to (InspectionSession.enter_value)."""

    NEXT = "next"  # recorded, or nothing more is needed: go to the next step
    NEEDS_VALUE = "needs_value"  # empty on a required step that has no answer yet
    MISMATCH = "mismatch"  # a serial that is not the case's: stop once; Enter again goes on
    HOLD = "hold"  # a product code that is not the case's (16.1): stop once; Enter again goes on
    STAY = "stay"  # recorded, but the step needs more first (a photo of a bad reading)


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
        gate = gate_enabled(ctx.settings.identity_gate_categories, insp.category) \
            or GATE_STEP_ID in insp.answers  # a resumed draft keeps the steps it had
        # The gate stays first; the weight check (16.2) follows it, with a scale configured
        # (a resumed draft keeps a weighing it already has).
        weighed = add_weight_step(merge_expected_accessories(base, expected),
                                  self.item.expected_weight_g if self.item else None,
                                  ctx.settings, kept=WEIGHT_STEP_ID in insp.answers)
        self.scale_unanswered = False  # set when the scale failed: typing is offered (16.2)
        self.template = add_identity_gate(weighed, gate)
        self.category = self.item.category if self.item else self.template.category
        self.expected_gtin = self.item.gtin if self.item else None
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
        self._mismatch_seen: tuple[str, str] | None = None  # (step id, value) shown once

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

    def product_check(self) -> ProductCheck:
        """The identity gate (16.1): the scanned product code against the case line's."""
        return compare(self.wizard.captured_gtin(), self.expected_gtin,
                       gate=self.wizard.has_gtin_step())

    @property
    def on_hold(self) -> bool:
        """A product or serial/IMEI mismatch holds the item for review (16.1): no disposition
        until it is cleared."""
        return (self.product_check() is ProductCheck.MISMATCH
                or self.identity() is IdentityCheck.MISMATCH)

    def sign_off_holds(self) -> bool:
        """Whether the lead's sign-off covers what is mismatched now; False after another
        serial or product code was scanned (or a new mismatch appeared): sign again."""
        try:
            check_sign_off(self.identity(), self.wizard.captured_serial(),
                           self.mismatch_sign_off, self.inspection_id)
            check_product_sign_off(self.product_check(), self.wizard.captured_gtin(),
                                   self.mismatch_sign_off, self.inspection_id)
        except DomainError:
            return False
        return True

    def sign_off_mismatch(self, who: str, pin: str, reason: str | None = None) -> SignOff:
        """A shift lead's reason, badge/ID and PIN for a mismatch (slow: scrypt; any thread)."""
        signed = sign_off(self.ctx.operators, self.inspection_id, self.identity(),
                          self.wizard.captured_serial(), who, pin,
                          product=self.product_check(), scanned_gtin=self.wizard.captured_gtin(),
                          reason=reason)
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

    def enter_value(self, text: str, *, note: str | None = None) -> ValueEntered:
        """Enter in the current step's value field: record the value, and say what follows.

        A serial or product code (16.1) that does not match the case stops the inspector
        once (the banner must be seen); Enter again on the same value goes on (the lead
        signs off at the summary).
        Raises DomainError when the value is refused.
        """
        step = self.wizard.current
        if step is None:
            raise WorkflowError(key="flow_value_on_summary")
        text = text.strip()
        if not text:
            if step.step_id in self.wizard.answers or not step.required:
                return ValueEntered.NEXT
            return ValueEntered.NEEDS_VALUE
        if self._mismatch_seen == (step.step_id, text):
            return ValueEntered.NEXT
        self.answer(Result.VALUE, text, note=note)
        if step.capture == "gtin" and self.product_check() is ProductCheck.MISMATCH:  # 16.1
            self._mismatch_seen = (step.step_id, text)
            return ValueEntered.HOLD
        if step.capture and self.identity() is IdentityCheck.MISMATCH:
            self._mismatch_seen = (step.step_id, text)
            return ValueEntered.MISMATCH
        if self.out_of_range() and not self.wizard.can_next():
            return ValueEntered.STAY
        return ValueEntered.NEXT

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

    def keep_photo(self, photo: Photo, replacing: str | None = None) -> None:
        """Attach a stored photo; a retake (`replacing`) then removes the photo it replaces.

        A photo the wizard refuses is deleted again (no file or row without an answer) and
        the refusal raised; a replaced photo already deleted meanwhile is left alone.
        """
        try:
            self.attach_photo(photo)
        except DomainError:
            store, iid, actor = self.ctx.store, self.inspection_id, self.actor
            self._persist(lambda: store.delete_photo(iid, photo.photo_id, actor=actor))
            raise
        if replacing is not None and replacing in self.photos:
            self.remove_photo(replacing)

    def add_photo(self, source: np.ndarray[Any, Any] | bytes,
                  replacing: str | None = None) -> Photo:
        """Both halves at once, for the current step (tests and simple callers)."""
        step = self.check_photo_allowed()
        photo = self.store_photo(source, step.step_id)
        self.keep_photo(photo, replacing)
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
        suggested = suggest(
            self.template,
            self.wizard.answers,
            self.ctx.rules,
            self.customer_reason,
            category=self.category,
        )
        return replace(suggested, disposition=None) if self.on_hold else suggested

    def because_steps(self) -> list[ChecklistStep]:
        """The steps that led to the suggested classification, in walking order."""
        ids = set(self.suggestion().because)
        return [s for s in self.template.steps if s.step_id in ids]

    def because_texts(self, language: str) -> list[str]:
        """What each of those steps found ("Activation lock NOT removed"), not its prompt."""
        answers = self.wizard.answers
        return [failure_text(s, language, answers.get(s.step_id)) for s in self.because_steps()]

    def override_ok(self, classification: Classification | str, reason: str | None) -> bool:
        """The Confirm gate: keeping the suggestion needs nothing, an override a reason
        (the same check as prepare_confirm, app/rules.check_override)."""
        if self.wizard.current is not None:
            return False
        try:
            check_override(self.suggestion().classification, Classification(classification),
                           reason)
        except (DomainError, ValueError):
            return False
        return True

    def disposition_for(self, classification: Classification) -> Disposition | None:
        """What the site's rule table says happens to an item of this classification
        (None: on hold for review, 16.1; tests not done choose the untested rules, 16.4)."""
        if self.on_hold:
            return None
        untested = bool(untested_steps(self.template, self.wizard.answers))
        return self.ctx.rules.decide(classification, self.customer_reason, self.category,
                                     untested=untested)

    def prepare_confirm(
        self, classification: Classification | str, override_reason: str | None
    ) -> ConfirmPlan:
        """Check everything (complete checklist, override reason) without writing."""
        if not self.wizard.summary_available:
            missing = self.wizard.first_incomplete_step()
            raise WorkflowError(key="wizard_step_incomplete",
                                step=missing.prompt if missing else Both("?", "?"))
        try:
            chosen = Classification(classification)
        except ValueError:
            raise WorkflowError(f"Unknown classification {classification!r}") from None
        suggested = self.suggestion()
        reason = check_override(suggested.classification, chosen, override_reason)
        serial = check_sign_off(self.identity(), self.wizard.captured_serial(),
                                self.mismatch_sign_off, self.inspection_id)
        product = check_product_sign_off(self.product_check(), self.wizard.captured_gtin(),
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
            signed_off_by=serial.lead_id if serial else None,
            sign_off_reason=serial.reason if serial else None,
            gtin_scanned=self.wizard.captured_gtin(),
            product_sign_off=product,
            untested=suggested.untested,
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
            sign_off_reason=plan.sign_off_reason,
            gtin_scanned=plan.gtin_scanned,
            gtin_mismatch=plan.product_sign_off is not None,
            gtin_signed_by=plan.product_sign_off.lead_id if plan.product_sign_off else None,
            gtin_sign_off_reason=plan.product_sign_off.reason if plan.product_sign_off else None,
            untested_steps=plan.untested,
        )

    def confirm(self, classification: Classification | str, override_reason: str | None) -> None:
        """check_override, then complete in the store, synchronously."""
        self.commit(self.prepare_confirm(classification, override_reason))
