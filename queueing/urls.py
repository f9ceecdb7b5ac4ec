from django.urls import path

from queueing.views import cases, check_in, clerk, find, kiosk, portal, station

app_name = "queueing"

urlpatterns = [
    path("kiosk/<id:center_id>/", kiosk.kiosk, name="kiosk"),
    path("kiosk/<id:center_id>/issue/", kiosk.kiosk_issue, name="kiosk_issue"),
    path("kiosk/<id:center_id>/tickets/<str:token>/", kiosk.kiosk_ticket, name="kiosk_ticket"),
    path("kiosk/<id:center_id>/check-in/", check_in.kiosk_check_in, name="kiosk_check_in"),
    path("kiosk/<id:center_id>/find/", find.kiosk_find, name="kiosk_find"),
    path("station/", station.station, name="station"),
    path("station/issue/", station.station_issue, name="station_issue"),
    path("station/tickets/<str:token>/", station.station_ticket, name="station_ticket"),
    path("clerk/", clerk.workstation, name="workstation"),
    path("clerk/waiting/", clerk.workstation_waiting, name="waiting_panel"),
    path("clerk/sign-in/", clerk.workstation_sign_in, name="sign_in"),
    path("clerk/windows/<id:window_id>/take-over/", clerk.workstation_take_over, name="take_over"),
    path("clerk/sign-out/", clerk.workstation_sign_out, name="sign_out"),
    path("clerk/call-next/", clerk.workstation_call_next, name="call_next"),
    path("clerk/finish/", clerk.workstation_finish, name="finish"),
    path("clerk/pause/", clerk.workstation_pause, name="pause"),
    path("clerk/tickets/<id:ticket_id>/case/", cases.ticket_case, name="ticket_case"),
    path(
        "clerk/tickets/<id:ticket_id>/case/corrections/", cases.ticket_case_corrections, name="ticket_case_corrections"
    ),
    path(
        "clerk/tickets/<id:ticket_id>/case/<id:case_id>/handover/",
        cases.ticket_case_handover,
        name="ticket_case_handover",
    ),
    path("clerk/tickets/<id:ticket_id>/<slug:action>/", clerk.workstation_ticket_action, name="ticket_action"),
    path("portal/take/", portal.take_number, name="portal_take"),
    path("portal/tickets/", portal.my_tickets, name="portal_tickets"),
    path("portal/tickets/<id:ticket_id>/cancel/", portal.ticket_cancel, name="portal_ticket_cancel"),
    path("portal/appointments/", portal.appointments, name="portal_appointments"),
    path("portal/appointments/book/", portal.appointment_book, name="portal_appointment_book"),
    path(
        "portal/appointments/<id:appointment_id>/cancel/",
        portal.appointment_cancel,
        name="portal_appointment_cancel",
    ),
    path("supervise/windows/", clerk.supervise_windows, name="supervise_windows"),
    path("supervise/windows/<id:window_id>/sign-out/", clerk.supervise_force_sign_out, name="force_sign_out"),
]
