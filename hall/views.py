import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
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


def server_error(request):
    """An error no view handled (Django's handler500, called while the error is being handled). A database that
    went away in the middle of the request (a failover, a restart) is said as such: a 503 the browser may retry,
    not "something went wrong". Rendered without the request's context, which could need the database again."""
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        detail = (
            _("The hall is briefly unavailable; please try again in a moment.")
            if unavailable
            else _("The hall could not answer this request. Nothing was changed; please try again in a moment.")
        )
        response = JsonResponse({"detail": detail, "code": "unavailable" if unavailable else "error"}, status=status)
    else:
        response = HttpResponse(loader.get_template(f"{status}.html").render(), status=status)
    if unavailable:
        response["Retry-After"] = "5"
    return response


def page_not_found(request, exception=None):
    """Not found: the API answers in its JSON error shape, whatever the path (an id that is no id matches no route);
    pages get the site's own page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)
