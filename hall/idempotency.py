"""Idempotency keys (docs/domain.md, "Input"): a device that repeats a request with the same key gets the first
result back, once, whatever the network did in between.

A key counts within one endpoint (`scope`) and one client (the signed-in account, else the device's address), for 24
hours. The same key with the same request returns the first result and changes nothing; the same key with a
different request is refused (422), because returning the first result would answer a question that was not asked.
"""

import datetime
import json
import re
from collections.abc import Callable

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from hall.audit import client_address
from hall.errors import DomainError
from hall.models import IdempotencyRecord
from hall.parsing import parse_code
from hall.prepared import Prepared, insert_row

KEY_RE = re.compile(r"\A[A-Za-z0-9._:-]{8,64}\Z")
KEPT_FOR = datetime.timedelta(hours=24)


class KeyReused(DomainError):
    status_code = 422
    default_message = _("This Idempotency-Key was already used with a different request; send a new key.")


def parse_key(value) -> str | None:
    """The key a request carried, or None when it carried none; a malformed key is a 400."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_code(
        value,
        pattern=KEY_RE,
        message=_("An idempotency key has 8 to 64 letters, digits, dots, colons, hyphens or underscores."),
    )


def client_of(request) -> str:
    """Who repeats the request: the device, the account, or for anonymous callers their address."""
    device_key = getattr(getattr(request, "auth", None), "client_key", None)
    if device_key:
        return device_key
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"addr:{client_address(request) or 'unknown'}"


def fingerprint(body: dict) -> str:
    """A keyed hash of the request: equal requests give equal fingerprints, and the body (which may hold an
    identity number) cannot be read back or guessed from it."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return salted_hmac("hall.idempotency", canonical, algorithm="sha256").hexdigest()


def idempotent(*, scope: str, request, key: str | None, body: dict, action: Callable[[], models.Model]):
    """Run `action` once for this (scope, client, key); a repeat returns its first result. Without a key, just run."""
    if key is None:
        return action()
    client, digest = client_of(request), fingerprint(body)
    try:
        with transaction.atomic():
            first = _first_result(scope=scope, client=client, key=key, digest=digest)
            if first is not None:
                return first
            result = action()
            insert_row(
                IdempotencyRecord,
                scope=scope,
                client=client,
                key=key,
                body_hash=digest,
                result_type=result._meta.label_lower,
                result_id=result.pk,
                created_at=timezone.now(),
            )
            return result
    except IntegrityError:
        # The same request arrived twice at once: the first one's transaction won, this one's rolled back whole.
        first = _first_result(scope=scope, client=client, key=key, digest=digest)
        if first is None:
            raise
        return first


# Compiled once: every device request that carries a key looks it up.
_RECORD = Prepared(
    lambda scope, client, key: IdempotencyRecord.objects.filter(scope=scope, client=client, key=key)[:1],
    scope=str,
    client=str,
    key=str,
)


def _first_result(*, scope: str, client: str, key: str, digest: str):
    record = _RECORD.first(scope=scope, client=client, key=key)
    if record is None:
        return None
    if record.created_at < timezone.now() - KEPT_FOR:
        record.delete()  # an expired key starts afresh
        return None
    if record.body_hash != digest:
        raise KeyReused()
    model = apps.get_model(record.result_type)
    return model._default_manager.filter(pk=record.result_id).first()


def idempotency_records_purge() -> int:
    """The periodic clean-up: forget keys older than 24 hours."""
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
    return deleted
