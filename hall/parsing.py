"""The one parsing layer every input goes through (docs/domain.md, "Input"): ids, dates, codes and free text.

Each function takes what a form, a URL, a query string or a JSON body carried and returns a clean Python value, or
raises `ParseError` (a Django `ValidationError`) with a message for the person who typed it. Forms and API
serializers use the fields of `hall.fields`, which call these functions; views that read a single raw value call
them directly. Nothing here touches the database.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hall.errors import DomainError

MAX_ID = 2**63 - 1  # the largest primary key of a 64-bit column
MAX_JSON_DEPTH = 20
ZERO_WIDTH_AND_BIDI = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space, non-joiner, joiner, word joiner, byte-order mark
        "\u200e\u200f\u061c"  # direction marks
        "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
        "\u2066\u2067\u2068\u2069",  # isolates
    )
)
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_LINE_BREAKS = frozenset("\n\r\t")


class ParseError(ValidationError):
    """An input that is not what it should be; the message says what was expected."""


def ascii_form(value) -> str:
    """Text after NFKC: full-width digits and letters become ASCII (`１１０１` → `1101`), the rest is kept."""
    return unicodedata.normalize("NFKC", str(value))


def parse_id(value, *, label=None) -> int:
    """A row id: decimal digits only (full-width digits count as digits), 1 … 2^63−1. `²`, `3.5`, `-1`, `1e3`,
    `abc` and overflowing numbers are refused, never rounded, wrapped or read as another record."""
    message = _("%(label)s is not a valid id.") % {"label": label or _("This")}
    if isinstance(value, bool):
        raise ParseError(message, code="invalid_id")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        # Decimal digits only: superscripts (²) and other "digit-like" characters are not digits of an id.
        if not text or len(text) > 19 or not all(unicodedata.category(char) == "Nd" for char in text):
            raise ParseError(message, code="invalid_id")
        text = ascii_form(text)
        if not _ASCII_DIGITS.fullmatch(text):
            raise ParseError(message, code="invalid_id")
        number = int(text)
    else:
        raise ParseError(message, code="invalid_id")
    if not 1 <= number <= MAX_ID:
        raise ParseError(message, code="invalid_id")
    return number


def parse_optional_id(value, *, label=None) -> int | None:
    """`parse_id`, with an empty value (absent, "", null) read as None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_id(value, label=label)


def parse_date(value, *, earliest=datetime.date(2000, 1, 1), latest=datetime.date(2099, 12, 31)) -> datetime.date:
    """A calendar date written YYYY-MM-DD; impossible dates (2026-02-30) and dates out of range are refused."""
    if isinstance(value, datetime.datetime):
        raise ParseError(_("Enter a date, not a date and time."), code="invalid_date")
    if isinstance(value, datetime.date):
        day = value
    else:
        text = ascii_form(value).strip() if isinstance(value, str) else ""
        if not _DATE_RE.fullmatch(text):
            raise ParseError(_("Enter a date as YYYY-MM-DD, for example 2026-10-13."), code="invalid_date")
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            message = _("%(value)s is not a date of the calendar.") % {"value": text}
            raise ParseError(message, code="impossible_date") from None
    if not earliest <= day <= latest:
        raise ParseError(
            _("Enter a date between %(earliest)s and %(latest)s.") % {"earliest": earliest, "latest": latest},
            code="date_out_of_range",
        )
    return day


_MOMENT_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})"
)


def parse_moment(value) -> datetime.datetime:
    """A moment written in ISO 8601 with its offset (`2026-12-04T09:30:00+08:00`, or `Z`), as a device's clock gives
    it; a time without its zone, an impossible one or one outside 2000–2099 is refused."""
    text = ascii_form(value).strip() if isinstance(value, str) else ""
    if not _MOMENT_RE.fullmatch(text):
        raise ParseError(_("Enter a time with its zone, for example 2026-12-04T09:30:00+08:00."), code="invalid_moment")
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        message = _("%(value)s is not a time of the calendar.") % {"value": text}
        raise ParseError(message, code="invalid_moment") from None
    if not 2000 <= moment.year <= 2099:
        raise ParseError(_("Enter a time between the years 2000 and 2099."), code="invalid_moment")
    return moment


_MONTH_RE = re.compile(r"[0-9]{4}-[0-9]{2}")


