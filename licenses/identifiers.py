"""The identifier of an e-licence (证照标识, GB/T 36904) and its check character (ISO/IEC 7064 MOD 37,36).

    1.2.156.3005.2 . {type code} . {issuer code} . {serial} . {version} . {check}

The type code is the unified social credit code of the body that defines the licence plus a three-digit sequence;
the issuer code is the issuing body's unified social credit code (or, as some provinces issue them, the 6-, 9- or
12-digit administrative division code of the issuing region); the serial is the issuer's own number of the licence;
the version has three digits. Pure functions: the registry, the import, the public verification and
`manage.py licenses check-id` all read identifiers here.
"""

import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hall.identity import USCC_ALPHABET, uscc_check_char
from hall.parsing import ascii_form

PREFIX = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_LENGTH = 160  # prefix, 21 + 18 + 64 + 3 + 1 characters and the dots, with room to spare
SERIAL_MAX_LENGTH = 64
TYPE_CODE_RE = re.compile(r"[0-9A-Z]{18}[0-9]{3}")
REGION_CODE_RE = re.compile(r"[0-9]{6}|[0-9]{9}|[0-9]{12}")
SERIAL_RE = re.compile(r"[0-9A-Z]{1,64}")
VERSION_RE = re.compile(r"[0-9]{3}")
PART_NAMES = {"type": _("licence type code"), "issuer": _("issuer code")}


def _step(product: int, char: str) -> int:
    total = (product + ALPHABET.index(char)) % 36 or 36
    return (2 * total) % 37


# The step of MOD 37,36 for every (product, character): an import checks millions of identifiers.
_STEPS = [{char: _step(product, char) for char in ALPHABET} for product in range(37)]


def check_character(body: str) -> str:
    """ISO/IEC 7064 MOD 37,36 over `body` (digits and capital letters): the character that completes it.
    `p = 36; for each char: s = (p + v) mod 36 (36 for 0); p = 2·s mod 37`; the check value is (37 − p) mod 36."""
    product = 36
    for char in body:
        product = _STEPS[product][char]
    return ALPHABET[(37 - product) % 36]


@dataclass(frozen=True)
class Identifier:
    type_code: str
    issuer_code: str
    serial: str
    version: str
    check: str

    def __str__(self) -> str:
        return ".".join((PREFIX, self.type_code, self.issuer_code, self.serial, self.version, self.check))

    @property
    def defining_body_code(self) -> str:
        return self.type_code[:18]


def build(*, type_code: str, issuer_code: str, serial: str, version: int | str = 1) -> Identifier:
    """A new identifier with its check character; the parts are validated as `parse` would."""
    version = f"{int(version):03d}" if isinstance(version, int) else version
    body = type_code + issuer_code + serial + version
    # A part with a foreign character gets no check character: `parse` then says which part is wrong.
    check = check_character(body) if set(body) <= set(ALPHABET) else "?"
    return parse(".".join((PREFIX, type_code, issuer_code, serial, version, check)))


def _invalid(message, code: str) -> ValidationError:
    return ValidationError(message, code=code)


@functools.lru_cache(maxsize=4096)  # a file names a few hundred types and issuers over millions of rows
def _check_uscc_part(code: str, *, part: str) -> None:
    what = PART_NAMES[part]
    if any(c not in USCC_ALPHABET for c in code):
        raise _invalid(
            _("The %(what)s holds a character a unified social credit code never has.") % {"what": what},
            "identifier_part",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise _invalid(
            _("The unified social credit code in the %(what)s has a wrong check character.") % {"what": what},
            "identifier_part",
        )


def parse(value) -> Identifier:
    """The identifier in `value` (full-width forms and surrounding spaces accepted), or a ValidationError saying
    which part is wrong: the shape, a field, or the check character (code `identifier_check`)."""
    text = ascii_form(str(value or "")).strip().upper()
    if not text:
        raise _invalid(_("Enter the licence identifier."), "identifier_required")
    if len(text) > MAX_LENGTH:
        raise _invalid(_("A licence identifier has at most %(max)d characters.") % {"max": MAX_LENGTH}, "identifier")
    if not text.startswith(PREFIX + "."):
        raise _invalid(_("A licence identifier begins with 1.2.156.3005.2."), "identifier_prefix")
    parts = text[len(PREFIX) + 1 :].split(".")
    if len(parts) != 5:
        raise _invalid(
            _("A licence identifier has five parts after 1.2.156.3005.2: type, issuer, serial, version, check."),
            "identifier_shape",
        )
    type_code, issuer_code, serial, version, check = parts
    if not TYPE_CODE_RE.fullmatch(type_code):
        raise _invalid(
            _("The licence type code has 21 characters: a unified social credit code and three digits."),
            "identifier_part",
        )
    _check_uscc_part(type_code[:18], part="type")
    if len(issuer_code) == 18:
        _check_uscc_part(issuer_code, part="issuer")
    elif not REGION_CODE_RE.fullmatch(issuer_code):
        raise _invalid(
            _("The issuer code is a unified social credit code or a 6-, 9- or 12-digit region code."),
            "identifier_part",
        )
    if not SERIAL_RE.fullmatch(serial):
        raise _invalid(
            _("The serial has 1 to %(max)d digits or capital letters.") % {"max": SERIAL_MAX_LENGTH},
            "identifier_part",
        )
    if not VERSION_RE.fullmatch(version):
        raise _invalid(_("The version has three digits, such as 001."), "identifier_part")
    if len(check) != 1 or check not in ALPHABET:
        raise _invalid(_("The check character is one digit or capital letter."), "identifier_part")
    expected = check_character(type_code + issuer_code + serial + version)
    if check != expected:
        raise _invalid(
            _("The check character of this identifier is wrong: the identifier was mistyped or altered."),
            "identifier_check",
        )
    return Identifier(type_code, issuer_code, serial, version, check)


def problem(value) -> str | None:
    """None when `value` is a valid identifier, else the reason in the reader's language."""
    try:
        parse(value)
    except ValidationError as error:
        return " ".join(str(message) for message in error.messages)
    return None
