"""The citizen portal's queue pages: take a number from home, my tickets today, appointments."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.views import citizen_required
from centers.models import Center
from hall.errors import DomainError, user_message
from hall.idempotency import idempotent, parse_key
from hall.parsing import id_or_none, parse_date
from queueing import selectors, services
from queueing.links import live_ticket_path
from queueing.models import Appointment, AppointmentSlot, Queue, Ticket
from queueing.selectors.kiosk import queue_choices

BOOKING_DAYS = 7


@citizen_required
def take_number(request):
    """Remote ticket (网上取号): queue from home, come when it is nearly your turn."""
    if request.method == "POST":
        queue = Queue.objects.filter(pk=id_or_none(request.POST.get("queue"))).first()
        if queue is None:
            messages.error(request, _("Please choose a queue."))
        else:
            try:
                # The page's key: a second press of the same button, or a reload, gives the same number.
                ticket = idempotent(
                    scope="portal-take",
                    request=request,
                    key=parse_key(request.POST.get("key")),
                    body={"queue": queue.pk},
                    action=lambda: services.ticket_issue(
                        queue=queue,
                        channel=Ticket.Channel.WEB,
                        citizen=request.user,
                        mobile=request.user.mobile,
                        actor=request.user,
                    ),
                )
            except (DomainError, ValidationError) as error:
                messages.error(request, user_message(error))
            else:
                return redirect(live_ticket_path(ticket))
    centers = list(Center.objects.prefetch_related("queues__zone").order_by("level", "code"))
    now = timezone.now()
    every = iter(queue_choices([queue for center in centers for queue in center.queues.all()], now=now))
    choices = [(center, [next(every) for _queue in center.queues.all()]) for center in centers]
    return render(
        request,
        "queueing/portal_take.html",
        {
            "centers": [(center, queues) for center, queues in choices if queues],
            "key": now.timestamp(),
            "chosen": id_or_none(request.GET.get("queue")),
        },
    )


@citizen_required
def my_tickets(request):
    tickets = (
        Ticket.objects.filter(citizen=request.user, service_date=timezone.localdate())
        .exclude(status=Ticket.Status.TRANSFERRED)
        .select_related("queue", "center", "window")
        .order_by("-issued_at")
    )
    rows = [(ticket, live_ticket_path(ticket)) for ticket in tickets]
    return render(request, "queueing/portal_tickets.html", {"rows": rows})


@citizen_required
def appointments(request):
    today = timezone.localdate()
    try:
        day = parse_date(request.GET["date"]) if request.GET.get("date") else today
    except ValidationError as error:
        messages.error(request, user_message(error))
        day = today
    day = min(max(day, today), today + datetime.timedelta(days=BOOKING_DAYS))
    queue = Queue.objects.filter(pk=id_or_none(request.GET.get("queue"))).select_related("center").first()
    slots = list(selectors.open_slots(queue=queue, date=day)) if queue else []
    mine = (
        Appointment.objects.filter(citizen=request.user, slot__date__gte=today)
        .select_related("slot__queue__center")
        .order_by("slot__date", "slot__starts_at")
    )
    return render(
        request,
        "queueing/portal_appointments.html",
        {
            "queues": Queue.objects.filter(slots__date__gte=today).distinct().select_related("center", "zone"),
            "queue": queue,
            "day": day,
            "days": [today + datetime.timedelta(days=n) for n in range(BOOKING_DAYS + 1)],
            "slots": slots,
            "mine": mine,
        },
    )


@citizen_required
@require_POST
def appointment_book(request):
    slot = get_object_or_404(AppointmentSlot, pk=id_or_none(request.POST.get("slot")))
    try:
        booking = services.appointment_book(slot=slot, citizen=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Booked. Your check-in code is %(code)s; check in at the kiosk from %(minutes)d minutes before.")
            % {
                "code": booking.code,
                "minutes": selectors.center_settings_or_default(center_id=slot.queue.center_id).check_in_early_minutes,
            },
        )
    return redirect(f"{reverse('queueing:portal_appointments')}?queue={slot.queue_id}&date={slot.date:%Y-%m-%d}")


@citizen_required
@require_POST
def appointment_cancel(request, appointment_id: int):
    booking = get_object_or_404(Appointment, pk=appointment_id, citizen=request.user)
    try:
        services.appointment_cancel(appointment=booking, citizen=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The appointment is cancelled."))
    return redirect("queueing:portal_appointments")


@citizen_required
@require_POST
def ticket_cancel(request, ticket_id: int):
    """The citizen gives up a number they hold (the place goes to the next in line)."""
    ticket = get_object_or_404(Ticket, pk=ticket_id, citizen=request.user)
    try:
        services.ticket_cancel(ticket=ticket, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Number %(number)s is cancelled.") % {"number": ticket.number})
    return redirect("queueing:portal_tickets")
