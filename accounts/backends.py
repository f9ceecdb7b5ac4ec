"""Citizens sign in with their mobile number; staff with their username. Lock-outs never store a mobile number."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from hall import identity, pii


class MobileBackend(ModelBackend):
    def authenticate(self, request, mobile=None, password=None, **kwargs):
        if not mobile or password is None:
            return None
        try:
            number = identity.validate_mobile(mobile)
        except Exception:
            return None
        # Only citizens sign in by mobile number: staff accounts sign in by username, through the staff page.
        user = User.objects.filter(mobile_hash=pii.blind_index("mobile", number), kind=User.Kind.CITIZEN).first()
        if user is None:
            User().set_password(password)  # same work as a real check: timing does not tell who is registered
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request, credentials) -> str:
    """What the lock-out counts failures against: the username, or the hash of a mobile number."""
    credentials = credentials or {}
    if credentials.get("username"):
        return credentials["username"]
    mobile = credentials.get("mobile") or (request.POST.get("mobile") if request is not None else None)
    if mobile:
        return "mobile:" + pii.blind_index("mobile", mobile)[:20]
    return (request.POST.get("username") if request is not None else "") or ""
