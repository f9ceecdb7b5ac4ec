"""REST API of the queue: thin views that validate, call one service and serialize."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from queueing import permissions, selectors, services
from queueing.models import Center, Queue, Ticket, Window


class CenterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Center
        fields = ["id", "code", "name", "level", "parent"]


class QueueSerializer(serializers.ModelSerializer):
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


# Channels a device may name without a staff login; the others are set by the services that handle them.
PUBLIC_ISSUE_CHANNELS = [(c.value, c.label) for c in (Ticket.Channel.KIOSK, Ticket.Channel.WEB)]


class TicketIssueSerializer(serializers.Serializer):
    queue = serializers.PrimaryKeyRelatedField(queryset=Queue.objects.all())
    channel = serializers.ChoiceField(choices=PUBLIC_ISSUE_CHANNELS, default=Ticket.Channel.KIOSK)


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
    """Kiosks and the web portal take a number here."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "ticket_issue"

    @extend_schema(request=TicketIssueSerializer, responses={201: IssuedTicketSerializer}, summary="Take a number")
    def post(self, request):
        payload = TicketIssueSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ticket = services.ticket_issue(
            queue=payload.validated_data["queue"], channel=payload.validated_data["channel"], actor=request.user
        )
        return Response(IssuedTicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


class WindowListView(APIView):
    @extend_schema(responses=WindowSerializer(many=True), summary="List the windows of a centre")
    def get(self, request, center_id: int):
        center = get_object_or_404(Center, pk=center_id)
        if not permissions.may_watch_center(user=request.user, center_id=center.pk):
            raise PermissionDenied
        return Response(WindowSerializer(Window.objects.filter(center=center), many=True).data)


class WindowSignInSerializer(serializers.Serializer):
    take_over = serializers.BooleanField(
        default=False, help_text="Relieve the clerk now at the window; their ticket in service stays at the window."
    )


class ForceSignOutSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


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
    @extend_schema(
        request=None,
        responses={200: TicketSerializer, 204: None},
        summary="Call the next ticket to this window (204 when nobody is waiting)",
    )
    def post(self, request, window_id: int):
        window = get_object_or_404(Window, pk=window_id)
        ticket = services.window_call_next(window=window, clerk=request.user)
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TicketSerializer(ticket).data)


class TicketFinishView(APIView):
    @extend_schema(request=None, responses=TicketSerializer, summary="Finish serving a ticket")
    def post(self, request, ticket_id: int):
        ticket = get_object_or_404(Ticket, pk=ticket_id)
        ticket = services.ticket_finish(ticket=ticket, clerk=request.user)
        return Response(TicketSerializer(ticket).data)
