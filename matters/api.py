"""The catalogue (public, read-only, cacheable) and cases (staff: the ones they may see; citizens: their own)."""

from collections.abc import Callable

from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import IsCitizen
from centers.models import Center
from centers.workdays import work_calendar
from hall.fields import IdApiField, IdRelatedField, TextApiField, missing_id_error
from hall.identity import mask_id_number, mask_mobile
from hall.parsing import parse_id, parse_optional_id
from matters import selectors, services
from matters.models import Bundle, Case, CaseEvent, CaseExtension, CaseMaterial, Fee, Material, Matter, Theme

PUBLIC_CACHE = method_decorator(cache_control(public=True, max_age=300), name="get")


# --- catalogue ------------------------------------------------------------------------------------------------------


class MaterialSerializer(serializers.ModelSerializer):
    license_type = serializers.CharField(source="license_type.name", allow_null=True, default=None)

    class Meta:
        model = Material
        fields = ["id", "name", "is_required", "condition", "form", "copies", "source", "blank_form", "sample"]
        fields += ["license_type"]


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fee
        fields = ["name", "standard", "basis", "waivable"]


class MatterSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name")

    class Meta:
        model = Matter
        fields = [
            "id",
            "name",
            "basic_code",
            "implementation_code",
            "department",
            "department_name",
            "matter_type",
            "case_type",
            "legal_limit_days",
            "promised_limit_days",
            "visits",
            "online_depth",
            "service_object",
            "scope",
            "supports_appointment",
        ]


class MatterDetailSerializer(MatterSerializer):
    materials = MaterialSerializer(many=True)
    fees = FeeSerializer(many=True)

    class Meta(MatterSerializer.Meta):
        fields = [
            *MatterSerializer.Meta.fields,
            "location",
            "office_hours",
            "consult_phone",
            "complaint_phone",
            "conditions",
            "legal_basis",
            "materials",
            "fees",
        ]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "code", "name", "kind", "audience"]


class BundleMaterialSerializer(serializers.Serializer):
    name = serializers.CharField()
    is_required = serializers.BooleanField()
    condition = serializers.CharField()
    matter_names = serializers.ListField(child=serializers.CharField(), help_text="The bundle's matters that need it.")


class BundleSerializer(serializers.ModelSerializer):
    matters = MatterSerializer(many=True)

    class Meta:
        model = Bundle
        fields = ["id", "code", "name", "description", "audience", "promised_limit_days", "matters"]


class BundleDetailSerializer(BundleSerializer):
    materials = serializers.SerializerMethodField()

    class Meta(BundleSerializer.Meta):
        fields = [*BundleSerializer.Meta.fields, "materials"]

    @extend_schema_field(BundleMaterialSerializer(many=True))
    def get_materials(self, bundle):
        return BundleMaterialSerializer(selectors.bundle_materials(bundle), many=True).data


@PUBLIC_CACHE
class MatterListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Search the catalogue",
        parameters=[
            OpenApiParameter("q", str, description="Name, basic code, or pinyin (initials or syllables)."),
            OpenApiParameter("department", int),
            OpenApiParameter("theme", int),
        ],
        responses=MatterSerializer(many=True),
    )
    def get(self, request):
        matters = selectors.matter_search(
            request.query_params.get("q", ""),
            department_id=parse_optional_id(request.query_params.get("department"), label="department"),
            theme_id=parse_optional_id(request.query_params.get("theme"), label="theme"),
        )
        return Response(MatterSerializer(matters[:200], many=True).data)


@PUBLIC_CACHE
class MatterDetailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(summary="One matter's guide", responses=MatterDetailSerializer)
    def get(self, request, matter_id: int):
        matter = get_object_or_404(
            selectors.active_matters().prefetch_related("materials__license_type", "fees"), pk=matter_id
        )
        return Response(MatterDetailSerializer(matter).data)


@PUBLIC_CACHE
class ThemeListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(summary="Themes and life events", responses=ThemeSerializer(many=True))
    def get(self, request):
        return Response(ThemeSerializer(Theme.objects.all(), many=True).data)


@PUBLIC_CACHE
class BundleListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(summary="Bundles (一件事)", responses=BundleSerializer(many=True))
    def get(self, request):
        bundles = Bundle.objects.filter(is_active=True).prefetch_related("matters__department")
        return Response(BundleSerializer(bundles, many=True).data)


