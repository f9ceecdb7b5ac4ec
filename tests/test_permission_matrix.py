"""Permission matrix: every URL, every API operation and both websockets, against every role.

What the matrix covers
    * ``test_every_url_pattern_has_a_row`` walks ``get_resolver()`` and demands one row per URL pattern, keyed by its
      full ``namespace:name`` (the route string when it has no name). The whole ``admin:`` namespace is one row,
      ``admin:*``. A new endpoint without a row, or a row whose endpoint is gone, fails with its name.
    * ``test_every_api_operation_has_a_row`` does the same for every operation (path + method) of the OpenAPI
      schema; API rows are keyed ``<url name> <METHOD>``.
    * ``test_permission_matrix[<row>]`` sends each probe of the row as each role, in a fresh copy of one world
      (each request runs in a savepoint that is rolled back), and reports every mismatch of the row at once.
    * ``test_every_row_names_every_role`` keeps each row explicit about each role.
    * ``test_websocket_matrix[<route>]`` connects to ``hall.asgi.router`` as the roles of the brief.

Roles
    anonymous; citizen (``User.kind="citizen"``, no membership, with a real-name profile and a company);
    clerk (窗口人员, signed in to window 1 of the centre, with a called ticket); supervisor (大厅值班长) and
    center_admin (``is_staff``) of the centre, which has a sub-site; department_head of the centre's department
    (which owns windows 1 and 2); system_admin (superuser); and, on centre-scoped rows only,
    supervisor_other_centre, a supervisor of an unrelated centre.

Outcomes (how a response is classified)
    allow   2xx, or a 3xx that is not to a login page and flashed no error message.
    hidden  2xx on a probe with a ``marker`` (a string only the centre's own data contains) that is not in the body:
            the page opens but the centre's objects are hidden from the caller.
    login   a redirect to a login page (staff, portal or admin); or 401/403 to an anonymous caller of the API.
    deny    403 (for a signed-in caller, or an anonymous caller of a page); 404 on an object that exists (it is
            hidden); or a 3xx back to a page with an error message: the HTML views answer a refused action
            with ``messages.error`` and a redirect, never a 403.
    error   any other 4xx (validation, conflict, 405): the probe is wrong, not the permission.
    crash   5xx or an exception.

Policy the expectations encode (the role rules of the issue)
    * Kiosk, calling display, portal entry pages, login pages, health checks, favicon, schema and docs, set_language
      and logout are public: allow for everybody.
    * Citizen self-service (real-name profile, companies) belongs to citizen accounts only: staff accounts are
      refused; an identity number saved on a staff account blocks the citizen account of that person
      (``profile_id_number_unique``).
    * Window actions (sign-in, call-next, finish, sign-out) need a window session: a clerk acts only through the
      window they are signed in to. Who may sign in to a window is ``may_staff_window``: clerks of that centre,
      supervisors and centre admins of the centre or of a parent, the system admin. Department heads run their
      department's matters, cases and reviews; they do not staff or supervise the hall floor, and the workstation
      is not for them (nor for citizens). The system admin is everywhere in scope but, like anybody, acts at a window
      only after signing in to it: in the world only the clerk is signed in, so call-next, finish and sign-out
      refuse everybody else.
    * Supervising (the window list, forced sign-out) is for supervisors and centre admins within their centre and its
      sub-sites, and for the system admin everywhere.
    * The big screen and the window list of a centre (API) are for the centre's own staff and those overseeing it.
    * The Django admin is not scoped by centre (no ``get_queryset`` filtering): centre admins may open its index
      (``is_staff``) but not the changelists of tickets or audit entries; only the system admin reads those.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import CitizenProfile, CompanyAgent, StaffMembership, StaffRole, User
from centers.models import Center
from dashboards.models import Alert, DisplayNotice
from evaluations.links import review_token
from evaluations.models import Review
from evaluations.services.appeals import appeal_file
from evaluations.services.rectifications import rectification_open
from licenses import identifiers
from licenses.holders import holder_hash
from licenses.models import License
from licenses.views import GRANT_SALT as LICENSE_GRANT_SALT
from matters import services as case_services
from matters.models import Bundle, BundleItem, Case, CaseType, Material
from queueing import services
from queueing.links import KIOSK_TICKET_SALT, citizen_ticket_token, kiosk_ticket_token
from queueing.models import Appointment, AppointmentSlot, Device, Queue, Ticket, Window
from tests.factories import (
    CenterFactory,
    DepartmentFactory,
    LicenseTypeFactory,
    MatterFactory,
    QueueFactory,
    UserFactory,
    WindowFactory,
    device_token,
)

ALLOW, HIDDEN, LOGIN, DENY = "allow", "hidden", "login", "deny"
ANONYMOUS, CITIZEN, CLERK, SUPERVISOR = "anonymous", "citizen", "clerk", "supervisor"
DEPARTMENT_HEAD, CENTER_ADMIN, SYSTEM_ADMIN = "department_head", "center_admin", "system_admin"
OTHER_SUPERVISOR = "supervisor_other_centre"
ROLES = (ANONYMOUS, CITIZEN, CLERK, SUPERVISOR, DEPARTMENT_HEAD, CENTER_ADMIN, SYSTEM_ADMIN)

API_PREFIX = "api/v1/"
CENTER_MARK = "MARKC"  # in the centre's name: pages that list the centre's windows show it
WINDOW_MARK = "MARKW1"  # window 1's name: the API's window list shows it
SUB_WINDOW_MARK = "MARKWS"  # the sub-site's window's name
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SERVED_ID_NUMBER = "11010519491231002X"  # the holder of A001, the number the clerk is serving
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


# --- Expectations ---------------------------------------------------------------------------------------------------


def E(
    *,
    anonymous: str,
    citizen: str,
    clerk: str,
    supervisor: str,
    department_head: str,
    center_admin: str,
    system_admin: str,
    supervisor_other_centre: str | None = None,
) -> dict[str, str]:
    """Every role spelt out; a row that names `supervisor_other_centre` is centre-scoped and tests it too."""
    expected = {
        ANONYMOUS: anonymous,
        CITIZEN: citizen,
        CLERK: clerk,
        SUPERVISOR: supervisor,
        DEPARTMENT_HEAD: department_head,
        CENTER_ADMIN: center_admin,
        SYSTEM_ADMIN: system_admin,
    }
    if supervisor_other_centre is not None:
        expected[OTHER_SUPERVISOR] = supervisor_other_centre
    return expected


PUBLIC = E(**dict.fromkeys(ROLES, ALLOW))
# Any account; devices (kiosks) come with a token of their own (tests/queueing/test_devices.py).
SIGNED_IN = {**PUBLIC, ANONYMOUS: LOGIN}
# Not there for anybody (an object addressed under the wrong parent): 404.
NOBODY = E(**dict.fromkeys(ROLES, DENY))
CITIZEN_ONLY = E(
    anonymous=LOGIN,
    citizen=ALLOW,
    clerk=DENY,
    supervisor=DENY,
    department_head=DENY,
    center_admin=DENY,
    system_admin=DENY,
)
# Citizen self-service through the API: anonymous callers are asked to log in (401/403).
CITIZEN_API = CITIZEN_ONLY
# Acts on the caller's own window session: only the clerk signed in to window 1 has one.
SIGNED_IN_CLERK = E(
    anonymous=LOGIN,
    citizen=DENY,
    clerk=ALLOW,
    supervisor=DENY,
    department_head=DENY,
    center_admin=DENY,
    system_admin=DENY,
    supervisor_other_centre=DENY,
)
# Signing in to a window of the centre (may_staff_window).
STAFFS_CENTER_WINDOW = E(
    anonymous=LOGIN,
    citizen=DENY,
    clerk=ALLOW,
    supervisor=ALLOW,
    department_head=DENY,
    center_admin=ALLOW,
    system_admin=ALLOW,
    supervisor_other_centre=DENY,
)
# Signing in to a window of the sub-site: the centre's clerk works at their own centre only.
STAFFS_SUB_SITE_WINDOW = {**STAFFS_CENTER_WINDOW, CLERK: DENY}
# Supervising the centre, or its sub-site (may_supervise).
SUPERVISES = E(
    anonymous=LOGIN,
    citizen=DENY,
    clerk=DENY,
    supervisor=ALLOW,
    department_head=DENY,
    center_admin=ALLOW,
    system_admin=ALLOW,
    supervisor_other_centre=DENY,
)
# The centre's own staff and those overseeing it (may_watch_center).
WATCHES_CENTER = E(
    anonymous=LOGIN,
    citizen=DENY,
    clerk=ALLOW,
    supervisor=ALLOW,
    department_head=ALLOW,
    center_admin=ALLOW,
    system_admin=ALLOW,
    supervisor_other_centre=DENY,
)
# A review of the clerk at window 1 (of the head's department): the same people open it, for other reasons (the
# rated clerk, the department's head, the centre's supervisors).
REVIEW_FOLLOWERS = WATCHES_CENTER
# The sub-site: the centre's clerk and department head are not its staff; the centre's supervisors oversee it.
WATCHES_SUB_SITE = {**WATCHES_CENTER, CLERK: DENY, DEPARTMENT_HEAD: DENY}
# Any member of staff (the case desk lists what each sees); citizens are refused.
STAFF_ANY = {**dict.fromkeys(ROLES, ALLOW), ANONYMOUS: LOGIN, CITIZEN: DENY}
# Extensions are decided by the case's department head and those supervising its centre.
DECIDES_EXTENSIONS = {**SUPERVISES, DEPARTMENT_HEAD: ALLOW}
ADMIN_INDEX = E(
    anonymous=LOGIN,
    citizen=LOGIN,
    clerk=LOGIN,
    supervisor=LOGIN,
    department_head=LOGIN,
    center_admin=ALLOW,
    system_admin=ALLOW,
)
ADMIN_UNSCOPED_CHANGELIST = {**ADMIN_INDEX, CENTER_ADMIN: DENY}


@dataclass(frozen=True)
class Probe:
    """One request. `path` and string values of `data` are formatted with the world's ids (`{w1}`, `{center}` …)."""

    method: str
    path: str
    expect: dict[str, str]
    data: dict | None = None
    prepare: Callable[[World], None] | None = None
    marker: str | None = None


