"""The framework's floor: an API view that does nothing, served by the hall's own settings, middleware and gunicorn
(`DJANGO_SETTINGS_MODULE=bench.framework_floor`). What a request costs before the hall does anything in it."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from hall.settings import *  # noqa: F403 (the hall's settings, with this module's URLs)

ROOT_URLCONF = "bench.framework_floor"


class Empty(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("empty/", Empty.as_view()), path("readyz", Empty.as_view())]
