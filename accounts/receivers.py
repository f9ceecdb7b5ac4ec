"""Sign-ins, sign-outs, failed sign-ins and role changes go to the audit log, without passwords or mobile numbers."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.backends import lockout_username
from accounts.models import StaffMembership
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


@receiver(post_save, sender=StaffMembership)
def on_role_granted(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return  # a role is granted by creating its membership; saving it unchanged grants nothing
    audit_record(
        action=Action.ROLE_GRANTED,
        target=instance.user,
        center_id=instance.center_id,
        detail={"role": instance.role, "department_id": instance.department_id},
    )


@receiver(post_delete, sender=StaffMembership)
def on_role_revoked(sender, instance, **kwargs):
    audit_record(
        action=Action.ROLE_REVOKED,
        target=instance.user,
        center_id=instance.center_id,
        detail={"role": instance.role, "department_id": instance.department_id},
    )