def P(method: str, path: str, expect: dict[str, str], **kwargs) -> Probe:
    return Probe(method=method, path=path, expect=expect, **kwargs)


def free_the_clerk(world: World) -> None:
    """Finish the clerk's called ticket, so the clerk may call the next one, move, or leave the window."""
    services.ticket_finish(ticket=Ticket.objects.get(pk=world.ids["t1"]), clerk=world.users[CLERK])


def pause_the_window(world: World) -> None:
    free_the_clerk(world)
    services.window_pause(window=Window.objects.get(pk=world.ids["w1"]), clerk=world.users[CLERK], reason="短暂休息")


def open_the_tidal_window(world: World) -> None:
    services.tidal_window_open(
        window=Window.objects.get(pk=world.ids["tidal"]),
        queues=[Queue.objects.get(pk=world.ids["queue"])],
        supervisor=world.users[SYSTEM_ADMIN],
    )


def pause_the_queue(world: World) -> None:
    services.queue_intake_pause(
        queue=Queue.objects.get(pk=world.ids["queue"]), supervisor=world.users[SYSTEM_ADMIN], reason="系统维护"
    )


def miss_the_called_ticket(world: World) -> None:
    """The clerk's called ticket becomes a no-show, which may be brought back."""
    services.ticket_no_show(ticket=Ticket.objects.get(pk=world.ids["t1"]), clerk=world.users[CLERK])


def put_the_case_in_correction(world: World) -> None:
    case_services.case_request_correction(
        case=Case.objects.get(pk=world.ids["case"]), clerk=world.users[CLERK], items="补交"
    )


def conclude_the_case(world: World) -> None:
    case_services.case_conclude(
        case=Case.objects.get(pk=world.ids["case"]), clerk=world.users[CLERK], outcome="approved"
    )


PROFILE_FORM = {"real_name": "张三丰", "id_number": "11010519491231002X"}
COMPANY_FORM = {"company_name": "上海矩阵科技有限公司", "uscc": "91310000MA1FL0000N", "is_legal_representative": ""}

