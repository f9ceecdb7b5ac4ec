"""The calling display for devices of other vendors (LED bars, third-party screens) that poll rather than listen."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import center_access
from centers.models import Center, Zone
from dashboards import selectors
from hall.parsing import parse_optional_id
from queueing.device_auth import SignedInOrDevice, device_of, ensure_device_scope
from queueing.models import Device


class CenterDisplayView(APIView):
    """What a calling display of the centre shows now: the same snapshot the display's websocket sends on connect."""

    permission_classes = [SignedInOrDevice]
    device_capability = Device.Capability.DISPLAY

    @extend_schema(
        summary="The calling display of a centre, or of one of its zones",
        parameters=[OpenApiParameter("zone", int, OpenApiParameter.QUERY, description="Only this zone's display.")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, center_id: int):
        center = get_object_or_404(Center, pk=center_id)
        ensure_device_scope(request, center_id=center.pk)
        if device_of(request) is None and not center_access(request.user).sees(center.pk):
            raise PermissionDenied
        zone_id = parse_optional_id(request.query_params.get("zone"), label="zone")
        if zone_id is not None:
            get_object_or_404(Zone, pk=zone_id, center_id=center.pk)
        return Response(selectors.hall_snapshot(center_id=center.pk, zone_id=zone_id))
