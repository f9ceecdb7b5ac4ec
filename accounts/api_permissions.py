"""Who may call an API view, as DRF permissions: the rules of accounts, for the APIs of every app."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.models import User


class IsCitizen(BasePermission):
    """A signed-in citizen account (not staff): the citizen's own appointments, cases and licences."""

    message = _("Only a signed-in citizen account can do this.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.kind == User.Kind.CITIZEN)
