"""Every write to a case (办件): accept, decline, 补正 and resubmission, extension, conclusion and delivery.

Each transition checks who acts, records a `CaseEvent` with the actor and the time, counts the clock again and
announces itself after commit (matters/events.py). A refusal is a `DomainError` with the user's message, raised
before anything is written.
"""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import center_access
from centers.models import Center
from centers.workdays import WorkCalendar, work_calendar
from hall.audit import audit_record
from hall.errors import Conflict, DomainError, NotAllowed
from hall.identity import validate_id_number, validate_mobile, validate_person_name, validate_uscc
from hall.models import AuditEntry
from hall.notifications.services import notification_send
from hall.parsing import MAX_WORKING_DAYS, reason_text
from licenses.services.access import license_attach_to_case
from matters import clock, events
from matters.models import (
    Case,
    CaseCorrection,
    CaseEvent,
    CaseExtension,
    CaseMaterial,
    CaseSequence,
    CaseSettings,
    CaseType,
    Matter,
)

Status, Kind = Case.Status, CaseEvent.Kind
REASON_MAX = 200
LONG_TEXT_MAX = 500


# --- who may act ------------------------------------------------------------------------------------------------------


def ensure_handles(user, *, center_id: int, department_id: int) -> None:
    """Clerks of the centre, its supervisors and the head of the case's department handle its cases."""
    access = center_access(user)
    if not (access.staffs(center_id) or access.heads(center_id, department_id)):
        raise NotAllowed(_("You do not handle cases of this centre."))


def ensure_approves(user, *, case: Case) -> None:
    """Extensions are decided by the head of the case's department or a supervisor of its centre."""
    access = center_access(user)
    if not (access.heads(case.center_id, case.department_id) or access.supervises(case.center_id)):
        raise NotAllowed(_("Only the department head or a supervisor decides extensions."))


# --- the clock --------------------------------------------------------------------------------------------------------


def yellow_days_left(center_id: int) -> int:
    value = CaseSettings.objects.filter(center_id=center_id).values_list("yellow_days_left", flat=True).first()
    return 1 if value is None else value


def case_clock(case: Case, calendar: WorkCalendar) -> clock.Deadline:
    """The deadline of an accepted case as the calendar counts it now."""
    corrections = [(c.requested_on, c.resubmitted_on) for c in case.corrections.all()] if case.pk else []
    return clock.case_deadline(
        calendar,
        accepted_on=case.accepted_on,
        limit_days=case.limit_days,
        extension_days=case.extension_days,
        corrections=corrections,
    )


def case_clock_set(case: Case, calendar: WorkCalendar, *, today: datetime.date) -> str | None:
    """Store the deadline and the light on `case`; returns the new light when it changed."""
    deadline = case_clock(case, calendar)
    case.due_on, case.due_provisional = deadline.due, deadline.provisional
    case.days_left_when_paused = deadline.days_left_at_pause
    if not case.is_open:
        return None
    light = clock.light(calendar, deadline=deadline, today=today, yellow_days_left=yellow_days_left(case.center_id))
    if light == case.light:
        return None
    case.light, case.light_changed_at = light, timezone.now()
    return light


# --- recording ------------------------------------------------------------------------------------------------------


def case_event_record(case: Case, kind: str, *, actor=None, note: str = "", **data) -> CaseEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=timezone.now(),
        actor=actor,
        actor_label=(actor.get_full_name() or actor.get_username()) if actor else "",
        note=note[:500],
        data=data,
    )


def case_number_next(center: Center, day: datetime.date) -> str:
    """办件编号: BJ, the day, the centre's id and the day's sequence (BJ20261203000100012)."""
    sequence, _created = CaseSequence.objects.select_for_update().get_or_create(center=center, day=day)
    CaseSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return f"BJ{day:%Y%m%d}{center.pk:04d}{sequence.last:05d}"


def _locked(case: Case, *, statuses) -> Case:
    """The case re-read under a row lock, refused unless it is in one of `statuses` (another tab may have moved it)."""
    fresh = Case.objects.select_for_update().select_related("matter", "center").get(pk=case.pk)
    if fresh.status not in statuses:
        raise Conflict(
            _("This case is now “%(status)s”; reload the page.") % {"status": fresh.get_status_display()},
            code="case_state",
        )
    return fresh


