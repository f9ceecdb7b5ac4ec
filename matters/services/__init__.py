from matters.services.cases import (
    case_accept,
    case_conclude,
    case_decline,
    case_deliver,
    case_extension_decide,
    case_extension_request,
    case_request_correction,
    case_resubmit,
    case_submit,
)
from matters.services.supervision import cases_recount_deadlines, cases_supervise

__all__ = [
    "case_accept",
    "case_conclude",
    "case_decline",
    "case_deliver",
    "case_extension_decide",
    "case_extension_request",
    "case_request_correction",
    "case_resubmit",
    "case_submit",
    "cases_recount_deadlines",
    "cases_supervise",
]
