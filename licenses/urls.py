from django.urls import path

from licenses import views

app_name = "licenses"

urlpatterns = [
    path("licenses/verify/", views.verify, name="verify"),
    path("portal/licenses/", views.my_licenses, name="mine"),
    path("portal/licenses/<id:license_id>/", views.my_license, name="my_license"),
    path("portal/licenses/<id:license_id>/file/", views.my_license_file, name="my_license_file"),
    path("licenses/serve/<slug:kind>/<id:context_id>/", views.serve, name="serve"),
    path("licenses/serve/<slug:kind>/<id:context_id>/copy/<id:license_id>/", views.serve_copy, name="serve_copy"),
]
