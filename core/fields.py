"""Model fields with the bounds every field a user fills in obeys. The bounds are in the model, so that every door
(page, API, import, admin) refuses through ``full_clean`` with the field's name, and in the database: each field
adds its model a check constraint (``<app>_<model>_<field>_length`` or ``..._first_year``), so that nothing else
writes past them either.

- ``CappedTextField``: a text with a maximum length (``NOTE_LENGTH``, ``TEXT_LENGTH``, ``DOCUMENT_LENGTH``); its
  form field is a ``Textarea`` with that ``maxlength``. Every cap is under Excel's 32,767 characters a cell but
  ``DOCUMENT_LENGTH``, kept for a whole plan's text, which is never exported in a cell.
- ``BoundedDateField``: a date from ``FIRST_YEAR`` to ``YEARS_AHEAD`` years after this year (``core.clock``), so
  that a slip of the keyboard (0001-01-01, 20200-05-01) is refused, not stored and numbered by.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from . import clock

#: A note, a reason, a short description.
NOTE_LENGTH = 2_000
#: Running text: a report's progress, a project's or a measure's description, an inspection's summary.
TEXT_LENGTH = 10_000
#: A whole document's text as pasted in (a year's work plan).
DOCUMENT_LENGTH = 200_000

#: The first year a date may be in; the last is ``YEARS_AHEAD`` years after the current one.
FIRST_YEAR = 2000
YEARS_AHEAD = 10


def last_year() -> int:
    return clock.today().year + YEARS_AHEAD


def validate_date_in_range(value: datetime.date) -> None:
    """A date a user enters: in ``FIRST_YEAR`` … ``last_year()``."""
    if value is not None and not FIRST_YEAR <= value.year <= last_year():
        raise ValidationError(
            _("Enter a date from %(first)s to %(last)s."),
            code="date_out_of_range",
            params={"first": datetime.date(FIRST_YEAR, 1, 1), "last": datetime.date(last_year(), 12, 31)},
        )


class CappedTextField(models.TextField):
    """A ``TextField`` whose ``max_length`` is checked by the model and the database, not only by its form."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        _add_constraint(cls, name, "length", LessThanOrEqual(Length(name), self.max_length))


class BoundedDateField(models.DateField):
    """A ``DateField`` for a date a user enters: from ``FIRST_YEAR`` (also checked by the database) to
    ``YEARS_AHEAD`` years ahead (checked by the model: the bound moves with today)."""

    default_validators = [validate_date_in_range]

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        _add_constraint(cls, name, "first_year", GreaterThanOrEqual(models.F(name), datetime.date(FIRST_YEAR, 1, 1)))


class MonthField(BoundedDateField):
    """A month, stored as its first day: shown as a month (2020年12月) wherever the portal shows the field's
    value generically, such as the audit history."""


def _add_constraint(cls, name: str, what: str, condition) -> None:
    """The database's copy of a field's bound, on each concrete model the field is part of (an abstract model's
    fields are contributed again to each child)."""
    if cls._meta.abstract:
        return
    # Migrations read a model's constraints only when its Meta declares some: declare them for a Meta without.
    cls._meta.original_attrs.setdefault("constraints", cls._meta.constraints)
    constraint_name = f"{cls._meta.app_label}_{cls._meta.model_name}_{name}_{what}"
    if any(constraint.name == constraint_name for constraint in cls._meta.constraints):
        return  # a migration's model that declares it already (a new model's CreateModel): not twice
    cls._meta.constraints.append(models.CheckConstraint(condition=condition, name=constraint_name))
