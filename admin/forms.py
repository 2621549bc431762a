"""Server-side form checking: the wire schema validates, and each message lands beside its field."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from admin.i18n import N_, gettext
from store.errors import StoreError

FieldErrors = dict[str, str]

# Pydantic's error types, said the way a shop manager reads them. ``%(x)s`` takes the error's ctx.
_MESSAGES = {
    "missing": N_("Required."),
    "string_too_short": N_("Required."),
    "string_too_long": N_("Too long: at most %(max_length)s characters."),
    "string_pattern_mismatch": N_("Use only letters, digits, '-', '_' and '.'."),
    "greater_than": N_("Must be more than %(gt)s."),
    "greater_than_equal": N_("Must be %(ge)s or more."),
    "less_than_equal": N_("Must be %(le)s or less."),
    "float_parsing": N_("Enter a number."),
    "float_type": N_("Enter a number."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": N_("Enter a date as YYYY-MM-DD."),
    "date_type": N_("Enter a date as YYYY-MM-DD."),
}
_FIELD_VALUE_ERRORS = {
    "category": N_("Choose a category from the list."),
    "floor_code": N_("Choose a floor from the list."),
    "closed_on": N_("The closing day is before the opening day."),
}
NOT_VALID = N_("This value is not valid.")


def _message(error: Any, field: str, locale: str) -> str:
    if error["type"] == "value_error":
        return gettext(_FIELD_VALUE_ERRORS.get(field, NOT_VALID), locale)
    template = _MESSAGES.get(error["type"], NOT_VALID)
    # 0.0 reads as 0 for a person; ctx values are the schema's limits.
    ctx = {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in (error.get("ctx") or {}).items()}
    return gettext(template, locale) % ctx


def validate(schema: type[BaseModel], data: dict[str, Any], locale: str) -> tuple[Any, FieldErrors]:
    """The schema instance, or the first error message per field."""
    try:
        return schema.model_validate(data), {}
    except ValidationError as exc:
        errors: FieldErrors = {}
        for error in exc.errors():
            # A model-level check (closed before opened) has no field: it belongs to the closing day.
            field = str(error["loc"][0]) if error["loc"] else "closed_on"
            errors.setdefault(field, _message(error, field, locale))
        return None, errors


# Business errors raised by services, by problem type: which field they belong beside.
_STORE_ERROR_FIELDS = {
    "shop-code-taken": ("code", N_("This code is already used by another shop.")),
    "code-taken": ("code", N_("This code is already used.")),
    "floor-not-found": ("floor_code", N_("Choose a floor from the list.")),
    "invalid-dates": ("closed_on", N_("The closing day is before the opening day.")),
}


def store_error_fields(exc: StoreError, locale: str) -> FieldErrors:
    """A service's refusal as a message beside the field it concerns (or the whole form: ``__all__``)."""
    if exc.type in _STORE_ERROR_FIELDS:
        field, message = _STORE_ERROR_FIELDS[exc.type]
        return {field: gettext(message, locale)}
    for error in exc.errors:
        loc = [part for part in error.get("loc", []) if part != "body"]
        if loc:
            return {str(loc[0]): gettext(NOT_VALID, locale)}
    return {"__all__": gettext(exc.message, locale)}


def blank_to_none(form: dict[str, str], fields: tuple[str, ...]) -> dict[str, Any]:
    """Empty number and date inputs mean "not given", not an empty string to parse."""
    return {key: (None if key in fields and value == "" else value) for key, value in form.items()}
