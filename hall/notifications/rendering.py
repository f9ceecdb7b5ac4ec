"""Filling a message template: `{name}` placeholders only, every one must get a value, and no identity number leaks.

Templates are edited by staff in the admin, so they are not Python format strings: attribute access, indexing,
conversions and format specs (`{a.b}`, `{a[0]}`, `{a!r}`, `{a:>5}`) are refused, and `{{` / `}}` stand for braces.
"""

import re
import string

from hall import identity

from .errors import TemplateRenderError

PLACEHOLDER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# 18 characters that look like a resident identity card number, not glued to other letters or digits.
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z０-９])[0-9０-９]{17}[0-9Xx０-９Ｘｘ](?![0-9A-Za-z０-９])")


def placeholders(text: str) -> list[str]:
    """The placeholder names of `text`, in order of first use; raises TemplateRenderError when one is malformed."""
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:  # a lone "{" or "}"
        raise TemplateRenderError(
            f"The template text is malformed ({error}); write {{{{ and }}}} for braces."
        ) from error
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not PLACEHOLDER_RE.fullmatch(name) or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise TemplateRenderError(f"{shown} is not a placeholder: write a plain name such as {{number}}.")
        if name not in names:
            names.append(name)
    return names


def render_text(text: str, context: dict, *, code: str = "") -> str:
    """`text` with each `{name}` replaced by `str(context[name])`.

    Raises TemplateRenderError naming the template and every placeholder without a value (a value of None counts as
    missing), and when the result would contain a full identity card number: messages carry masked values only.
    """
    names = placeholders(text)
    missing = [name for name in names if context.get(name) is None]
    label = f"Template {code!r}" if code else "The template"
    if missing:
        given = ", ".join(sorted(context)) or "nothing"
        raise TemplateRenderError(
            f"{label} needs a value for {', '.join('{' + n + '}' for n in missing)}; the context gives {given}."
        )
    rendered = "".join(
        literal + (str(context[name]) if name is not None else "")
        for literal, name, _spec, _conversion in string.Formatter().parse(text)
    )
    if reveals_id_number(rendered):
        raise TemplateRenderError(
            f"{label} would send a full identity card number; pass the masked form (identity.mask_id_number)."
        )
    return rendered


def reveals_id_number(text: str) -> bool:
    """Whether `text` contains a valid 18-character resident identity card number (its check character matches)."""
    return any(identity.id_number_check_char(match[:17]) == match[17].upper() for match in ID_NUMBER_RE.findall(text))
