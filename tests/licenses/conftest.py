import itertools

import pytest

from tests.factories import LicenseTypeFactory, license_of

PERSON = "11010519491231002X"  # valid identity card numbers of the domain rules
OTHER_PERSON = "360426199101010071"
COMPANY = "91110000600037341L"
ISSUER_CODE = "11330105002500287C"
_serials = itertools.count(1)


@pytest.fixture
def id_card_type(db):
    return LicenseTypeFactory(name="居民身份证", default_validity_years=20)


@pytest.fixture
def business_type(db):
    return LicenseTypeFactory(name="营业执照", holder_kind="legal")


@pytest.fixture
def make_license(db):
    def make(license_type, *, holder_code=PERSON, **fields):
        return license_of(license_type, holder_code, issuer_code=ISSUER_CODE, **fields)

    return make
