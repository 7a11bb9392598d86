"""Bookkeeping that keeps incremental pulls exact, connected in ``ApiConfig.ready()``:

- a tombstone (``Deletion``) for each deleted object of a mirrored resource;
- a tombstone (reason "left_scope") for each row that leaves what a token reads (``Resource.scope``: a monthly
  progress moved back to draft), dropped again when the row comes back (a mirror applies changed rows before
  tombstones, so a stale one would remove it again);
- a deletion that changes another mirrored row's representation moves that row: a many-to-many link to the
  deleted object (deleting a project leaves its inspections without it) or a foreign key set to null;
- a change of a nested part shown inside its parent (a project's funding sources and lists, a report's problems,
  a monthly progress's blockers) or of an exposed many-to-many link moves the parent's ``updated_at``, so the
  parent is pulled again.

Writes that bypass signals (``QuerySet.update``, bulk writes) set ``updated_at`` themselves: the import fast path
(``core.imports.bulk``) and COPY inserts (``core.imports.copy_insert``) do."""

from django.apps import apps
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from .choices import TombstoneReason
from .models import Deletion
from .resources import MIRRORED

#: nested model → the foreign key to the parent whose representation shows it
NESTED = {
    "projects.FundingSource": "project",
    "projects.ProjectListing": "project",
    "plans.ReportProblem": "report",
    "projects.Blocker": "progress",
}

#: (model, many-to-many field) shown in the model's representation
M2M = (
    ("plans.Measure", "cooperating_units"),
    ("projects.Project", "townships"),
    ("projects.Project", "measures"),
    ("inspections.Inspection", "inspectors"),
    ("inspections.Inspection", "enterprises"),
    ("inspections.Inspection", "projects"),
)


def _touch(model, pks) -> None:
    pks = [pk for pk in pks if pk is not None]
    if pks:
        model._default_manager.filter(pk__in=pks).update(updated_at=timezone.now())


def record_deletion(sender, instance, **kwargs):
    Deletion.objects.create(resource=sender._api_resource, object_id=instance.pk)


def _in_scope(model, pk) -> bool:
    return model._default_manager.filter(model._api_scope, pk=pk).exists()


def note_scope_before(sender, instance, raw=False, **kwargs):
    instance._api_was_in_scope = not raw and not instance._state.adding and _in_scope(sender, instance.pk)


def record_scope_change(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    was_in, now_in = getattr(instance, "_api_was_in_scope", False), _in_scope(sender, instance.pk)
    if was_in and not now_in:
        Deletion.objects.create(resource=sender._api_resource, object_id=instance.pk, reason=TombstoneReason.LEFT_SCOPE)
    elif now_in and not was_in and not created:
        Deletion.objects.filter(
            resource=sender._api_resource, object_id=instance.pk, reason=TombstoneReason.LEFT_SCOPE
        ).delete()


def referring_relations():
    """(deleted model, mirrored model, field) for each relation shown in a mirrored row that a deletion of its
    target changes rather than deletes or refuses: many-to-many links and foreign keys set to null or a default."""
    for resource in MIRRORED.values():
        owner = resource.get_model()
        for field in owner._meta.get_fields():
            if not (field.concrete and field.is_relation):
                continue
            if field.many_to_many or field.remote_field.on_delete in (models.SET_NULL, models.SET_DEFAULT):
                yield field.related_model, owner, field


def touch_referrers(sender, instance, **kwargs):
    for owner, field in sender._api_referrers:
        owner._default_manager.filter(**{field.name: instance.pk}).update(updated_at=timezone.now())


def touch_parent(sender, instance, **kwargs):
    field = sender._meta.get_field(NESTED[sender._meta.label])
    _touch(field.related_model, [getattr(instance, field.attname)])


def touch_m2m_owner(sender, instance, action, reverse, model, pk_set, **kwargs):
    owner, field = sender._api_m2m
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            _touch(owner, [instance.pk])
        return
    if action in ("post_add", "post_remove"):
        _touch(owner, pk_set or ())
    elif action == "pre_clear":  # the owners are known only before the links go
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        _touch(owner, sender.objects.filter(**{target: instance.pk}).values_list(f"{source}_id", flat=True))


def connect() -> None:
    for resource in MIRRORED.values():
        model = resource.get_model()
        model._api_resource = resource.name
        post_delete.connect(record_deletion, sender=model, dispatch_uid=f"api-tombstone-{resource.name}")
        if resource.scope is not None:
            model._api_scope = resource.scope
            pre_save.connect(note_scope_before, sender=model, dispatch_uid=f"api-scope-before-{resource.name}")
            post_save.connect(record_scope_change, sender=model, dispatch_uid=f"api-scope-after-{resource.name}")
    referrers = {}
    for target, owner, field in referring_relations():
        referrers.setdefault(target, []).append((owner, field))
    for target, relations in referrers.items():
        target._api_referrers = relations
        pre_delete.connect(touch_referrers, sender=target, dispatch_uid=f"api-touch-referrers-{target._meta.label}")
    for label in NESTED:
        model = apps.get_model(label)
        post_save.connect(touch_parent, sender=model, dispatch_uid=f"api-touch-saved-{label}")
        post_delete.connect(touch_parent, sender=model, dispatch_uid=f"api-touch-deleted-{label}")
    for label, name in M2M:
        model = apps.get_model(label)
        field = model._meta.get_field(name)
        through = field.remote_field.through
        through._api_m2m = (model, field)
        m2m_changed.connect(touch_m2m_owner, sender=through, dispatch_uid=f"api-touch-m2m-{label}.{name}")
