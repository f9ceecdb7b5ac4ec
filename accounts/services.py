"""Writes about people: registration, one-time codes, real-name profiles, company agents, preferences."""

import datetime
import hmac
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CitizenProfile, CompanyAgent, OneTimeCode, PrivacyConsent, User
from accounts.personal_data import registered_sections
from accounts.privacy import PRIVACY_NOTICE_VERSION
from hall import identity, pii
from hall.audit import Action, audit_record
from hall.errors import DomainError, NotAllowed
from hall.notifications.models import Notification
from hall.notifications.services import notification_send
from hall.ratelimit import ensure_within_rate

CODE_TTL = datetime.timedelta(minutes=5)
CODE_RESEND_AFTER = datetime.timedelta(seconds=60)
CODE_MAX_ATTEMPTS = 5


class CodeRefused(DomainError):
    pass


def _code_hash(code: str) -> str:
    return pii.blind_index("text", f"otp:{code}")


@transaction.atomic
def login_code_send(*, mobile: str, purpose: str, client: str) -> OneTimeCode:
    """Send a fresh six-digit code to `mobile`. The answer is the same whether or not the number is registered."""
    number = identity.validate_mobile(mobile)
    mobile_hash = pii.blind_index("mobile", number)
    ensure_within_rate(
        scope="code-send-ip", key=client, limit=20, period=3600, message=_("Too many codes requested; try later.")
    )
    now = timezone.now()
    # Any code to this number, whatever it was for: the SMS limits count per number, and so does this.
    recent = OneTimeCode.objects.filter(mobile_hash=mobile_hash, created_at__gt=now - CODE_RESEND_AFTER).exists()
    if recent:
        raise CodeRefused(_("A code was sent less than a minute ago; please wait before asking again."))
    code = f"{secrets.randbelow(10**6):06d}"
    otp = OneTimeCode.objects.create(
        mobile_hash=mobile_hash, purpose=purpose, code_hash=_code_hash(code), expires_at=now + CODE_TTL
    )
    sms = notification_send(template="login_code", mobile=number, context={"code": code}, event_key=f"otp:{otp.pk}")
    if sms is not None and sms.status == Notification.Status.SUPPRESSED:
        raise CodeRefused(_("Too many codes were sent to this number; try again later."))
    return otp


