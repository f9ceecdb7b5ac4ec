"""Role changes go to the audit log."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hall.audit import Action, audit_record
from queueing.models import StaffMembership


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
