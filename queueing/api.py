"""REST API of the queue: thin views that validate, call one service and serialize."""

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import IsCitizen
from accounts.selectors import center_access
from centers.models import Center
from hall.fields import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, IdApiField, IdRelatedField, TextApiField, missing_id_error
from hall.idempotency import idempotent, parse_key
from hall.parsing import parse_date
from hall.throttling import ClientRateThrottle
from queueing import selectors, services
from queueing.device_auth import SignedInOrDevice, device_of, ensure_device_scope
from queueing.models import Appointment, AppointmentSlot, Device, Queue, Ticket, Window

CALL = Device.Capability.CALL


@extend_schema_field(
    {"type": "string", "format": "partial-time", "pattern": r"^[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?$"}
)
class LocalTimeField(serializers.TimeField):
    """A time of day in the hall's time zone, `HH:MM:SS` without an offset. The schema says so: the OpenAPI `time`
    format is RFC 3339's full-time, which requires an offset the hall's times do not carry."""


# Model time fields as the API writes them (schema only: the field is Django REST framework's TimeField).
TIME_FIELD_MAPPING = {**serializers.ModelSerializer.serializer_field_mapping, models.TimeField: LocalTimeField}


class CenterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Center
        fields = ["id", "code", "name", "level", "parent"]


class QueueSerializer(serializers.ModelSerializer):
    serializer_field_mapping = TIME_FIELD_MAPPING
    zone = serializers.CharField(source="zone.name")

    class Meta:
        model = Queue
        fields = ["id", "center", "zone", "prefix", "name", "is_accepting", "opens_at", "closes_at"]


class TicketSerializer(serializers.ModelSerializer):
    queue_name = serializers.CharField(source="queue.name", read_only=True)
    window_number = serializers.IntegerField(source="window.number", read_only=True, allow_null=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "center",
            "queue",
            "queue_name",
            "service_date",
            "channel",
            "status",
            "issued_at",
            "called_at",
            "finished_at",
            "window",
            "window_number",
        ]


class IssuedTicketSerializer(TicketSerializer):
    ahead = serializers.SerializerMethodField()
    estimated_minutes = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "ahead", "estimated_minutes"]

    def _position(self, ticket):
        if not hasattr(self, "_cached_position"):
            self._cached_position = selectors.ticket_position(ticket=ticket)
        return self._cached_position

    def get_ahead(self, ticket) -> int:
        return self._position(ticket).ahead

    def get_estimated_minutes(self, ticket) -> int:
        return self._position(ticket).estimated_minutes


_DATETIME, _DATE = serializers.DateTimeField(), serializers.DateField()


def ticket_data(ticket: Ticket, *, position=None) -> dict:
    """What `TicketSerializer` (with `position`: `IssuedTicketSerializer`) writes for `ticket`, built directly: a
    serializer built per response cost the hot requests more than their statements. The serializers stay the
    schema; a test holds the two equal."""
    data = {
        "id": ticket.pk,
        "number": ticket.number,
        "center": ticket.center_id,
        "queue": ticket.queue_id,
        "queue_name": ticket.queue.name,
        "service_date": _DATE.to_representation(ticket.service_date),
        "channel": ticket.channel,
        "status": ticket.status,
        **{
            name: None if getattr(ticket, name) is None else _DATETIME.to_representation(getattr(ticket, name))
            for name in ("issued_at", "called_at", "finished_at")
        },
        "window": ticket.window_id,
        "window_number": ticket.window.number if ticket.window_id is not None else None,
    }
    if position is not None:
        data["ahead"], data["estimated_minutes"] = position.ahead, position.estimated_minutes
    return data


def issued_ticket_data(ticket: Ticket) -> dict:
    return ticket_data(ticket, position=selectors.ticket_position(ticket=ticket))


# Channels a device may name without a staff login; the others are set by the services that handle them.
PUBLIC_ISSUE_CHANNELS = [(c.value, c.label) for c in (Ticket.Channel.KIOSK, Ticket.Channel.WEB)]


class TicketIssueSerializer(serializers.Serializer):
    queue = IdApiField(help_text="The queue's id (the service reads it, with its centre's settings, in one statement).")
    channel = serializers.ChoiceField(choices=PUBLIC_ISSUE_CHANNELS, default=Ticket.Channel.KIOSK)
    id_number = serializers.CharField(
        required=False, allow_blank=True, max_length=30, help_text="Optional: for the per-person limits and priority."
    )
    mobile = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="Optional: for SMS on issue, near turn and call."
    )


class WindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Window
        fields = ["id", "center", "number", "name", "kind", "state"]


class CenterListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CenterSerializer(many=True), summary="List centres")
    def get(self, request):
        return Response(CenterSerializer(Center.objects.order_by("code"), many=True).data)


class QueueListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=QueueSerializer(many=True), summary="List the queues of a centre")
    def get(self, request, center_id: int):
        center = get_object_or_404(Center, pk=center_id)
        queues = Queue.objects.filter(center=center).select_related("zone")
        return Response(QueueSerializer(queues, many=True).data)


class TicketIssueView(APIView):
    """Kiosks (with a device token) and signed-in citizens take a number here."""

    permission_classes = [SignedInOrDevice]
    device_capability = Device.Capability.ISSUE
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "ticket_issue"

    @extend_schema(
        request=TicketIssueSerializer,
        responses={201: IssuedTicketSerializer},
        summary="Take a number",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="A key unique to this request; a retry with the same key returns the same ticket.",
            )
        ],
    )
    def post(self, request):
        key = parse_key(request.headers.get("Idempotency-Key"))
        payload = TicketIssueSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        device = device_of(request)
        try:
            ticket = idempotent(
                scope="api-ticket-issue",
                request=request,
                key=key,
                body=data,
                action=lambda: services.ticket_issue(
                    queue=data["queue"],
                    channel=data["channel"],
                    actor=request.user,
                    id_number=data.get("id_number", ""),
                    mobile=data.get("mobile", ""),
                    citizen=request.user,
                    device_center=device.center_id if device is not None else None,
                ),
            )
        except Queue.DoesNotExist as missing:
            raise missing_id_error("queue", data["queue"]) from missing
        return Response(issued_ticket_data(ticket), status=status.HTTP_201_CREATED)


class WindowListView(APIView):
    @extend_schema(responses=WindowSerializer(many=True), summary="List the windows of a centre")
    def get(self, request, center_id: int):
        center = get_object_or_404(Center, pk=center_id)
        if not center_access(request.user).sees(center.pk):
            raise PermissionDenied
        return Response(WindowSerializer(Window.objects.filter(center=center), many=True).data)


class WindowSignInSerializer(serializers.Serializer):
    take_over = serializers.BooleanField(
        default=False, help_text="Relieve the clerk now at the window; their ticket in service stays at the window."
    )


class ForceSignOutSerializer(serializers.Serializer):
    reason = TextApiField(max_length=NOTE_MAX_LENGTH)


class WindowSignInView(APIView):
    @extend_schema(request=WindowSignInSerializer, responses=WindowSerializer, summary="Sign in to a window")
    def post(self, request, window_id: int):
        window = get_object_or_404(Window, pk=window_id)
        payload = WindowSignInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.window_sign_in(
            window=window, clerk=request.user, take_over=payload.validated_data["take_over"], request=request
        )
        window.refresh_from_db()
        return Response(WindowSerializer(window).data)


class WindowSignOutView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Leave the window you are signed in to")
    def post(self, request):
        services.window_sign_out(clerk=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WindowForceSignOutView(APIView):
    @extend_schema(
        request=ForceSignOutSerializer,
        responses=WindowSerializer,
        summary="Sign the clerk of a window out (supervisors)",
    )
    def post(self, request, window_id: int):
        window = get_object_or_404(Window, pk=window_id)
        payload = ForceSignOutSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.window_force_sign_out(
            window=window, supervisor=request.user, reason=payload.validated_data["reason"], request=request
        )
        window.refresh_from_db()
        return Response(WindowSerializer(window).data)


class WindowCallNextView(APIView):
    device_capability = CALL

    @extend_schema(
        request=None,
        responses={200: TicketSerializer, 204: None},
        summary="Call the next ticket to this window (204 when nobody is waiting)",
    )
    def post(self, request, window_id: int):
        device = device_of(request)
        if device is not None and device.window_id is not None:
            # A window terminal calls to its own window (in its own centre): nothing to read before the call.
            ensure_device_scope(request, center_id=device.center_id, window_id=window_id)
            window = window_id
        else:
            window = get_object_or_404(Window, pk=window_id)
            ensure_device_scope(request, center_id=window.center_id, window_id=window.pk)
        try:
            ticket = services.window_call_next(window=window, clerk=request.user)
        except Window.DoesNotExist as missing:
            raise Http404 from missing
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ticket_data(ticket))


