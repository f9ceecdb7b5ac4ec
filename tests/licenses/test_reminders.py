"""Expiry reminders: 30 and 7 days before `valid_to`, each once per licence and threshold, also after a worker died in
the middle of a run and the run was repeated."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import CitizenProfile, User
from hall.notifications.models import Notification
from licenses.models import ExpiryReminder, LicenseStatus
from licenses.services import reminders
from licenses.services.reminders import licenses_remind_expiry
from tests.licenses.conftest import OTHER_PERSON, PERSON

pytestmark = pytest.mark.django_db
SHANGHAI = timezone.get_fixed_timezone(8 * 60)
MORNING = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
TODAY = MORNING.date()


@pytest.fixture
def holder(db):
    user = User.objects.create_user(username="holder", kind=User.Kind.CITIZEN, mobile="13900000001")
    CitizenProfile.objects.create(user=user, real_name="王小明", id_number=PERSON)
    return user


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_a_reminder_goes_30_and_7_days_before_and_never_twice(holder, id_card_type, make_license):
    license = make_license(id_card_type, valid_to=days(30))
    assert licenses_remind_expiry(now=MORNING).sent == 1
    assert licenses_remind_expiry(now=MORNING).sent == 0  # the same day again
    sms = Notification.objects.get()
    assert sms.template == "license_expiry" and "2027-01-06" in sms.text and license.number[-4:] in sms.text
    assert licenses_remind_expiry(now=MORNING + datetime.timedelta(days=10)).sent == 0  # 20 days left: done already
    assert licenses_remind_expiry(now=MORNING + datetime.timedelta(days=23)).sent == 1  # 7 days left
    assert licenses_remind_expiry(now=MORNING + datetime.timedelta(days=24)).sent == 0
    assert sorted(ExpiryReminder.objects.values_list("days_before", flat=True)) == [7, 30]
    assert Notification.objects.count() == 2


def test_a_missed_day_is_caught_up_but_a_passed_threshold_is_not_sent_late(holder, id_card_type, make_license):
    make_license(id_card_type, valid_to=days(20))  # the 30-day run was missed
    make_license(id_card_type, valid_to=days(5))  # inside the 7-day window: its 30-day reminder is not sent now
    run = licenses_remind_expiry(now=MORNING)
    assert run.sent == 2
    assert sorted(ExpiryReminder.objects.values_list("days_before", flat=True)) == [7, 30]


def test_nothing_is_sent_for_revoked_or_unlimited_licences_or_at_night(holder, id_card_type, make_license):
    make_license(id_card_type, valid_to=days(30), status=LicenseStatus.REVOKED)
    make_license(id_card_type, valid_to=None)
    make_license(id_card_type, valid_to=days(30))
    assert licenses_remind_expiry(now=MORNING.replace(hour=3)).skipped_outside_hours
    assert not Notification.objects.exists()
    assert licenses_remind_expiry(now=MORNING).sent == 1


def test_a_holder_without_a_known_mobile_is_passed_once(id_card_type, make_license):
    make_license(id_card_type, holder_code=OTHER_PERSON, valid_to=days(7))
    first = licenses_remind_expiry(now=MORNING)
    assert (first.sent, first.without_mobile) == (0, 1)
    assert licenses_remind_expiry(now=MORNING).without_mobile == 0


def test_a_worker_that_dies_mid_run_leaves_nothing_half_sent(holder, id_card_type, make_license, monkeypatch):
    for _ in range(5):
        make_license(id_card_type, valid_to=days(30))
    real_send = reminders.notification_send
    calls = {"n": 0}

    def dying_send(**kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise SystemExit("worker killed")
        return real_send(**kwargs)

    monkeypatch.setattr(reminders, "notification_send", dying_send)
    with pytest.raises(SystemExit):
        licenses_remind_expiry(now=MORNING)
    # The batch died with its transaction: neither reminders nor SMS of it are left.
    assert ExpiryReminder.objects.count() == Notification.objects.count() == 0
    monkeypatch.setattr(reminders, "notification_send", real_send)
    assert licenses_remind_expiry(now=MORNING).sent == 5
    assert licenses_remind_expiry(now=MORNING).sent == 0
    keys = list(Notification.objects.values_list("event_key", flat=True))
    assert len(keys) == len(set(keys)) == 5