# One row per URL pattern; API rows per operation ("<url name> <METHOD>"). A row is one or more probes.
MATRIX: dict[str, tuple[Probe, ...]] = {
    # --- Public pages and plumbing ---
    "home": (P("GET", "/", PUBLIC),),
    "favicon.ico": (P("GET", "/favicon.ico", PUBLIC),),
    "healthz": (P("GET", "/healthz", PUBLIC),),
    "readyz": (P("GET", "/readyz", PUBLIC),),
    "login": (P("GET", "/accounts/login/", PUBLIC),),
    "logout": (P("POST", "/accounts/logout/", PUBLIC),),
    "set_language": (P("POST", "/i18n/setlang/", PUBLIC, data={"language": "en", "next": "/"}),),
    "schema": (P("GET", "/api/schema/", PUBLIC),),
    "api-docs": (P("GET", "/api/docs/", PUBLIC),),
    "admin:*": (
        P("GET", "/admin/", ADMIN_INDEX),
        P("GET", "/admin/queueing/ticket/", ADMIN_UNSCOPED_CHANGELIST),
        P("GET", "/admin/hall/auditentry/", ADMIN_UNSCOPED_CHANGELIST),
    ),
    # --- Citizens' portal ---
    "accounts:portal": (P("GET", "/portal/", PUBLIC),),
    "accounts:register": (P("GET", "/portal/register/", PUBLIC),),
    "accounts:login": (P("GET", "/portal/login/", PUBLIC),),
    "accounts:login_code": (P("GET", "/portal/login/code/", PUBLIC),),
    "accounts:elderly_mode": (P("POST", "/portal/elderly-mode/", PUBLIC, data={"enabled": "1"}),),
    # The privacy notice is for everybody; consent, the data download and the deletion are the citizen's own.
    "accounts:privacy": (P("GET", "/portal/privacy/", PUBLIC),),
    "accounts:privacy_consent": (P("POST", "/portal/privacy/consent/", CITIZEN_ONLY),),
    "accounts:my_data": (P("GET", "/portal/my-data/", CITIZEN_ONLY),),
    "accounts:my_data_download": (P("GET", "/portal/my-data/download.json", CITIZEN_ONLY),),
    "accounts:account_delete": (P("GET", "/portal/delete-account/", CITIZEN_ONLY),),
    "accounts:profile": (
        P("GET", "/portal/profile/", CITIZEN_ONLY),
        P("POST", "/portal/profile/", CITIZEN_ONLY, data=PROFILE_FORM),
    ),
    "accounts:companies": (
        P("GET", "/portal/companies/", CITIZEN_ONLY),
        P("POST", "/portal/companies/", CITIZEN_ONLY, data=COMPANY_FORM),
    ),
    # The citizen's own company; anybody else is refused (object-level).
    "accounts:company_remove": (P("POST", "/portal/companies/{agent}/remove/", CITIZEN_ONLY),),
    "queueing:portal_take": (P("GET", "/portal/take/", CITIZEN_ONLY),),
    "queueing:portal_tickets": (P("GET", "/portal/tickets/", CITIZEN_ONLY),),
    # The citizen's own number only; anybody else's is not found for them.
    "queueing:portal_ticket_cancel": (P("POST", "/portal/tickets/{citizen_ticket}/cancel/", CITIZEN_ONLY),),
    "queueing:portal_appointments": (P("GET", "/portal/appointments/", CITIZEN_ONLY),),
    "queueing:portal_appointment_book": (
        P("POST", "/portal/appointments/book/", CITIZEN_ONLY, data={"slot": "{slot}"}),
    ),
    "queueing:portal_appointment_cancel": (P("POST", "/portal/appointments/{appointment}/cancel/", CITIZEN_ONLY),),
    # --- Kiosk and screens ---
    "queueing:kiosk": (P("GET", "/kiosk/{center}/", PUBLIC),),
    "queueing:kiosk_issue": (P("POST", "/kiosk/{center}/issue/", PUBLIC, data={"queue": "{queue}"}),),
    "queueing:kiosk_ticket": (P("GET", "/kiosk/{center}/tickets/{token}/", PUBLIC),),
    # Today's booking "222222" is inside its check-in window: anybody at the kiosk may check it in.
    "queueing:kiosk_check_in": (
        P("POST", "/kiosk/{center}/check-in/", PUBLIC, data={"code": "222222", "idempotency_key": "matrix-checkin"}),
    ),
    # 找回号码: anybody at the kiosk may look up the numbers taken with an identity or mobile number they type.
    "queueing:kiosk_find": (
        P("GET", "/kiosk/{center}/find/", PUBLIC),
        P("POST", "/kiosk/{center}/find/", PUBLIC, data={"holder": "13800000009"}),
    ),
    "dashboards:display": (P("GET", "/display/{center}/", PUBLIC),),
    "dashboards:zone_display": (
        P("GET", "/display/{center}/zones/{zone}/", PUBLIC),
        # A zone of another centre is not a zone of this one: not found, for everybody.
        P("GET", "/display/{center}/zones/{other_zone}/", NOBODY),
    ),
    # A notice's image is on the public displays: anybody may fetch it while it is shown.
    "dashboards:notice_file": (P("GET", "/display/notices/{notice}/", PUBLIC),),
    "dashboards:ticket": (P("GET", "/t/{citizen_token}/", PUBLIC),),
    # The live page's link is the holder's proof: whoever holds it may give the number up.
    "dashboards:ticket_cancel": (P("POST", "/t/{citizen_token}/cancel/", PUBLIC),),
    # The evaluator is a device's page: anybody may open the pairing form and pair a tablet with a token they hold;
    # no account sees the clerk's photo, which leaves only to a paired evaluator at the clerk's window.
    "evaluations:evaluator": (P("GET", "/evaluator/", PUBLIC),),
    "evaluations:evaluator_pair": (P("POST", "/evaluator/pair/", PUBLIC, data={"token": "{evaluator_token}"}),),
    "evaluations:evaluator_unpair": (P("POST", "/evaluator/unpair/", PUBLIC),),
    "evaluations:evaluator_photo": (P("GET", "/evaluator/photo/", NOBODY),),
    # The open rectifications: a department head's own department, a supervisor's centres.
    "evaluations:rectifications": (
        P(
            "GET",
            "/reviews/rectifications/",
            E(
                anonymous=LOGIN,
                citizen=DENY,
                clerk=DENY,
                supervisor=ALLOW,
                department_head=ALLOW,
                center_admin=ALLOW,
                system_admin=ALLOW,
            ),
        ),
    ),
    "evaluations:review_detail": (P("GET", "/reviews/{bad_review}/", REVIEW_FOLLOWERS),),
    "evaluations:rectification_step": (
        P(
            "POST",
            "/reviews/{bad_review}/step/",
            {**REVIEW_FOLLOWERS, CLERK: DENY},
            data={"step": "verify", "text": "已核实并联系群众"},
        ),
    ),
    "evaluations:appeal_file": (
        P("POST", "/reviews/{bad_review}/appeal/", REVIEW_FOLLOWERS, data={"reason": "该群众误评"}),
    ),
    "evaluations:appeal_decide": (
        P(
            "POST",
            "/reviews/{appealed_review}/appeal/decide/",
            {**REVIEW_FOLLOWERS, CLERK: DENY, DEPARTMENT_HEAD: DENY},
            data={"decision": "reject", "note": "证据不足"},
        ),
    ),
    # A review link is its own key, like the live ticket page's: whoever holds it rates that one service.
    "evaluations:review": (
        P("GET", "/r/{review_token}/", PUBLIC),
        P("POST", "/r/{review_token}/", PUBLIC, data={"level": "5", "tags": "quick", "comment": "耐心"}),
    ),
    "dashboards:screen": (
        P("GET", "/screen/{center}/", WATCHES_CENTER),
        P("GET", "/screen/{sub}/", WATCHES_SUB_SITE),
    ),
    # --- Community station: numbers taken for a citizen (its staff and those overseeing it) ---
    "queueing:station": (P("GET", "/station/", SUPERVISES),),
    "queueing:station_issue": (
        P(
            "POST",
            "/station/issue/",
            SUPERVISES,
            data={
                "station": "{station}",
                "hall": "{center}",
                "queue": "{queue}",
                "id_number": "11010519491231002X",
                "idempotency_key": "matrix-station-1",
            },
        ),
    ),
    "queueing:station_ticket": (P("GET", "/station/tickets/{station_token}/", SUPERVISES),),
    # --- City overview: every centre the user watches (none: refused) ---
    "dashboards:overview": (
        P("GET", "/screen/overview/", {**WATCHES_CENTER, OTHER_SUPERVISOR: HIDDEN}, marker=CENTER_MARK),
    ),
    "dashboards:overview_data": (
        P("GET", "/screen/overview/data/", {**WATCHES_CENTER, OTHER_SUPERVISOR: HIDDEN}, marker=CENTER_MARK),
    ),
    # --- Statistics (the centre's own staff and those overseeing it) ---
    "dashboards:history": (P("GET", "/stats/?center={center}", WATCHES_CENTER),),
    "dashboards:history_csv": (P("GET", "/stats/export.csv?center={center}", WATCHES_CENTER),),
    "dashboards:history_xlsx": (P("GET", "/stats/export.xlsx?center={center}", WATCHES_CENTER),),
    "dashboards:case_stats": (P("GET", "/stats/cases/?center={center}", WATCHES_CENTER),),
    "dashboards:case_stats_csv": (P("GET", "/stats/cases/export.csv?center={center}", WATCHES_CENTER),),
    "dashboards:case_stats_xlsx": (P("GET", "/stats/cases/export.xlsx?center={center}", WATCHES_CENTER),),
    "dashboards:review_stats": (P("GET", "/stats/reviews/?center={center}", WATCHES_CENTER),),
    "dashboards:review_stats_csv": (P("GET", "/stats/reviews/export.csv?center={center}", WATCHES_CENTER),),
    "dashboards:review_stats_xlsx": (P("GET", "/stats/reviews/export.xlsx?center={center}", WATCHES_CENTER),),
    # Published: how each department and matter is rated and where each bad review's rectification stands.
    "evaluations:results": (P("GET", "/reviews/results/?center={center}", PUBLIC),),
    "dashboards:license_stats": (P("GET", "/stats/licences/?center={center}", WATCHES_CENTER),),
    "dashboards:license_stats_csv": (P("GET", "/stats/licences/export.csv?center={center}", WATCHES_CENTER),),
    "dashboards:license_stats_xlsx": (P("GET", "/stats/licences/export.xlsx?center={center}", WATCHES_CENTER),),
    # --- The guide (public), the citizen's cases, the case desk ---
    "matters:guide": (P("GET", "/guide/", PUBLIC), P("GET", "/guide/?q=jz", PUBLIC)),
    "matters:guide_matter": (P("GET", "/guide/matters/{matter}/", PUBLIC),),
    "matters:guide_bundle": (P("GET", "/guide/bundles/{bundle}/", PUBLIC),),
    # The material has no blank form uploaded: not found, for everybody.
    "matters:material_file": (P("GET", "/guide/materials/{material}/form/", NOBODY),),
    "matters:apply": (
        P("GET", "/guide/matters/{matter}/apply/", CITIZEN_ONLY),
        P("POST", "/guide/matters/{matter}/apply/", CITIZEN_ONLY, data={"center": "{center}"}),
    ),
    "licenses:verify": (P("GET", "/licenses/verify/?identifier={license_identifier}", PUBLIC),),
    "licenses:mine": (P("GET", "/portal/licenses/", CITIZEN_ONLY),),
    "licenses:my_license": (P("GET", "/portal/licenses/{license}/", CITIZEN_ONLY),),
    # The world's licence has no file: its holder is told so (404), like everyone else.
    "licenses:my_license_file": (P("GET", "/portal/licenses/{license}/file/", {**CITIZEN_ONLY, CITIZEN: DENY}),),
    "licenses:serve": (
        P("GET", "/licenses/serve/ticket/{t1}/", STAFF_ANY),
        P("POST", "/licenses/serve/ticket/{t1}/", SIGNED_IN_CLERK, data={"purpose": "核验身份"}),
    ),
    "licenses:serve_copy": (
        P("GET", "/licenses/serve/ticket/{t1}/copy/{served_license}/?grant={license_grant}", SIGNED_IN_CLERK),
    ),
    "matters:my_cases": (P("GET", "/portal/cases/", CITIZEN_ONLY),),
    "evaluations:my_reviews": (P("GET", "/portal/reviews/", CITIZEN_ONLY),),
    "matters:my_case": (P("GET", "/portal/cases/{case}/", CITIZEN_ONLY),),
    "matters:case_desk": (P("GET", "/cases/", STAFF_ANY),),
    "matters:case": (P("GET", "/cases/{case}/", WATCHES_CENTER),),
    "matters:case_action": (P("POST", "/cases/{case}/correction/", WATCHES_CENTER, data={"items": "补交原件"}),),
    "matters:extension_decide": (
        P("POST", "/extensions/{extension}/decide/", DECIDES_EXTENSIONS, data={"approve": "1"}),
    ),
    "queueing:ticket_case": (
        P("GET", "/clerk/tickets/{t1}/case/", SIGNED_IN_CLERK),
        P("GET", "/clerk/tickets/{t1}/case/?matter={matter}", SIGNED_IN_CLERK),
    ),
    "queueing:ticket_case_corrections": (
        P(
            "POST",
            "/clerk/tickets/{t1}/case/corrections/",
            SIGNED_IN_CLERK,
            data={"number": "{case_number}"},
            prepare=put_the_case_in_correction,
        ),
    ),
    "queueing:ticket_case_handover": (
        P("POST", "/clerk/tickets/{t1}/case/{case}/handover/", SIGNED_IN_CLERK, prepare=conclude_the_case),
    ),
    # --- Supervisor console (HTML) ---
    "dashboards:console": (
        P("GET", "/console/{center}/", SUPERVISES),
        P("GET", "/console/{sub}/", SUPERVISES),
    ),
    "dashboards:console_panel": (P("GET", "/console/{center}/panel/", SUPERVISES),),
    "dashboards:alert_acknowledge": (
        P("POST", "/console/{center}/alerts/{alert}/acknowledge/", SUPERVISES),
        P("POST", "/console/{sub}/alerts/{sub_alert}/acknowledge/", SUPERVISES),
        # An alert is acted on under its own centre only.
        P(
            "POST",
            "/console/{sub}/alerts/{alert}/acknowledge/",
            {**SUPERVISES, CENTER_ADMIN: DENY, SUPERVISOR: DENY, SYSTEM_ADMIN: DENY},
        ),
    ),
    "dashboards:alert_resolve": (
        P("POST", "/console/{center}/alerts/{alert}/resolve/", SUPERVISES, data={"resolution": "已增开窗口"}),
    ),
    "dashboards:tidal_open": (
        P("POST", "/console/{center}/tidal/{tidal}/open/", SUPERVISES, data={"queue": "{queue}"}),
    ),
    "dashboards:tidal_close": (
        P("POST", "/console/{center}/tidal/{tidal}/close/", SUPERVISES, prepare=open_the_tidal_window),
    ),
    "dashboards:dispatch": (
        P(
            "POST",
            "/console/{center}/windows/{w2}/dispatch/",
            SUPERVISES,
            data={"clerk": "{clerk_user}"},
            prepare=free_the_clerk,
        ),
    ),
    "dashboards:queue_pause": (
        P("POST", "/console/{center}/queues/{queue}/pause/", SUPERVISES, data={"reason": "系统维护"}),
        P("POST", "/console/{sub}/queues/{sub_queue}/pause/", SUPERVISES, data={"reason": "系统维护"}),
    ),
    "dashboards:queue_resume": (
        P("POST", "/console/{center}/queues/{queue}/resume/", SUPERVISES, prepare=pause_the_queue),
    ),
    # --- Clerk's workstation (HTML) ---
    "queueing:waiting_panel": (P("GET", "/clerk/waiting/?window={w1}", SIGNED_IN_CLERK),),
    "queueing:workstation": (
        P(
            "GET",
            "/clerk/",
            E(
                anonymous=LOGIN,
                citizen=DENY,
                clerk=ALLOW,
                supervisor=ALLOW,
                department_head=DENY,
                center_admin=ALLOW,
                system_admin=ALLOW,
                supervisor_other_centre=HIDDEN,  # their own chooser, without this centre's windows
            ),
            marker=CENTER_MARK,
        ),
    ),
    "queueing:sign_in": (
        P("POST", "/clerk/sign-in/", STAFFS_CENTER_WINDOW, data={"window": "{w2}"}, prepare=free_the_clerk),
        P("POST", "/clerk/sign-in/", STAFFS_SUB_SITE_WINDOW, data={"window": "{ws2}"}, prepare=free_the_clerk),
    ),
    # Asking to take over the clerk's window: a colleague on the staff of the centre's windows (the clerk at it is
    # sent back to the workstation); the others do not find the window.
    "queueing:take_over": (P("GET", "/clerk/windows/{w1}/take-over/", STAFFS_CENTER_WINDOW),),
    "queueing:sign_out": (P("POST", "/clerk/sign-out/", SIGNED_IN_CLERK, prepare=free_the_clerk),),
    "queueing:call_next": (P("POST", "/clerk/call-next/", SIGNED_IN_CLERK, prepare=free_the_clerk),),
    "queueing:finish": (P("POST", "/clerk/finish/", SIGNED_IN_CLERK, data={"ticket": "{t1}"}),),
    "queueing:pause": (
        P("POST", "/clerk/pause/", SIGNED_IN_CLERK, data={"reason": "短暂休息"}, prepare=free_the_clerk),
    ),
    "queueing:ticket_action": (
        P("POST", "/clerk/tickets/{t1}/recall/", SIGNED_IN_CLERK),
        P("POST", "/clerk/tickets/{t1}/start/", SIGNED_IN_CLERK),
        P("POST", "/clerk/tickets/{t1}/no-show/", SIGNED_IN_CLERK),
        P("POST", "/clerk/tickets/{t2}/call/", SIGNED_IN_CLERK, prepare=free_the_clerk),
        P("POST", "/clerk/tickets/{t1}/reactivate/", SIGNED_IN_CLERK, prepare=miss_the_called_ticket),
    ),
    # --- Supervision (HTML) ---
    "queueing:supervise_windows": (
        P(
            "GET",
            "/supervise/windows/",
            {**SUPERVISES, OTHER_SUPERVISOR: HIDDEN},  # their own list, without this centre's windows
            marker=CENTER_MARK,
        ),
    ),
    "queueing:force_sign_out": (
        P("POST", "/supervise/windows/{w1}/sign-out/", SUPERVISES, data={"reason": "离岗未签退"}),
        P("POST", "/supervise/windows/{ws}/sign-out/", SUPERVISES, data={"reason": "离岗未签退"}),
    ),
    # --- REST API ---
    "api-centers GET": (P("GET", "/api/v1/centers/", PUBLIC),),
    "api-calendar-due GET": (P("GET", "/api/v1/calendar/due/?from=2026-09-30&days=5", PUBLIC),),
    "api-calendar-working-days GET": (
        P("GET", "/api/v1/calendar/working-days/?first=2026-09-25&last=2026-10-12", PUBLIC),
    ),
    "api-matters GET": (P("GET", "/api/v1/matters/", PUBLIC),),
    "api-matter GET": (P("GET", "/api/v1/matters/{matter}/", PUBLIC),),
    "api-themes GET": (P("GET", "/api/v1/themes/", PUBLIC),),
    "api-bundles GET": (P("GET", "/api/v1/bundles/", PUBLIC),),
    "api-bundle GET": (P("GET", "/api/v1/bundles/{bundle}/", PUBLIC),),
    # Every member of staff lists the cases they see (a citizen's list is empty); one case as the case page.
    "api-cases GET": (P("GET", "/api/v1/cases/", SIGNED_IN),),
    "api-case GET": (P("GET", "/api/v1/cases/{case}/", WATCHES_CENTER),),
    "api-case-accept POST": (P("POST", "/api/v1/cases/{submitted}/accept/", WATCHES_CENTER, data={"checklist": {}}),),
    "api-case-decline POST": (
        P("POST", "/api/v1/cases/{submitted}/decline/", WATCHES_CENTER, data={"reason": "不属于本中心"}),
    ),
    "api-case-correction POST": (
        P("POST", "/api/v1/cases/{case}/correction/", WATCHES_CENTER, data={"items": "补交原件"}),
    ),
    "api-case-resubmit POST": (
        P("POST", "/api/v1/cases/{case}/resubmit/", WATCHES_CENTER, prepare=put_the_case_in_correction),
    ),
    "api-case-extension POST": (
        P("POST", "/api/v1/cases/{case}/extension/", WATCHES_CENTER, data={"days": 2, "reason": "专家评审"}),
    ),
    "api-case-conclude POST": (
        P("POST", "/api/v1/cases/{case}/conclude/", WATCHES_CENTER, data={"outcome": "approved"}),
    ),
    "api-case-deliver POST": (P("POST", "/api/v1/cases/{case}/deliver/", WATCHES_CENTER, prepare=conclude_the_case),),
    "api-extension-decide POST": (
        P("POST", "/api/v1/extensions/{extension}/decide/", DECIDES_EXTENSIONS, data={"approve": True}),
    ),
    "api-my-cases GET": (P("GET", "/api/v1/my/cases/", CITIZEN_API),),
    "api-my-cases POST": (
        P(
            "POST",
            "/api/v1/my/cases/",
            CITIZEN_API,
            data={"matter": "{matter}", "center": "{center}", "applicant_name": "李四"},
        ),
    ),
    "api-my-case GET": (P("GET", "/api/v1/my/cases/{case}/", CITIZEN_API),),
    "api-license-verify GET": (P("GET", "/api/v1/licenses/verify/?identifier={license_identifier}", PUBLIC),),
    "api-license-lookup POST": (
        P(
            "POST",
            "/api/v1/licenses/lookup/",
            SIGNED_IN_CLERK,
            data={"context": "ticket", "id": "{t1}", "purpose": "核验身份"},
        ),
    ),
    "api-my-licenses GET": (P("GET", "/api/v1/my/licenses/", CITIZEN_API),),
    "api-queues GET": (P("GET", "/api/v1/centers/{center}/queues/", PUBLIC),),
    "api-windows GET": (
        P("GET", "/api/v1/centers/{center}/windows/", WATCHES_CENTER, marker=WINDOW_MARK),
        P("GET", "/api/v1/centers/{sub}/windows/", WATCHES_SUB_SITE, marker=SUB_WINDOW_MARK),
    ),
    "api-ticket-issue POST": (P("POST", "/api/v1/tickets/", SIGNED_IN, data={"queue": "{queue}", "channel": "kiosk"}),),
    "api-ticket-finish POST": (P("POST", "/api/v1/tickets/{t1}/finish/", SIGNED_IN_CLERK),),
    "api-ticket-recall POST": (P("POST", "/api/v1/tickets/{t1}/recall/", SIGNED_IN_CLERK),),
    "api-ticket-start POST": (P("POST", "/api/v1/tickets/{t1}/start/", SIGNED_IN_CLERK),),
    "api-ticket-no-show POST": (P("POST", "/api/v1/tickets/{t1}/no-show/", SIGNED_IN_CLERK),),
    # Its holder, or a supervisor of the centre (and its parents); the clerk and the department head may not.
    "api-ticket-cancel POST": (
        P(
            "POST",
            "/api/v1/tickets/{citizen_ticket}/cancel/",
            E(
                anonymous=LOGIN,
                citizen=ALLOW,
                clerk=DENY,
                supervisor=ALLOW,
                department_head=DENY,
                center_admin=ALLOW,
                system_admin=ALLOW,
                supervisor_other_centre=DENY,
            ),
        ),
    ),
    "api-ticket-reactivate POST": (
        P("POST", "/api/v1/tickets/{t1}/reactivate/", SIGNED_IN_CLERK, prepare=miss_the_called_ticket),
    ),
    "api-ticket-transfer POST": (
        P("POST", "/api/v1/tickets/{t1}/transfer/", SIGNED_IN_CLERK, data={"to_queue": "{queue}"}),
    ),
    "api-window-call-ticket POST": (
        P(
            "POST",
            "/api/v1/windows/{w1}/call-ticket/",
            SIGNED_IN_CLERK,
            data={"ticket": "{t2}"},
            prepare=free_the_clerk,
        ),
    ),
    "api-window-pause POST": (
        P("POST", "/api/v1/windows/{w1}/pause/", SIGNED_IN_CLERK, data={"reason": "短暂休息"}, prepare=free_the_clerk),
    ),
    "api-slots GET": (P("GET", "/api/v1/queues/{queue}/slots/", PUBLIC),),
    "api-center-display GET": (
        P("GET", "/api/v1/centers/{center}/display/", WATCHES_CENTER),
        P("GET", "/api/v1/centers/{sub}/display/", WATCHES_SUB_SITE),
    ),
    "api-appointment-book POST": (P("POST", "/api/v1/appointments/", CITIZEN_API, data={"slot": "{slot}"}),),
    "api-appointment-cancel POST": (P("POST", "/api/v1/appointments/{appointment}/cancel/", CITIZEN_API),),
    "api-appointment-check-in POST": (
        P("POST", "/api/v1/appointments/check-in/", SIGNED_IN, data={"center": "{center}", "code": "222222"}),
    ),
    "api-window-resume POST": (P("POST", "/api/v1/windows/{w1}/resume/", SIGNED_IN_CLERK, prepare=pause_the_window),),
    "api-window-sign-in POST": (
        P("POST", "/api/v1/windows/{w2}/sign-in/", STAFFS_CENTER_WINDOW, data={}, prepare=free_the_clerk),
        P("POST", "/api/v1/windows/{ws2}/sign-in/", STAFFS_SUB_SITE_WINDOW, data={}, prepare=free_the_clerk),
    ),
    "api-window-sign-out POST": (P("POST", "/api/v1/windows/sign-out/", SIGNED_IN_CLERK, prepare=free_the_clerk),),
    "api-window-force-sign-out POST": (
        P("POST", "/api/v1/windows/{w1}/force-sign-out/", SUPERVISES, data={"reason": "离岗未签退"}),
        P("POST", "/api/v1/windows/{ws}/force-sign-out/", SUPERVISES, data={"reason": "离岗未签退"}),
    ),
    "api-window-call-next POST": (
        P("POST", "/api/v1/windows/{w1}/call-next/", SIGNED_IN_CLERK, prepare=free_the_clerk),
    ),
}


