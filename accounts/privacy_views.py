"""The citizen's rights over their data (PIPL): the privacy notice, consent to it, the download of what the hall
holds, and the deletion of the account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.personal_data import registered_sections
from accounts.privacy import PRIVACY_NOTICE_VERSION
from accounts.views import citizen_required
from hall.errors import DomainError


def privacy_notice(request):
    consented = selectors.has_current_consent(user=request.user) if request.user.is_authenticated else None
    context = {"version": PRIVACY_NOTICE_VERSION, "consented": consented, "sections": registered_sections()}
    return render(request, "accounts/privacy_notice.html", context)


@citizen_required
@require_POST
def privacy_consent(request):
    try:
        services.privacy_consent_give(user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Thank you: your consent to the privacy notice is recorded."))
    return redirect("accounts:portal")


@citizen_required
@never_cache
def my_data(request):
    return render(request, "accounts/my_data.html", {"data": selectors.personal_data(user=request.user)})


@citizen_required
@never_cache
def my_data_download(request):
    data = selectors.personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


@citizen_required
@never_cache
@sensitive_post_parameters("password")
def account_delete(request):
    """Asks for the password, says what goes and what the law keeps, then closes the account and signs out."""
    error = None
    if request.method == "POST":
        try:
            services.citizen_account_delete(
                user=request.user,
                confirmed=request.POST.get("confirm") == "1",
                password=request.POST.get("password", ""),
                request=request,
            )
        except DomainError as refused:
            error = str(refused.message)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. What the law keeps is kept as the notice says."))
            return redirect("accounts:portal")
    context = {"sections": registered_sections(), "error": error}
    return render(request, "accounts/account_delete.html", context, status=400 if error else 200)
