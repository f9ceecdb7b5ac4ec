"""SMS backends: the one place that talks to a carrier, chosen by dotted path like Django's email backends.

`settings.HALL_SMS_BACKEND` (environment variable `HALL_SMS_BACKEND`) names the class; `HALL_SMS_BACKEND_OPTIONS`
is passed to its constructor as keyword arguments. Shipped here:

- `hall.notifications.backends.ConsoleSmsBackend` (the default): sends nothing, logs each message with the mobile
  number masked.
- `hall.notifications.backends.LocmemSmsBackend`: keeps messages in `backends.outbox` for tests, and raises the
  exceptions queued in `backends.failures`, one per send, to rehearse a failing gateway.

Plugging in a real gateway (for instance the HTTP API of a carrier or of the province's unified SMS platform):

    # myhall/sms.py
    import requests
    from hall.notifications.backends import BaseSmsBackend, DeliveryError, PermanentDeliveryError

    class CarrierSmsBackend(BaseSmsBackend):
        def __init__(self, *, url, account, secret, signature="【某市政务服务中心】", timeout=10):
            self.url, self.account, self.secret = url, account, secret
            self.signature, self.timeout = signature, timeout

        def send(self, *, mobile, text, notification_id):
            try:
                response = requests.post(self.url, timeout=self.timeout, json={
                    "account": self.account, "sign": self.secret, "mobile": mobile,
                    "content": self.signature + text,
                    "client_msg_id": str(notification_id),  # lets the gateway drop a repeated attempt
                })
            except requests.RequestException as error:
                raise DeliveryError(f"gateway unreachable: {type(error).__name__}") from error
            if response.status_code >= 500 or response.status_code == 429:
                raise DeliveryError(f"gateway answered HTTP {response.status_code}")
            body = response.json()
            if body.get("code") != "0":
                raise PermanentDeliveryError(f"gateway refused: {body.get('code')} {body.get('message')}")
            return body["msg_id"]

    # environment
    HALL_SMS_BACKEND=myhall.sms.CarrierSmsBackend
    # settings (credentials from the environment, never in the repository)
    HALL_SMS_BACKEND_OPTIONS = {"url": ..., "account": ..., "secret": os.environ["HALL_SMS_SECRET"]}

Rules for a backend: `send` delivers exactly one message and returns the provider's message id (any string);
it raises `DeliveryError` when trying again later may work (the message is retried with exponential back-off,
`HALL_SMS_MAX_ATTEMPTS` attempts in all) and `PermanentDeliveryError` when it will not (the message is marked
failed at once; staff can retry it from the admin). Any other exception counts as retryable. Keep the network
timeout well under `HALL_SMS_SEND_TIMEOUT`. Never log or put the full mobile number into an exception message:
use `hall.identity.mask_mobile`. The same notification can, rarely, be attempted twice (a worker dying after the
gateway accepted the message); gateways that deduplicate by a client message id avoid a double SMS, which is what
`notification_id` is for. A backend instance is made per attempt, so it must be cheap to construct.
"""

import abc
import itertools
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from hall import identity

from .errors import DeliveryError, PermanentDeliveryError

__all__ = [
    "BaseSmsBackend",
    "ConsoleSmsBackend",
    "DeliveryError",
    "LocmemSmsBackend",
    "PermanentDeliveryError",
    "SentSms",
    "failures",
    "get_backend",
    "outbox",
]

logger = logging.getLogger(__name__)


class BaseSmsBackend(abc.ABC):
    """Base class of SMS backends; see the module docstring for the contract of `send`."""

    def __init__(self, **options):
        # Options meant for another backend are kept, not refused: switching to the console backend in development
        # must not require removing a gateway's credentials.
        self.options = options

    @abc.abstractmethod
    def send(self, *, mobile: str, text: str, notification_id: int) -> str:
        """Deliver `text` to `mobile` (11 digits, validated) and return the provider's message id.

        Raise DeliveryError for a failure worth retrying, PermanentDeliveryError for a final one.
        """


class ConsoleSmsBackend(BaseSmsBackend):
    """Sends nothing: logs each message at INFO on `hall.notifications.backends`, the mobile number masked."""

    def send(self, *, mobile: str, text: str, notification_id: int) -> str:
        logger.info("SMS #%s to %s: %s", notification_id, identity.mask_mobile(mobile), text)
        return f"console-{notification_id}"


@dataclass(frozen=True)
class SentSms:
    mobile: str
    text: str
    notification_id: int
    message_id: str


outbox: list[SentSms] = []
failures: list[Exception] = []
_message_ids = itertools.count(1)


class LocmemSmsBackend(BaseSmsBackend):
    """For tests: appends each message to `outbox`; raises the first exception of `failures` instead, if any."""

    outbox = outbox
    failures = failures

    def send(self, *, mobile: str, text: str, notification_id: int) -> str:
        if failures:
            raise failures.pop(0)
        message = SentSms(
            mobile=mobile, text=text, notification_id=notification_id, message_id=f"locmem-{next(_message_ids)}"
        )
        outbox.append(message)
        return message.message_id


def reset_locmem() -> None:
    outbox.clear()
    failures.clear()


def backend_path() -> str:
    return settings.HALL_SMS_BACKEND


def get_backend(path: str | None = None) -> BaseSmsBackend:
    """A new instance of the configured backend (or of `path`), made with `HALL_SMS_BACKEND_OPTIONS`."""
    return import_string(path or backend_path())(**settings.HALL_SMS_BACKEND_OPTIONS)