class _TicketActionView(APIView):
    """One action on the ticket at the caller's window. The service reads the ticket under its lock, and checks
    there that the caller is signed in to the ticket's window: nothing to read before it."""

    device_capability = CALL

    service = staticmethod(services.ticket_finish)  # each subclass names its own

    def respond(self, request, ticket_id: int):
        try:
            ticket = self.service(ticket=ticket_id, clerk=request.user)
        except Ticket.DoesNotExist as missing:
            raise Http404 from missing
        return Response(ticket_data(ticket))


class TicketFinishView(_TicketActionView):
    service = staticmethod(services.ticket_finish)

    @extend_schema(request=None, responses=TicketSerializer, summary="Finish serving a ticket")
    def post(self, request, ticket_id: int):
        return self.respond(request, ticket_id)


class TicketRecallView(_TicketActionView):
    service = staticmethod(services.ticket_recall)

    @extend_schema(request=None, responses=TicketSerializer, summary="Call the ticket again")
    def post(self, request, ticket_id: int):
        return self.respond(request, ticket_id)


class TicketStartView(_TicketActionView):
    service = staticmethod(services.ticket_start)

    @extend_schema(request=None, responses=TicketSerializer, summary="The citizen has arrived: service starts")
    def post(self, request, ticket_id: int):
        return self.respond(request, ticket_id)


class TicketNoShowView(_TicketActionView):
    service = staticmethod(services.ticket_no_show)

    @extend_schema(request=None, responses=TicketSerializer, summary="Nobody came: mark the ticket as a no-show")
    def post(self, request, ticket_id: int):
        return self.respond(request, ticket_id)


class TicketCancelView(APIView):
    @extend_schema(
        request=None,
        responses=TicketSerializer,
        summary="Give up a waiting number (its holder, or a supervisor of the centre)",
    )
    def post(self, request, ticket_id: int):
        ticket = get_object_or_404(Ticket, pk=ticket_id)
        return Response(ticket_data(services.ticket_cancel(ticket=ticket, actor=request.user, request=request)))


class TicketReactivateView(APIView):
    device_capability = CALL

    @extend_schema(request=None, responses=TicketSerializer, summary="Bring a missed ticket back in line")
    def post(self, request, ticket_id: int):
        ticket = get_object_or_404(Ticket, pk=ticket_id)
        return Response(ticket_data(services.ticket_reactivate_at_window(ticket=ticket, clerk=request.user)))


class TransferSerializer(serializers.Serializer):
    to_queue = IdRelatedField(queryset=Queue.objects.all(), required=False, allow_null=True)
    to_window = IdRelatedField(queryset=Window.objects.all(), required=False, allow_null=True)


class TicketTransferView(APIView):
    device_capability = CALL

    @extend_schema(
        request=TransferSerializer, responses=TicketSerializer, summary="Transfer to another queue or a window"
    )
    def post(self, request, ticket_id: int):
        ticket = get_object_or_404(Ticket, pk=ticket_id)
        payload = TransferSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        onward = services.ticket_transfer(
            ticket=ticket,
            clerk=request.user,
            to_queue=payload.validated_data.get("to_queue"),
            to_window=payload.validated_data.get("to_window"),
        )
        return Response(ticket_data(onward))


class CallTicketSerializer(serializers.Serializer):
    ticket = IdRelatedField(queryset=Ticket.objects.all())
    reason = TextApiField(max_length=NOTE_MAX_LENGTH, required=False)


class WindowCallTicketView(APIView):
    device_capability = CALL

    @extend_schema(request=CallTicketSerializer, responses=TicketSerializer, summary="Call a chosen ticket (audited)")
    def post(self, request, window_id: int):
        window = get_object_or_404(Window, pk=window_id)
        ensure_device_scope(request, center_id=window.center_id, window_id=window.pk)
        payload = CallTicketSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ticket = services.window_call_ticket(
            window=window,
            clerk=request.user,
            ticket=payload.validated_data["ticket"],
            reason=payload.validated_data.get("reason", ""),
            request=request,
        )
        return Response(ticket_data(ticket))


