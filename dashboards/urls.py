from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("display/<id:center_id>/", views.calling_display, name="display"),
    path("display/<id:center_id>/zones/<id:zone_id>/", views.calling_display, name="zone_display"),
    path("screen/<id:center_id>/", views.big_screen, name="screen"),
    path("t/<str:token>/", views.citizen_ticket, name="ticket"),
]
