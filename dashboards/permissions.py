from queueing.models import StaffMembership


def may_watch_center(*, user, center_id: int) -> bool:
    """The big screen is for the centre's own staff."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return StaffMembership.objects.filter(user=user, center_id=center_id).exists()
