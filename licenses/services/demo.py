"""The demo hall's licences: for each demo holder, a licence of most person types (one expiring within a month, a
few suspended), written through the import so that loading the demo twice changes nothing."""

import csv
import datetime
import io
import random

from licenses import identifiers
from licenses.demo_data import add_years, issuer_code
from licenses.models import LicenseType
from licenses.services.import_rows import COLUMNS
from licenses.services.imports import licenses_import

SERIAL_PREFIX = "DEMO"


# The district body that issues a type, by its defining body (the demo's five issuers, licenses/demo_data.py).
ISSUER_BY_DEFINING_BODY = {"公安": 1, "民政": 2, "人力资源": 3, "卫生": 4}


def _issuer_of(licence_type: LicenseType) -> tuple[str, str]:
    index = next((i for key, i in ISSUER_BY_DEFINING_BODY.items() if key in licence_type.defining_body), 0)
    return issuer_code(index)


def demo_licenses_load(*, holders: list[tuple[str, str]], today: datetime.date, count) -> int:
    """`holders`: (name, identity card number). Returns how many licences the demo has."""
    types = list(LicenseType.objects.filter(holder_kind="person").order_by("code"))
    rng = random.Random(20261204)
    rows = []
    for holder_index, (name, id_number) in enumerate(holders):
        for type_index, licence_type in enumerate(types):
            if rng.random() < 0.25 and licence_type.name != "居民身份证":
                continue  # everyone has an identity card; nobody holds every kind of licence
            issued = today - datetime.timedelta(days=rng.randrange(200, 365 * 8))
            valid_to = (
                add_years(issued, licence_type.default_validity_years or 0)
                if licence_type.default_validity_years
                else None
            )
            if holder_index % 5 == 0 and type_index == 0:
                valid_to = today + datetime.timedelta(days=30)  # the expiry reminder of the demo
            status = "suspended" if rng.random() < 0.03 else "valid"
            issuer, code = _issuer_of(licence_type)
            identifier = identifiers.build(
                type_code=licence_type.code,
                issuer_code=code,
                serial=f"{SERIAL_PREFIX}{holder_index:04d}{type_index:03d}",
                version=1,
            )
            rows.append(
                {
                    "identifier": str(identifier),
                    "type_code": licence_type.code,
                    "number": f"330105{holder_index:06d}{type_index:04d}",
                    "holder_name": name,
                    "holder_code_type": "111",
                    "holder_code": id_number,
                    "issuer": issuer,
                    "issuer_code": code,
                    "issued_on": issued.isoformat(),
                    "valid_from": issued.isoformat(),
                    "valid_to": valid_to.isoformat() if valid_to else "",
                    "status": status,
                }
            )
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    result = licenses_import(stream=io.BytesIO(text.getvalue().encode()), format="csv", bulk=False)
    count("licences", result.created > 0, result.created + result.updated + result.unchanged)
    return result.created + result.updated + result.unchanged