class PauseSerializer(serializers.Serializer):
    reason = TextApiField(max_length=REASON_MAX_LENGTH)


class WindowPauseView(APIView):
    device_capability = CALL

    @extend_schema(request=PauseSerializer, responses=WindowSerializer, summary="Pause the window, with a reason")
    def post(self, request, window_id: int):
        window = get_object_or_404(Window, pk=window_id)
        ensure_device_scope(request, center_id=window.center_id, window_id=window.pk)
        payload = PauseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        window = services.window_pause(window=window, clerk=request.user, reason=payload.validated_data["reason"])
        return Response(WindowSerializer(window).data)


class WindowResumeView(APIView):
    device_capability = CALL

    @extend_schema(request=None, responses=WindowSerializer, summary="Open the paused window again")
    def post(self, request, window_id: int):
        window = get_object_or_404(Window, pk=window_id)
        ensure_device_scope(request, center_id=window.center_id, window_id=window.pk)
        return Response(WindowSerializer(services.window_resume(window=window, clerk=request.user)).data)


class SlotSerializer(serializers.ModelSerializer):
    serializer_field_mapping = TIME_FIELD_MAPPING
    free = serializers.IntegerField(read_only=True)

    class Meta:
        model = AppointmentSlot
        fields = ["id", "queue", "date", "starts_at", "ends_at", "capacity", "free"]


class BookedSlotSerializer(SlotSerializer):
    """A booking's slot. `free` is counted for the slot list only (`selectors.open_slots`), so a booking's slot never
    carries it: the schema of a booking leaves it out."""

    class Meta(SlotSerializer.Meta):
        fields = [name for name in SlotSerializer.Meta.fields if name != "free"]


class AppointmentSerializer(serializers.ModelSerializer):
    slot = BookedSlotSerializer(read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "slot", "code", "status", "booked_at", "checked_in_at", "ticket"]


class SlotListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses=SlotSerializer(many=True),
        summary="Bookable times of a queue on a day",
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, description="YYYY-MM-DD; today when absent")],
    )
    def get(self, request, queue_id: int):
        queue = get_object_or_404(Queue, pk=queue_id)
        raw = request.query_params.get("date", "")
        day = parse_date(raw) if raw else timezone.localdate()
        return Response(SlotSerializer(selectors.open_slots(queue=queue, date=day), many=True).data)


class BookSerializer(serializers.Serializer):
    slot = IdRelatedField(queryset=AppointmentSlot.objects.all())


class AppointmentBookView(APIView):
    permission_classes = [IsCitizen]
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "appointment"

    @extend_schema(request=BookSerializer, responses={201: AppointmentSerializer}, summary="Book a time (citizens)")
    def post(self, request):
        payload = BookSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        appointment = services.appointment_book(slot=payload.validated_data["slot"], citizen=request.user)
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class AppointmentCancelView(APIView):
    permission_classes = [IsCitizen]
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "appointment"

    @extend_schema(request=None, responses=AppointmentSerializer, summary="Cancel one's own appointment")
    def post(self, request, appointment_id: int):
        appointment = get_object_or_404(Appointment, pk=appointment_id, citizen=request.user)
        return Response(
            AppointmentSerializer(services.appointment_cancel(appointment=appointment, citizen=request.user)).data
        )


class CheckInSerializer(serializers.Serializer):
    center = IdRelatedField(queryset=Center.objects.all())
    code = serializers.RegexField(r"\A[0-9]{6}\Z", max_length=6)


class AppointmentCheckInView(APIView):
    """Kiosks turn an appointment code into a priority ticket."""

    permission_classes = [SignedInOrDevice]
    device_capability = Device.Capability.ISSUE
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "appointment"

    @extend_schema(request=CheckInSerializer, responses={201: IssuedTicketSerializer}, summary="Check in with a code")
    def post(self, request):
        key = parse_key(request.headers.get("Idempotency-Key"))
        payload = CheckInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        center, code = payload.validated_data["center"], payload.validated_data["code"]
        ensure_device_scope(request, center_id=center.pk)
        ticket = idempotent(
            scope="api-appointment-check-in",
            request=request,
            key=key,
            body={"center": center.pk, "code": code},
            action=lambda: services.appointment_check_in(center_id=center.pk, code=code),
        )
        return Response(issued_ticket_data(ticket), status=status.HTTP_201_CREATED)
