"""URL wiring of the hall: the one place that names every app's routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from dashboards.views import screens as dashboard_views
from hall import views as hall_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("favicon.ico", hall_views.favicon),
    path("healthz", hall_views.healthz, name="healthz"),
    path("readyz", hall_views.readyz, name="readyz"),
    path("accounts/login/", account_views.staff_login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("portal/", include("accounts.urls")),
    path("api/v1/", include("centers.api_urls")),
    path("api/v1/", include("licenses.api_urls")),
    path("api/v1/", include("matters.api_urls")),
    path("api/v1/", include("queueing.api_urls")),
    path("api/v1/", include("dashboards.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("licenses.urls")),
    path("", include("matters.urls")),
    path("", include("queueing.urls")),
    path("", include("evaluations.urls")),
    path("", include("dashboards.urls")),
]

# The API's own not-found answer (JSON) for paths under /api/ that match no route.
handler400 = "hall.views.bad_request"
handler404 = "hall.views.page_not_found"
handler500 = "hall.views.server_error"
