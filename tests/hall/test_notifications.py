import datetime
import importlib
import logging
import threading
import time
import zoneinfo
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from hall.notifications import backends, selectors, services
from hall.notifications.backends import DeliveryError, PermanentDeliveryError
from hall.notifications.errors import NotificationError, TemplateRenderError, UnknownTemplate
from hall.notifications.models import MessageTemplate, Notification
from hall.notifications.tasks import deliver

MOBILE = "13812345678"
MASKED = "138****5678"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MORNING = datetime.datetime(2025, 5, 22, 9, 0, tzinfo=SHANGHAI)
ISSUED = {"number": "A023", "queue": "商事登记", "ahead": 4}
LOCMEM = "hall.notifications.backends.LocmemSmsBackend"


@pytest.fixture(autouse=True)
def default_templates(db):
    """The templates of the data migration (a transactional test elsewhere may have flushed them)."""
    migration = importlib.import_module("hall.notifications.migrations.0002_default_templates")
    for code, channel, description, text, placeholders in migration.DEFAULT_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code,
            defaults={"channel": channel, "description": description, "text": text, "placeholders": placeholders},
        )


@pytest.fixture(autouse=True)
def _eager(eager_celery):
    """Every test here delivers in-process unless it says otherwise."""


@pytest.fixture
def sms(settings):
    settings.HALL_SMS_BACKEND = LOCMEM
    backends.reset_locmem()
    yield backends
    backends.reset_locmem()


def send(template="ticket_issued", mobile=MOBILE, context=None, **kwargs):
    return services.notification_send(template=template, mobile=mobile, context=context or ISSUED, **kwargs)


# --- Templates ---------------------------------------------------------------------------------------------------


def test_default_templates_render_with_their_placeholders():
    call = {"number": "A023", "window": 5}
    assert services.template_render(code="ticket_called", context=call) == "请A023号到5号窗口办理。"
    assert services.template_render(code="voice_call", context=call, channel="voice") == "请A023号到5号窗口办理"
    assert services.template_render(code="screen_call", context=call) == "请A023到5号窗口"
    assert (
        services.template_render(code="ticket_issued", context=ISSUED)
        == "您已取号A023，商事登记，前面还有4人，请留意叫号。"
    )
    near = services.template_render(code="ticket_near", context={"number": "A023", "ahead": 3, "center": "市民中心"})
    assert near == "您的号A023前面还有3人，请到市民中心等候叫号。"
    assert services.template_render(code="login_code", context={"code": "482913"}).startswith("您的验证码为482913，")


def test_missing_placeholder_is_a_clear_error_and_nothing_is_stored(sms):
    with pytest.raises(TemplateRenderError) as error:
        services.template_render(code="ticket_called", context={"number": "A023"})
    assert "'ticket_called'" in str(error.value)
    assert "{window}" in str(error.value)
    with pytest.raises(TemplateRenderError, match=r"\{ahead\}"):
        send(context={"number": "A023", "queue": "商事登记", "ahead": None})
    assert not Notification.objects.exists()


def test_unknown_template_raises(sms):
    with pytest.raises(UnknownTemplate, match="ticket_lost"):
        send(template="ticket_lost")
    with pytest.raises(UnknownTemplate):
        services.template_render(code="ticket_lost", context={})
    assert not Notification.objects.exists()


def test_voice_template_cannot_be_sent_as_sms(sms):
    with pytest.raises(NotificationError, match="voice"):
        send(template="voice_call", context={"number": "A023", "window": 5})


def test_a_full_identity_number_is_never_rendered():
    template = MessageTemplate.objects.create(code="id_test", text="证件号{id}", placeholders="id")
    with pytest.raises(TemplateRenderError, match="identity card number"):
        template.render({"id": "11010519491231002X"})
    assert template.render({"id": "1101**********002X"}) == "证件号1101**********002X"


def test_admin_edits_are_checked_against_the_placeholders_the_program_supplies():
    template = MessageTemplate.objects.get(code="ticket_called")
    template.text = "请{name}到{window}号窗口"
    with pytest.raises(ValidationError, match=r"\{name\}"):
        template.full_clean()
    template.text = "请{number.__class__}到{window}号窗口"
    with pytest.raises(ValidationError, match="not a placeholder"):
        template.full_clean()
    template.text = "请{number}号到{window}号窗口办理 {{注意}}"
    template.full_clean()
    assert template.render({"number": "A1", "window": 2}) == "请A1号到2号窗口办理 {注意}"


# --- The outbox ----------------------------------------------------------------------------------------------------


