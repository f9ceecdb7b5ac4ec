from django.urls import path

from dashboards import consumers

websocket_urlpatterns = [
    path("ws/centers/<id:center_id>/display/", consumers.CenterScreenConsumer.as_asgi()),
    path("ws/centers/<id:center_id>/zones/<id:zone_id>/display/", consumers.ZoneDisplayConsumer.as_asgi()),
    path("ws/centers/<id:center_id>/screen/", consumers.SupervisorScreenConsumer.as_asgi()),
    path("ws/tickets/<str:token>/", consumers.CitizenTicketConsumer.as_asgi()),
]
