from django.urls import path

from licenses import api

urlpatterns = [
    path("licenses/verify/", api.LicenseVerifyView.as_view(), name="api-license-verify"),
    path("licenses/lookup/", api.LicenseLookupView.as_view(), name="api-license-lookup"),
    path("my/licenses/", api.MyLicenseListView.as_view(), name="api-my-licenses"),
]
