"""Expiry reminders (到期提醒): an SMS to the holder HALL_LICENSE_REMINDER_DAYS days before `valid_to` (30 and 7 by
default), once per licence, threshold and `valid_to`. The reminder row and the SMS in the outbox are written in one
transaction, so a worker that dies mid-run leaves either both or neither, and the next run sends what is left and
nothing twice. A run that was missed catches up within the threshold's window (a licence 20 days from expiry still
gets its 30-day reminder) but never sends a longer threshold's reminder once a shorter one is due."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import CitizenProfile, CompanyAgent
from hall.notifications.services import notification_send
from licenses.models import ExpiryReminder, HolderCodeType, License, LicenseStatus

TEMPLATE = "license_expiry"
BATCH = 500


@dataclass(frozen=True)
class ReminderRun:
    sent: int
    without_mobile: int
    skipped_outside_hours: bool = False

    def __str__(self):
        if self.skipped_outside_hours:
            return "outside the sending hours"
        return f"{self.sent} reminders sent, {self.without_mobile} holders without a mobile number"


def windows(today: datetime.date) -> list[tuple[int, datetime.date, datetime.date]]:
    """(threshold, first valid_to, last valid_to) per threshold: each threshold's window ends where the next shorter
    one's begins."""
    thresholds = sorted(set(settings.HALL_LICENSE_REMINDER_DAYS))
    spans, previous = [], -1
    for days in thresholds:
        spans.append((days, today + datetime.timedelta(days=previous + 1), today + datetime.timedelta(days=days)))
        previous = days
    return spans


def _mobiles_of(licenses: list[License]) -> dict[int, str]:
    """The holder's mobile number per licence of a batch, two queries for the lot: a person's from the citizen
    account of their identity number, a company's from its legal representative's account."""
    people = {lic.holder_hash for lic in licenses if lic.holder_code_type == HolderCodeType.ID_CARD}
    companies = {lic.holder_code for lic in licenses if lic.holder_code_type == HolderCodeType.USCC}
    by_person = {
        profile.id_number_hash: profile.user.mobile
        for profile in CitizenProfile.objects.filter(id_number_hash__in=people).select_related("user")
    }
    by_company: dict[str, str] = {}
    agents = CompanyAgent.objects.filter(uscc__in=companies, is_legal_representative=True).select_related("user")
    for agent in agents.order_by("id"):
        by_company.setdefault(agent.uscc, agent.user.mobile)
    return {
        lic.pk: by_person.get(lic.holder_hash, "")
        if lic.holder_code_type == HolderCodeType.ID_CARD
        else by_company.get(lic.holder_code, "")
        for lic in licenses
    }


def licenses_remind_expiry(*, now: datetime.datetime | None = None) -> ReminderRun:
    now = now or timezone.now()
    first_hour, last_hour = settings.HALL_LICENSE_REMINDER_HOURS
    if not first_hour <= timezone.localtime(now).hour < last_hour:
        return ReminderRun(0, 0, skipped_outside_hours=True)
    today = timezone.localdate(now)
    sent = without = 0
    for days, first, last in windows(today):
        reminded = ExpiryReminder.objects.filter(
            license=OuterRef("pk"), days_before=days, valid_to=OuterRef("valid_to")
        )
        due = (
            License.objects.filter(status=LicenseStatus.VALID, valid_to__gte=first, valid_to__lte=last)
            .exclude(Exists(reminded))
            .select_related("license_type")
            .order_by("valid_to", "id")
        )
        while batch := list(due[:BATCH]):
            with transaction.atomic():
                mobiles = _mobiles_of(batch)
                for license in batch:
                    notification = _remind(license, mobile=mobiles[license.pk], days=days, now=now)
                    sent += notification is not None
                    without += notification is None
    return ReminderRun(sent, without)


def _remind(license: License, *, mobile: str, days: int, now: datetime.datetime):
    notification = None
    if mobile:
        notification = notification_send(
            template=TEMPLATE,
            mobile=mobile,
            context={
                "license": license.license_type.name,
                "tail": license.number[-4:],
                "date": license.valid_to.strftime("%Y-%m-%d"),
                "days": (license.valid_to - timezone.localdate(now)).days,
            },
            event_key=f"license:{license.pk}:expiry:{days}:{license.valid_to.isoformat()}",
        )
    ExpiryReminder.objects.create(
        license=license,
        days_before=days,
        valid_to=license.valid_to,
        sent_at=now,
        notification_id=notification.pk if notification else None,
    )
    return notification
