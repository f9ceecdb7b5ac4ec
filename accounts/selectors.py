from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import CitizenProfile, CompanyAgent, PrivacyConsent, StaffMembership, StaffRole, User
from accounts.personal_data import registered_sections
from accounts.portal import PortalEntry, registered_entries
from accounts.privacy import PRIVACY_NOTICE_VERSION
from centers.models import Center


def citizen_profile(*, user: User) -> CitizenProfile | None:
    return CitizenProfile.objects.filter(user=user).first() if user.is_authenticated else None


def company_agents(*, user: User):
    return CompanyAgent.objects.filter(user=user).order_by("company_name")


def portal_entries(*, user) -> list[PortalEntry]:
    """The services of the portal, in the order citizens look for them; those open at this hall first."""
    return sorted(registered_entries(), key=lambda entry: (entry.url_name is None, entry.order))


# --- Who may see and act on which centre ----------------------------------------------------------------------------

SUPERVISING_ROLES = frozenset({StaffRole.SUPERVISOR, StaffRole.CENTER_ADMIN})


@dataclass(frozen=True)
class CenterAccess:
    """Which centres a user may see and act on, and in which role (the one answer every screen and service asks).

    - A member of staff sees the centres they hold any role in.
    - Supervisors and centre admins oversee their centres and every site below them: they see them, supervise them
      (console, forced sign-out, tidal windows) and may staff their windows.
    - Clerks staff the windows of the centres they are clerks of.
    - Department heads see their centre, for their department's matters, cases and reviews.
    - The system admin (superuser) sees and acts everywhere; citizens and visitors nowhere.
    """

    everywhere: bool = False
    roles: dict[int, frozenset[str]] = field(default_factory=dict)  # centre id → roles held there
    supervised: frozenset[int] = frozenset()  # centres overseen, sites below included
    departments: dict[int, frozenset[int]] = field(default_factory=dict)  # centre id → departments headed there

    def sees(self, center_id: int) -> bool:
        return self.everywhere or center_id in self.roles or center_id in self.supervised

    def supervises(self, center_id: int) -> bool:
        return self.everywhere or center_id in self.supervised

    def staffs(self, center_id: int) -> bool:
        """May sign in to the centre's windows."""
        return StaffRole.CLERK in self.roles.get(center_id, ()) or self.supervises(center_id)

    def heads(self, center_id: int, department_id: int) -> bool:
        return self.everywhere or department_id in self.departments.get(center_id, ())

    @property
    def seen_ids(self) -> set[int] | None:
        """The centres seen; None means every centre."""
        return None if self.everywhere else set(self.roles) | set(self.supervised)

    @property
    def supervised_ids(self) -> set[int] | None:
        """The centres supervised; None means every centre."""
        return None if self.everywhere else set(self.supervised)

    @property
    def staffed_ids(self) -> set[int] | None:
        """The centres whose windows the user may sign in to; None means every centre."""
        if self.everywhere:
            return None
        return {center_id for center_id, held in self.roles.items() if StaffRole.CLERK in held} | self.supervised

    @property
    def member_ids(self) -> set[int]:
        """The centres where the user holds a role themselves (their own, shown first)."""
        return set(self.roles)


NOBODY = CenterAccess()


def center_access(user) -> CenterAccess:
    """What `user` may see and act on: two queries, one for the memberships and one per level of sites below."""
    if user is None or not user.is_authenticated:
        return NOBODY
    if user.is_superuser:
        return CenterAccess(everywhere=True)
    roles: dict[int, set[str]] = {}
    departments: dict[int, set[int]] = {}
    for center_id, role, department_id in StaffMembership.objects.filter(user=user).values_list(
        "center_id", "role", "department_id"
    ):
        roles.setdefault(center_id, set()).add(role)
        if role == StaffRole.DEPARTMENT_HEAD and department_id is not None:
            departments.setdefault(center_id, set()).add(department_id)
    overseen = {center_id for center_id, held in roles.items() if held & SUPERVISING_ROLES}
    return CenterAccess(
        roles={center_id: frozenset(held) for center_id, held in roles.items()},
        supervised=frozenset(with_sites_below(overseen)),
        departments={center_id: frozenset(ids) for center_id, ids in departments.items()},
    )


def with_sites_below(center_ids: set[int]) -> set[int]:
    """`center_ids` and every centre below them in the tree."""
    scope, frontier = set(center_ids), set(center_ids)
    while frontier:
        frontier = set(Center.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - scope
        scope |= frontier
    return scope


def department_heads(*, center_id: int, department_id: int) -> list[User]:
    """The active heads of a department at a centre: whom a department's overdue work is reported to."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__center_id=center_id,
            memberships__role=StaffRole.DEPARTMENT_HEAD,
            memberships__department_id=department_id,
        ).distinct()
    )


# --- The citizen's own data (PIPL): consent, and what the hall holds ----------------------------------------------


def has_current_consent(*, user) -> bool:
    """Whether the citizen agreed to the privacy notice in force (staff are bound by their own rules, not asked)."""
    if not user.is_authenticated or user.kind != User.Kind.CITIZEN:
        return True
    return PrivacyConsent.objects.filter(user=user, version=PRIVACY_NOTICE_VERSION).exists()


def personal_data(*, user) -> dict:
    """Everything the hall holds about the citizen, as plain values, section by section, with what a deletion of
    the account would keep and why (the download of PIPL Art. 45)."""
    profile = citizen_profile(user=user)
    account = {
        "username": user.get_username(),
        "mobile": user.mobile,
        "registered": user.date_joined.isoformat(),
        "last_sign_in": user.last_login.isoformat() if user.last_login else None,
        "elderly_mode": user.elderly_mode,
        "real_name": profile.real_name if profile else None,
        "identity_card_number": profile.id_number if profile else None,
    }
    consents = [
        {"version": c.version, "given": c.given_at.isoformat(), "channel": c.channel}
        for c in PrivacyConsent.objects.filter(user=user).order_by("given_at")
    ]
    companies = [
        {
            "name": a.company_name,
            "unified_social_credit_code": a.uscc,
            "legal_representative": a.is_legal_representative,
        }
        for a in company_agents(user=user)
    ]
    sections = {
        section.key: {"title": str(section.title), "records": section.read(user), "kept_on_deletion": str(section.kept)}
        for section in registered_sections()
    }
    return {
        "generated": timezone.now().isoformat(),
        "privacy_notice_version": PRIVACY_NOTICE_VERSION,
        "account": account,
        "privacy_consents": consents,
        "companies": companies,
        **sections,
    }
