from django.urls import path

from dashboards.views import console, screens
from dashboards.views.case_stats import case_stats, case_stats_csv, case_stats_xlsx
from dashboards.views.history import history, history_export_csv, history_export_xlsx
from dashboards.views.license_stats import license_stats, license_stats_csv, license_stats_xlsx
from dashboards.views.overview import overview, overview_data
from dashboards.views.review_stats import review_stats, review_stats_csv, review_stats_xlsx

app_name = "dashboards"

urlpatterns = [
    path("display/<id:center_id>/", screens.calling_display, name="display"),
    path("display/<id:center_id>/zones/<id:zone_id>/", screens.calling_display, name="zone_display"),
    path("display/notices/<id:notice_id>/", screens.notice_file, name="notice_file"),
    path("screen/<id:center_id>/", screens.big_screen, name="screen"),
    path("screen/overview/", overview, name="overview"),
    path("screen/overview/data/", overview_data, name="overview_data"),
    path("t/<str:token>/", screens.citizen_ticket, name="ticket"),
    path("t/<str:token>/cancel/", screens.citizen_ticket_cancel, name="ticket_cancel"),
    path("console/<id:center_id>/", console.console_page, name="console"),
    path("console/<id:center_id>/panel/", console.console_panel, name="console_panel"),
    path(
        "console/<id:center_id>/alerts/<id:alert_id>/acknowledge/",
        console.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path("console/<id:center_id>/alerts/<id:alert_id>/resolve/", console.alert_resolve, name="alert_resolve"),
    path("console/<id:center_id>/tidal/<id:window_id>/open/", console.tidal_open, name="tidal_open"),
    path("console/<id:center_id>/tidal/<id:window_id>/close/", console.tidal_close, name="tidal_close"),
    path("console/<id:center_id>/windows/<id:window_id>/dispatch/", console.dispatch_clerk, name="dispatch"),
    path("console/<id:center_id>/queues/<id:queue_id>/pause/", console.queue_pause, name="queue_pause"),
    path("console/<id:center_id>/queues/<id:queue_id>/resume/", console.queue_resume, name="queue_resume"),
    path("stats/", history, name="history"),
    path("stats/cases/", case_stats, name="case_stats"),
    path("stats/cases/export.csv", case_stats_csv, name="case_stats_csv"),
    path("stats/cases/export.xlsx", case_stats_xlsx, name="case_stats_xlsx"),
    path("stats/reviews/", review_stats, name="review_stats"),
    path("stats/reviews/export.csv", review_stats_csv, name="review_stats_csv"),
    path("stats/reviews/export.xlsx", review_stats_xlsx, name="review_stats_xlsx"),
    path("stats/licences/", license_stats, name="license_stats"),
    path("stats/licences/export.csv", license_stats_csv, name="license_stats_csv"),
    path("stats/licences/export.xlsx", license_stats_xlsx, name="license_stats_xlsx"),
    path("stats/export.csv", history_export_csv, name="history_csv"),
    path("stats/export.xlsx", history_export_xlsx, name="history_xlsx"),
]