def month_start(value, *, today: datetime.date) -> datetime.date:
    """The first day of a month written YYYY-MM (this month when empty), 2000-01 … `today`'s month."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return today.replace(day=1)
    text = ascii_form(value).strip() if isinstance(value, str) else ""
    if not _MONTH_RE.fullmatch(text):
        raise ParseError(_("Enter a month as YYYY-MM, for example 2026-12."), code="invalid_month")
    year, month = int(text[:4]), int(text[5:])
    if not 1 <= month <= 12:
        raise ParseError(_("%(value)s is not a month of the calendar.") % {"value": text}, code="invalid_month")
    first, latest = datetime.date(year, month, 1), today.replace(day=1)
    if not datetime.date(2000, 1, 1) <= first <= latest:
        raise ParseError(
            _("Enter a month between 2000-01 and %(latest)s.") % {"latest": f"{latest:%Y-%m}"}, code="invalid_month"
        )
    return first


def month_end(first: datetime.date) -> datetime.date:
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def parse_count(value, *, low: int, high: int, message) -> int:
    """A whole number from `low` to `high` written in decimal digits (full-width digits count); anything else,
    signs and fractions included, is refused with `message`."""
    if isinstance(value, bool):
        raise ParseError(message, code="invalid_number")
    if isinstance(value, int):
        number = value
    else:
        text = ascii_form(value).strip() if isinstance(value, str) else ""
        if not text or len(text) > 6 or not _ASCII_DIGITS.fullmatch(text):
            raise ParseError(message, code="invalid_number")
        number = int(text)
    if not low <= number <= high:
        raise ParseError(message, code="number_out_of_range")
    return number


MAX_WORKING_DAYS = 400  # a year and a half of working days: the longest time limit a deadline may count


def parse_working_days(value) -> int:
    """A count of working days, 0 to MAX_WORKING_DAYS."""
    message = _("Enter a number of working days from 0 to %(max)d.") % {"max": MAX_WORKING_DAYS}
    return parse_count(value, low=0, high=MAX_WORKING_DAYS, message=message)


def clean_text(value, *, max_length: int, required: bool = False, multiline: bool = False, label=None) -> str:
    """Free text as people type it: NUL and control characters are refused; bidi overrides and zero-width
    characters, which only hide or reorder what is shown, are removed; surrounding spaces go. A required text
    that is empty after that (only invisible characters) is missing. Longer than `max_length` is refused with a
    message, never cut silently."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ParseError(_("Enter text."), code="invalid_text")
    if value.isprintable():
        # No control, format (zero-width, bidi) or separator characters but the space: nothing to refuse or remove.
        return _checked_length(value.strip(), max_length=max_length, required=required, label=label)
    allowed = _LINE_BREAKS if multiline else frozenset("\t")
    for char in value:
        if unicodedata.category(char) == "Cc" and char not in allowed:
            raise ParseError(_("The text contains control characters; remove them."), code="control_characters")
    text = value.translate(ZERO_WIDTH_AND_BIDI).strip()
    if not multiline:
        text = text.replace("\t", " ")
    return _checked_length(text, max_length=max_length, required=required, label=label)


def _checked_length(text: str, *, max_length: int, required: bool, label) -> str:
    if required and not text:
        raise ParseError(_("%(label)s is required.") % {"label": label or _("This field")}, code="required")
    if len(text) > max_length:
        raise ParseError(
            _("%(label)s has at most %(max)d characters (it has %(count)d).")
            % {"label": label or _("This text"), "max": max_length, "count": len(text)},
            code="max_length",
        )
    return text


def parse_code(value, *, pattern: re.Pattern, message) -> str:
    """A code typed or sent by a device (a check-in code, an idempotency key): ASCII after NFKC, then `pattern`."""
    text = ascii_form(value).strip() if isinstance(value, str) else ""
    if not pattern.fullmatch(text):
        raise ParseError(message, code="invalid_code")
    return text


def json_depth(text: str | bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, counted without parsing it (a deeply nested
    document would exhaust the parser's recursion before any limit could be checked)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text.decode("utf-8", "replace") if isinstance(text, bytes) else text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def id_or_none(value) -> int | None:
    """For a page that answers "not found" to anything that is not an id: the id, or None."""
    try:
        return parse_optional_id(value)
    except ParseError:
        return None


def reason_text(value, *, max_length: int, missing_message=None, label=None, multiline: bool = False) -> str:
    """A reason or note a service receives (why a window pauses, why a clerk was signed out): cleaned by
    `clean_text`, refused as a domain error (shown on the page that asked, a 400 in the API). With
    `missing_message`, the reason is required and that message says so; `multiline` lets a note keep its lines."""
    try:
        text = clean_text(value, max_length=max_length, label=label, multiline=multiline)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from None
    if missing_message is not None and not text:
        raise DomainError(missing_message)
    return text
