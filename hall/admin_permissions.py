"""Permissions as an administrator reads them: Django stores their names in English once, at migrate time ("Can add
centre"), so the admin's permission lists would stay English in a Chinese hall. Here the four built-in ones are
named again in the reader's language from the model's own (translated) name."""

from django import forms
from django.contrib.auth.models import Permission
from django.utils.translation import gettext as _

BUILT_IN = ("add", "change", "delete", "view")


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    action, _sep, codename_model = permission.codename.partition("_")
    if model is None or action not in BUILT_IN or codename_model != model._meta.model_name:
        return f"{permission.content_type.app_label} | {permission.name}"
    app = model._meta.app_config.verbose_name
    text = {
        "add": _("Can add %(model)s"),
        "change": _("Can change %(model)s"),
        "delete": _("Can delete %(model)s"),
        "view": _("Can view %(model)s"),
    }[action]
    return f"{app} | {text % {'model': model._meta.verbose_name}}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


def translated_permissions(db_field, formfield):
    """The admin's permissions field with translated labels (for `formfield_for_manytomany`)."""
    if db_field.related_model is Permission and formfield is not None:
        field = PermissionsField(
            queryset=formfield.queryset.select_related("content_type"),
            required=formfield.required,
            widget=formfield.widget,
            label=formfield.label,
            help_text=formfield.help_text,
        )
        return field
    return formfield
