from django.urls import path

from centers import api

urlpatterns = [
    path("calendar/due/", api.CalendarDueView.as_view(), name="api-calendar-due"),
    path("calendar/working-days/", api.CalendarWorkingDaysView.as_view(), name="api-calendar-working-days"),
]
