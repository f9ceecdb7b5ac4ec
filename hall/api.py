"""API plumbing shared by every app: domain errors become 4xx answers with the user's message."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hall.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc.message), "code": exc.code}, status=exc.status_code)
    return drf_exception_handler(exc, context)
