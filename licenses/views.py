"""The registry's pages: public verification, the citizen's own licences, and the lookup of a clerk serving a
citizen (purpose first, then the list and watermarked copies). Every rule is in the services."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.views import citizen_required
from hall.audit import client_address
from hall.errors import user_message
from hall.public_address import absolute_public_url
from hall.qr import qr_svg
from hall.ratelimit import RateLimited, ensure_within_rate
from licenses.models import LicenseAccess, LicenseVerification
from licenses.selectors import license_card
from licenses.services.access import (
    PURPOSE_MAX_LENGTH,
    AccessRefused,
    copy_watermark,
    license_copy_for_staff,
    license_of_citizen,
    licenses_for_staff,
    licenses_of_citizen,
    purpose_clean,
)
from licenses.services.verification import license_verify
from licenses.serving import serving_kinds

GRANT_SALT = "licenses.staff-copy"
GRANT_MAX_AGE = 30 * 60  # a lookup's purpose covers the copies opened within half an hour


def verification_url(identifier: str) -> str:
    """What the QR code on a copy opens."""
    return absolute_public_url(f"{reverse('licenses:verify')}?identifier={identifier}&via=qr")


def verify(request):
    """核验: anyone, by identifier or QR; rate-limited per address."""
    asked = request.GET.get("identifier")
    context = {"asked": (asked or "")[:200], "answer": None, "error": None}
    if asked is not None:
        try:
            ensure_within_rate(
                scope="license-verify-page",
                key=client_address(request) or "-",
                limit=settings.HALL_LICENSE_VERIFY_LIMIT_PER_MINUTE,
                period=60,
                message=_("Too many verifications from this address; please wait a minute."),
            )
        except RateLimited as error:
            context["error"] = user_message(error)
            return render(request, "licenses/verify.html", context, status=429)
        channel = LicenseVerification.Channel.QR if request.GET.get("via") == "qr" else LicenseVerification.Channel.PAGE
        context["answer"] = license_verify(identifier=asked, channel=channel)
    return render(request, "licenses/verify.html", context)


# --- the holder ---------------------------------------------------------------------------------------------------


@citizen_required
def my_licenses(request):
    cards = [license_card(license) for license in licenses_of_citizen(user=request.user)]
    return render(request, "licenses/my_licenses.html", {"cards": cards})


@citizen_required
def my_license(request, license_id: int):
    try:
        license = license_of_citizen(user=request.user, license_id=license_id)
    except AccessRefused:
        raise Http404 from None
    return render(request, "licenses/copy.html", _copy_context(license, for_staff=False))


@citizen_required
def my_license_file(request, license_id: int):
    try:
        license = license_of_citizen(user=request.user, license_id=license_id, kind=LicenseAccess.Kind.DOWNLOAD)
    except AccessRefused:
        raise Http404 from None
    if not license.file:
        raise Http404
    return FileResponse(license.file.open("rb"), as_attachment=True, filename=license.file.name.rsplit("/", 1)[-1])


def _copy_context(license, *, for_staff: bool) -> dict:
    card = license_card(license, masked=for_staff)
    return {
        "card": card,
        "license": license,
        "face": sorted(license.face.items()) if isinstance(license.face, dict) else [],
        "qr_code": qr_svg(verification_url(license.identifier), label=_("Verify this licence"), css_class="copy-qr"),
        "watermark": copy_watermark(license) if for_staff else "",
        "base_template": "base.html" if for_staff else "accounts/portal_base.html",
    }


# --- staff serving the holder -----------------------------------------------------------------------------------------


def _staff(request, kind: str):
    if not request.user.is_authenticated:
        return False
    if request.user.kind != User.Kind.STAFF or kind not in serving_kinds():
        raise PermissionDenied
    return True


@require_http_methods(["GET", "POST"])
def serve(request, kind: str, context_id: int):
    """The licences of the citizen the clerk is serving: the purpose first (required, ≤ 200 characters)."""
    if not _staff(request, kind):
        return redirect_to_login(request.get_full_path())
    context = {"kind": kind, "context_id": context_id, "purpose": "", "error": None, "lookup": None}
    context["purpose_max"] = PURPOSE_MAX_LENGTH
    if request.method == "POST":
        context["purpose"] = str(request.POST.get("purpose", ""))[: PURPOSE_MAX_LENGTH * 2]
        try:
            lookup = licenses_for_staff(
                user=request.user, context_kind=kind, context_id=context_id, purpose=request.POST.get("purpose")
            )
        except ValidationError as error:
            context["error"] = user_message(error)
            return render(request, "licenses/serve.html", context, status=400)
        except AccessRefused as error:
            context["error"] = user_message(error)
            return render(request, "licenses/serve.html", context, status=403)
        grant = signing.dumps({"k": kind, "i": context_id, "p": lookup.purpose}, salt=GRANT_SALT)
        context["lookup"] = lookup
        context["cards"] = [license_card(license) for license in lookup.licenses]
        context["grant"] = grant
    return render(request, "licenses/serve.html", context)


def serve_copy(request, kind: str, context_id: int, license_id: int):
    """A watermarked copy of one licence of the citizen being served, under the purpose given for the lookup."""
    if not _staff(request, kind):
        return redirect_to_login(request.get_full_path())
    try:
        grant = signing.loads(str(request.GET.get("grant", ""))[:2000], salt=GRANT_SALT, max_age=GRANT_MAX_AGE)
        if grant.get("k") != kind or grant.get("i") != context_id:
            raise signing.BadSignature
        purpose = purpose_clean(grant.get("p"))
    except (signing.BadSignature, ValidationError, AttributeError):
        return _refused(request, kind, context_id, _("This link has expired: give the purpose again."))
    try:
        license = license_copy_for_staff(
            user=request.user, license_id=license_id, context_kind=kind, context_id=context_id, purpose=purpose
        )
    except AccessRefused as error:
        return _refused(request, kind, context_id, user_message(error))
    context = _copy_context(license, for_staff=True)
    context.update(purpose=purpose, back=reverse("licenses:serve", args=[kind, context_id]))
    return render(request, "licenses/copy.html", context)


def _refused(request, kind: str, context_id: int, message):
    """The lookup page again, with why the copy is not shown."""
    context = {"kind": kind, "context_id": context_id, "purpose_max": PURPOSE_MAX_LENGTH, "error": message}
    return render(request, "licenses/serve.html", context, status=403)
