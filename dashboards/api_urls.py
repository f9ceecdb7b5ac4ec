from django.urls import path

from dashboards import api

urlpatterns = [
    path("centers/<id:center_id>/display/", api.CenterDisplayView.as_view(), name="api-center-display"),
]
