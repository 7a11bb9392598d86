"""drf-spectacular extensions: how the API's own fields look in the OpenAPI schema, and which docstrings it must not
show."""

import copy

from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import get_lib_doc_excludes


class CodeLabelFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "api.fields.CodeLabelField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        codes = [str(code) for code in field.choices]
        if field.allow_blank:
            codes.append("")
        return {
            "type": "object",
            "description": "A choice: its code and its Chinese label.",
            "properties": {
                "code": {"type": "string", "enum": codes},
                "label": {"type": "string"},
            },
            "required": ["code", "label"],
            **({"nullable": True} if field.allow_null else {}),
        }


class RefFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "api.fields.RefField"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "A related person or township: its id and name.",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
            **({"nullable": True} if self.target.allow_null else {}),
        }


class ApiTokenAuthenticationExtension(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A client token issued by the portal's administrators: `Authorization: Bearer <token>`.",
        }


class UidFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "api.fields.UidField"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "description": "Unique across the province's counties: county code, object kind, id.",
            "example": "430181:hazard:123",
        }


class PageFilterExtension(DjangoFilterExtension):
    """The pages' FilterSets as query parameters. A choice of object whose method does the filtering (a measure's
    unit: lead or cooperating; a project's township) names no model field to read its type from: it takes the
    chosen object's id, as the others do."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, filters.ModelChoiceFilter) and filter_field.method:
            filter_field = copy.copy(filter_field)
            filter_field.field_name = filter_field.queryset.model._meta.pk.name
            model = filter_field.queryset.model
        return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)


def doc_excludes() -> list[type]:
    """The classes whose docstrings the schema does not inherit (``GET_LIB_DOC_EXCLUDES``): DRF's, and the API's
    base serializer, whose docstring is a note for developers. Each resource's serializer describes its rows."""
    from .serializers import ApiModelSerializer

    return [*get_lib_doc_excludes(), ApiModelSerializer]
