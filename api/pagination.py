"""Keyset (cursor) pagination on (change time, id): each page is one index range scan from where the previous
ended, however deep — never OFFSET — and the order is stable while rows change (a row that changes moves to the
end, where an incremental pull finds it again). The scan needs an index on (change time, id) — a bulk write stamps
many rows with one change time, and an index on the time alone would make a deep page read all of them."""

import base64
import binascii
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F
from django.db.models.fields.tuple_lookups import TupleGreaterThan
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def encode_cursor(moment: datetime.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime.datetime, int]:
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        moment, pk = text.split("|")
        moment = datetime.datetime.fromisoformat(moment)
        if moment.tzinfo is None:
            raise ValueError
        return moment.astimezone(datetime.UTC), int(pk)
    except (ValueError, UnicodeError, binascii.Error, OverflowError):
        raise exceptions.ValidationError({"cursor": [_("Invalid cursor: use the “next” link as given.")]}) from None


def after(queryset, field: str, moment: datetime.datetime, pk: int):
    """The rows of ``queryset`` after (moment, pk) in (field, id) order."""
    # The row comparison (field, id) > (moment, pk) is the index range on PostgreSQL; SQLite spells it
    # field > moment OR (field = moment AND id > pk), which the plain bound on the field keeps indexed.
    return queryset.filter(TupleGreaterThan((F(field), F("id")), (moment, pk)), **{f"{field}__gte": moment})


def keyset_chunks(queryset, field: str, size: int):
    """Every row of ``queryset`` in (field, id) order, as lists of ``size`` rows: each one query from where the
    last ended, as the pages are read — no OFFSET, and no database cursor held open between chunks."""
    rows = list(queryset.order_by(field, "id")[:size])
    while rows:
        yield rows
        if len(rows) < size:
            return
        last = rows[-1]
        rows = list(after(queryset, field, getattr(last, field), last.pk).order_by(field, "id")[:size])


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def ordering(self, view) -> tuple[str, str]:
        return (view.changed_field, "id")

    def page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return DEFAULT_PAGE_SIZE
        try:
            size = int(value)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise exceptions.ValidationError(
                {"page_size": [_("Give a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        field, _id = self.ordering(view)
        size = self.page_size(request)
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            queryset = after(queryset, field, *decode_cursor(cursor))
        rows = list(queryset.order_by(field, "id")[: size + 1])
        self.request, self.field = request, field
        self.has_next = len(rows) > size
        rows = rows[:size]
        self.last = rows[-1] if rows else None
        return rows

    def next_link(self) -> str | None:
        if not self.has_next:
            return None
        params = self.request.query_params.copy()
        params[self.cursor_query_param] = encode_cursor(getattr(self.last, self.field), self.last.pk)
        return self.request.build_absolute_uri(self.request.path) + "?" + urlencode(params, doseq=True)

    def get_paginated_response(self, data):
        return Response({"county": settings.COUNTY_CODE, "next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["county", "next", "results"],
            "properties": {
                "county": {
                    "type": "string",
                    "description": "The county's administrative division code (430181: 浏阳市), as in each uid.",
                    "example": "430181",
                },
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page (same filters, a cursor); null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a previous page's “next” link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
            },
        ]