# --- The world --------------------------------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User | None]
    ids: dict[str, object] = field(default_factory=dict)


def _member(center: Center, role: str, username: str, *, department=None, is_staff: bool = False) -> User:
    user = UserFactory(username=username, is_staff=is_staff, password=None)  # unusable: no hashing, force_login
    StaffMembership.objects.create(user=user, center=center, role=role, department=department)
    return user


def build_world() -> World:
    """A centre with a sub-site and an unrelated centre; the clerk is at window 1 serving A001, A002 waits."""
    department = DepartmentFactory(name="矩阵局")
    center = CenterFactory(name=f"{CENTER_MARK} 市民中心", level=Center.Level.DISTRICT)
    sub = CenterFactory(name="街道便民服务中心", level=Center.Level.STREET, parent=center)
    other = CenterFactory(name="另一个中心", level=Center.Level.DISTRICT)
    queue = QueueFactory(center=center, prefix="A", name="商事登记")
    w1 = WindowFactory(
        center=center, zone=queue.zone, number=1, name=WINDOW_MARK, department=department, serves=[queue]
    )
    w2 = WindowFactory(center=center, zone=queue.zone, number=2, department=department, serves=[queue])
    sub_queue = QueueFactory(center=sub, prefix="B")
    ws = WindowFactory(center=sub, zone=sub_queue.zone, number=1, name=SUB_WINDOW_MARK, serves=[sub_queue])
    ws2 = WindowFactory(center=sub, zone=sub_queue.zone, number=2, serves=[sub_queue])
    other_queue = QueueFactory(center=other, prefix="C")
    WindowFactory(center=other, zone=other_queue.zone, number=1, serves=[other_queue])
    station = CenterFactory(name="文化路社区便民服务站", level=Center.Level.COMMUNITY, parent=center)
    tidal = WindowFactory(center=center, zone=queue.zone, number=9, kind=Window.Kind.TIDAL)
    alert = Alert.objects.create(
        center=center,
        kind=Alert.Kind.QUEUE_LOAD,
        subject_key=f"queue:{queue.pk}",
        subject="A 等候 40 人",
        queue=queue,
        opened_at=timezone.now(),
    )
    sub_alert = Alert.objects.create(
        center=sub,
        kind=Alert.Kind.QUEUE_LOAD,
        subject_key=f"queue:{sub_queue.pk}",
        subject="B 等候 40 人",
        queue=sub_queue,
        opened_at=timezone.now(),
    )

    citizen = UserFactory(username="m-citizen", kind=User.Kind.CITIZEN, password=None)
    CitizenProfile.objects.create(user=citizen, real_name="李四", id_number="360426199101010071")
    agent = CompanyAgent.objects.create(user=citizen, company_name="北京矩阵有限公司", uscc="91110000600037341L")
    users = {
        ANONYMOUS: None,
        CITIZEN: citizen,
        CLERK: _member(center, StaffRole.CLERK, "m-clerk"),
        SUPERVISOR: _member(center, StaffRole.SUPERVISOR, "m-supervisor"),
        DEPARTMENT_HEAD: _member(center, StaffRole.DEPARTMENT_HEAD, "m-head", department=department),
        CENTER_ADMIN: _member(center, StaffRole.CENTER_ADMIN, "m-center-admin", is_staff=True),
        SYSTEM_ADMIN: UserFactory(username="m-root", is_staff=True, is_superuser=True, password=None),
        OTHER_SUPERVISOR: _member(other, StaffRole.SUPERVISOR, "m-other-supervisor"),
    }
    sub_clerk = _member(sub, StaffRole.CLERK, "m-sub-clerk")

    services.window_sign_in(window=w1, clerk=users[CLERK])
    services.window_sign_in(window=ws, clerk=sub_clerk)
    # A001 was taken with an identity card: the clerk serving it may look up its holder's licences.
    t1 = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, id_number=SERVED_ID_NUMBER)
    called = services.window_call_next(window=w1, clerk=users[CLERK])
    assert called is not None and called.pk == t1.pk
    t2 = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    (slot,) = services.appointment_slots_create(
        queue=queue, date=tomorrow, first=datetime.time(9), last=datetime.time(9, 30), minutes=30, places=5
    )
    booking = Appointment.objects.create(slot=slot, citizen=citizen, code="111111")
    # Today's booking, inside its check-in window (it starts shortly, or started a few minutes ago near midnight).
    now = timezone.localtime()
    start = now + datetime.timedelta(minutes=10) if now.hour < 23 else now - datetime.timedelta(minutes=5)
    today_slot = AppointmentSlot.objects.create(
        queue=queue, date=start.date(), starts_at=start.time(), ends_at=start.time(), capacity=5
    )
    Appointment.objects.create(slot=today_slot, citizen=citizen, code="222222")
    cases = _cases_of_the_world(
        center=center,
        queue=queue,
        department=department,
        clerk=users[CLERK],
        citizen=citizen,
        head=users[DEPARTMENT_HEAD],
    )
    licence = _licence_of(holder_code="360426199101010071", serial="MATRIX1")
    bad_review, appealed_review = _bad_reviews(center=center, queue=queue, window=w1, clerk=users[CLERK])
    ids = {
        **cases,
        "license": licence.pk,
        "served_license": _licence_of(holder_code=SERVED_ID_NUMBER, serial="MATRIX2").pk,
        "license_identifier": licence.identifier,
        "license_grant": signing.dumps({"k": "ticket", "i": t1.pk, "p": "核验身份"}, salt=LICENSE_GRANT_SALT),
        "center": center.pk,
        "sub": sub.pk,
        "other": other.pk,
        "queue": queue.pk,
        "zone": queue.zone_id,
        "tidal": tidal.pk,
        "station": station.pk,
        "alert": alert.pk,
        "sub_alert": sub_alert.pk,
        "sub_queue": sub_queue.pk,
        "clerk_user": users[CLERK].pk,
        "other_zone": other_queue.zone_id,
        "notice": _notice_of(center),
        "w1": w1.pk,
        "w2": w2.pk,
        "ws": ws.pk,
        "ws2": ws2.pk,
        "t1": t1.pk,
        "t2": t2.pk,
        "agent": agent.pk,
        "slot": slot.pk,
        "appointment": booking.pk,
        "token": signing.dumps(t2.pk, salt=KIOSK_TICKET_SALT),
        "citizen_token": citizen_ticket_token(t2),
        "review_token": review_token(t2.pk, "qr"),
        "bad_review": bad_review.pk,
        "appealed_review": appealed_review.pk,
        "evaluator_token": device_token(center, Device.Capability.EVALUATE, window=w1, name="评价器"),
        # In a queue of its own: the citizen's appointment check-in in `queue` must not meet a number held there.
        "citizen_ticket": services.ticket_issue(
            queue=QueueFactory(center=center, zone=queue.zone, prefix="Z"), channel=Ticket.Channel.WEB, citizen=citizen
        ).pk,
        "station_token": kiosk_ticket_token(
            services.ticket_issue(queue=queue, channel=Ticket.Channel.COMMUNITY, actor=users[SYSTEM_ADMIN])
        ),
    }
    return World(users=users, ids=ids)


