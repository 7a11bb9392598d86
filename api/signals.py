"""Bookkeeping that keeps incremental pulls exact, connected in ``ApiConfig.ready()``:

- a tombstone (``Deletion``) for each deleted object of a mirrored resource;
- a change of a nested part shown inside its parent (a project's funding sources and lists, a report's problems,
  a monthly progress's blockers) or of an exposed many-to-many link moves the parent's ``updated_at``, so the
  parent is pulled again.

Writes that bypass signals (``QuerySet.update``, bulk writes) set ``updated_at`` themselves: the import fast path
(``core.imports.bulk``) and COPY inserts (``core.imports.copy_insert``) do."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

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
