"""The holder of a licence: the code that identifies them, validated, hashed and masked by the kind of code.

An identity card number is hashed as every identity number of the hall is (hall.pii, kind `id_number`), so the
hash on a licence equals the hash on the holder's tickets, cases and real-name profile."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hall import identity, pii
from hall.parsing import ascii_form
from licenses.models import HolderCodeType

PASSPORT_RE = re.compile(r"[A-Z0-9]{5,17}")
CODE_TYPES = frozenset(HolderCodeType.values)
HASH_KINDS = {HolderCodeType.ID_CARD: "id_number", HolderCodeType.USCC: "uscc", HolderCodeType.PASSPORT: "text"}


def holder_code_type_clean(value) -> str:
    code_type = ascii_form(str(value or "")).strip()
    if code_type not in CODE_TYPES:
        raise ValidationError(
            _("The holder code type is 111 (identity card), 001 (unified social credit code) or 414 (passport)."),
            code="holder_code_type",
        )
    return code_type


def holder_code_clean(code_type: str, value, *, today=None) -> str:
    """The normalised holder code, or a ValidationError (a wrong check character says so). `today` spares an import
    of millions of rows asking the clock for each identity card's birth date."""
    if code_type == HolderCodeType.ID_CARD:
        return identity.validate_id_number(value, today=today)
    if code_type == HolderCodeType.USCC:
        return identity.validate_uscc(value)
    code = re.sub(r"\s", "", ascii_form(str(value or ""))).upper()
    if not PASSPORT_RE.fullmatch(code):
        raise ValidationError(_("A passport number has 5 to 17 letters and digits."), code="passport")
    return code


def holder_hash(code_type: str, code: str) -> str:
    kind = HASH_KINDS[code_type]
    # Passports share the text kind with other values: the prefix keeps their hashes apart.
    return pii.blind_index(kind, f"passport:{code}" if kind == "text" else code)


def holder_code_masked(code_type: str, code: str) -> str:
    if code_type == HolderCodeType.ID_CARD:
        return identity.mask_id_number(code)
    if code_type == HolderCodeType.USCC:
        return code[:4] + "*" * max(0, len(code) - 8) + code[-4:] if len(code) > 8 else "*" * len(code)
    return code[:2] + "*" * max(0, len(code) - 4) + code[-2:] if len(code) > 4 else "*" * len(code)


def holder_name_masked(name: str) -> str:
    """A person's name as 张*明; an organisation's name is public (营业执照 are) and stays."""
    return identity.mask_name(name) if len(name) <= 4 else name