def _bad_reviews(*, center, queue, window, clerk) -> tuple[Review, Review]:
    """Two bad reviews of the clerk at window 1 (of the head's department), each with its rectification; the clerk
    appealed the second."""
    reviews = []
    for _ in range(2):
        ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
        now = timezone.now()
        review = Review.objects.create(
            ticket=ticket,
            stage=Review.Stage.SERVICE,
            channel=Review.Channel.EVALUATOR,
            level=1,
            center=center,
            department_id=window.department_id,
            window=window,
            clerk=clerk,
            served_at=now,
            rated_at=now,
            rated_on=timezone.localdate(now),
        )
        rectification_open(review=review)
        reviews.append(review)
    appeal_file(review=reviews[1], user=clerk, reason="该群众误评")
    return reviews[0], reviews[1]


def _licence_of(*, holder_code: str, serial: str) -> License:
    licence_type = LicenseTypeFactory(name="矩阵证照")
    identifier = identifiers.build(type_code=licence_type.code, issuer_code="330105", serial=serial, version=1)
    return License.objects.create(
        identifier=str(identifier),
        license_type=licence_type,
        number=serial,
        holder_name="李四",
        holder_code_type="111",
        holder_code=holder_code,
        holder_hash=holder_hash("111", holder_code),
        issuer="矩阵局",
        issuer_code="330105",
        issued_on=datetime.date(2020, 1, 1),
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2040, 1, 1),
    )