# --- the applicant --------------------------------------------------------------------------------------------------


def _applicant(*, name: str, id_number: str, mobile: str) -> tuple[str, str, str]:
    """Name, identity number (a resident identity card, or a company's unified social credit code) and mobile,
    validated; a refusal is a domain error with the validator's message."""
    try:
        name = validate_person_name(name, max_length=100) if name else ""
        if not name:
            raise DomainError(_("Enter the applicant's name."), code="applicant_name")
        code = id_number.strip() if isinstance(id_number, str) else ""
        if code:
            try:
                code = validate_id_number(code)
            except ValidationError as person_error:
                try:
                    code = validate_uscc(code)
                except ValidationError:
                    raise person_error from None
        return name, code, validate_mobile(mobile) if mobile else ""
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="applicant") from None


# --- the checklist --------------------------------------------------------------------------------------------------

State = CaseMaterial.State


def _checklist(matter: Matter, checklist: Mapping[int, str]) -> list[CaseMaterial]:
    """One line per material of the matter, in the state the clerk ticked (absent: missing)."""
    materials = {m.pk: m for m in matter.materials.all()}
    unknown = set(checklist) - set(materials)
    if unknown:
        raise DomainError(_("The checklist names a material this matter does not have."), code="unknown_material")
    lines = []
    for material in materials.values():
        state = checklist.get(material.pk, State.MISSING)
        if state not in State.values:
            raise DomainError(_("Unknown state of a material: %(state)s.") % {"state": state}, code="material_state")
        if state == State.E_LICENSE and material.license_type_id is None:
            raise DomainError(
                _("“%(name)s” cannot be satisfied by an e-licence.") % {"name": material.name}, code="material_state"
            )
        if state == State.NOT_NEEDED and material.is_required:
            raise DomainError(
                _("“%(name)s” is required: it cannot be marked as not needed.") % {"name": material.name},
                code="material_state",
            )
        lines.append(CaseMaterial(material=material, name=material.name, is_required=material.is_required, state=state))
    return lines


def _settle_by_e_licence(case: Case, lines: list[CaseMaterial], *, clerk) -> None:
    """Each material ticked "e-licence" is settled by the applicant's valid licence of its type, attached by
    reference (a use of the licence logged with the case as its purpose); without one the acceptance is refused."""
    for line in lines:
        if line.state != State.E_LICENSE:
            continue
        license = license_attach_to_case(
            user=clerk,
            holder_hash=case.applicant_id_hash,
            license_type_id=line.material.license_type_id,
            case_id=case.pk,
            center_id=case.center_id,
            department_id=case.department_id,
            purpose=_("Accepting case %(number)s: %(material)s") % {"number": case.number, "material": line.name},
        )
        if license is None:
            raise DomainError(
                _("The applicant holds no valid e-licence for “%(name)s”: receive the paper copy or mark it missing.")
                % {"name": line.name},
                code="no_e_license",
            )
        line.license_reference = license.identifier


def missing_required(lines: list[CaseMaterial]) -> list[str]:
    return [line.name for line in lines if line.is_required and line.state == State.MISSING]


# --- transitions ----------------------------------------------------------------------------------------------------


@transaction.atomic
def case_submit(
    *, matter: Matter, center: Center, citizen, applicant_name: str, id_number: str = "", mobile: str = ""
) -> Case:
    """A citizen applies online; the case waits for a clerk to accept it."""
    if not matter.is_active:
        raise DomainError(_("This matter is not handled at present."), code="matter_inactive")
    name, code, phone = _applicant(name=applicant_name, id_number=id_number, mobile=mobile)
    now = timezone.now()
    case = Case.objects.create(
        number=case_number_next(center, timezone.localdate(now)),
        matter=matter,
        center=center,
        department_id=matter.department_id,
        channel=Case.Channel.PORTAL,
        status=Status.SUBMITTED,
        applicant_name=name,
        applicant_id_number=code,
        applicant_mobile=phone,
        citizen=citizen,
        submitted_at=now,
    )
    case_event_record(case, Kind.SUBMITTED, actor=citizen)
    events.announce_case(events.case_submitted, case)
    return case


