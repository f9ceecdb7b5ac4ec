"""Encrypted fields survive `bulk_update` (which writes a CASE expression): the imports of the registry use it."""

import pytest
from django.db import connection

from licenses.models import License
from tests.factories import LicenseTypeFactory, license_of

pytestmark = pytest.mark.django_db


def test_bulk_update_encrypts_each_value_and_never_the_expression():
    licences = [license_of(LicenseTypeFactory(name="居民身份证"), "11010519491231002X") for _ in range(2)]
    licences[0].holder_code, licences[1].holder_code = "360426199101010071", "11010519491231002X"
    License.objects.bulk_update(licences, ["holder_code", "number"])
    assert [licence.holder_code for licence in License.objects.order_by("pk")] == [
        "360426199101010071",
        "11010519491231002X",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT holder_code FROM licenses_license")
        assert all(value.startswith("gAAAA") for (value,) in cursor.fetchall())  # Fernet tokens, nothing in clear
