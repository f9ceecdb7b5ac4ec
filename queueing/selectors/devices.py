"""Finding the device behind a token."""

import hashlib
import re

from hall.parsing import ascii_form
from hall.prepared import Prepared
from queueing.models import Device

TOKEN_PREFIX = "hdt_"
TOKEN_RE = re.compile(r"hdt_[A-Za-z0-9_-]{43}")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(text: str) -> bool:
    return bool(TOKEN_RE.fullmatch(text))


def device_for_token(raw: str) -> Device | None:
    """The device whose token `raw` is (revoked ones included: the caller says why it refuses), or None."""
    token = ascii_form(raw).strip()
    if not looks_like_token(token):
        return None
    return _BY_TOKEN_HASH.first(token_hash=token_digest(token))


# Compiled once: this runs in every device's request, and compiling costs more than the lookup.
_BY_TOKEN_HASH = Prepared(lambda token_hash: Device.objects.filter(token_hash=token_hash)[:1], token_hash=str)
