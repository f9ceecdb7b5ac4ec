from django.urls import path

from queueing import api

urlpatterns = [
    path("centers/", api.CenterListView.as_view(), name="api-centers"),
    path("centers/<id:center_id>/queues/", api.QueueListView.as_view(), name="api-queues"),
    path("centers/<id:center_id>/windows/", api.WindowListView.as_view(), name="api-windows"),
    path("tickets/", api.TicketIssueView.as_view(), name="api-ticket-issue"),
    path("queues/<id:queue_id>/slots/", api.SlotListView.as_view(), name="api-slots"),
    path("appointments/", api.AppointmentBookView.as_view(), name="api-appointment-book"),
    path(
        "appointments/<id:appointment_id>/cancel/", api.AppointmentCancelView.as_view(), name="api-appointment-cancel"
    ),
    path("appointments/check-in/", api.AppointmentCheckInView.as_view(), name="api-appointment-check-in"),
    path("tickets/<id:ticket_id>/finish/", api.TicketFinishView.as_view(), name="api-ticket-finish"),
    path("tickets/<id:ticket_id>/recall/", api.TicketRecallView.as_view(), name="api-ticket-recall"),
    path("tickets/<id:ticket_id>/start/", api.TicketStartView.as_view(), name="api-ticket-start"),
    path("tickets/<id:ticket_id>/no-show/", api.TicketNoShowView.as_view(), name="api-ticket-no-show"),
    path("tickets/<id:ticket_id>/cancel/", api.TicketCancelView.as_view(), name="api-ticket-cancel"),
    path("tickets/<id:ticket_id>/reactivate/", api.TicketReactivateView.as_view(), name="api-ticket-reactivate"),
    path("tickets/<id:ticket_id>/transfer/", api.TicketTransferView.as_view(), name="api-ticket-transfer"),
    path("windows/<id:window_id>/call-ticket/", api.WindowCallTicketView.as_view(), name="api-window-call-ticket"),
    path("windows/<id:window_id>/pause/", api.WindowPauseView.as_view(), name="api-window-pause"),
    path("windows/<id:window_id>/resume/", api.WindowResumeView.as_view(), name="api-window-resume"),
    path("windows/<id:window_id>/sign-in/", api.WindowSignInView.as_view(), name="api-window-sign-in"),
    path("windows/sign-out/", api.WindowSignOutView.as_view(), name="api-window-sign-out"),
    path(
        "windows/<id:window_id>/force-sign-out/", api.WindowForceSignOutView.as_view(), name="api-window-force-sign-out"
    ),
    path("windows/<id:window_id>/call-next/", api.WindowCallNextView.as_view(), name="api-window-call-next"),
]
