import datetime
import itertools

import pytest

from licenses import identifiers
from licenses.holders import holder_hash
from licenses.models import HolderCodeType, License, LicenseStatus
from tests.factories import LicenseTypeFactory

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
    def make(
        license_type,
        *,
        holder_code=PERSON,
        code_type=HolderCodeType.ID_CARD,
        status=LicenseStatus.VALID,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2040, 1, 1),
        holder_name="王小明",
    ):
        serial = next(_serials)
        identifier = identifiers.build(
            type_code=license_type.code, issuer_code=ISSUER_CODE, serial=f"T{serial:08d}", version=1
        )
        return License.objects.create(
            identifier=str(identifier),
            license_type=license_type,
            number=f"NO{serial:010d}",
            holder_name=holder_name,
            holder_code_type=code_type,
            holder_code=holder_code,
            holder_hash=holder_hash(code_type, holder_code),
            issuer="某区市场监督管理局",
            issuer_code=ISSUER_CODE,
            issued_on=valid_from,
            valid_from=valid_from,
            valid_to=valid_to,
            status=status,
        )

    return make
