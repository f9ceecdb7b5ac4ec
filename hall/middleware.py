from django.conf import settings
from django.core.exceptions import SuspiciousOperation


class ContentSecurityPolicyMiddleware:
    """Adds the hall's Content-Security-Policy: every asset comes from the hall itself."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.HALL_CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class RefuseNulInQueryMiddleware:
    """A NUL character is never part of a real address, and PostgreSQL refuses it in any text it compares: a query
    string that holds one is a 400 before any view (Django admin's list filters included) hands it to the database.
    Form fields already refuse it (Django's CharField, hall/parsing.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise SuspiciousOperation("NUL character in the query string")
        return self.get_response(request)
