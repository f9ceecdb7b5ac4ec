"""What happens to cases, announced after commit for the apps above (the pickup number, the big screen's figures,
the evaluator's review at conclusion). Every case event carries case_id, center_id, department_id and matter_id:

- case_submitted         a citizen applied online; the case waits for acceptance
- case_accepted          a clerk accepted it (at a window, or an online application); its clock runs
- case_declined          an online application was not accepted
- case_correction        corrections (补正) were requested; the clock stands still
- case_resubmitted       the corrections were handed in; the clock runs again
- case_extended          an extension was approved; the deadline moved
- case_concluded         approved or refused (`outcome`); `delivery` says pickup or post
- case_delivered         picked up at the pickup window or posted
- case_light_changed     the supervision light turned `light` (yellow or red)
"""

from hall.events import Event, announce

case_submitted = Event("case_submitted")
case_accepted = Event("case_accepted")
case_declined = Event("case_declined")
case_correction = Event("case_correction")
case_resubmitted = Event("case_resubmitted")
case_extended = Event("case_extended")
case_concluded = Event("case_concluded")
case_delivered = Event("case_delivered")
case_light_changed = Event("case_light_changed")

CASE_EVENTS = (
    case_submitted,
    case_accepted,
    case_declined,
    case_correction,
    case_resubmitted,
    case_extended,
    case_concluded,
    case_delivered,
    case_light_changed,
)


def announce_case(event: Event, case, **extra) -> None:
    announce(
        event,
        case_id=case.pk,
        center_id=case.center_id,
        department_id=case.department_id,
        matter_id=case.matter_id,
        **extra,
    )
