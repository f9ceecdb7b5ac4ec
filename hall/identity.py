"""Identity numbers of people and companies, and mobile numbers: validation, normalisation and masking.

居民身份证号码 per GB 11643-1999, 统一社会信用代码 per GB 32100-2015, mainland mobile numbers. Masked forms are what
screens show; the full value is personal information (see hall.pii for how it is stored).
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hall.parsing import ascii_form

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def _ascii(value) -> str:
    # NFKC first: a full-width copy of a number (１１０１…, １３８…) is the same number, for validation and for the
    # keyed hash that finds the person, so it cannot slip past the per-person limits.
    return ascii_form(value or "")


def normalize_id_number(value: str) -> str:
    return re.sub(r"\s", "", _ascii(value)).upper()


def normalize_uscc(value: str) -> str:
    return re.sub(r"\s", "", _ascii(value)).upper()


def normalize_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", _ascii(value))
    return digits[3:] if digits.startswith("+86") else digits


def id_number_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_birth_date(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_id_number(value: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised 18-character number, or raise ValidationError saying what is wrong."""
    number = normalize_id_number(value)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise ValidationError(
            _("An identity card number has 18 characters: 17 digits and a final digit or X."), code="id_format"
        )
    birth = id_number_birth_date(number)
    if birth is None or not datetime.date(1900, 1, 1) <= birth <= (today or timezone.localdate()):
        raise ValidationError(_("The birth date in this identity card number is not a real date."), code="id_birth")
    if id_number_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("This identity card number is not valid: its check character does not match."), code="id_check"
        )
    return number


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Return the normalised unified social credit code, or raise ValidationError."""
    code = normalize_uscc(value)
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        raise ValidationError(
            _("A unified social credit code has 18 digits or capital letters (not I, O, S, V or Z)."),
            code="uscc_format",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code is not valid: its check character does not match."),
            code="uscc_check",
        )
    return code


def validate_mobile(value: str) -> str:
    number = normalize_mobile(value)
    if not MOBILE_RE.match(number):
        raise ValidationError(_("Enter an 11-digit mainland mobile number, such as 13812345678."), code="mobile")
    return number


# Han characters, Latin letters, the middle dot of minority and foreign names, and spaces between words.
PERSON_NAME_RE = re.compile(r"^[\u3400-\u9fff\uf900-\ufaffA-Za-z][\u3400-\u9fff\uf900-\ufaffA-Za-z·• .'-]*$")
ORGANISATION_NAME_RE = re.compile(r"^[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9（）()·&,.\- ]+$")


def validate_person_name(value: str, *, max_length: int = 30) -> str:
    name = re.sub(r"\s+", " ", str(value or "")).strip()
    if not name:
        raise ValidationError(_("Enter a name."), code="name_required")
    if len(name) > max_length:
        raise ValidationError(_("A name has at most %(max)d characters.") % {"max": max_length}, code="name_length")
    if not PERSON_NAME_RE.match(name):
        raise ValidationError(
            _("A name may contain Chinese characters, letters, spaces and the middle dot (·) only."),
            code="name_chars",
        )
    return name


def validate_organisation_name(value: str, *, max_length: int = 100) -> str:
    name = re.sub(r"\s+", " ", str(value or "")).strip()
    if not name:
        raise ValidationError(_("Enter the company name."), code="org_required")
    if len(name) > max_length:
        raise ValidationError(
            _("A company name has at most %(max)d characters.") % {"max": max_length}, code="org_length"
        )
    if not ORGANISATION_NAME_RE.match(name):
        raise ValidationError(
            _("A company name may contain Chinese characters, letters, digits, brackets and spaces only."),
            code="org_chars",
        )
    return name


def mask_id_number(value: str) -> str:
    """`1101**********002X`: the region's first four and the last four stay."""
    value = normalize_id_number(value)
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str) -> str:
    """`138****5678`."""
    value = normalize_mobile(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """`张*明`, `张*`: the family name and, for longer names, the last character stay."""
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def age_on(id_number: str, day: datetime.date) -> int | None:
    birth = id_number_birth_date(normalize_id_number(id_number))
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
