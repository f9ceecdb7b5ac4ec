"""Public verification of a licence (核验), by identifier or by the QR code on a copy. The answer says only whether
the licence is valid (or expired, suspended, revoked, cancelled), its type, its issuer and a masked holder; a
malformed identifier and a wrong check character are answered apart from "no such licence". Every verification is
logged without anything about who asked."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from hall.prepared import insert_row
from licenses import identifiers
from licenses.models import LicenseVerification, VerificationOutcome
from licenses.selectors import license_by_identifier, license_card


@dataclass(frozen=True)
class Verification:
    identifier: str
    outcome: str  # a VerificationOutcome value
    message: str  # why a malformed identifier is malformed; blank otherwise
    license_type: str = ""
    issuer: str = ""
    holder: str = ""  # masked name
    holder_code: str = ""  # masked code
    valid_to: datetime.date | None = None

    @property
    def found(self) -> bool:
        return self.outcome not in (
            VerificationOutcome.NOT_FOUND,
            VerificationOutcome.MALFORMED,
            VerificationOutcome.WRONG_CHECK,
        )

    @property
    def outcome_label(self):
        return VerificationOutcome(self.outcome).label


def license_verify(*, identifier, channel: str) -> Verification:
    asked = str(identifier or "")[: identifiers.MAX_LENGTH]
    try:
        parsed = identifiers.parse(identifier)
    except ValidationError as error:
        outcome = VerificationOutcome.WRONG_CHECK if error.code == "identifier_check" else VerificationOutcome.MALFORMED
        answer = Verification(identifier=asked, outcome=outcome, message=" ".join(error.messages))
        _log(answer, license=None, channel=channel)
        return answer
    license = license_by_identifier(str(parsed))
    if license is None:
        answer = Verification(identifier=str(parsed), outcome=VerificationOutcome.NOT_FOUND, message="")
        _log(answer, license=None, channel=channel)
        return answer
    card = license_card(license)
    answer = Verification(
        identifier=license.identifier,
        outcome=card.state,
        message="",
        license_type=license.license_type.name,
        issuer=license.issuer,
        holder=card.holder_name,
        holder_code=card.holder_code,
        valid_to=license.valid_to,
    )
    _log(answer, license=license, channel=channel)
    return answer


def _log(answer: Verification, *, license, channel: str) -> None:
    if channel not in LicenseVerification.Channel.values:
        channel = LicenseVerification.Channel.PAGE
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The log of anonymous look-ups need not wait for the disk: a crash of the database server may lose
            # its last fraction of a second, never a licence or a 用证 record (docs/decisions.md).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        insert_row(
            LicenseVerification,
            at=timezone.now(),
            identifier=answer.identifier,
            license_id=getattr(license, "pk", None),
            outcome=answer.outcome,
            channel=channel,
        )
