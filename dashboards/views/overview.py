"""The city overview (全市总览): every centre a user may watch on one screen, each a link to its big screen."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from accounts.selectors import center_access
from dashboards.selectors.overview import city_overview
from hall.parsing import id_or_none

POLL_SECONDS = 5


def _overview_for(request) -> dict:
    """The overview of the request's user, or of the subtree under `?root=<id>`; 403 when they watch no centre."""
    scope = center_access(request.user).seen_ids
    if scope is not None and not scope:
        raise PermissionDenied
    root = request.GET.get("root") or None
    root_id = None
    if root is not None:
        root_id = id_or_none(root)
        if root_id is None:
            raise Http404
        if scope is not None and root_id not in scope:
            raise PermissionDenied
    return city_overview(scope=scope, root_id=root_id)


@login_required
@never_cache
def overview(request):
    data = _overview_for(request)
    poll_url = reverse("dashboards:overview_data")
    if request.GET.get("root"):
        poll_url += "?" + urlencode({"root": request.GET["root"]})
    context = {"overview": data, "poll_url": poll_url, "poll_seconds": POLL_SECONDS}
    return render(request, "dashboards/overview.html", context)


@login_required
@never_cache
def overview_data(request):
    """What the overview page polls every few seconds."""
    return JsonResponse(_overview_for(request), json_dumps_params={"ensure_ascii": False})
