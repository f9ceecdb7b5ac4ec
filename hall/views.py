from django.conf import settings
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """The process is alive and answering."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """The process can serve: the database answers, and Redis too when it is configured."""
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis()
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _check_redis() -> str:
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says."""
    return HttpResponsePermanentRedirect(static("hall/img/favicon.svg"))


def bad_request(request, exception=None):
    """A request no view can read (Django's SuspiciousOperation): the API answers in its JSON error shape."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("The request cannot be read."), "code": "bad_request"}, status=400)
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    """Not found: the API answers in its JSON error shape, whatever the path (an id that is no id matches no route);
    pages get the site's own page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)