@PUBLIC_CACHE
class BundleDetailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(summary="One bundle with its de-duplicated materials", responses=BundleDetailSerializer)
    def get(self, request, bundle_id: int):
        bundle = get_object_or_404(Bundle.objects.filter(is_active=True), pk=bundle_id)
        return Response(BundleDetailSerializer(bundle).data)


# --- cases ----------------------------------------------------------------------------------------------------------


class CaseMaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseMaterial
        fields = ["name", "is_required", "state"]


class CaseEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["kind", "at", "actor_label", "note"]


class CaseSerializer(serializers.ModelSerializer):
    matter_name = serializers.CharField(source="matter.name")
    center_name = serializers.CharField(source="center.name")
    applicant_id_number = serializers.SerializerMethodField(help_text="Masked.")
    applicant_mobile = serializers.SerializerMethodField(help_text="Masked.")
    days_left = serializers.SerializerMethodField(
        help_text="Working days left after today (negative: overdue; while paused: the days left at the pause)."
    )
    paused = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "matter",
            "matter_name",
            "center",
            "center_name",
            "channel",
            "status",
            "applicant_name",
            "applicant_id_number",
            "applicant_mobile",
            "submitted_at",
            "accepted_at",
            "due_on",
            "due_provisional",
            "days_left",
            "paused",
            "light",
            "outcome",
            "refusal_reason",
            "concluded_at",
            "on_time",
            "delivery",
            "delivered_at",
        ]

    def _time_left(self, case):
        calendar = self.context.setdefault("calendar", work_calendar())
        return selectors.case_time_left(case, calendar)

    def get_applicant_id_number(self, case) -> str:
        return mask_id_number(case.applicant_id_number) if case.applicant_id_number else ""

    def get_applicant_mobile(self, case) -> str:
        return mask_mobile(case.applicant_mobile) if case.applicant_mobile else ""

    def get_days_left(self, case) -> int | None:
        return self._time_left(case).days

    def get_paused(self, case) -> bool:
        return self._time_left(case).paused


class CaseDetailSerializer(CaseSerializer):
    materials = CaseMaterialSerializer(many=True)
    events = CaseEventSerializer(many=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "materials", "events"]


def _staff_case(request, case_id: int) -> Case:
    return get_object_or_404(selectors.cases_seen_by(request.user), pk=case_id)


class CaseListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Cases the signed-in member of staff sees",
        parameters=[
            OpenApiParameter("status", str, enum=Case.Status.values),
            OpenApiParameter("light", str, enum=Case.Light.values),
        ],
        responses=CaseSerializer(many=True),
    )
    def get(self, request):
        cases = selectors.cases_seen_by(request.user)
        for name, choices in (("status", Case.Status.values), ("light", Case.Light.values)):
            value = request.query_params.get(name)
            if value:
                if value not in choices:
                    raise serializers.ValidationError({name: [f"{value!r} is not one of {', '.join(choices)}."]})
                cases = cases.filter(**{name: value})
        return Response(CaseSerializer(cases.order_by("due_on", "number")[:500], many=True).data)


class CaseDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="One case with its checklist and history", responses=CaseDetailSerializer)
    def get(self, request, case_id: int):
        return Response(CaseDetailSerializer(_staff_case(request, case_id)).data)


class CorrectionSerializer(serializers.Serializer):
    items = TextApiField(max_length=500, help_text="What the applicant must hand in.")


class ExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=400)
    reason = TextApiField(max_length=500)


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = TextApiField(max_length=500, required=False)


class ConcludeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Case.Outcome.choices)
    reason = TextApiField(max_length=500, required=False, help_text="Required when refused.")


class DeliverSerializer(serializers.Serializer):
    tracking_number = TextApiField(max_length=40, required=False)


class DeclineSerializer(serializers.Serializer):
    reason = TextApiField(max_length=500)


class ChecklistSerializer(serializers.Serializer):
    checklist = serializers.DictField(
        child=serializers.ChoiceField(choices=CaseMaterial.State.choices),
        help_text="Material id → state, for every material of the matter (absent: missing).",
    )
    missing_reason = TextApiField(max_length=200, required=False)
    delivery = serializers.ChoiceField(choices=Case.Delivery.choices, default=Case.Delivery.PICKUP)
    post_address = TextApiField(max_length=200, required=False)

    def validate_checklist(self, value):
        return {parse_id(key, label="material"): state for key, state in value.items()}


