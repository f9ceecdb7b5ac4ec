"""The working-day calendar through the API: a due date, and the working days of a span (public, cacheable)."""

from django.core.exceptions import ValidationError
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from centers.workdays import work_calendar
from hall.parsing import ParseError, parse_date, parse_working_days

MAX_LISTED_DAYS = 366


def _query(request, name: str, parse):
    """One query parameter through the parsing layer; its refusal names the parameter."""
    try:
        return parse(request.query_params.get(name, ""))
    except ParseError as error:
        raise ValidationError({name: error.messages}) from None


def _range_error(name: str) -> ValidationError:
    return ValidationError({name: [_("The count runs past the last year of the calendar (2099).")]})


DueSerializer = inline_serializer(
    "CalendarDue",
    {
        "from": serializers.DateField(),
        "days": serializers.IntegerField(),
        "due": serializers.DateField(help_text="The days-th working day after `from`."),
        "provisional": serializers.BooleanField(help_text="The due date lies past the last confirmed year."),
        "confirmed_through": serializers.IntegerField(allow_null=True, help_text="The last confirmed year."),
    },
)
WorkingDaysSerializer = inline_serializer(
    "CalendarWorkingDays",
    {
        "first": serializers.DateField(),
        "last": serializers.DateField(),
        "working_days": serializers.ListField(child=serializers.DateField()),
        "provisional_from": serializers.DateField(allow_null=True, help_text="The first listed day that is a guess."),
    },
)


@method_decorator(cache_control(public=True, max_age=300), name="get")
class CalendarDueView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="The due date of a deadline in working days",
        parameters=[
            OpenApiParameter("from", str, OpenApiParameter.QUERY, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("days", int, OpenApiParameter.QUERY, required=True, description="0 to 400"),
        ],
        responses={200: DueSerializer},
    )
    def get(self, request):
        start, days = _query(request, "from", parse_date), _query(request, "days", parse_working_days)
        calendar = work_calendar()
        try:
            due = calendar.add(start, days)
        except ValueError:
            raise _range_error("days") from None
        return Response(
            {
                "from": start.isoformat(),
                "days": days,
                "due": due.isoformat(),
                "provisional": calendar.is_provisional(due),
                "confirmed_through": calendar.confirmed_through,
            }
        )


@method_decorator(cache_control(public=True, max_age=300), name="get")
class CalendarWorkingDaysView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="The working days from one date to another, both included (at most 366 days)",
        parameters=[
            OpenApiParameter("first", str, OpenApiParameter.QUERY, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("last", str, OpenApiParameter.QUERY, required=True, description="YYYY-MM-DD"),
        ],
        responses={200: WorkingDaysSerializer},
    )
    def get(self, request):
        first, last = _query(request, "first", parse_date), _query(request, "last", parse_date)
        if last < first:
            raise ValidationError({"last": [_("The last date comes before the first.")]})
        if (last - first).days >= MAX_LISTED_DAYS:
            raise ValidationError({"last": [_("Ask for at most %(days)d days at a time.") % {"days": MAX_LISTED_DAYS}]})
        calendar = work_calendar()
        days = calendar.working_days(first, last)
        provisional = next((day for day in days if calendar.is_provisional(day)), None)
        return Response(
            {
                "first": first.isoformat(),
                "last": last.isoformat(),
                "working_days": [day.isoformat() for day in days],
                "provisional_from": provisional.isoformat() if provisional else None,
            }
        )