def login_code_verify(*, mobile: str, purpose: str, code: str) -> None:
    """Accept `code` for `mobile` once, or raise. Every wrong try is counted (and kept); five end the code."""
    number = identity.validate_mobile(mobile)
    mobile_hash = pii.blind_index("mobile", number)
    wrong = _("The code is wrong or has expired. Ask for a new one.")
    ensure_within_rate(scope="code-verify", key=mobile_hash, limit=10, period=3600, message=wrong)
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(mobile_hash=mobile_hash, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if otp is None or otp.expires_at <= timezone.now() or otp.attempts >= CODE_MAX_ATTEMPTS:
            accepted = False
        elif hmac.compare_digest(otp.code_hash, _code_hash(str(code).strip())):
            otp.used_at = timezone.now()
            otp.save(update_fields=["used_at"])
            accepted = True
        else:
            otp.attempts += 1
            otp.save(update_fields=["attempts"])
            accepted = False
    # Raised after the block, so that the counted attempt is committed.
    if not accepted:
        raise CodeRefused(wrong)


def citizen_register(*, mobile: str, code: str, password: str, consented: bool) -> User:
    """A citizen account, opened only with consent to the privacy notice in force, recorded with its version."""
    if not consented:
        raise DomainError(_("Please read the privacy notice and agree to it to register."), code="consent")
    number = identity.validate_mobile(mobile)
    # Verified in a transaction of its own: a wrong code is counted even though registration fails.
    login_code_verify(mobile=number, purpose=OneTimeCode.Purpose.REGISTER, code=code)
    try:
        with transaction.atomic():
            user = User(username=f"c{secrets.token_hex(6)}", kind=User.Kind.CITIZEN, mobile=number, is_staff=False)
            user.set_password(password)
            user.save()
            _consent_record(user=user, channel=PrivacyConsent.Channel.REGISTRATION)
    except IntegrityError as error:
        raise DomainError(_("This mobile number is already registered. Please sign in.")) from error
    return user


def _consent_record(*, user: User, channel: str) -> PrivacyConsent:
    return PrivacyConsent.objects.create(
        user=user, version=PRIVACY_NOTICE_VERSION, given_at=timezone.now(), channel=channel
    )


def privacy_consent_give(*, user: User) -> PrivacyConsent:
    """A signed-in citizen agrees to the notice in force (a new version asks again); twice is refused, in words."""
    if not user.is_authenticated or user.kind != User.Kind.CITIZEN:
        raise NotAllowed(_("Only a signed-in citizen account can do this."))
    try:
        with transaction.atomic():
            return _consent_record(user=user, channel=PrivacyConsent.Channel.PORTAL)
    except IntegrityError as error:
        raise DomainError(
            _("You have agreed to this version of the privacy notice already."), code="consent"
        ) from error


@transaction.atomic
def citizen_account_delete(*, user: User, confirmed: bool, password: str, request=None) -> None:
    """Close the citizen's account and erase what the hall may erase (PIPL Art. 47): each app's sections erase their
    own (accounts.personal_data), then the profile, the companies and the account's name and mobile go. What the
    law makes the hall keep stays, as the privacy notice says; the consents stay as the proof they are."""
    if not user.is_authenticated or user.kind != User.Kind.CITIZEN:
        raise NotAllowed(_("Only a signed-in citizen account can do this."))
    if not confirmed or not user.check_password(password or ""):
        raise DomainError(
            _("Tick the box and give your password to delete the account; nothing was changed."), code="confirm"
        )
    for section in registered_sections():
        if section.erase is not None:
            section.erase(user)
    CompanyAgent.objects.filter(user=user).delete()
    CitizenProfile.objects.filter(user=user).delete()
    user.username = f"deleted-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.mobile = ""
    user.is_active = False
    user.elderly_mode = False
    user.set_unusable_password()
    user.save()
    audit_record(action=Action.ACCOUNT_DELETED, actor=None, target=user, request=request)


def citizen_for_code_login(*, mobile: str, code: str) -> User:
    number = identity.validate_mobile(mobile)
    login_code_verify(mobile=number, purpose=OneTimeCode.Purpose.LOGIN, code=code)
    user = User.objects.filter(
        mobile_hash=pii.blind_index("mobile", number), kind=User.Kind.CITIZEN, is_active=True
    ).first()
    if user is None:
        raise DomainError(_("No account uses this mobile number. Please register first."))
    return user


@transaction.atomic
def profile_save(*, user: User, real_name: str, id_number: str, request=None) -> CitizenProfile:
    """Set the real-name identity of a citizen. One identity number belongs to one account."""
    real_name = identity.validate_person_name(real_name)
    number = identity.validate_id_number(id_number)
    taken = (
        CitizenProfile.objects.filter(id_number_hash=pii.blind_index("id_number", number)).exclude(user=user).exists()
    )
    if taken:
        raise DomainError(_("This identity card number is already used by another account."))
    profile, _created = CitizenProfile.objects.update_or_create(
        user=user, defaults={"real_name": real_name, "id_number": number}
    )
    audit_record(
        action=Action.PROFILE_CHANGED,
        actor=user,
        target=profile,
        detail={"id_number": identity.mask_id_number(number)},
        request=request,
    )
    return profile


@transaction.atomic
def company_agent_add(*, user: User, company_name: str, uscc: str, is_legal_representative: bool) -> CompanyAgent:
    code = identity.validate_uscc(uscc)
    name = identity.validate_organisation_name(company_name)
    agent, created = CompanyAgent.objects.get_or_create(
        user=user, uscc=code, defaults={"company_name": name, "is_legal_representative": is_legal_representative}
    )
    if not created:
        raise DomainError(_("You already act for this company."))
    return agent


@transaction.atomic
def company_agent_remove(*, user: User, agent_id: int) -> None:
    deleted, _rows = CompanyAgent.objects.filter(user=user, pk=agent_id).delete()
    if not deleted:
        raise DomainError(_("This company is not in your list."))


def elderly_mode_set(*, user: User, enabled: bool) -> None:
    if user.is_authenticated and user.elderly_mode != enabled:
        user.elderly_mode = enabled
        user.save(update_fields=["elderly_mode"])


# A staff photo is shown on the evaluator only: a small JPEG or PNG, checked by its first bytes, not its name.
PHOTO_MAX_BYTES = 300 * 1024
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def staff_photo_type(data: bytes) -> str:
    """The media type of a photo fit for the evaluator, or a DomainError saying what is wrong with it."""
    if len(data) > PHOTO_MAX_BYTES:
        raise DomainError(_("The photo may be at most 300 KB."), code="photo_too_big")
    kind = next((kind for magic, kind in PHOTO_SIGNATURES.items() if data.startswith(magic)), None)
    if kind is None:
        raise DomainError(_("The photo must be a JPEG or PNG image."), code="photo_type")
    return kind


def staff_photo_set(*, user: User, data: bytes | None) -> None:
    """Keep `data` as the user's photo (None or empty: remove it); anything but a small JPEG or PNG is refused."""
    if not data:
        User.objects.filter(pk=user.pk).update(photo=b"", photo_type="")
        user.photo, user.photo_type = b"", ""
        return
    kind = staff_photo_type(data)
    User.objects.filter(pk=user.pk).update(photo=data, photo_type=kind)
    user.photo, user.photo_type = data, kind
