from django.urls import path, reverse

from dashboards import consumers


def citizen_ticket_page_path(token: str) -> str:
    return reverse("dashboards:ticket", kwargs={"token": token})


def citizen_ticket_socket_path(token: str) -> str:
    return f"/ws/tickets/{token}/"


def center_display_path(center_id: int) -> str:
    """The public feed of a centre: calls, waiting counts and window states (the clerk's page follows it too)."""
    return f"/ws/centers/{center_id}/display/"


websocket_urlpatterns = [
    path("ws/centers/<id:center_id>/display/", consumers.CenterScreenConsumer.as_asgi()),
    path("ws/centers/<id:center_id>/zones/<id:zone_id>/display/", consumers.ZoneDisplayConsumer.as_asgi()),
    path("ws/centers/<id:center_id>/screen/", consumers.SupervisorScreenConsumer.as_asgi()),
    path("ws/tickets/<str:token>/", consumers.CitizenTicketConsumer.as_asgi()),
    path("ws/evaluator/", consumers.EvaluatorConsumer.as_asgi()),
]
