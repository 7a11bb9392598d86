"""Every text and date a user fills in, in every app, is bounded: a text has a length cap checked by the model and
the database (under Excel's 32,767 characters a cell, but a whole plan's text), a date a year from 2000 to ten years
ahead. The few texts and dates the portal writes itself are listed here."""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from core.fields import (
    DOCUMENT_LENGTH,
    BoundedDateField,
    CappedTextField,
    validate_date_in_range,
)

APPS = {"plans", "projects", "safety", "inspections", "emergency", "enterprises", "organisation", "core", "api"}
EXCEL_CELL = 32_767

#: Written by the portal, never typed in.
SYSTEM_FIELDS = {
    ("core", "importjob", "message"),
}


def fields(kind):
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, kind):
                key = (model._meta.app_label, model._meta.model_name, field.name)
                if key not in SYSTEM_FIELDS:
                    yield key, field


def test_every_text_field_is_capped():
    uncapped = [key for key, field in fields(models.TextField) if not isinstance(field, CappedTextField)]
    assert uncapped == []
    too_long_for_excel = [
        key for key, field in fields(models.TextField) if DOCUMENT_LENGTH > field.max_length > EXCEL_CELL
    ]
    assert too_long_for_excel == []


def test_every_date_field_is_bounded():
    unbounded = [
        key
        for key, field in fields(models.DateField)
        if not isinstance(field, (BoundedDateField, models.DateTimeField))
    ]
    assert unbounded == []


@time_machine.travel(datetime.datetime(2026, 12, 7, 4, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (datetime.date(1, 1, 1), False),
        (datetime.date(1999, 12, 31), False),
        (datetime.date(2000, 1, 1), True),
        (datetime.date(2036, 12, 31), True),
        (datetime.date(2037, 1, 1), False),
        (datetime.date(9999, 12, 31), False),
    ],
)
def test_the_date_bounds_move_with_today(value, accepted):
    if accepted:
        validate_date_in_range(value)
    else:
        with pytest.raises(ValidationError):
            validate_date_in_range(value)
