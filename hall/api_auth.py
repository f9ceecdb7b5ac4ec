"""How devices of other vendors sign in to the API (a module of its own: the API settings import it while Django
REST framework is still loading, so it imports nothing of the API's views)."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed


class HallBasicAuthentication(BasicAuthentication):
    """HTTP Basic, for devices of other vendors. Credentials with control characters (a NUL) are refused here, before
    they reach the lock-out records or the database (PostgreSQL refuses NUL in text)."""

    def authenticate_credentials(self, userid, password, request=None):
        if not (userid.isprintable() and password.isprintable()):
            raise AuthenticationFailed(_("Invalid username/password."))
        return super().authenticate_credentials(userid, password, request)


class HallBasicScheme(OpenApiAuthenticationExtension):
    """The schema's word for the hall's HTTP Basic sign-in (hall/api_auth.py)."""

    target_class = "hall.api_auth.HallBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic"}