def _cases_of_the_world(*, center, queue, department, clerk, citizen, head) -> dict:
    """A matter of the queue (one conditional material), a case the clerk accepted for the citizen, one with an
    extension waiting for a decision, and an online application waiting for acceptance."""
    matter = MatterFactory(name="矩阵事项", department=department, case_type=CaseType.PROMISED, promised_limit_days=5)
    Material.objects.create(matter=matter, name="授权委托书", is_required=False, condition="委托办理的")
    queue.matters.add(matter)
    bundle = Bundle.objects.create(code="M-01", name="矩阵一件事")
    BundleItem.objects.create(bundle=bundle, matter=matter)
    case = case_services.case_accept(
        matter=matter, center=center, clerk=clerk, checklist={}, applicant_name="李四", citizen=citizen
    )
    extended = case_services.case_accept(matter=matter, center=center, clerk=clerk, checklist={}, applicant_name="王五")
    extension = case_services.case_extension_request(case=extended, clerk=clerk, days=2, reason="需要现场核查")
    submitted = case_services.case_submit(matter=matter, center=center, citizen=citizen, applicant_name="李四")
    return {
        "matter": matter.pk,
        "material": matter.materials.get().pk,
        "bundle": bundle.pk,
        "case": case.pk,
        "case_number": case.number,
        "extension": extension.pk,
        "submitted": submitted.pk,
    }