def test_outbox_row_keeps_the_mobile_encrypted_and_findable_by_blind_index(sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(event_key="ticket:1:issued")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notifications_notification WHERE id = %s", [notification.pk])
        raw_row = cursor.fetchone()
    assert not any(MOBILE in str(value) for value in raw_row)
    assert not any("5678" in str(value) for value in raw_row)
    assert selectors.notifications_to(mobile=MOBILE).get() == notification
    assert selectors.notifications_to(mobile="+86 138-1234-5678").get() == notification
    assert not selectors.notifications_to(mobile="13912345678").exists()
    assert Notification.objects.get(pk=notification.pk).mobile == MOBILE
    assert str(notification) == f"ticket_issued → {MASKED}"


def test_delivered_after_commit_and_marked_sent(sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = send()
        assert sms.outbox == []  # nothing leaves before the caller's transaction commits
    assert len(callbacks) == 1
    [message] = sms.outbox
    assert (message.mobile, message.text) == (MOBILE, "您已取号A023，商事登记，前面还有4人，请留意叫号。")
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.provider_message_id == message.message_id
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert notification.backend == LOCMEM


def test_the_same_event_never_sends_twice(sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send(template="ticket_called", context={"number": "A023", "window": 5}, event_key="ticket:7:called")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = send(template="ticket_called", context={"number": "A023", "window": 6}, event_key="ticket:7:called")
    assert again.pk == first.pk
    assert callbacks == []
    assert Notification.objects.count() == 1
    assert [m.text for m in sms.outbox] == ["请A023号到5号窗口办理。"]


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(sms, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send(event_key="ticket:9:issued")
        raise RuntimeError("the ticket could not be issued")
    assert callbacks == []
    assert sms.outbox == []
    assert not Notification.objects.exists()


def test_no_mobile_or_switched_off_template_sends_nothing_and_a_bad_mobile_is_refused(sms):
    assert send(mobile="") is None
    MessageTemplate.objects.filter(code="ticket_issued").update(active=False)
    assert send() is None
    assert not Notification.objects.exists()
    with pytest.raises(ValidationError):
        send(template="ticket_called", mobile="1381234", context={"number": "A1", "window": 1})


# --- Rate limits --------------------------------------------------------------------------------------------------


def test_a_second_message_within_a_minute_is_suppressed_and_one_after_the_window_is_sent(
    sms, django_capture_on_commit_callbacks
):
    with time_machine.travel(MORNING, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            first = send()
        traveller.shift(datetime.timedelta(seconds=30))
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            second = send()
            # another template is limited on its own: the "called" SMS is not swallowed by the "issued" one
            called = send(template="ticket_called", context={"number": "A023", "window": 5})
        assert second.status == Notification.Status.SUPPRESSED
        assert second.last_error == "Rate limit: 1 per 60 s."
        assert len(callbacks) == 1  # only the "called" message goes out
        traveller.shift(datetime.timedelta(seconds=31))  # 61 s after the first
        with django_capture_on_commit_callbacks(execute=True):
            third = send()
    statuses = {n.pk: n.status for n in Notification.objects.all()}
    assert statuses == {
        first.pk: Notification.Status.SENT,
        second.pk: Notification.Status.SUPPRESSED,
        called.pk: Notification.Status.SENT,
        third.pk: Notification.Status.SENT,
    }
    assert len(sms.outbox) == 3


def test_hourly_limit_and_per_template_override(sms, settings, django_capture_on_commit_callbacks):
    settings.HALL_SMS_RATE_LIMITS_BY_TEMPLATE = {"login_code": [(2, 60)]}
    with time_machine.travel(MORNING, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            codes = [send(template="login_code", context={"code": f"{n:06d}"}).status for n in range(3)]
        assert codes == ["queued", "queued", "suppressed"]
        for _ in range(6):
            send()
            traveller.shift(datetime.timedelta(minutes=5))
    issued = Notification.objects.filter(template="ticket_issued").order_by("created_at")
    assert [n.status for n in issued] == ["queued"] * 5 + ["suppressed"]  # 5 per hour by default
    other = send(mobile="13900001111")
    assert other.status == Notification.Status.QUEUED  # limits are per recipient


# --- Delivery failures ----------------------------------------------------------------------------------------------


def test_retryable_failure_is_recorded_then_sent_after_the_back_off(sms, django_capture_on_commit_callbacks):
    sms.failures.append(DeliveryError(f"gateway timeout for {MOBILE}"))
    with time_machine.travel(MORNING, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):  # eager delivery fails: the caller does not notice
            notification = send()
        notification.refresh_from_db()
        assert notification.status == Notification.Status.QUEUED
        assert notification.attempts == 1
        assert notification.last_error == f"DeliveryError: gateway timeout for {MASKED}"
        assert notification.next_attempt_at == MORNING + datetime.timedelta(seconds=30)
        assert sms.outbox == []

        traveller.shift(datetime.timedelta(seconds=20))
        assert services.notification_retry_due() == 0  # not due yet
        traveller.shift(datetime.timedelta(seconds=11))
        assert services.notification_retry_due() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 2
    assert len(sms.outbox) == 1


def test_back_off_doubles_and_attempts_run_out(sms, settings, django_capture_on_commit_callbacks):
    settings.HALL_SMS_MAX_ATTEMPTS = 3
    sms.failures.extend(DeliveryError("busy") for _ in range(5))
    with time_machine.travel(MORNING, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            notification = send()
        delays = []
        for _ in range(2):
            notification.refresh_from_db()
            delay = notification.next_attempt_at - datetime.datetime.now(tz=SHANGHAI)
            delays.append(delay.total_seconds())
            traveller.shift(delay)
            services.notification_retry_due()
    assert delays == [30, 60]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.next_attempt_at) == ("failed", 3, None)
    assert services.notification_retry_due() == 0
    assert sms.outbox == []

    # staff retry it from the admin once the gateway is back
    sms.failures.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notification_retry(notification_ids=[notification.pk]) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)


def test_permanent_failure_is_not_retried(sms, django_capture_on_commit_callbacks):
    sms.failures.append(PermanentDeliveryError("number is on the carrier's blacklist"))
    with django_capture_on_commit_callbacks(execute=True):
        notification = send()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "blacklist" in notification.last_error
    with time_machine.travel(datetime.datetime.now(tz=SHANGHAI) + datetime.timedelta(days=1)):
        assert services.notification_retry_due() == 0
    assert sms.outbox == []


def test_a_broken_backend_never_fails_the_callers_request(settings, sms, django_capture_on_commit_callbacks, caplog):
    sms.failures.append(ValueError("unexpected answer from the gateway library"))
    with django_capture_on_commit_callbacks(execute=True):
        flaky = send()
    flaky.refresh_from_db()
    assert (flaky.status, flaky.attempts) == ("queued", 1)

    settings.HALL_SMS_BACKEND = "hall.notifications.backends.NoSuchBackend"
    with django_capture_on_commit_callbacks(execute=True):
        misconfigured = send(template="ticket_called", context={"number": "A1", "window": 1})
    misconfigured.refresh_from_db()
    assert (misconfigured.status, misconfigured.attempts) == ("queued", 0)  # left for notifications.retry_due
    assert "could not be handed to delivery" in caplog.text


def test_delivery_is_idempotent(sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send()
    assert deliver.apply(args=(notification.pk,)).get() == "skipped"
    assert services.notification_deliver(notification_id=notification.pk).outcome == "skipped"
    assert len(sms.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_console_backend_logs_the_mobile_masked(settings, caplog, django_capture_on_commit_callbacks):
    settings.HALL_SMS_BACKEND = "hall.notifications.backends.ConsoleSmsBackend"
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        notification = send(template="ticket_called", context={"number": "A023", "window": 5})
    console = [r.getMessage() for r in caplog.records if r.name == "hall.notifications.backends"]
    assert console == [f"SMS #{notification.pk} to {MASKED}: 请A023号到5号窗口办理。"]
    assert not any(MOBILE in record.getMessage() for record in caplog.records)
    notification.refresh_from_db()
    assert (notification.status, notification.provider_message_id) == ("sent", f"console-{notification.pk}")


# --- Admin ------------------------------------------------------------------------------------------------------------


def test_admin_shows_masked_mobiles_hides_codes_and_retries_failed_rows(
    admin_client, sms, django_capture_on_commit_callbacks
):
    sms.failures.append(PermanentDeliveryError("rejected"))
    with django_capture_on_commit_callbacks(execute=True):
        failed = send()
        code = send(template="login_code", context={"code": "482913"})
    page = admin_client.get("/admin/notifications/notification/").content.decode()
    assert MASKED in page
    assert MOBILE not in page
    found = admin_client.get("/admin/notifications/notification/", {"q": "138 1234 5678"})
    assert found.context["cl"].result_count == 2  # staff find a citizen's messages by the full number
    assert admin_client.get("/admin/notifications/notification/", {"q": "13912345678"}).context["cl"].result_count == 0
    detail = admin_client.get(f"/admin/notifications/notification/{code.pk}/change/").content.decode()
    assert MASKED in detail
    assert MOBILE not in detail
    assert "482913" not in detail
    assert "******" in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/notifications/notification/",
            {"action": "retry_sending", "_selected_action": [failed.pk, code.pk]},
            follow=True,
        )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == Notification.Status.SENT
    assert [m.notification_id for m in sms.outbox] == [code.pk, failed.pk]


def test_staff_edit_a_template_in_the_admin_within_its_placeholders(admin_client):
    template = MessageTemplate.objects.get(code="ticket_called")
    url = f"/admin/notifications/messagetemplate/{template.pk}/change/"
    form = {"description": "叫号短信", "text": "请{number}号到{window}号窗口（{name}）", "active": "on"}
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "{name}" in response.context["adminform"].form.errors["text"][0]
    response = admin_client.post(url, {**form, "text": "请{number}号到{window}号窗口，过号请重新取号。"})
    assert response.status_code == 302
    assert services.template_render(code="ticket_called", context={"number": "A1", "window": 3}) == (
        "请A1号到3号窗口，过号请重新取号。"
    )
    assert admin_client.post(f"/admin/notifications/messagetemplate/{template.pk}/delete/").status_code == 403


def test_retry_job_is_scheduled(settings):
    from hall.celery import app

    app.loader.import_default_modules()
    assert settings.HALL_PERIODIC_JOBS["notifications.retry_due"] == 60.0
    assert settings.CELERY_BEAT_SCHEDULE["notifications.retry_due"]["task"] == "notifications.retry_due"
    assert {"notifications.deliver", "notifications.retry_due"} <= set(app.tasks)


# --- With a worker ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_retries_with_celery_back_off_until_sent(sms, settings):
    """Not eager: a Celery worker (in a thread, on the configured broker) retries through `self.retry`."""
    from celery.contrib.testing.worker import start_worker

    from hall.celery import app

    settings.HALL_SMS_RETRY_BACKOFF = 0.2
    sms.failures.extend([DeliveryError("busy"), DeliveryError("still busy")])
    app.conf.task_always_eager = False  # restored by the eager_celery fixture
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        notification = send()  # its own transaction: handed to the broker at commit
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.status != Notification.Status.QUEUED:
                break
            time.sleep(0.05)
    assert (notification.status, notification.attempts) == ("sent", 3)
    assert notification.last_error == "DeliveryError: still busy"
    assert len(sms.outbox) == 1


@pytest.mark.parametrize(("back_off", "retried_by_celery"), [(30, True), (180, False)])
def test_a_worker_holds_only_a_retry_the_broker_will_not_hand_out_again(sms, settings, back_off, retried_by_celery):
    """A retry waits unacknowledged in a worker until its time; Redis hands out again a message unacknowledged for
    longer than its visibility timeout. A longer back-off is left to `notifications.retry_due`, by the row's time."""
    settings.HALL_CELERY_VISIBILITY_TIMEOUT, settings.HALL_SMS_SEND_TIMEOUT = 300, 120
    settings.HALL_SMS_RETRY_BACKOFF = back_off
    notification = send()  # not delivered: the test's transaction never commits
    sms.failures.append(DeliveryError("busy"))
    deliver.push_request(is_eager=False)  # as a worker runs it
    try:
        if retried_by_celery:
            with pytest.raises(Retry):
                deliver.run(notification.pk)
        else:
            assert deliver.run(notification.pk) == "retry"
    finally:
        deliver.pop_request()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("queued", 1)
    assert notification.next_attempt_at > timezone.now() + datetime.timedelta(seconds=back_off - 5)


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_deliver_one_message_per_event_and_respect_the_rate_limit(sms):
    barrier = threading.Barrier(4)

    def in_thread(kwargs):
        try:
            barrier.wait(timeout=10)
            return send(**kwargs).pk
        finally:
            connection.close()

    called = {"template": "ticket_called", "context": {"number": "A023", "window": 5}, "event_key": "ticket:5:called"}
    with ThreadPoolExecutor(4) as pool:
        same_event = set(pool.map(in_thread, [called] * 4))
    assert len(same_event) == 1
    assert [m.text for m in sms.outbox] == ["请A023号到5号窗口办理。"]

    barrier.reset()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(in_thread, [{}] * 4))
    issued = Notification.objects.filter(template="ticket_issued")
    assert sorted(issued.values_list("status", flat=True)) == ["sent", "suppressed", "suppressed", "suppressed"]
    assert len(sms.outbox) == 2
