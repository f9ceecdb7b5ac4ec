"""The API's exception handler (settings.REST_FRAMEWORK): hall.api's answers, and a database that failed a request (a
connection cut in the middle of it, a failover, a server that cannot be reached) as a 503 in the API's JSON shape, in
the caller's language, which a kiosk can show and retry, rather than Django's HTML error page. It lives above hall.api,
which it calls, and below it hall.errors keeps the error itself."""

import logging

from django.db import InterfaceError, OperationalError

from hall import api
from hall.errors import ServiceUnavailable

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    if isinstance(exc, OperationalError | InterfaceError):
        _log_database_unavailable(exc, context)
        exc = ServiceUnavailable(code="database_unavailable")
    return api.exception_handler(exc, context)


def _log_database_unavailable(exc: Exception, context) -> None:
    """One line for the operator: the method, the view and the driver's error (class, SQLSTATE when the server sent
    one, first line of its message), never the request's path or data. The SQLSTATE tells an ended session (57P01)
    from a refused connection (08xxx) or a lock timeout (55P03)."""
    cause = exc.__cause__ or exc
    message = str(cause).strip()
    logger.error(
        "database unavailable: %s %s answered 503 (%s %s: %s)",
        getattr(context.get("request"), "method", "-"),
        type(context.get("view")).__name__,
        type(cause).__name__,
        getattr(cause, "pgcode", None) or "-",
        message.splitlines()[0][:200] if message else "",
    )
