from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("display/<int:center_id>/", views.calling_display, name="display"),
    path("screen/<int:center_id>/", views.big_screen, name="screen"),
]
