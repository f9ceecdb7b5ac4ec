"""Pages that post one action: run it, and turn a refusal into a message on the page it came from."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from hall.errors import DomainError, user_message


def act(request, action, done_message=None):
    """Run `action()`; on success flash `done_message` (if any) and return its result (or True); on a refusal (a
    rule of the hall, or a value that is not valid) flash the reason and return None. Nothing was written then."""
    try:
        result = action()
    except (DomainError, ValidationError) as error:
        messages.error(request, user_message(error))
        return None
    if done_message:
        messages.success(request, done_message)
    return result if result is not None else True
