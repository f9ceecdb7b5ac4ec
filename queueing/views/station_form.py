"""The community station's form (社区代取号): a queue of one of the station's halls, the citizen's identity number
(required: the number is taken on behalf of a person), an optional mobile number for the SMS, a priority group.

Identity and mobile numbers are never written back into the page. When the service refuses after the numbers were
valid (queue closed, limits reached), the form keeps them as encrypted, signed tokens and shows them masked, so the
station worker need not type them again.
"""

from django import forms
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

from centers.models import Center
from hall import identity, pii
from hall.fields import IdChoiceField
from hall.idempotency import KEY_RE
from queueing import selectors
from queueing.models import Queue

KEPT_SALT = "queueing.station-kept"
KEPT_MAX_AGE = 15 * 60


def seal(value: str) -> str:
    """A token that carries `value` through the page encrypted: it cannot be read, only sent back."""
    return signing.dumps(pii.encrypt(value), salt=KEPT_SALT)


def unseal(token: str) -> str:
    """The value of a token made by `seal`, or "" when it is missing, forged or older than a quarter of an hour."""
    if not token or len(token) > 1000:
        return ""
    try:
        return pii.decrypt(signing.loads(token, salt=KEPT_SALT, max_age=KEPT_MAX_AGE))
    except (signing.BadSignature, ImproperlyConfigured, AttributeError):
        return ""


class StationIssueForm(forms.Form):
    queue = IdChoiceField(
        label=_("Queue"),
        queryset=Queue.objects.none(),
        error_messages={"required": _("Choose a queue."), "invalid_choice": _("Choose a queue of this hall.")},
    )
    id_number = forms.CharField(label=_("Identity card number"), required=False, max_length=30)
    mobile = forms.CharField(label=_("Mobile number"), required=False, max_length=20)
    priority_group = forms.ChoiceField(label=_("Priority group"), required=False)
    idempotency_key = forms.RegexField(
        regex=KEY_RE, error_messages={"invalid": _("This form is out of date; please try again.")}
    )

    def __init__(self, *args, hall: Center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = Queue.objects.filter(center=hall)
        groups = selectors.center_settings_or_default(center_id=hall.pk).priority_groups
        # Appointment priority comes only from checking in an appointment; every other group staff may vouch for.
        self.fields["priority_group"].choices = [("", _("None"))] + [
            (group["code"], group.get("label") or group["code"]) for group in groups if group["code"] != "appointment"
        ]

    def _typed_or_kept(self, name: str, validate) -> str:
        typed = self.cleaned_data.get(name, "").strip()
        if typed:
            return validate(typed)
        return unseal(self.data.get(f"{name}_kept", ""))

    def clean_id_number(self) -> str:
        number = self._typed_or_kept("id_number", identity.validate_id_number)
        if not number:
            raise ValidationError(
                _("Enter the citizen's identity card number: the number is taken on their behalf."), code="required"
            )
        return number

    def clean_mobile(self) -> str:
        return self._typed_or_kept("mobile", identity.validate_mobile)

    def kept(self) -> dict[str, str]:
        """The valid numbers of this submission, sealed for the next one and masked for the eye."""
        kept = {}
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("id_number"):
            kept |= {
                "id_number_kept": seal(cleaned["id_number"]),
                "id_masked": identity.mask_id_number(cleaned["id_number"]),
            }
        if cleaned.get("mobile"):
            kept |= {"mobile_kept": seal(cleaned["mobile"]), "mobile_masked": identity.mask_mobile(cleaned["mobile"])}
        return kept
