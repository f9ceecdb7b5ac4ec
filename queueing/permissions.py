"""Who may act where. Staff roles are scoped by centre (and its sub-sites) and, for department heads, by department."""

from accounts.models import StaffMembership, StaffRole
from centers.models import Center
from queueing.models import Window

SUPERVISING_ROLES = (StaffRole.SUPERVISOR, StaffRole.CENTER_ADMIN)


def _with_sub_sites(center_ids: set[int]) -> set[int]:
    scope, frontier = set(center_ids), set(center_ids)
    while frontier:
        frontier = set(Center.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - scope
        scope |= frontier
    return scope


def _member_centers(user, roles) -> set[int]:
    return set(StaffMembership.objects.filter(user=user, role__in=roles).values_list("center_id", flat=True))


def supervised_center_ids(user) -> set[int] | None:
    """Centres a supervisor or centre admin oversees, sub-sites included; None means every centre (system admin)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    return _with_sub_sites(_member_centers(user, SUPERVISING_ROLES))


def in_scope(center_id: int, scope: set[int] | None) -> bool:
    return scope is None or center_id in scope


def may_supervise(*, user, center_id: int) -> bool:
    return in_scope(center_id, supervised_center_ids(user))


def may_staff_window(*, user, window: Window) -> bool:
    """Clerks work at windows of their own centre; supervisors and centre admins anywhere they oversee."""
    if not user.is_authenticated:
        return False
    if StaffMembership.objects.filter(user=user, center_id=window.center_id, role=StaffRole.CLERK).exists():
        return True
    return may_supervise(user=user, center_id=window.center_id)


def may_watch_center(*, user, center_id: int) -> bool:
    """The big screen is for the centre's own staff and those who oversee it."""
    if user is None or not user.is_authenticated:
        return False
    if StaffMembership.objects.filter(user=user, center_id=center_id).exists():
        return True
    return may_supervise(user=user, center_id=center_id)


def station_ids_for(user) -> set[int] | None:
    """Community stations (便民服务站) the user may issue numbers for: their staff, and whoever supervises them;
    None means every station (system admin)."""
    if user is None or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    stations = Center.objects.filter(level=Center.Level.COMMUNITY)
    own = set(stations.filter(staff__user=user).values_list("id", flat=True))
    supervised = supervised_center_ids(user) or set()
    return own | set(stations.filter(id__in=supervised).values_list("id", flat=True))


def may_issue_for_station(user, station_id: int) -> bool:
    """远程取号 on behalf of a citizen at a community station: its own staff, its supervisors, the system admin."""
    if not Center.objects.filter(pk=station_id, level=Center.Level.COMMUNITY).exists():
        return False
    return in_scope(station_id, station_ids_for(user))
