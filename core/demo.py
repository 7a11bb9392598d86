"""Helpers for the idempotent demo loaders: a second run finds everything in place and writes nothing."""


def upsert(model, lookup: dict, values: dict, create_defaults: dict | None = None):
    """Get the row matching ``lookup`` and bring it to ``values``, saving only what differs; ``create_defaults``
    are used only when the row is new. Returns (object, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(create_defaults or {}))
        obj.full_clean()
        obj.save()
        return obj, True
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.full_clean()
        obj.save()
    return obj, bool(changed)