@transaction.atomic
def case_accept(
    *,
    clerk,
    checklist: Mapping[int, str],
    missing_reason: str = "",
    matter: Matter | None = None,
    center: Center | None = None,
    case: Case | None = None,
    applicant_name: str = "",
    id_number: str = "",
    mobile: str = "",
    citizen=None,
    delivery: str = Case.Delivery.PICKUP,
    post_address: str = "",
    at_window: bool = True,
    request=None,
) -> Case:
    """Accept a case: a new one at the window (`matter`, `center` and the applicant), or an online application
    (`case`). Every material is checked off; a missing required one needs `missing_reason`, which is audited.
    即办件 are due the same day, 承诺件 the promised limit's working day after today."""
    if case is not None:
        case = _locked(case, statuses=(Status.SUBMITTED,))
        matter, center = case.matter, case.center
    if matter is None or center is None:
        raise DomainError(_("Choose the matter and the centre."), code="matter_required")
    ensure_handles(clerk, center_id=center.pk, department_id=matter.department_id)
    if not matter.is_active:
        raise DomainError(_("This matter is not handled at present."), code="matter_inactive")
    if delivery not in Case.Delivery.values:
        raise DomainError(_("Choose pickup or post."), code="delivery")
    address = reason_text(post_address, max_length=REASON_MAX)
    if delivery == Case.Delivery.POST and not address:
        raise DomainError(_("Enter the postal address for delivery by post."), code="post_address")
    lines = _checklist(matter, checklist)
    missing = missing_required(lines)
    reason = reason_text(missing_reason, max_length=REASON_MAX)
    if missing and not reason:
        raise DomainError(
            _("Required materials are missing (%(names)s): give the reason for accepting without them.")
            % {"names": "、".join(missing)},
            code="missing_material_reason",
        )
    now = timezone.now()
    today = timezone.localdate(now)
    if case is None:
        name, code, phone = _applicant(name=applicant_name, id_number=id_number, mobile=mobile)
        case = Case(
            number=case_number_next(center, today),
            matter=matter,
            center=center,
            department_id=matter.department_id,
            channel=Case.Channel.WINDOW,
            applicant_name=name,
            applicant_id_number=code,
            applicant_mobile=phone,
            citizen=citizen,
            submitted_at=now,
        )
    case.status, case.accepted_at, case.accepted_on, case.accepted_by = Status.ACCEPTED, now, today, clerk
    case.limit_days = matter.promised_limit_days if matter.case_type == CaseType.PROMISED else 0
    case.missing_material_reason = reason if missing else ""
    case.delivery, case.post_address = delivery, address
    if at_window:
        case.count_visit(today)
    case_clock_set(case, work_calendar(), today=today)
    case.save()
    for line in lines:
        line.case = case
    _settle_by_e_licence(case, lines, clerk=clerk)
    CaseMaterial.objects.bulk_create(lines)
    case_event_record(case, Kind.ACCEPTED, actor=clerk, due_on=case.due_on.isoformat(), missing=missing)
    if missing:
        audit_record(
            action=AuditEntry.Action.CASE_MATERIAL_OVERRIDE,
            actor=clerk,
            target=case,
            center_id=case.center_id,
            detail={"missing": missing, "reason": reason},
            request=request,
        )
    events.announce_case(events.case_accepted, case)
    return case


@transaction.atomic
def case_decline(*, case: Case, clerk, reason: str) -> Case:
    """An online application is not accepted (不予受理), with the reason the citizen reads."""
    case = _locked(case, statuses=(Status.SUBMITTED,))
    ensure_handles(clerk, center_id=case.center_id, department_id=case.department_id)
    text = reason_text(reason, max_length=LONG_TEXT_MAX, missing_message=_("Give the reason for not accepting."))
    case.status, case.refusal_reason, case.concluded_at = Status.DECLINED, text, timezone.now()
    case.concluded_by = clerk
    case.save(update_fields=["status", "refusal_reason", "concluded_at", "concluded_by"])
    case_event_record(case, Kind.DECLINED, actor=clerk, note=text)
    events.announce_case(events.case_declined, case)
    return case


