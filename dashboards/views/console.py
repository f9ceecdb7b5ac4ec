"""The supervisor console: one action per alert or window, each a service call, each audited."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.selectors import center_access
from centers.models import Center
from dashboards import services
from dashboards.models import Alert
from dashboards.selectors import console
from hall.actions import act
from hall.parsing import id_or_none
from queueing import services as queue_services
from queueing.models import Queue, Window


def _supervised_center(request, center_id: int) -> Center:
    center = get_object_or_404(Center, pk=center_id)
    if not center_access(request.user).supervises(center.pk):
        raise PermissionDenied
    return center


def _posted_ids(request, name: str) -> list[int]:
    """The ids the form posted under `name`, empty ones left out; a value that is not an id names nothing (0)."""
    return [id_or_none(value) or 0 for value in request.POST.getlist(name) if value.strip()]


def _posted_clerk(request):
    """(whether a clerk was chosen, that clerk or None when the id names nobody)."""
    ids = _posted_ids(request, "clerk")
    return bool(ids), (get_user_model().objects.filter(pk=ids[0]).first() if ids else None)


@never_cache
@login_required
def console_page(request, center_id: int):
    center = _supervised_center(request, center_id)
    return render(
        request, "dashboards/console.html", {"center": center, "state": console.console_state(center_id=center.pk)}
    )


@never_cache
@login_required
def console_panel(request, center_id: int):
    """The console's live part, re-read by the page whenever the hall changes."""
    center = _supervised_center(request, center_id)
    return render(
        request,
        "dashboards/console_panel.html",
        {"center": center, "state": console.console_state(center_id=center.pk)},
    )


@login_required
@require_POST
def alert_acknowledge(request, center_id: int, alert_id: int):
    center = _supervised_center(request, center_id)
    get_object_or_404(Alert, pk=alert_id, center=center)
    act(
        request,
        lambda: services.alert_acknowledge(alert_id=alert_id, user=request.user, request=request),
        _("Alert acknowledged."),
    )
    return redirect("dashboards:console", center.pk)


@login_required
@require_POST
def alert_resolve(request, center_id: int, alert_id: int):
    center = _supervised_center(request, center_id)
    get_object_or_404(Alert, pk=alert_id, center=center)
    act(
        request,
        lambda: services.alert_resolve(
            alert_id=alert_id, user=request.user, resolution=request.POST.get("resolution", ""), request=request
        ),
        _("Alert resolved."),
    )
    return redirect("dashboards:console", center.pk)


@login_required
@require_POST
def tidal_open(request, center_id: int, window_id: int):
    center = _supervised_center(request, center_id)
    window = get_object_or_404(Window, pk=window_id, center=center)
    queue_ids = _posted_ids(request, "queue")
    queues = list(Queue.objects.filter(pk__in=queue_ids))
    if len(queues) != len(set(queue_ids)):
        messages.error(request, _("Choose the queue the tidal window is to serve."))
        return redirect("dashboards:console", center.pk)
    chosen, clerk = _posted_clerk(request)
    if chosen and clerk is None:
        messages.error(request, _("Choose a clerk to send to the window."))
        return redirect("dashboards:console", center.pk)
    act(
        request,
        lambda: queue_services.tidal_window_open(
            window=window, queues=queues, supervisor=request.user, clerk=clerk, request=request
        ),
        _("Tidal window %(number)s is open.") % {"number": window.number},
    )
    return redirect("dashboards:console", center.pk)


@login_required
@require_POST
def tidal_close(request, center_id: int, window_id: int):
    center = _supervised_center(request, center_id)
    window = get_object_or_404(Window, pk=window_id, center=center)
    act(
        request,
        lambda: queue_services.tidal_window_close(window=window, supervisor=request.user, request=request),
        _("Tidal window %(number)s is closed.") % {"number": window.number},
    )
    return redirect("dashboards:console", center.pk)


@login_required
@require_POST
def dispatch_clerk(request, center_id: int, window_id: int):
    center = _supervised_center(request, center_id)
    window = get_object_or_404(Window, pk=window_id, center=center)
    _chosen, clerk = _posted_clerk(request)
    act(
        request,
        lambda: queue_services.window_dispatch_clerk(
            window=window, clerk=clerk, supervisor=request.user, request=request
        ),
        _("The clerk is on the way to window %(number)s.") % {"number": window.number},
    )
    return redirect("dashboards:console", center.pk)


@login_required
@require_POST
def queue_pause(request, center_id: int, queue_id: int):
    center = _supervised_center(request, center_id)
    queue = get_object_or_404(Queue, pk=queue_id, center=center)
    act(
        request,
        lambda: queue_services.queue_intake_pause(
            queue=queue, supervisor=request.user, reason=request.POST.get("reason", ""), request=request
        ),
        _("Queue %(prefix)s has paused intake.") % {"prefix": queue.prefix},
    )
    return redirect("dashboards:console", center.pk)


@login_required
@require_POST
def queue_resume(request, center_id: int, queue_id: int):
    center = _supervised_center(request, center_id)
    queue = get_object_or_404(Queue, pk=queue_id, center=center)
    act(
        request,
        lambda: queue_services.queue_intake_resume(queue=queue, supervisor=request.user, request=request),
        _("Queue %(prefix)s is taking tickets again.") % {"prefix": queue.prefix},
    )
    return redirect("dashboards:console", center.pk)
