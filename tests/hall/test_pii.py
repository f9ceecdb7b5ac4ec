"""Identity and mobile numbers are encrypted at rest, found by a keyed hash, rotatable, and never logged."""

import logging

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import CitizenProfile, User
from hall import pii
from hall.logging import RedactPersonalInformation

ID_NUMBER = "11010519491231002X"
MOBILE = "13812345678"


@pytest.fixture
def citizen(db):
    user = User.objects.create(username="c1", kind=User.Kind.CITIZEN, mobile=MOBILE)
    CitizenProfile.objects.create(user=user, real_name="张三明", id_number=ID_NUMBER)
    return user


def raw_row(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        return " ".join(str(value) for value in cursor.fetchone())


def test_the_raw_database_holds_no_plaintext_numbers(citizen):
    user_row = raw_row(User._meta.db_table, citizen.pk)
    profile_row = raw_row(CitizenProfile._meta.db_table, citizen.profile.pk)
    assert MOBILE not in user_row and "12345678" not in user_row
    assert ID_NUMBER not in profile_row and "19491231" not in profile_row


def test_exact_lookup_works_through_the_keyed_hash(citizen):
    found = User.objects.get(mobile_hash=pii.blind_index("mobile", "138 1234 5678"))
    assert found == citizen and found.mobile == MOBILE
    profile = CitizenProfile.objects.get(id_number_hash=pii.blind_index("id_number", ID_NUMBER.lower()))
    assert profile.id_number == ID_NUMBER


def test_encrypted_fields_refuse_direct_lookups(citizen):
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(User.objects.filter(mobile=MOBILE))


def test_rotation_keeps_old_rows_readable_and_rewrites_them_under_the_new_key(citizen, settings):
    old_key = settings.HALL_PII_KEYS[0]
    old_token = raw_row(User._meta.db_table, citizen.pk)
    new_key = pii.new_fernet_key()
    settings.HALL_PII_KEYS = [new_key, old_key]
    pii.reset_keys()
    try:
        assert User.objects.get(pk=citizen.pk).mobile == MOBILE  # old rows still read
        call_command("rotate_pii", stdout=open("/dev/null", "w"))  # noqa: SIM115
        settings.HALL_PII_KEYS = [new_key]  # the old key is retired
        pii.reset_keys()
        assert User.objects.get(pk=citizen.pk).mobile == MOBILE
        assert CitizenProfile.objects.get(user=citizen).id_number == ID_NUMBER
        assert raw_row(User._meta.db_table, citizen.pk) != old_token
    finally:
        pii.reset_keys()


def test_logs_never_show_a_full_number(caplog):
    logger = logging.getLogger("hall.test")
    logger.addFilter(RedactPersonalInformation())
    with caplog.at_level(logging.INFO, logger="hall.test"):
        logger.info("citizen %s with phone %s", ID_NUMBER, MOBILE)
    assert ID_NUMBER not in caplog.text and MOBILE not in caplog.text
    assert "1101**********002X" in caplog.text and "138****5678" in caplog.text
