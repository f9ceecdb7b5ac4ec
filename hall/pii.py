"""Personal information at rest: encrypted with rotatable keys, found through a keyed hash, never stored in clear.

Keys come from the environment: `HALL_PII_KEYS`, comma-separated Fernet keys, the first encrypts and all decrypt
(add a new key in front to rotate, then run `manage.py rotate_pii`); `HALL_PII_HASH_KEY` keys the HMAC that makes
exact lookup possible. The embedded hall generates both once into var/. Production refuses to start without them.
"""

import base64
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from hall import identity

NORMALIZERS = {
    "id_number": identity.normalize_id_number,
    "uscc": identity.normalize_uscc,
    "mobile": identity.normalize_mobile,
    "text": lambda value: str(value or "").strip(),
}


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = settings.HALL_PII_KEYS
    if not keys:
        raise ImproperlyConfigured("HALL_PII_KEYS is empty: personal information cannot be encrypted.")
    return MultiFernet([Fernet(key) for key in keys])


@lru_cache(maxsize=1)
def _hash_key() -> bytes:
    key = settings.HALL_PII_HASH_KEY
    if not key:
        raise ImproperlyConfigured("HALL_PII_HASH_KEY is empty: personal information cannot be looked up.")
    return key.encode()


def reset_keys() -> None:
    """Forget the cached keys (after settings change: tests, rotation)."""
    _fernet.cache_clear()
    _hash_key.cache_clear()


def normalize(kind: str, value) -> str:
    return NORMALIZERS[kind](value)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured("Personal information cannot be decrypted with any of HALL_PII_KEYS.") from error


def blind_index(kind: str, value) -> str:
    """A keyed hash of the normalised value: equal values give equal hashes, and nothing can be read back."""
    digest = hmac.digest(_hash_key(), f"{kind}:{normalize(kind, value)}".encode(), "sha256")
    return base64.b32encode(digest).decode().rstrip("=").lower()


def keyed_digest(text: str) -> str:
    """A keyed hash (hex) of a text that holds personal information among other things (a row of an import): equal
    texts give equal digests, and without the key nothing can be tried against it."""
    return hmac.digest(_hash_key(), f"digest:{text}".encode(), "sha256").hex()


def new_fernet_key() -> str:
    return Fernet.generate_key().decode()


class EncryptedField(models.TextField):
    """Holds a Fernet token in the database and the plain value in Python. Empty stays empty."""

    def __init__(self, *args, kind: str = "text", **kwargs):
        self.kind = kind
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.kind != "text":
            kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def to_python(self, value):
        return normalize(self.kind, value) if value else ""

    def get_prep_value(self, value):
        if hasattr(value, "resolve_expression"):
            return value  # an expression (bulk_update's CASE): its values come back here one by one
        value = self.to_python(value)
        return encrypt(value) if value else ""

    def get_db_prep_save(self, value, connection):
        return self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in ("isnull",):
            return None  # ciphertexts differ every time: look up through the blind index instead
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """The HMAC of another field of the model, kept up to date on save, indexed for exact lookup."""

    def __init__(self, *args, source: str, kind: str, **kwargs):
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_index", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.source)
        digest = blind_index(self.kind, value) if value else ""
        setattr(model_instance, self.attname, digest)
        return digest
