from queueing import permissions


def staff_navigation(request):
    """What the top bar offers a member of staff: the supervision page only to those who supervise."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "kind", "") != "staff":
        return {}
    scope = permissions.supervised_center_ids(user)
    return {"may_supervise_windows": scope is None or bool(scope)}
