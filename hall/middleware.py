from django.conf import settings


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
