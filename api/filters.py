"""The lists' filters: ``updated_since`` / ``updated_before`` (a range of change times, ISO 8601 with a time zone)
and the filters of the resource's page (the app's own FilterSet, e.g. ``safety.filters.HazardFilter``)."""

import datetime

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
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


class UpdatedRangeFilter(BaseFilterBackend):
    """Objects changed at or after ``updated_since`` and before ``updated_before``."""

    bounds = {
        "updated_since": (
            "gte",
            "Only objects changed at or after this moment (inclusive): ISO 8601 with a time zone, e.g. "
            "2020-06-01T08:00:00+08:00 (write + as %2B) or 2020-06-01T00:00:00Z. A naive or malformed value is "
            "refused with 400.",
        ),
        "updated_before": (
            "lt",
            "Only objects changed before this moment (exclusive), in the same form as updated_since.",
        ),
    }

    def filter_queryset(self, request, queryset, view):
        for param, (lookup, _description) in self.bounds.items():
            value = request.query_params.get(param)
            if value is not None:
                queryset = queryset.filter(**{f"{view.changed_field}__{lookup}": parse_moment(value, param)})
        return queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": param,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "string", "format": "date-time"},
            }
            for param, (_lookup, description) in self.bounds.items()
        ]


class PageFilterBackend(DjangoFilterBackend):
    """The resource page's FilterSet, applied only when the request names one of its filters (``name`` or, for a
    range, ``name_…``): without any, every filter would let every row through, and building and validating its
    form on each request costs more than the rest of a page's filtering."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        named = any(
            param == name or param.startswith(f"{name}_")
            for param in request.query_params
            for name in filterset_class.base_filters
        )
        return super().filter_queryset(request, queryset, view) if named else queryset
