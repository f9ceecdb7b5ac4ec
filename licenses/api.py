"""The registry's API: public verification, the citizen's own licences, and the lookup of staff serving a citizen."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import IsCitizen
from hall.fields import IdApiField, TextApiField
from hall.throttling import ClientRateThrottle
from licenses.models import LicenseVerification
from licenses.selectors import license_card
from licenses.services.access import PURPOSE_MAX_LENGTH, licenses_for_staff, licenses_of_citizen
from licenses.services.verification import license_verify
from licenses.serving import serving_kinds


class VerificationSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    result = serializers.CharField(source="outcome", help_text="valid, expired, suspended, revoked, cancelled, …")
    result_label = serializers.CharField(source="outcome_label")
    license_type = serializers.CharField()
    issuer = serializers.CharField()
    holder = serializers.CharField(help_text="masked")
    holder_code = serializers.CharField(help_text="masked")
    valid_to = serializers.DateField(allow_null=True)


class VerificationRefusalSerializer(serializers.Serializer):
    result = serializers.CharField(help_text="malformed, wrong_check or not_found")
    detail = serializers.CharField()


class LicenseVerifyView(APIView):
    """Whether a licence is valid, by its identifier: only the state, type, issuer and a masked holder."""

    permission_classes = [AllowAny]
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "license_verify"

    @extend_schema(
        summary="Verify an e-licence by its identifier",
        parameters=[OpenApiParameter("identifier", str, required=True)],
        responses={
            200: VerificationSerializer,
            400: OpenApiResponse(VerificationRefusalSerializer, description="malformed or wrong check character"),
            404: OpenApiResponse(VerificationRefusalSerializer, description="no such licence"),
        },
    )
    def get(self, request):
        answer = license_verify(
            identifier=request.query_params.get("identifier", ""), channel=LicenseVerification.Channel.API
        )
        if answer.found:
            return Response(VerificationSerializer(answer).data)
        if answer.outcome == "not_found":
            detail = _("No licence has this identifier.")
            return Response({"result": answer.outcome, "detail": detail}, status=status.HTTP_404_NOT_FOUND)
        return Response({"result": answer.outcome, "detail": answer.message}, status=status.HTTP_400_BAD_REQUEST)


class LicenseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="license.pk")
    identifier = serializers.CharField(source="license.identifier")
    license_type = serializers.CharField(source="license.license_type.name")
    number = serializers.CharField(source="license.number")
    holder = serializers.CharField(source="holder_name")
    holder_code = serializers.CharField(help_text="masked")
    issuer = serializers.CharField(source="license.issuer")
    issued_on = serializers.DateField(source="license.issued_on")
    valid_from = serializers.DateField(source="license.valid_from")
    valid_to = serializers.DateField(source="license.valid_to", allow_null=True)
    state = serializers.CharField()
    state_label = serializers.CharField()


class MyLicenseListView(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(summary="The signed-in citizen's own licences", responses=LicenseSerializer(many=True))
    def get(self, request):
        cards = [license_card(license) for license in licenses_of_citizen(user=request.user)]
        return Response(LicenseSerializer(cards, many=True).data)


class StaffLookupSerializer(serializers.Serializer):
    context = serializers.ChoiceField(choices=[("ticket", "ticket"), ("case", "case")])
    id = IdApiField()
    purpose = TextApiField(max_length=PURPOSE_MAX_LENGTH)


class LicenseLookupView(APIView):
    """The licences of the citizen a clerk is serving (their ticket at the clerk's window, or their case), for a
    purpose; refused, and logged, for anyone else."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Look up the licences of the citizen being served",
        request=StaffLookupSerializer,
        responses={200: LicenseSerializer(many=True), 400: None, 403: None},
    )
    def post(self, request):
        form = StaffLookupSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if data["context"] not in serving_kinds():
            raise serializers.ValidationError({"context": [_("Unknown context.")]})
        lookup = licenses_for_staff(
            user=request.user, context_kind=data["context"], context_id=data["id"], purpose=data["purpose"]
        )
        cards = [license_card(license) for license in lookup.licenses]
        return Response(LicenseSerializer(cards, many=True).data)
