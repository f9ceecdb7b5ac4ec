from django.urls import path

from queueing import views, views_kiosk, views_portal, views_station

app_name = "queueing"

urlpatterns = [
    path("kiosk/<id:center_id>/", views.kiosk, name="kiosk"),
    path("kiosk/<id:center_id>/issue/", views.kiosk_issue, name="kiosk_issue"),
    path("kiosk/<id:center_id>/tickets/<str:token>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("kiosk/<id:center_id>/check-in/", views_kiosk.kiosk_check_in, name="kiosk_check_in"),
    path("station/", views_station.station, name="station"),
    path("station/issue/", views_station.station_issue, name="station_issue"),
    path("station/tickets/<str:token>/", views_station.station_ticket, name="station_ticket"),
    path("clerk/", views.workstation, name="workstation"),
    path("clerk/waiting/", views.workstation_waiting, name="waiting_panel"),
    path("clerk/sign-in/", views.workstation_sign_in, name="sign_in"),
    path("clerk/sign-out/", views.workstation_sign_out, name="sign_out"),
    path("clerk/call-next/", views.workstation_call_next, name="call_next"),
    path("clerk/finish/", views.workstation_finish, name="finish"),
    path("clerk/pause/", views.workstation_pause, name="pause"),
    path("clerk/tickets/<id:ticket_id>/<slug:action>/", views.workstation_ticket_action, name="ticket_action"),
    path("portal/take/", views_portal.take_number, name="portal_take"),
    path("portal/tickets/", views_portal.my_tickets, name="portal_tickets"),
    path("portal/appointments/", views_portal.appointments, name="portal_appointments"),
    path("portal/appointments/book/", views_portal.appointment_book, name="portal_appointment_book"),
    path(
        "portal/appointments/<id:appointment_id>/cancel/",
        views_portal.appointment_cancel,
        name="portal_appointment_cancel",
    ),
    path("supervise/windows/", views.supervise_windows, name="supervise_windows"),
    path("supervise/windows/<id:window_id>/sign-out/", views.supervise_force_sign_out, name="force_sign_out"),
]
