"""The citizens' portal: sign-up and sign-in by mobile number, real-name profile, companies, elderly mode."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import (
    CompanyForm,
    MobileCodeForm,
    PasswordLoginForm,
    ProfileForm,
    RegisterForm,
    StaffAuthenticationForm,
)
from accounts.models import OneTimeCode, User
from hall.audit import client_address
from hall.errors import DomainError
from hall.ratelimit import ensure_within_rate

ELDERLY_COOKIE = "hall_elderly"
MOBILE_BACKEND = "accounts.backends.MobileBackend"


def portal_home(request):
    context = {
        "entries": selectors.portal_entries(user=request.user),
        "consent_due": not selectors.has_current_consent(user=request.user),
    }
    return render(request, "accounts/portal_home.html", context)


def _send_code(request, form, purpose) -> None:
    try:
        services.login_code_send(
            mobile=form.cleaned_data["mobile"], purpose=purpose, client=client_address(request) or "-"
        )
    except DomainError as error:
        form.add_error("code", str(error.message))
    else:
        messages.success(request, _("A code has been sent to your mobile. It is valid for 5 minutes."))


def _login_limit(request) -> None:
    ensure_within_rate(
        scope="login-ip",
        key=client_address(request) or "-",
        limit=30,
        period=60,
        message=_("Too many sign-in attempts from this device; wait a minute."),
    )


@sensitive_post_parameters("mobile", "code", "password1", "password2")
def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send_code":
            _send_code(request, form, OneTimeCode.Purpose.REGISTER)
        else:
            try:
                user = services.citizen_register(
                    mobile=form.cleaned_data["mobile"],
                    code=form.cleaned_data["code"],
                    password=form.cleaned_data["password1"],
                    consented=form.cleaned_data["consent"],
                )
            except services.CodeRefused as error:
                form.add_error("code", str(error.message))
            except DomainError as error:
                form.add_error("mobile", str(error.message))
            else:
                login(request, user, backend=MOBILE_BACKEND)
                messages.success(request, _("Welcome. Complete your real-name profile to handle matters."))
                return redirect("accounts:profile")
    return render(request, "accounts/register.html", {"form": form})


@sensitive_post_parameters("mobile", "password")
def login_password(request):
    form = PasswordLoginForm(request.POST or None)
    if request.method == "POST":
        try:
            _login_limit(request)
        except DomainError as error:
            form.add_error(None, str(error.message))
            return render(request, "accounts/login.html", {"form": form, "mode": "password"}, status=429)
        if form.is_valid():
            user = authenticate(request, mobile=form.cleaned_data["mobile"], password=form.cleaned_data["password"])
            if user is not None:
                login(request, user)
                return HttpResponseRedirect(_next_url(request, "accounts:portal"))
            if not getattr(request, "axes_locked_out", False):
                form.add_error(None, _("The mobile number or the password is wrong."))
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
    return render(request, "accounts/login.html", {"form": form, "mode": "password"})


@sensitive_post_parameters("mobile", "code")
def login_code(request):
    form = MobileCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send_code":
            _send_code(request, form, OneTimeCode.Purpose.LOGIN)
        else:
            try:
                user = services.citizen_for_code_login(
                    mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"]
                )
            except DomainError as error:
                form.add_error("code", str(error.message))
            else:
                login(request, user, backend=MOBILE_BACKEND)
                return HttpResponseRedirect(_next_url(request, "accounts:portal"))
    return render(request, "accounts/login.html", {"form": form, "mode": "code"})


def locked_out(request, credentials=None, *args, **kwargs):
    return render(request, "registration/locked_out.html", status=429)


def citizen_required(view):
    """Portal pages about one's own identity are for citizen accounts; staff identities live elsewhere."""

    @login_required
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.user.kind != User.Kind.CITIZEN:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


@citizen_required
@sensitive_post_parameters("id_number", "real_name")
def profile(request):
    current = selectors.citizen_profile(user=request.user)
    form = ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(
                user=request.user,
                real_name=form.cleaned_data["real_name"],
                id_number=form.cleaned_data["id_number"],
                request=request,
            )
        except (DomainError, ValidationError) as error:
            form.add_error("id_number", error.message if isinstance(error, DomainError) else error)
        else:
            messages.success(request, _("Your real-name profile is saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "profile": current})


@citizen_required
def companies(request):
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_agent_add(
                user=request.user,
                company_name=form.cleaned_data["company_name"],
                uscc=form.cleaned_data["uscc"],
                is_legal_representative=form.cleaned_data["is_legal_representative"],
            )
        except DomainError as error:
            form.add_error("uscc", str(error.message))
        else:
            messages.success(request, _("The company is added."))
            return redirect("accounts:companies")
    return render(
        request, "accounts/companies.html", {"form": form, "agents": selectors.company_agents(user=request.user)}
    )


@citizen_required
@require_POST
def company_remove(request, agent_id: int):
    try:
        services.company_agent_remove(user=request.user, agent_id=agent_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The company is removed from your list."))
    return redirect("accounts:companies")


@require_POST
def elderly_mode(request):
    """Large type and high contrast, remembered for the device and, when signed in, for the account."""
    enabled = request.POST.get("enabled") == "1"
    services.elderly_mode_set(user=request.user, enabled=enabled)
    response = HttpResponseRedirect(_next_url(request, "accounts:portal"))
    if enabled:
        response.set_cookie(ELDERLY_COOKIE, "1", max_age=3600 * 24 * 365, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(ELDERLY_COOKIE)
    return response


def _next_url(request, default: str) -> str:
    """A path of this site to go back to, as the form said; anything else (another site, not a path) is ignored."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and target.isprintable()
        and len(target) <= 2000
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return reverse(default)


class StaffLoginView(auth_views.LoginView):
    """Staff sign-in by username; the address is rate-limited, the account locked after repeated failures."""

    def post(self, request, *args, **kwargs):
        try:
            _login_limit(request)
        except DomainError as error:
            form = self.get_form()
            form.add_error(None, str(error.message))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


staff_login = sensitive_post_parameters("password")(StaffLoginView.as_view(authentication_form=StaffAuthenticationForm))
