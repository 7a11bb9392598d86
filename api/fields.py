"""Serializer fields of the API: choices as {"code", "label"} (the label in Chinese), references to users and
townships as {"id", "name"}."""

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework.settings import api_settings


class CodeLabelField(serializers.ChoiceField):
    """A choice as ``{"code": "closed", "label": "已销号"}``; written as the bare code."""

    def to_representation(self, value):
        if value in ("", None):
            return None if value is None else {"code": "", "label": ""}
        return {"code": value, "label": str(self.choices.get(value, value))}


class RefField(serializers.Field):
    """A related object (user, township) read as ``{"id": 3, "name": "…"}``; select_related keeps it one query."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return {"id": value.pk, "name": str(value)}


class UidField(serializers.Field):
    """The object's identifier across the province's counties, ``"430181:hazard:123"`` (``Resource.uid``)."""

    def __init__(self, resource, **kwargs):
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)
        self.resource = resource

    def to_representation(self, value):
        return self.resource.uid(value.pk)


def _attribute(name: str):
    def read(instance):
        return getattr(instance, name)

    return read


def _is_column(field) -> bool:
    """Whether ``field`` reads a column of its serializer's model (not a relation, property or method)."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None:
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return model_field.concrete and not model_field.is_relation


def reader(field):
    """A function giving ``field``'s representation of an instance, as DRF's ``Serializer.to_representation`` would
    (None stays None), without its per-value overhead for the common field types; anything else goes through the
    field itself."""
    source = field.source
    if isinstance(field, UidField):
        return lambda instance, uid=field.resource.uid: uid(instance.pk)
    simple = "." not in source and source != "*"
    if simple and isinstance(field, CodeLabelField):
        labels = {code: str(label) for code, label in field.choices.items()}  # in the active language, once

        def read(instance):
            value = getattr(instance, source)
            if value is None:
                return None
            return {"code": value, "label": labels.get(value, value)} if value != "" else {"code": "", "label": ""}

        return read
    if simple and isinstance(field, RefField):

        def read(instance):
            value = getattr(instance, source)
            return None if value is None else {"id": value.pk, "name": str(value)}

        return read
    if simple and isinstance(field, relations.PrimaryKeyRelatedField) and field.use_pk_only_optimization():
        model_field = field.parent.Meta.model._meta.get_field(source)
        return _attribute(model_field.attname)
    iso = getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
    if simple and isinstance(field, serializers.DateTimeField) and iso:
        zone = getattr(field, "timezone", None) or timezone.get_current_timezone()

        def read(instance):
            value = getattr(instance, source)
            if not value:
                return None
            text = value.astimezone(zone).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return read
    if simple and isinstance(field, serializers.DateField) and getattr(field, "format", ISO_8601) == ISO_8601:

        def read(instance):
            value = getattr(instance, source)
            return value.isoformat() if value else None

        return read
    if simple and type(field) in (serializers.CharField, serializers.IntegerField, serializers.BooleanField):
        return _attribute(source)  # the model gives str, int and bool already
    if simple and _is_column(field):  # a decimal, say: the field formats the column's value

        def read(instance):
            value = getattr(instance, source)
            return None if value is None else field.to_representation(value)

        return read

    def read(instance):
        try:
            attribute = field.get_attribute(instance)
        except serializers.SkipField:
            return None
        check = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
        return None if check is None else field.to_representation(attribute)

    return read