@transaction.atomic
def case_request_correction(*, case: Case, clerk, items: str) -> Case:
    """补正: tell the applicant what to hand in; the clock stands still until they do."""
    case = _locked(case, statuses=(Status.ACCEPTED,))
    ensure_handles(clerk, center_id=case.center_id, department_id=case.department_id)
    if case.limit_days == 0:
        raise DomainError(_("An instant case is concluded the same day: it has no corrections."), code="instant")
    text = reason_text(items, max_length=LONG_TEXT_MAX, missing_message=_("Say what the applicant must hand in."))
    now = timezone.now()
    CaseCorrection.objects.create(
        case=case, requested_at=now, requested_on=timezone.localdate(now), requested_by=clerk, items=text
    )
    case.status = Status.CORRECTION
    case_clock_set(case, work_calendar(), today=timezone.localdate(now))
    case.save()
    case_event_record(case, Kind.CORRECTION_REQUESTED, actor=clerk, note=text, days_left=case.days_left_when_paused)
    if case.applicant_mobile:
        notification_send(
            template="case_correction",
            mobile=case.applicant_mobile,
            context={"number": case.number, "matter": case.matter.name, "items": text},
            event_key=f"case:{case.pk}:correction:{case.corrections.count()}",
        )
    events.announce_case(events.case_correction, case)
    return case


@transaction.atomic
def case_resubmit(*, case: Case, actor, at_window: bool = True) -> Case:
    """The corrections were handed in (at a window, or online by the citizen): the clock runs again from the day
    after today with the days it had left."""
    case = _locked(case, statuses=(Status.CORRECTION,))
    if at_window:
        ensure_handles(actor, center_id=case.center_id, department_id=case.department_id)
    elif case.citizen_id is None or case.citizen_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the applicant hands in corrections online."))
    now = timezone.now()
    correction = case.corrections.filter(resubmitted_on__isnull=True).order_by("-requested_at").first()
    correction.resubmitted_at, correction.resubmitted_on = now, timezone.localdate(now)
    correction.save(update_fields=["resubmitted_at", "resubmitted_on"])
    case.status = Status.ACCEPTED
    if at_window:
        case.count_visit(timezone.localdate(now))
    case_clock_set(case, work_calendar(), today=timezone.localdate(now))
    case.save()
    case_event_record(case, Kind.RESUBMITTED, actor=actor, due_on=case.due_on.isoformat())
    events.announce_case(events.case_resubmitted, case)
    return case


@transaction.atomic
def case_extension_request(*, case: Case, clerk, days: int, reason: str) -> CaseExtension:
    """延期: more working days with a reason, effective when the department head or a supervisor approves."""
    case = _locked(case, statuses=Case.OPEN_STATUSES)
    ensure_handles(clerk, center_id=case.center_id, department_id=case.department_id)
    if case.limit_days == 0:
        raise DomainError(_("An instant case is concluded the same day: it cannot be extended."), code="instant")
    if not isinstance(days, int) or not 1 <= days <= MAX_WORKING_DAYS - case.limit_days - case.extension_days:
        raise DomainError(_("Ask for a whole number of working days, at least 1."), code="extension_days")
    text = reason_text(reason, max_length=LONG_TEXT_MAX, missing_message=_("Give the reason for the extension."))
    if case.extensions.filter(status=CaseExtension.Status.PENDING).exists():
        raise Conflict(_("An extension of this case is already waiting for a decision."), code="extension_pending")
    extension = CaseExtension.objects.create(
        case=case, days=days, reason=text, requested_at=timezone.now(), requested_by=clerk
    )
    case_event_record(case, Kind.EXTENSION_REQUESTED, actor=clerk, note=text, days=days)
    return extension


