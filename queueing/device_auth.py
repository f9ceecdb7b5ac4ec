"""How devices sign in to the API: `Authorization: Bearer hdt_…`, one token per device (queueing.models.Device).

A view says what a device needs to call it (`device_capability`); a device without it is refused here, before the
view runs. Through a view that names none, a device is nobody in particular: it reads the public lists, and the
views that need an account refuse it (403). A window terminal acts for the clerk signed in to its window."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import BasePermission

from queueing.models import Device
from queueing.selectors import window_clerk
from queueing.selectors.devices import device_for_token
from queueing.services.devices import device_note_use

KEYWORD = "bearer"


class DeviceTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        # Read as text, not through DRF's latin-1 encoding, which fails on a header of wider characters.
        words = str(request.META.get("HTTP_AUTHORIZATION", "")).split()
        if not words or words[0].lower() != KEYWORD:
            return None  # not a device: the session (or nobody) signs this request
        if len(words) != 2:
            raise AuthenticationFailed(_("Send the device token as one word after “Bearer”."))
        device = device_for_token(words[1])
        if device is None:
            raise AuthenticationFailed(_("This device token is not valid."))
        if device.is_revoked:
            raise AuthenticationFailed(_("This device token has been revoked."))
        device_note_use(device)
        view = (getattr(request, "parser_context", None) or {}).get("view")
        capability = getattr(view, "device_capability", None)
        if capability is None:
            # A view no device acts through: the device reads what anybody may (the centres, the queues, the
            # slots) and is refused, signed in but without rights, where an account is needed.
            return AnonymousUser(), device
        if not device.may(capability):
            raise PermissionDenied(_("This device may not do this."))
        if capability == Device.Capability.CALL:
            clerk = window_clerk(window_id=device.window_id)
            if clerk is None:
                raise PermissionDenied(_("Nobody is signed in to this device's window."))
            return clerk, device
        return AnonymousUser(), device

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def device_of(request) -> Device | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, Device) else None


def ensure_device_scope(request, *, center_id: int, window_id: int | None = None) -> None:
    """A device acts in its own centre, and a window terminal at its own window only."""
    device = device_of(request)
    if device is None:
        return
    if device.center_id != center_id:
        raise PermissionDenied(_("This device belongs to another centre."))
    if device.window_id is not None and window_id is not None and device.window_id != window_id:
        raise PermissionDenied(_("This device belongs to another window."))


class SignedInOrDevice(BasePermission):
    """A signed-in account, or a device that authenticate() let through for this view."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) or device_of(request) is not None


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    """The schema's word for device tokens."""

    target_class = "queueing.device_auth.DeviceTokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A device's token (`hdt_…`), registered in the admin under Devices and shown once.",
        }
