"""Licences that look like a city's: valid identifiers and holder codes, real dates, a few suspended and revoked.
For the demo hall, the benchmark's ten million and the tests; deterministic for a seed."""

import datetime
import random
from collections.abc import Iterator

from hall.identity import USCC_ALPHABET, id_number_check_char, uscc_check_char
from licenses import identifiers

# Issuing bodies of a district (unified social credit codes made valid by their check character).
ISSUERS = (
    ("某区市场监督管理局", "11330105MB0000001"),
    ("某区公安分局", "11330105MB0000002"),
    ("某区民政局", "11330105MB0000003"),
    ("某区人力资源和社会保障局", "11330105MB0000004"),
    ("某区卫生健康局", "11330105MB0000005"),
)
DISTRICT = "330105"
FAMILY_NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN_NAMES = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰红梅建国建华志强海燕小红"


def with_check(first17: str, check) -> str:
    return first17 + check(first17)


def issuer_code(index: int) -> tuple[str, str]:
    name, first17 = ISSUERS[index % len(ISSUERS)]
    return name, with_check(first17, uscc_check_char)


def person_id_number(rng: random.Random) -> str:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 55))
    first17 = f"{DISTRICT}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return with_check(first17, id_number_check_char)


def company_uscc(rng: random.Random) -> str:
    body = "91" + DISTRICT + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return with_check(body, uscc_check_char)


def person_name(rng: random.Random) -> str:
    return rng.choice(FAMILY_NAMES) + "".join(rng.choice(GIVEN_NAMES) for _ in range(rng.choice((1, 2))))


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def synthetic_rows(
    count: int, *, type_codes: list[tuple[str, str, int | None]], seed: int = 1, today: datetime.date
) -> Iterator[dict]:
    """`count` rows of the import format. `type_codes`: (type code, holder kind, validity years or None)."""
    rng = random.Random(seed)
    for serial in range(1, count + 1):
        type_code, holder_kind, years = type_codes[serial % len(type_codes)]
        issuer, issuer_uscc = issuer_code(serial)
        issued = today - datetime.timedelta(days=rng.randrange(1, 365 * 12))
        valid_to = None
        if years:
            valid_to = add_years(issued, years) - datetime.timedelta(days=1)
        identifier = identifiers.build(
            type_code=type_code, issuer_code=issuer_uscc, serial=f"{seed:02d}{serial:010d}", version=1
        )
        if holder_kind == "legal":
            holder_type, holder_code = "001", company_uscc(rng)
            holder = f"某区{person_name(rng)}商贸有限公司"
        else:
            holder_type, holder_code, holder = "111", person_id_number(rng), person_name(rng)
        roll = rng.random()
        status = "suspended" if roll < 0.005 else "revoked" if roll < 0.01 else "valid"
        yield {
            "identifier": str(identifier),
            "type_code": type_code,
            "number": f"{DISTRICT}{serial:012d}",
            "holder_name": holder,
            "holder_code_type": holder_type,
            "holder_code": holder_code,
            "issuer": issuer,
            "issuer_code": issuer_uscc,
            "jurisdiction_code": DISTRICT,
            "issued_on": issued.isoformat(),
            "valid_from": issued.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else "",
            "status": status,
            "face": "",
        }
