"""Public verification: only the state, the type, the issuer and a masked holder; malformed identifiers and wrong
check characters answered apart from "no such licence"; every verification logged without the verifier; a status
change seen at once."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings
from rest_framework.throttling import ScopedRateThrottle

from licenses import identifiers
from licenses.models import LicenseStatus, LicenseVerification
from licenses.services.status import license_status_change
from tests.licenses.conftest import PERSON

pytestmark = pytest.mark.django_db
VERIFY_API = "/api/v1/licenses/verify/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def test_a_valid_licence_answers_its_state_type_issuer_and_a_masked_holder(client, id_card_type, make_license):
    license = make_license(id_card_type)
    response = client.get(VERIFY_API, {"identifier": license.identifier})
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "valid" and body["license_type"] == "居民身份证"
    assert body["issuer"] == "某区市场监督管理局"
    assert body["holder"] == "王*明" and body["holder_code"] == "1101**********002X"
    assert PERSON not in response.content.decode() and license.number not in response.content.decode()
    assert set(body) == {"identifier", "result", "result_label", "license_type", "issuer", "holder", "holder_code"} | {
        "valid_to"
    }
    logged = LicenseVerification.objects.get()
    assert (logged.outcome, logged.channel, logged.license) == ("valid", "api", license)


def test_expiry_is_read_from_valid_to(client, id_card_type, make_license):
    license = make_license(id_card_type, valid_to=datetime.date(2026, 12, 31))
    with time_machine.travel(datetime.datetime(2027, 1, 1, 10, tzinfo=datetime.UTC)):
        assert client.get(VERIFY_API, {"identifier": license.identifier}).json()["result"] == "expired"
    license.refresh_from_db()
    assert license.status == LicenseStatus.VALID  # nothing stored by hand


def test_a_revocation_is_seen_by_the_next_verification(client, id_card_type, make_license):
    license = make_license(id_card_type)
    assert client.get(VERIFY_API, {"identifier": license.identifier}).json()["result"] == "valid"
    license_status_change(license=license, status=LicenseStatus.REVOKED, reason="以欺骗手段取得")
    assert client.get(VERIFY_API, {"identifier": license.identifier}).json()["result"] == "revoked"
    page = client.get("/licenses/verify/", {"identifier": license.identifier}).content.decode()
    assert "撤销" in page


def test_wrong_check_character_malformed_and_unknown_are_three_answers(client, id_card_type, make_license):
    license = make_license(id_card_type)
    last = license.identifier[-1]
    wrong = license.identifier[:-1] + ("0" if last != "0" else "1")
    answer = client.get(VERIFY_API, {"identifier": wrong})
    assert answer.status_code == 400 and answer.json()["result"] == "wrong_check"
    assert "校验" in answer.json()["detail"]
    malformed = client.get(VERIFY_API, {"identifier": "1.2.156.3005.2.abc"})
    assert malformed.status_code == 400 and malformed.json()["result"] == "malformed"
    other = str(identifiers.build(type_code=id_card_type.code, issuer_code="330105", serial="NOSUCHLICENCE", version=1))
    missing = client.get(VERIFY_API, {"identifier": other})
    assert missing.status_code == 404 and missing.json()["result"] == "not_found"
    assert list(LicenseVerification.objects.order_by("id").values_list("outcome", flat=True)) == [
        "wrong_check",
        "malformed",
        "not_found",
    ]


def test_the_log_keeps_nothing_about_the_verifier(client, id_card_type, make_license):
    license = make_license(id_card_type)
    client.get("/licenses/verify/", {"identifier": license.identifier, "via": "qr"}, REMOTE_ADDR="10.1.2.3")
    logged = LicenseVerification.objects.get()
    assert logged.channel == "qr"
    assert "10.1.2.3" not in str([getattr(logged, f.attname) for f in LicenseVerification._meta.concrete_fields])


@override_settings(HALL_LICENSE_VERIFY_LIMIT_PER_MINUTE=3)
def test_the_page_is_rate_limited_per_address(client, id_card_type, make_license):
    license = make_license(id_card_type)
    answers = [client.get("/licenses/verify/", {"identifier": license.identifier}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert LicenseVerification.objects.count() == 3


def test_the_api_is_rate_limited_per_client(client, id_card_type, make_license, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "license_verify", "2/minute")
    license = make_license(id_card_type)
    codes = [client.get(VERIFY_API, {"identifier": license.identifier}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
