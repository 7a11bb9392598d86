"""Filters the apps' list pages (and the API's lists, which use the same FilterSets) share."""

import django_filters
from django import forms

from .fields import FIRST_YEAR

#: The years a list may ask for, as ``core.views.year_param`` reads them: from the first year a date may be in
#: (``core.fields``) to a fixed last one (a filter's bounds are set once, when the FilterSet class is made).
YEARS = (FIRST_YEAR, 2100)


class YearFilter(django_filters.NumberFilter):
    """A whole year from 2000 to 2100: anything else is a form error (a 400 in the API), never a date out of
    range in the query."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEARS[0])
        kwargs.setdefault("max_value", YEARS[1])
        super().__init__(*args, **kwargs)


class OnDemandOptions:
    """For a FilterSet with ``core.forms.OnDemandSelect`` fields: the rows their loaded options list
    (``core.views.filter_options``) — every row of the field's queryset unless the FilterSet scopes them."""

    def option_rows(self, name: str, rows):
        return rows
