"""Form fields and API fields built on the one parsing layer (hall/parsing.py): every form and every serializer
reads ids, dates and free text through these, so a value means the same in a page and in the API."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hall import parsing

# The same limits in forms and the API: a reason shown on a screen, a longer note.
REASON_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 200


# --- Django forms ------------------------------------------------------------------------------------------------


class IdField(forms.Field):
    """An optional row id as a plain number (the view looks the row up itself)."""

    def to_python(self, value):
        return parsing.parse_optional_id(value, label=self.label)


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one row by id: anything that is not an id (`²`, `3.5`, 2^64) is "not one of the choices", never a
    server error and never another row."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            pk = parsing.parse_id(value)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
        try:
            return self.queryset.get(pk=pk)
        except self.queryset.model.DoesNotExist:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        ids = []
        for item in value:
            try:
                ids.append(parsing.parse_id(item))
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(item)[:20]}
                ) from None
        return super()._check_values(ids)


class TextField(forms.CharField):
    """Free text: control characters refused, invisible ones removed, the length checked after that."""

    def __init__(self, *, max_length: int, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(max_length=None, **kwargs)
        self.text_max_length = max_length
        self.widget.attrs.setdefault("maxlength", str(max_length))

    def to_python(self, value):
        return parsing.clean_text(
            value, max_length=self.text_max_length, required=self.required, multiline=self.multiline, label=self.label
        )


class DateField(forms.DateField):
    """A date written YYYY-MM-DD; impossible dates are an error, not another day."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parsing.parse_date(value)


# --- API serializers ---------------------------------------------------------------------------------------------


def _api_error(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(list(error.messages))


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row by id, read with `parse_id`: a bad id is a 400 with a message, never a 500."""

    default_error_messages = {"does_not_exist": _("No such object (id {pk_value})."), "incorrect_type": _("Not an id.")}

    def to_internal_value(self, data):
        try:
            pk = parsing.parse_id(data)
        except ValidationError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(pk)


class IdApiField(serializers.IntegerField):
    """An id read with `parse_id`, not looked up: for a service that reads the row itself, in a statement it runs
    anyway. The service's "no such row" is the caller's to turn into `missing_id_error`."""

    default_error_messages = {"invalid": IdRelatedField.default_error_messages["incorrect_type"]}

    def to_internal_value(self, data):
        try:
            return parsing.parse_id(data)
        except ValidationError:
            self.fail("invalid")


def missing_id_error(field: str, pk: int) -> serializers.ValidationError:
    """The 400 an `IdRelatedField` gives for an id with no row, for an `IdApiField` whose service found none."""
    message = IdRelatedField.default_error_messages["does_not_exist"].format(pk_value=pk)
    return serializers.ValidationError({field: [message]})


class TextApiField(serializers.CharField):
    """Free text in the API, cleaned exactly as `TextField` cleans it in forms."""

    def __init__(self, *, max_length: int, multiline: bool = False, **kwargs):
        self.text_max_length = max_length
        self.multiline = multiline
        kwargs.setdefault("allow_blank", not kwargs.get("required", True))
        super().__init__(max_length=max_length, trim_whitespace=False, **kwargs)
        self.validators = [v for v in self.validators if not hasattr(v, "limit_value")]  # the length is checked below

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return parsing.clean_text(
                data, max_length=self.text_max_length, required=not self.allow_blank, multiline=self.multiline
            )
        except ValidationError as error:
            raise _api_error(error) from None


class DateApiField(serializers.DateField):
    def to_internal_value(self, value):
        try:
            return parsing.parse_date(value)
        except ValidationError as error:
            raise _api_error(error) from None
