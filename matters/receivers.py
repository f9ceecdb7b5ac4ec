"""What matters does when the organisation below it announces a change."""

from django.dispatch import receiver

from centers.signals import calendar_changed
from matters.services import cases_recount_deadlines


@receiver(calendar_changed, dispatch_uid="matters.recount_deadlines")
def recount_deadlines(sender, *, years, **kwargs):
    return cases_recount_deadlines(years=years)
