"""``updated_since``: only the objects changed at or after a moment (ISO 8601 with a time zone)."""

import datetime

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend


def parse_moment(value: str, name: str) -> datetime.datetime:
    """An ISO 8601 date-time with a time zone (``2020-06-01T08:00:00+08:00`` or ``…Z``); 400 otherwise."""
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        hint = _(" Encode the “+” of the time zone in the URL, or use “Z”.") if " " in value.strip() else ""
        raise exceptions.ValidationError(
            {name: [_("Not an ISO 8601 date-time: “%(value)s”.") % {"value": value} + hint]}
        ) from None
    if moment.tzinfo is None:
        raise exceptions.ValidationError(
            {name: [_("Give the time zone, e.g. 2020-06-01T08:00:00+08:00 or 2020-06-01T00:00:00Z.")]}
        )
    try:
        return moment.astimezone(datetime.UTC)  # the database compares in UTC; odd offsets are normalised here
    except OverflowError:
        raise exceptions.ValidationError({name: [_("This date-time is out of range.")]}) from None


class UpdatedSinceFilter(BaseFilterBackend):
    param = "updated_since"
    description = (
        "Only objects changed at or after this moment: ISO 8601 with a time zone, e.g. 2020-06-01T08:00:00+08:00 "
        "(write + as %2B) or 2020-06-01T00:00:00Z. A naive or malformed value is refused with 400."
    )

    def filter_queryset(self, request, queryset, view):
        value = request.query_params.get(self.param)
        if value is None:
            return queryset
        return queryset.filter(**{f"{view.changed_field}__gte": parse_moment(value, self.param)})

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": self.description,
                "schema": {"type": "string", "format": "date-time"},
            }
        ]
