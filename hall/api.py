"""API plumbing shared by every app: one error shape for every refusal, a JSON parser that refuses what it cannot
read safely, and the documentation of those answers in the OpenAPI schema."""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hall.errors import DomainError
from hall.parsing import MAX_JSON_DEPTH, json_depth

MAX_JSON_BYTES = 256 * 1024  # a request of this API is a few hundred bytes; anything far larger is refused unread


def exception_handler(exc, context):
    """Domain errors and Django validation errors from any service become 4xx answers with the user's message;
    everything else as Django REST framework answers it."""
    if isinstance(exc, DomainError):
        response = Response({"detail": str(exc.message), "code": exc.code}, status=exc.status_code)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return _invalid(errors)
    if isinstance(exc, serializers.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return _invalid({field: _messages(value) for field, value in detail.items()})
    return drf_exception_handler(exc, context)


def _messages(value) -> list[str]:
    """A field's messages as a flat list of strings (nested serializers and lists of errors flattened)."""
    if isinstance(value, dict):
        return [message for inner in value.values() for message in _messages(inner)]
    if isinstance(value, list | tuple):
        return [message for inner in value for message in _messages(inner)]
    return [str(value)]


def _invalid(errors: dict[str, list[str]]) -> Response:
    """One shape for every refused value: the first message as `detail`, and each field's messages in `errors`."""
    first = next((messages[0] for messages in errors.values() if messages), _("The request is not valid."))
    return Response({"detail": first, "code": "invalid", "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


class SafeJSONParser(JSONParser):
    """JSON that is too large or nested too deeply is a 400 before the parser sees it (a deep document would
    exhaust Python's recursion inside the standard parser)."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(MAX_JSON_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_JSON_BYTES:
            raise ParseError(_("The request body is too large."))
        if json_depth(raw) > MAX_JSON_DEPTH:
            raise ParseError(_("The JSON in the request is nested too deeply."))
        return super().parse(BytesIO(raw), media_type, parser_context)


ERROR_RESPONSES = {
    "400": "The request is not valid: a field, a value or the JSON itself (`errors` says which field).",
    "401": "Sign in first.",
    "403": "Not allowed for this account, or a rule of the hall refused it.",
    "404": "No such object.",
    "409": "The object changed meanwhile (another window, another tab); reload and try again.",
    "422": "The Idempotency-Key was used before with a different request.",
    "429": "Too many requests from this client; try again after the Retry-After seconds.",
}
# Only where a body is read.
BODY_ERROR_RESPONSES = {
    "415": "The body's Content-Type is missing, or is not JSON, a form or multipart.",
}


def document_errors(result, generator, request, public):
    """Schema post-processing hook: every operation documents the error answers the API may give, in one shape."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "properties": {
            "detail": {"type": "string", "description": "What went wrong, in the user's language."},
            "code": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "The messages of each field that was refused.",
            },
        },
        "required": ["detail"],
        "additionalProperties": True,
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            answers = {**ERROR_RESPONSES, **(BODY_ERROR_RESPONSES if "requestBody" in operation else {})}
            for code, description in sorted(answers.items()):
                responses.setdefault(code, {"description": description, "content": error})
    return result
