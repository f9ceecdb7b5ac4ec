"""Every write of the queue. Each function is one transaction; events leave only after commit."""

from queueing.services.appointments import (
    CheckInRefused,
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_slots_create,
    appointments_release_missed,
)
from queueing.services.calling import (
    ticket_finish,
    ticket_no_show,
    ticket_reactivate,
    ticket_reactivate_at_window,
    ticket_recall,
    ticket_start,
    ticket_transfer,
    window_call_next,
    window_call_ticket,
)
from queueing.services.day import queue_close_past_days, tickets_expire_past_days, window_sessions_end_past_days
from queueing.services.devices import device_register, device_revoke
from queueing.services.issue import ensure_queue_accepting, format_ticket_number, ticket_cancel, ticket_issue
from queueing.services.supervision import (
    queue_intake_pause,
    queue_intake_resume,
    tidal_window_close,
    tidal_window_open,
    window_dispatch_clerk,
)
from queueing.services.windows import (
    ensure_window_staff,
    window_force_sign_out,
    window_pause,
    window_resume,
    window_sign_in,
    window_sign_out,
)

__all__ = [
    "CheckInRefused",
    "appointment_book",
    "appointment_cancel",
    "appointment_check_in",
    "appointment_slots_create",
    "appointments_release_missed",
    "device_register",
    "device_revoke",
    "ensure_queue_accepting",
    "ensure_window_staff",
    "format_ticket_number",
    "queue_close_past_days",
    "queue_intake_pause",
    "queue_intake_resume",
    "ticket_cancel",
    "ticket_finish",
    "ticket_issue",
    "ticket_no_show",
    "ticket_reactivate",
    "ticket_reactivate_at_window",
    "ticket_recall",
    "ticket_start",
    "ticket_transfer",
    "tickets_expire_past_days",
    "tidal_window_close",
    "tidal_window_open",
    "window_call_next",
    "window_call_ticket",
    "window_dispatch_clerk",
    "window_force_sign_out",
    "window_pause",
    "window_resume",
    "window_sessions_end_past_days",
    "window_sign_in",
    "window_sign_out",
]
