import re

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hall import identity
from hall.fields import TextField
from hall.parsing import ascii_form, clean_text


def _input(**attrs):
    return forms.TextInput(attrs={"autocomplete": "off", **attrs})


class MobileField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", _input(inputmode="tel", autocomplete="tel"))
        super().__init__(**kwargs)

    def clean(self, value):
        return identity.validate_mobile(super().clean(value))


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Verification code"))
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", _input(inputmode="numeric", autocomplete="one-time-code"))
        super().__init__(**kwargs)


class MobileCodeForm(forms.Form):
    """Mobile number and a code sent to it: the first step of registering or signing in by SMS."""

    mobile = MobileField()
    code = CodeField()

    def clean_code(self):
        code = ascii_form(self.cleaned_data.get("code", "")).strip()
        if self.data.get("action") != "send_code" and not re.fullmatch(r"[0-9]{6}", ascii_form(code)):
            raise ValidationError(_("Enter the 6-digit code sent to your mobile."))
        return code


class RegisterForm(MobileCodeForm):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, required=False, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, required=False, strip=False)
    consent = forms.BooleanField(label=_("I have read the privacy notice and agree to it"), required=False)

    def clean(self):
        cleaned = super().clean()
        if self.data.get("action") == "send_code":
            return cleaned
        if not cleaned.get("consent"):
            self.add_error("consent", _("Please read the privacy notice and agree to it to register."))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if not password1:
            self.add_error("password1", _("Choose a password."))
        elif password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        else:
            try:
                password_validation.validate_password(password1)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class PasswordLoginForm(forms.Form):
    mobile = MobileField()
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)


class ProfileForm(forms.Form):
    real_name = TextField(label=_("Real name"), max_length=60)
    id_number = forms.CharField(
        label=_("Identity card number"), max_length=30, widget=_input(autocomplete="off", spellcheck="false")
    )

    def clean_real_name(self):
        return identity.validate_person_name(self.cleaned_data["real_name"])

    def clean_id_number(self):
        return identity.validate_id_number(self.cleaned_data["id_number"])


class CompanyForm(forms.Form):
    company_name = TextField(label=_("Company name"), max_length=120)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30, widget=_input(spellcheck="false"))
    is_legal_representative = forms.BooleanField(label=_("I am its legal representative"), required=False)

    def clean_company_name(self):
        return identity.validate_organisation_name(self.cleaned_data["company_name"])

    def clean_uscc(self):
        return identity.validate_uscc(self.cleaned_data["uscc"])


class _ParsedUsername:
    """The username read through the parsing layer before anyone authenticates: a name longer than any account's,
    or with control characters, is refused on the form and never reaches the failed sign-in log (Django's own form
    shows the limit but does not check it)."""

    def clean_username(self):
        limit = get_user_model()._meta.get_field("username").max_length
        return clean_text(self.cleaned_data["username"], max_length=limit, required=True, label=_("Username"))


class StaffAuthenticationForm(_ParsedUsername, AuthenticationForm):
    pass


class StaffAdminAuthenticationForm(_ParsedUsername, AdminAuthenticationForm):
    pass