class _CaseActionView(APIView):
    """POST one action on a case the user sees; the service checks the rest."""

    permission_classes = [IsAuthenticated]
    serializer_class: type[serializers.Serializer]
    perform: Callable[[object, Case, dict], Case]  # (request, case, validated data) → the case after the service

    def post(self, request, case_id: int):
        case = _staff_case(request, case_id)
        serializer = self.serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = type(self).perform(request, case, serializer.validated_data)
        # Read again as it is now (whoever acted on it may show it, whatever it became).
        return Response(CaseDetailSerializer(Case.objects.select_related("matter", "center").get(pk=case.pk)).data)


def _action(summary: str, serializer, act):
    view = type(
        f"{act.__name__.title().replace('_', '')}View",
        (_CaseActionView,),
        {"serializer_class": serializer, "perform": staticmethod(act)},
    )
    view.post = extend_schema(summary=summary, request=serializer, responses=CaseDetailSerializer)(view.post)
    return view


def _accept(request, case, data):
    return services.case_accept(case=case, clerk=request.user, at_window=False, request=request, **data)


def _decline(request, case, data):
    return services.case_decline(case=case, clerk=request.user, reason=data["reason"])


def _correction(request, case, data):
    return services.case_request_correction(case=case, clerk=request.user, items=data["items"])


def _resubmit(request, case, data):
    return services.case_resubmit(case=case, actor=request.user, at_window=True)


def _extension(request, case, data):
    services.case_extension_request(case=case, clerk=request.user, **data)
    return case


def _conclude(request, case, data):
    return services.case_conclude(case=case, clerk=request.user, **data)


def _deliver(request, case, data):
    return services.case_deliver(case=case, clerk=request.user, **data)


class _Empty(serializers.Serializer):
    pass


CaseAcceptView = _action("Accept an online application with its checklist", ChecklistSerializer, _accept)
CaseDeclineView = _action("Do not accept an online application", DeclineSerializer, _decline)
CaseCorrectionView = _action("Request corrections (补正): the clock stops", CorrectionSerializer, _correction)
CaseResubmitView = _action("The corrections were handed in: the clock runs again", _Empty, _resubmit)
CaseExtensionView = _action("Request an extension (延期)", ExtensionSerializer, _extension)
CaseConcludeView = _action("Conclude: approved, or refused with the reason", ConcludeSerializer, _conclude)
CaseDeliverView = _action("Handed over at the pickup window, or posted", DeliverSerializer, _deliver)


class ExtensionDecideView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Approve or refuse an extension", request=DecisionSerializer, responses=CaseDetailSerializer)
    def post(self, request, extension_id: int):
        extension = get_object_or_404(
            CaseExtension.objects.filter(case__in=selectors.cases_seen_by(request.user)), pk=extension_id
        )
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_extension_decide(
            extension=extension,
            approver=request.user,
            approve=serializer.validated_data["approve"],
            note=serializer.validated_data.get("note", ""),
            request=request,
        )
        return Response(CaseDetailSerializer(Case.objects.select_related("matter", "center").get(pk=case.pk)).data)


# --- the citizen's own ----------------------------------------------------------------------------------------------


class SubmitSerializer(serializers.Serializer):
    matter = IdApiField()
    center = IdRelatedField(queryset=Center.objects.all())
    applicant_name = TextApiField(max_length=100)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)


class MyCaseListView(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(summary="The signed-in citizen's cases, with the time left", responses=CaseSerializer(many=True))
    def get(self, request):
        return Response(CaseSerializer(selectors.cases_of_citizen(request.user), many=True).data)

    @extend_schema(summary="Apply online", request=SubmitSerializer, responses={201: CaseSerializer})
    def post(self, request):
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        matter_id = data.pop("matter")
        matter = selectors.active_matters().filter(pk=matter_id).first()
        if matter is None:
            raise missing_id_error("matter", matter_id)
        case = services.case_submit(matter=matter, citizen=request.user, **data)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class MyCaseDetailView(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(summary="One of the citizen's own cases", responses=CaseDetailSerializer)
    def get(self, request, case_id: int):
        return Response(
            CaseDetailSerializer(get_object_or_404(selectors.cases_of_citizen(request.user), pk=case_id)).data
        )
