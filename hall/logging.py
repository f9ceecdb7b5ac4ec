"""Logging that cannot leak personal information: identity and mobile numbers are masked in every record."""

import logging
import re

from hall import identity

# Full-width digits too: a number pasted from a document is still a number to hide.
_DIGIT = "[0-9０-９]"
ID_NUMBER_RE = re.compile(rf"(?<![0-9A-Za-z０-９]){_DIGIT}{{17}}[0-9０-９XxＸｘ](?![0-9A-Za-z０-９])")
MOBILE_RE = re.compile(rf"(?<![0-9０-９])[1１][3-9３-９]{_DIGIT}{{9}}(?![0-9０-９])")


def redact(text: str) -> str:
    text = ID_NUMBER_RE.sub(lambda m: identity.mask_id_number(m.group()), text)
    return MOBILE_RE.sub(lambda m: identity.mask_mobile(m.group()), text)


class RedactPersonalInformation(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
