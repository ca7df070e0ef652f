"""Bounds every form puts on what a person can send, so junk is refused with a message.

Form classes derive from `LimitedForm`/`LimitedModelForm` (or mix in `LimitedInput`). On each form:

- free text gets a maximum length where none is set, as the portal's forms have: a line
  `LINE_MAX` characters, a text area `TEXT_MAX` (model TextFields may stay unbounded);
- dates must lie between `EARLIEST_DATE` and `LATEST_DATE` (a date in a person's life or
  an appointment; 9999-12-31 once broke the life chart);
- whole numbers without a maximum get the smallest column's (`NUMBER_MAX`);
- a choice of database rows reads its ids with `core.parsing.parse_id` before any query,
  so a 30-digit id is "not one of the choices", not an overflow in the database driver.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models

from iptcare.core.parsing import parse_id

LINE_MAX = 300
TEXT_MAX = 10_000
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_RANGE_MESSAGE = f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
# The browser's date picker; its value is ISO, whatever the language of the page.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A PositiveSmallIntegerField, the narrowest column a typed number is stored in.
NUMBER_MAX = 32767
# Record versions are PositiveIntegerFields; a version form field states this maximum.
VERSION_MAX = 2_147_483_647


class _TextTooLong(validators.MaxLengthValidator):
    def __init__(self, limit: int) -> None:
        super().__init__(
            limit, message=f"Keep this to {limit:,} characters or fewer (it has %(show_value)d)."
        )


def _limit_text(field: forms.CharField) -> None:
    if field.max_length is not None:
        return
    limit = TEXT_MAX if isinstance(field.widget, forms.Textarea) else LINE_MAX
    field.max_length = limit
    field.validators.append(_TextTooLong(limit))
    if not field.widget.is_hidden:
        field.widget.attrs.setdefault("maxlength", str(limit))


def _limit_date(field: forms.DateField) -> None:
    field.validators += [
        validators.MinValueValidator(EARLIEST_DATE, message=DATE_RANGE_MESSAGE),
        validators.MaxValueValidator(LATEST_DATE, message=DATE_RANGE_MESSAGE),
    ]


def _limit_number(field: forms.IntegerField) -> None:
    if field.max_value is None:
        field.max_value = NUMBER_MAX
        field.validators.append(validators.MaxValueValidator(NUMBER_MAX))


def _reads_ids(field: forms.ModelChoiceField) -> bool:
    if field.queryset is None or field.to_field_name not in (None, "pk"):
        return False
    return isinstance(field.queryset.model._meta.pk, models.IntegerField)


def _guard_ids(field: forms.ModelChoiceField) -> None:
    """Refuse an id that cannot be a row's before the field queries the database."""
    clean: Callable[[Any], Any] = field.clean
    model = field.queryset.model if field.queryset is not None else ()

    def clean_ids(value: Any) -> Any:
        sent = value if isinstance(value, list | tuple) else [value]
        for one in sent:
            if one in field.empty_values or isinstance(one, model):
                continue
            if parse_id(one) is None:
                raise ValidationError(
                    field.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(one)[:20]},
                )
        return clean(value)

    field.clean = clean_ids  # type: ignore[method-assign]  # a per-form wrapper, on purpose


def limit_input(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if type(field) is forms.CharField:  # not subclasses that parse into other types
            _limit_text(field)
        elif isinstance(field, forms.DateField):
            _limit_date(field)
        elif isinstance(field, forms.IntegerField):
            _limit_number(field)
        elif isinstance(field, forms.ModelChoiceField) and _reads_ids(field):
            _guard_ids(field)


OUT_OF_DATE = "This page is out of date; reload it to see the latest version."


def version_field(*, required: bool = True, min_value: int | None = 1) -> forms.IntegerField:
    """The hidden version a page was loaded with (to catch edits made meanwhile). Nobody
    types it, so any fault in it means the page is stale: say so in those words."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        required=required,
        min_value=min_value,
        max_value=VERSION_MAX,
        error_messages={
            code: OUT_OF_DATE for code in ("required", "invalid", "min_value", "max_value")
        },
    )


def version_errors_to_the_form(form: forms.BaseForm) -> None:
    """Call from `clean()`: a hidden field's error is shown for the whole form, since no
    one can correct it beside the field (autosaves once read "None: Enter a whole number.")."""
    if form.errors.pop("version", None):
        form.add_error(None, OUT_OF_DATE)


class LimitedInput:
    """Mix into a form class before Django's form class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_input(self)  # type: ignore[arg-type]  # a mixin: self is the form at run time


class LimitedForm(LimitedInput, forms.Form):
    pass


class LimitedModelForm(LimitedInput, forms.ModelForm):
    pass
