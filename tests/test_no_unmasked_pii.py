"""Walk the main pages and API answers as each kind of user: no full identity or mobile number is ever shown."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import CitizenProfile, User
from centers.models import Center
from hall.audit import Action, audit_record
from hall.notifications.services import notification_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks, settings, eager_celery):
    settings.HALL_SMS_BACKEND = "hall.notifications.backends.LocmemSmsBackend"
    call_command("load_demo", quiet=True, no_traffic=True, stdout=StringIO())
    profile = CitizenProfile.objects.select_related("user").first()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(template="login_code", mobile=profile.user.mobile, context={"code": "123456"})
    audit_record(action=Action.PROFILE_CHANGED, actor=profile.user, target=profile, detail={"id": "masked"})
    return profile


def secrets_of(profile) -> list[str]:
    return [profile.id_number, profile.id_number[6:14] + profile.id_number[14:], profile.user.mobile]


def pages_for(profile) -> dict[str, list[str]]:
    center = Center.objects.get(code="DEMO")
    user_admin = reverse("admin:accounts_user_change", args=[profile.user.pk])
    profile_admin = reverse("admin:accounts_citizenprofile_change", args=[profile.pk])
    return {
        "citizen": [
            "/portal/",
            "/portal/profile/",
            "/portal/companies/",
            "/portal/licenses/",
            f"/kiosk/{center.pk}/",
            f"/display/{center.pk}/",
        ],
        "admin": [
            "/admin/",
            "/admin/accounts/user/",
            user_admin,
            "/admin/accounts/citizenprofile/",
            profile_admin,
            "/admin/notifications/notification/",
            "/admin/hall/auditentry/",
            "/admin/accounts/staffmembership/",
            "/admin/licenses/license/",
            "/admin/licenses/licenseaccess/",
            "/admin/licenses/expiryreminder/",
            f"/stats/licences/?center={center.pk}",
            f"/screen/{center.pk}/",
            "/api/v1/centers/",
            f"/api/v1/centers/{center.pk}/queues/",
            f"/api/v1/centers/{center.pk}/windows/",
            "/api/schema/",
        ],
    }


def test_no_page_or_api_answer_shows_a_full_number(demo):
    citizen = Client()
    citizen.force_login(demo.user)
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    shown = []
    for role, urls in pages_for(demo).items():
        client = citizen if role == "citizen" else admin
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, f"{role} {url}: {response.status_code}"
            body = response.content.decode()
            shown += [f"{role} {url}" for secret in secrets_of(demo) if secret in body]
    assert shown == []


def test_the_citizen_sees_the_masked_forms(demo):
    citizen = Client()
    citizen.force_login(demo.user)
    body = citizen.get("/portal/profile/").content.decode()
    assert demo.masked_id_number in body
    assert demo.masked_id_number == demo.id_number[:4] + "*" * 10 + demo.id_number[-4:]
