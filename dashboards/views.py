from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from queueing.models import Center
from queueing.permissions import may_watch_center


def calling_display(request, center_id: int):
    center = get_object_or_404(Center, pk=center_id)
    return render(request, "dashboards/display.html", {"center": center})


@login_required
def big_screen(request, center_id: int):
    center = get_object_or_404(Center, pk=center_id)
    if not may_watch_center(user=request.user, center_id=center.pk):
        raise PermissionDenied
    return render(request, "dashboards/screen.html", {"center": center})


def home(request):
    """The hall's front page: every screen of every centre, one tap away."""
    centers = Center.objects.order_by("level", "code")
    return render(request, "home.html", {"centers": centers})
