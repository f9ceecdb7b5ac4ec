"""Sign-ins, sign-outs and failed sign-ins go to the audit log, without passwords or mobile numbers."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.backends import lockout_username
from hall.audit import Action, audit_record


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, actor=user, target=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.LOGOUT, actor=user, target=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        action=Action.LOGIN_FAILED, detail={"account": lockout_username(request, credentials)}, request=request
    )