def _notice_of(center) -> int:
    notice = DisplayNotice(center=center, kind="image", title="公告", content_type="image/png")
    notice.file.save("n.png", ContentFile(b"\x89PNG\r\n\x1a\n" + bytes(24)), save=True)
    return notice.pk


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path  # the display notice's image
    return build_world()


# --- Requests and their classification ----------------------------------------------------------------------------


def _login_paths() -> set[str]:
    return {reverse("login"), reverse("accounts:login"), reverse("admin:login")}


def _flashed_errors(response) -> list[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return []
    return [str(m) for m in get_messages(request) if m.level >= messages.ERROR]


def classify(response, *, role: str, api: bool, marker: str | None) -> tuple[str, str]:
    """(outcome, detail) of one response; see the module docstring."""
    status = response.status_code
    if 300 <= status < 400:
        location = response.get("Location", "")
        if urlsplit(location).path in _login_paths():
            return LOGIN, f"{status} → {location}"
        errors = _flashed_errors(response)
        if errors:
            return DENY, f"{status} → {location}, error: {errors[0]}"
        return ALLOW, f"{status} → {location}"
    if status in (401, 403):
        if role == ANONYMOUS and (api or status == 401):
            return LOGIN, str(status)
        return DENY, f"{status} {_snippet(response)}"
    if status == 404:
        return DENY, "404"
    if 200 <= status < 300:
        if marker is not None and marker not in response.content.decode("utf-8", "replace"):
            return HIDDEN, f"{status} without {marker!r}"
        return ALLOW, str(status)
    if status >= 500:
        return "crash", f"{status} {_snippet(response)}"
    return "error", f"{status} {_snippet(response)}"


def _snippet(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return response.content.decode("utf-8", "replace")[:160]
    return ""


def _formatted(value, ids):
    return value.format(**ids) if isinstance(value, str) else value


def perform(probe: Probe, *, world: World, role: str) -> tuple[str, str]:
    """Send `probe` as `role` in a savepoint that is rolled back: every request starts from the same world."""
    path = probe.path.format(**world.ids)
    api = path.startswith("/" + API_PREFIX)
    data = {key: _formatted(value, world.ids) for key, value in (probe.data or {}).items()}
    with transaction.atomic():
        try:
            cache.clear()  # rate limits and throttles count per address: every probe starts fresh
            if probe.prepare is not None:
                probe.prepare(world)
            client = Client()
            user = world.users[role]
            if user is not None:
                client.force_login(user, backend=MODEL_BACKEND)
            if probe.method == "GET":
                response = client.get(path, HTTP_ACCEPT="application/json" if api else BROWSER_ACCEPT)
            elif api:
                response = client.generic(
                    probe.method,
                    path,
                    json.dumps(data),
                    content_type="application/json",
                    HTTP_ACCEPT="application/json",
                )
            else:
                response = client.generic(
                    probe.method,
                    path,
                    urlencode(data),
                    content_type="application/x-www-form-urlencoded",
                )
            outcome = classify(response, role=role, api=api, marker=probe.marker)
        except Exception as error:  # a crash is an outcome to report with the others, not the end of the row
            outcome = ("crash", f"{type(error).__name__}: {error}")
        transaction.set_rollback(True)
    return outcome


@pytest.mark.parametrize("row", list(MATRIX))
def test_permission_matrix(row, world):
    mismatches = []
    for probe in MATRIX[row]:
        for role, expected in probe.expect.items():
            got, detail = perform(probe, world=world, role=role)
            if got != expected:
                mismatches.append(f"  {probe.method} {probe.path} as {role}: expected {expected}, got {got} ({detail})")
    assert not mismatches, f"{row}: {len(mismatches)} permission mismatch(es)\n" + "\n".join(mismatches)


# --- Coverage: every endpoint has a row -------------------------------------------------------------------------------


def url_pattern_keys() -> dict[str, list[str]]:
    """Row key → the routes it stands for: `namespace:name`, the route when unnamed, `admin:*` for all the admin."""
    keys: dict[str, list[str]] = {}

    def walk(resolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                if inner.split(":")[0] == "admin":
                    keys.setdefault("admin:*", []).append(route)
                    continue
                walk(entry, route, inner)
            elif entry.name:
                keys.setdefault(f"{namespace}:{entry.name}" if namespace else entry.name, []).append(route)
            else:
                keys.setdefault(route, []).append(route)

    walk(get_resolver(), "", "")
    return keys


def _is_api(routes: list[str]) -> bool:
    return all(route.startswith(API_PREFIX) for route in routes)


def test_every_url_pattern_has_a_row():
    keys = url_pattern_keys()
    problems = []
    for key, routes in sorted(keys.items()):
        if key != "admin:*" and len(routes) > 1:
            problems.append(f"{key}: {len(routes)} URL patterns share this name ({routes}); name them apart")
        if _is_api(routes):
            rows = [row for row in MATRIX if row.rsplit(" ", 1)[0] == key and " " in row]
            if not rows:
                problems.append(f"{key} (/{routes[0]}): API endpoint without a row '<name> <METHOD>' in MATRIX")
            if key in MATRIX:
                problems.append(f"{key}: API rows are keyed '<name> <METHOD>'")
        elif key not in MATRIX:
            problems.append(f"{key} (/{routes[0]}): URL pattern without a row in MATRIX")
    for row in MATRIX:
        if row.split(" ")[0] not in keys:
            problems.append(f"{row}: row for an endpoint that no longer exists")
    assert not problems, "The permission matrix is out of date:\n" + "\n".join(problems)


HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}


def schema_operations() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = set()
    for path, item in schema["paths"].items():
        match = resolve(re.sub(r"\{[^}/]+\}", "1", path))
        for method in item:
            if method in HTTP_METHODS:
                operations.add(f"{match.view_name} {method.upper()}")
    return operations


def test_every_api_operation_has_a_row():
    operations = schema_operations()
    api_keys = {key for key, routes in url_pattern_keys().items() if _is_api(routes)}
    api_rows = {row for row in MATRIX if row.split(" ")[0] in api_keys}
    problems = [f"{op}: API operation without a row in MATRIX" for op in sorted(operations - api_rows)]
    problems += [f"{row}: row for an API operation not in the schema" for row in sorted(api_rows - operations)]
    for row in sorted(api_rows & operations):
        method = row.rsplit(" ", 1)[1]
        problems += [f"{row}: probe uses {p.method}" for p in MATRIX[row] if p.method != method]
    assert not problems, "The permission matrix is out of date:\n" + "\n".join(problems)


def test_every_row_names_every_role():
    problems = []
    for row, probes in MATRIX.items():
        for probe in probes:
            missing = set(ROLES) - set(probe.expect)
            unknown = set(probe.expect) - {*ROLES, OTHER_SUPERVISOR}
            if missing or unknown:
                problems.append(
                    f"{row} {probe.method} {probe.path}: missing {missing or '-'}, unknown {unknown or '-'}"
                )
    assert not problems, "\n".join(problems)


# --- Websockets (dashboards/routing.py) -------------------------------------------------------------------------------

ACCEPT, FORBIDDEN, NOT_FOUND = "accept", "close 4403", "close 4404"
UNPAIRED = "told it is not a paired evaluator, then closed"
WS_ROLES = (ANONYMOUS, CITIZEN, CLERK, OTHER_SUPERVISOR, SUPERVISOR)
WS_MATRIX = {
    "display": ("/ws/centers/{center}/display/", dict.fromkeys(WS_ROLES, ACCEPT)),
    "zone display": ("/ws/centers/{center}/zones/{zone}/display/", dict.fromkeys(WS_ROLES, ACCEPT)),
    "zone of another centre": ("/ws/centers/{center}/zones/{other_zone}/display/", dict.fromkeys(WS_ROLES, NOT_FOUND)),
    "screen": (
        "/ws/centers/{center}/screen/",
        {ANONYMOUS: FORBIDDEN, CITIZEN: FORBIDDEN, CLERK: ACCEPT, OTHER_SUPERVISOR: FORBIDDEN, SUPERVISOR: ACCEPT},
    ),
    "screen of the sub-site": (
        "/ws/centers/{sub}/screen/",
        {ANONYMOUS: FORBIDDEN, CITIZEN: FORBIDDEN, CLERK: FORBIDDEN, OTHER_SUPERVISOR: FORBIDDEN, SUPERVISOR: ACCEPT},
    ),
    # An account is no evaluator: only the device's pairing cookie opens it (tests/dashboards/test_evaluator_socket.py).
    "evaluator": ("/ws/evaluator/", dict.fromkeys(WS_ROLES, UNPAIRED)),
}


@pytest.fixture
async def close_sync_thread_connections():
    """Consumers query from Channels' sync thread; close its connection so the test database can be dropped."""
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("route", list(WS_MATRIX))
async def test_websocket_matrix(route, close_sync_thread_connections):
    from hall.asgi import router

    world = await database_sync_to_async(build_world)()
    path_template, expect = WS_MATRIX[route]
    path = path_template.format(**world.ids)
    mismatches = []
    for role, expected in expect.items():
        communicator = WebsocketCommunicator(router, path, headers=[(b"origin", b"http://testserver")])
        if world.users[role] is not None:
            communicator.scope["user"] = world.users[role]
        connected, code = await communicator.connect()
        got = ACCEPT if connected else f"close {code}"
        if connected:
            first = await communicator.receive_output(timeout=5)
            if '"unpaired"' in str(first.get("text")):
                got = UNPAIRED
            await communicator.disconnect()
        if got != expected:
            mismatches.append(f"  {path} as {role}: expected {expected}, got {got}")
    assert not mismatches, f"websocket {route}:\n" + "\n".join(mismatches)