@transaction.atomic
def case_extension_decide(*, extension: CaseExtension, approver, approve: bool, note: str = "", request=None) -> Case:
    case = _locked(extension.case, statuses=Case.OPEN_STATUSES)
    extension = CaseExtension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != CaseExtension.Status.PENDING:
        raise Conflict(_("This extension was already decided."), code="extension_decided")
    ensure_approves(approver, case=case)
    text = reason_text(note, max_length=LONG_TEXT_MAX)
    if not approve and not text:
        raise DomainError(_("Give the reason for refusing the extension."), code="extension_note")
    now = timezone.now()
    extension.status = CaseExtension.Status.APPROVED if approve else CaseExtension.Status.REFUSED
    extension.decided_at, extension.decided_by, extension.decision_note = now, approver, text
    extension.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    before = case.due_on
    if approve:
        case.extension_days += extension.days
        case_clock_set(case, work_calendar(), today=timezone.localdate(now))
        case.save()
    kind = Kind.EXTENSION_APPROVED if approve else Kind.EXTENSION_REFUSED
    case_event_record(case, kind, actor=approver, note=text, days=extension.days, due_on=str(case.due_on or ""))
    audit_record(
        action=AuditEntry.Action.CASE_EXTENSION_DECIDED,
        actor=approver,
        target=case,
        center_id=case.center_id,
        detail={"approved": approve, "days": extension.days, "due_before": str(before or ""), "due": str(case.due_on)},
        request=request,
    )
    if approve:
        events.announce_case(events.case_extended, case)
    return case


@transaction.atomic
def case_conclude(*, case: Case, clerk, outcome: str, reason: str = "") -> Case:
    """办结: approved, or refused with the reason. A case waiting for corrections cannot be concluded."""
    try:
        case = _locked(case, statuses=(Status.ACCEPTED,))
    except Conflict:
        if Case.objects.filter(pk=case.pk, status=Status.CORRECTION).exists():
            raise DomainError(
                _("This case is waiting for corrections: it can be concluded once they are handed in."),
                code="case_in_correction",
            ) from None
        raise
    ensure_handles(clerk, center_id=case.center_id, department_id=case.department_id)
    if outcome not in Case.Outcome.values:
        raise DomainError(_("Choose approved or refused."), code="outcome")
    text = reason_text(reason, max_length=LONG_TEXT_MAX)
    if outcome == Case.Outcome.REFUSED and not text:
        raise DomainError(_("Give the reason for the refusal: the applicant reads it."), code="refusal_reason")
    now = timezone.now()
    case.status, case.outcome = Status.CONCLUDED, outcome
    case.refusal_reason = text if outcome == Case.Outcome.REFUSED else ""
    case.concluded_at, case.concluded_on, case.concluded_by = now, timezone.localdate(now), clerk
    case.on_time = case.due_on is not None and case.concluded_on <= case.due_on
    case.save()
    case_event_record(
        case, Kind.CONCLUDED, actor=clerk, note=case.refusal_reason, outcome=outcome, on_time=case.on_time
    )
    if case.delivery == Case.Delivery.PICKUP:
        case_event_record(case, Kind.READY_FOR_PICKUP, actor=clerk)
    events.announce_case(events.case_concluded, case, outcome=outcome, delivery=case.delivery)
    return case


@transaction.atomic
def case_deliver(*, case: Case, clerk, tracking_number: str = "") -> Case:
    """出件: handed over at the pickup window, or posted with its tracking number."""
    case = _locked(case, statuses=(Status.CONCLUDED,))
    ensure_handles(clerk, center_id=case.center_id, department_id=case.department_id)
    tracking = reason_text(tracking_number, max_length=40)
    if case.delivery == Case.Delivery.POST and not tracking:
        raise DomainError(_("Enter the tracking number of the post."), code="tracking_number")
    case.status, case.delivered_at, case.tracking_number = Status.DELIVERED, timezone.now(), tracking
    if case.delivery == Case.Delivery.PICKUP:
        case.count_visit(timezone.localdate(case.delivered_at))
    case.save(update_fields=["status", "delivered_at", "tracking_number", "visits", "last_visit_on"])
    kind = Kind.POSTED if case.delivery == Case.Delivery.POST else Kind.DELIVERED
    case_event_record(case, kind, actor=clerk, note=tracking)
    events.announce_case(events.case_delivered, case)
    return case
