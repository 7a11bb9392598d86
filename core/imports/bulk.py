"""The fast path for large imports, for resources that set ``bulk = True``.

The rows go through the resource's own per-row steps, in the order django-import-export's ``import_row`` calls
them (``before_import_row``, ``get_or_init_instance``, ``after_init_instance``, ``import_instance``, ``skip_row``,
``validate_instance``, ``before_save_instance``), so widgets, ``find_instance`` and ``check_row`` give the same
row errors, under the same columns, as the normal path. What the fast path leaves out is what costs per row:

- no savepoint, no ``RowResult`` and no diff per row; rows are kept for the preview only up to
  ``settings.IMPORT_BACKGROUND_ROWS`` (beyond, only the counts and the first ``settings.IMPORT_MAX_ISSUES``
  problems);
- little memory per row: the dataset's rows are dropped a chunk at a time as they are checked, and a new row
  waits for its write as a compact tuple of its attributes (``_Frozen``), an instance again only while its batch
  is written (a model instance's attribute dictionary costs several times more);
- no write while the rows are checked (so no transaction is open and progress can be reported); then, in one
  transaction, new rows inserted together (``copy_insert``: COPY on PostgreSQL) and changed rows with ``bulk_update`` in batches of
  ``settings.IMPORT_BATCH_SIZE``, many-to-many links through their through tables, and the audit entries
  (django-auditlog ``LogEntry``, with the actor and the changes in auditlog's own format) inserted together.
  A batch the database refuses (a unique or check constraint) is retried row by row to name the rows; any
  problem rolls everything back, and a dry run always does.

Not called on this path: ``save_instance``/``do_instance_save``/``after_save_instance``, ``save_m2m``,
``after_import_row``, ``after_import``, model ``save()`` overrides and ``pre_save``/``post_save`` signals (so
auditlog's ``pre_log``/``post_log`` signals neither). A model that needs work at save time (a number assigned
from a sequence, say) does it in the resource's ``before_bulk_write(new_instances)``.
"""

import copy
import datetime
import decimal
from collections import Counter
from dataclasses import dataclass

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import get_field_value, get_mask_function, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import DateTimeField, JSONField
from django.db.models.base import ModelState
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone
from django.utils.encoding import force_str, smart_str

from .copy_insert import insert_instances
from .runner import INVALID, NEW, UNCHANGED, UPDATED, ImportOutcome, Issue, RowOutcome, error_message

DEFAULT_BATCH_SIZE = 1000
DEFAULT_MAX_ISSUES = 1000
DEFAULT_KEEP_ROWS = 1000
PROGRESS_EVERY = 500
#: Dataset rows taken out and checked together (their cells are freed before the next chunk is taken).
CHECK_CHUNK_ROWS = 1000


def batch_size() -> int:
    return getattr(settings, "IMPORT_BATCH_SIZE", DEFAULT_BATCH_SIZE)


def max_issues() -> int:
    return getattr(settings, "IMPORT_MAX_ISSUES", DEFAULT_MAX_ISSUES)


class _Frozen:
    """New instances kept compact while they wait for their write: each as a tuple of its attribute values and of
    its cached relations, the attribute names (and the state: database, adding) shared by every instance of the
    same shape (``freeze``), made an instance again by ``thaw`` (the same attributes, state and cached relations)."""

    def __init__(self):
        self.shapes: dict[tuple, tuple] = {}

    def freeze(self, instance) -> tuple | None:
        """``instance`` as a tuple, or None if its state holds more than Django's database, adding and cache."""
        state = vars(instance._state)
        if set(state) - {"adding", "db", "fields_cache"}:
            return None
        attributes = {key: value for key, value in vars(instance).items() if key != "_state"}
        cache = state.get("fields_cache", {})
        names = tuple(attributes)
        cached = tuple(cache)
        state_items = tuple((key, value) for key, value in state.items() if key != "fields_cache")
        return (
            type(instance),
            self.shapes.setdefault(names, names),
            tuple(attributes.values()),
            self.shapes.setdefault(state_items, state_items),
            self.shapes.setdefault(cached, cached),
            tuple(cache.values()),
        )

    @staticmethod
    def thaw(frozen: tuple):
        model, names, values, state_items, cached, related = frozen
        instance = model.__new__(model)
        state = ModelState()
        for key, value in state_items:
            setattr(state, key, value)
        state.fields_cache = dict(zip(cached, related, strict=True))
        instance._state = state
        instance.__dict__.update(zip(names, values, strict=True))
        return instance


@dataclass(slots=True)
class _Pending:
    """A checked row waiting to be written: an update (or a new row with links) as its instance, a new row as
    ``frozen`` (``_Frozen``; ``instance`` is set only while its batch is written)."""

    number: int
    instance: object | None
    original: object | None  # the instance as loaded (updates only), for the audit entry
    fields: tuple[str, ...] = ()  # the model fields an update changes
    m2m: dict | None = None  # field attribute → (pks before, objects after)
    index: int | None = None  # its RowOutcome, when the rows are kept
    kind: str = NEW
    frozen: tuple | None = None


class _Tally:
    """Counts, kept rows and problems, as the rows are checked (and, after a refused write, corrected)."""

    def __init__(self, keep_rows: int):
        self.keep_rows = keep_rows
        self.counts: Counter = Counter()
        self.rows: list[RowOutcome] = []
        self.issues: list[Issue] = []
        self.more_issues = 0

    def add(self, row: RowOutcome) -> int | None:
        self.counts[row.kind] += 1
        self._issues(row.issues)
        if len(self.rows) < self.keep_rows:
            self.rows.append(row)
            return len(self.rows) - 1
        return None

    def refuse(self, pending: _Pending, issues: list[Issue]) -> None:
        self.counts[pending.kind] -= 1
        self.counts[INVALID] += 1
        self._issues(issues)
        if pending.index is not None:
            row = self.rows[pending.index]
            row.kind, row.changed, row.issues = INVALID, [], issues

    def _issues(self, issues: list[Issue]) -> None:
        room = max_issues() - len(self.issues)
        self.issues.extend(issues[: max(room, 0)])
        self.more_issues += max(len(issues) - max(room, 0), 0)

    def finish(self, outcome: ImportOutcome) -> None:
        total = sum(self.counts.values())
        if total <= self.keep_rows:
            outcome.rows = self.rows
            outcome.more_issues = self.more_issues
        else:  # only counts and problems: the rows would cost too much to show
            outcome.totals = dict(self.counts)
            outcome.row_issues = self.issues
            outcome.more_issues = self.more_issues


def import_in_bulk(
    resource, dataset, sheet_rows, outcome: ImportOutcome, *, dry_run: bool, progress=None, before_commit=None,
    keep_rows: int = DEFAULT_KEEP_ROWS, keep=None,
) -> None:  # fmt: skip
    """Check every row of ``dataset`` with ``resource``, then write them all in one transaction (or none); the
    results go to ``outcome``. Call under ``set_actor(user)``. ``keep``: at a dry run whose rows all pass, called
    with what the rows would write, for the confirmation (``write_checked``; ``core.imports.checked``)."""
    try:
        with transaction.atomic():  # the preload reads in one snapshot
            resource.before_import(dataset, sheet_rows=sheet_rows)
            resource._check_import_id_fields(dataset.headers)
    except Exception as error:  # as import_data reports it: a problem with the whole file
        outcome.file_issues.append(Issue(None, "", error_message(resource, error)))
        return
    loader = resource._meta.instance_loader_class(resource, dataset)
    headers = dataset.headers
    tally = _Tally(keep_rows)
    pending: list[_Pending] = []
    total = len(dataset)
    concrete = [f for f in resource._meta.model._meta.concrete_fields if not f.primary_key]
    frozen = _Frozen()
    index = 0
    while len(dataset):
        chunk = dataset[:CHECK_CHUNK_ROWS]
        del dataset[:CHECK_CHUNK_ROWS]  # the rows' cells go as they are checked, not after the last row
        for values in chunk:
            index += 1
            row = dict(zip(headers, values, strict=False))
            number = sheet_rows[index - 1]
            kwargs = {"dry_run": dry_run, "using_transactions": True, "row_number": index}
            item, row_outcome = _check(resource, loader, row, number, kwargs, concrete)
            position = tally.add(row_outcome)
            if item is not None:
                item.index = position
                if item.kind == NEW and not item.m2m:
                    item.frozen = frozen.freeze(item.instance)
                    if item.frozen is not None:
                        item.instance = None
                pending.append(item)
            if progress is not None and index % PROGRESS_EVERY == 0:
                progress(index, total)
        del chunk
    if progress is not None:
        progress(total, total)
    if keep is not None and dry_run and not tally.counts[INVALID]:
        keep({"pending": pending, "tally": tally})  # as they are before the trial write below
    if pending:
        _write(resource, pending, tally, outcome, dry_run=dry_run, before_commit=before_commit)
    tally.finish(outcome)


def write_checked(resource, checked: dict, outcome: ImportOutcome, *, before_commit=None) -> None:
    """Write the rows a dry run checked and kept (``import_in_bulk(keep=...)``), in one transaction (or none),
    without reading or checking the file again; the database's constraints still refuse what they refuse."""
    tally: _Tally = checked["tally"]
    if checked["pending"]:
        _write(resource, checked["pending"], tally, outcome, dry_run=False, before_commit=before_commit)
    tally.finish(outcome)


def _check(resource, loader, row, number, kwargs, concrete) -> tuple[_Pending | None, RowOutcome]:
    """One row through the resource's steps: what to write (None if nothing) and the row's outcome."""
    label = ""
    try:
        label = resource.row_label(row)
        resource.before_import_row(row, **kwargs)
        instance, new = resource.get_or_init_instance(loader, row)
        resource.after_init_instance(instance, new, row, **kwargs)
        original = None if new else copy.copy(instance)
        errors = {}
        try:
            resource.import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        state = resource._row
        changed = [resource.fields[name].column_name for name in state.changed]
        label = label or force_str(instance)
        if resource.skip_row(instance, original, row, errors):
            return None, RowOutcome(row=number, kind=UNCHANGED, label=label, changed=changed)
        resource.validate_instance(instance, errors)
        resource.before_save_instance(instance, row, **kwargs)
    except ValidationError as error:
        issues = []
        for key, messages in _message_dict(error).items():
            column = resource.column_for(key)
            issues.extend(Issue(number, column, message) for message in messages)
        return None, RowOutcome(row=number, kind=INVALID, label=label, issues=issues)
    except Exception as error:
        issue = Issue(number, "", error_message(resource, error))
        return None, RowOutcome(row=number, kind=INVALID, label=label, issues=[issue])
    m2m = None
    for name, field_ in resource._import_fields_in(row):
        if resource._is_m2m(field_) and (new or name in state.changed):
            m2m = m2m or {}
            m2m[field_.attribute] = (state.before.get(name, set()), state.m2m.get(name, []))
    kind = NEW if new else UPDATED
    fields = () if new else tuple(f.name for f in concrete if _value(original, f) != _value(instance, f))
    item = _Pending(number=number, instance=instance, original=original, fields=fields, m2m=m2m, kind=kind)
    return item, RowOutcome(row=number, kind=kind, label=label, changed=changed)


def _value(instance, model_field):
    return getattr(instance, model_field.attname)


def _message_dict(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


# Writing ------------------------------------------------------------------------------------------------------


def _write(resource, pending: list[_Pending], tally: _Tally, outcome, *, dry_run, before_commit) -> None:
    model = resource._meta.model
    new = [item for item in pending if item.kind == NEW]
    updates = [item for item in pending if item.kind == UPDATED]
    # Rows are written even when some are refused already (rolled back in the end), so that the database's own
    # rules are checked for every row, as on the normal path.
    refused = tally.counts[INVALID] > 0
    audit = _Audit(model) if not (dry_run or refused) else None
    with transaction.atomic():
        if new:
            resource.start_bulk_write()
        for batch in _batches(new):
            for item in batch:
                if item.frozen is not None:
                    item.instance = _Frozen.thaw(item.frozen)
            instances = [item.instance for item in batch]
            resource.before_bulk_write(instances)
            batch_refused, written = _insert(resource, model, batch, tally)
            refused |= batch_refused
            if not refused:
                resource.after_bulk_write(instances)
                if audit:
                    audit.created(written)
            del instances
            for item in batch:
                if item.frozen is not None:
                    item.instance = None  # the batch is written: the instance goes, its tuple stays
        groups: dict[tuple, list[_Pending]] = {}
        auto_now = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        for item in updates:
            if item.fields or (item.m2m and auto_now):  # a changed link moves updated_at too (API mirrors)
                groups.setdefault(item.fields, []).append(item)
        for fields, items in groups.items():
            names = list(fields) + [f.name for f in auto_now if f.name not in fields]
            for batch in _batches(items):
                for item in batch:
                    for model_field in auto_now:
                        model_field.pre_save(item.instance, False)
                refused |= _update(resource, model, batch, names, tally)
                if not refused and audit:
                    audit.updated(batch)
        if not refused:
            m2m_items = [item for item in pending if item.m2m]
            for batch in _batches(m2m_items):
                _write_m2m(model, batch)
                if audit:
                    audit.m2m(batch)
        if audit and not refused:
            audit.flush()
        if dry_run or refused:
            transaction.set_rollback(True)
            return
        resource.finish_bulk_write(updated=[item.instance for item in updates])
        tally.finish(outcome)
        if before_commit is not None:
            before_commit(outcome)


def _batches(items: list):
    size = batch_size()
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(resource, model, batch: list[_Pending], tally: _Tally) -> tuple[bool, list[_Pending]]:
    """Insert a batch (``resource.insert_batch``); if the database refuses it, find and refuse its bad rows.
    Whether any row was refused, and the rows written (not those the resource merged into a recorded one)."""
    try:
        with transaction.atomic():
            written = {id(instance) for instance in resource.insert_batch([item.instance for item in batch])}
        return False, [item for item in batch if id(item.instance) in written]
    except DatabaseError:
        for item in batch:
            item.instance.pk = None
            item.instance._state.adding = True
    refused = _one_by_one(resource, batch, tally, lambda item: model.objects.bulk_create([item.instance]))
    return refused, batch


def _update(resource, model, batch: list[_Pending], names: list[str], tally: _Tally) -> bool:
    try:
        with transaction.atomic():
            model.objects.bulk_update([item.instance for item in batch], names)
        return False
    except DatabaseError:
        pass
    return _one_by_one(resource, batch, tally, lambda item: model.objects.bulk_update([item.instance], names))


def _one_by_one(resource, batch, tally, write) -> bool:
    refused = False
    for item in batch:
        try:
            with transaction.atomic():
                write(item)
        except DatabaseError as error:
            refused = True
            tally.refuse(item, [Issue(item.number, "", error_message(resource, error))])
    return refused


def _write_m2m(model, batch: list[_Pending]) -> None:
    """Many-to-many links through their through tables: the removed ones deleted, the added ones inserted."""
    by_field: dict[str, tuple[list, list]] = {}
    for item in batch:
        for attribute, (before, after) in item.m2m.items():
            deletes, inserts = by_field.setdefault(attribute, ([], []))
            after_pks = {obj.pk for obj in after}
            deletes.extend((item.instance.pk, pk) for pk in before - after_pks)
            inserts.extend((item.instance.pk, pk) for pk in after_pks - before)
    for attribute, (deletes, inserts) in by_field.items():
        m2m_field = model._meta.get_field(attribute)
        through = m2m_field.remote_field.through
        source, target = m2m_field.m2m_column_name(), m2m_field.m2m_reverse_name()
        if deletes:
            pairs = {}
            for owner, other in deletes:
                pairs.setdefault(owner, []).append(other)
            for owner, others in pairs.items():
                through.objects.filter(**{source: owner, f"{target}__in": others}).delete()
        if inserts:
            through.objects.bulk_create([through(**{source: owner, target: other}) for owner, other in inserts])


class _Audit:
    """The audit entries auditlog would have written for these saves, inserted in batches."""

    def __init__(self, model):
        self.model = model
        self.tracked = auditlog.contains(model)
        self.m2m_fields = set(auditlog._registry[model]["m2m_fields"]) if self.tracked else set()
        self.content_type = ContentType.objects.get_for_model(model)
        self.json = settings.AUDITLOG_STORE_JSON_CHANGES
        self.cid = get_cid()
        self.context = _context()
        self.entries: list[LogEntry] = []
        self.differ = _Differ(model, self.json) if self.tracked else None

    def created(self, batch: list[_Pending]) -> None:
        for item in batch:
            self._add(item.instance, LogEntry.Action.CREATE, self.differ.diff(None, item.instance))

    def updated(self, batch: list[_Pending]) -> None:
        for item in batch:
            changes = self.differ.diff(item.original, item.instance)
            if changes:
                self._add(item.instance, LogEntry.Action.UPDATE, changes, serialize=True)

    def m2m(self, batch: list[_Pending]) -> None:
        removed_pks: dict[str, set] = {}
        for item in batch:
            for attribute, (before, after) in item.m2m.items():
                if attribute in self.m2m_fields:
                    removed_pks.setdefault(attribute, set()).update(before - {obj.pk for obj in after})
        names = {}  # the removed objects' names, one query per field and batch
        for attribute, pks in removed_pks.items():
            if pks:
                related = self.model._meta.get_field(attribute).related_model
                names[attribute] = {obj.pk: smart_str(obj) for obj in related._default_manager.filter(pk__in=pks)}
        for item in batch:
            for attribute, (before, after) in item.m2m.items():
                if attribute not in self.m2m_fields:
                    continue
                after_pks = {obj.pk for obj in after}
                removed = sorted(before - after_pks)
                added = [obj for obj in after if obj.pk not in before]
                if removed:
                    self._m2m_entry(item.instance, attribute, "delete", [names[attribute][pk] for pk in removed])
                if added:
                    self._m2m_entry(item.instance, attribute, "add", [smart_str(obj) for obj in added])

    def _m2m_entry(self, instance, attribute: str, operation: str, names: list[str]) -> None:
        changes = {attribute: {"type": "m2m", "operation": operation, "objects": names}}
        self._add(instance, LogEntry.Action.UPDATE, changes, serialize=False)

    def _add(self, instance, action, changes, serialize: bool = True) -> None:
        if not self.tracked or not changes:
            return
        pk = instance.pk
        entry = LogEntry(
            content_type=self.content_type,
            object_pk=smart_str(pk),
            object_id=pk if isinstance(pk, int) else None,
            object_repr=smart_str(instance),
            serialized_data=LogEntry.objects._get_serialized_data_or_none(instance) if serialize else None,
            action=action,
            changes=changes,
            cid=self.cid,
            timestamp=timezone.now(),
            **self.context,
        )
        additional = getattr(instance, "get_additional_data", None)
        if callable(additional):
            entry.additional_data = additional()
        self.entries.append(entry)
        if len(self.entries) >= batch_size():
            self.flush()

    def flush(self) -> None:
        if self.entries:
            insert_instances(LogEntry, self.entries)
            self.entries = []


class _Differ:
    """auditlog's ``model_instance_diff`` with the field lists worked out once per import rather than per row
    (the same values: ``get_field_value`` per field, include/exclude/mask as registered). A created object's
    previous values are None, as auditlog records them."""

    def __init__(self, model, use_json: bool):
        registered = auditlog.get_model_fields(model)
        include, exclude = registered["include_fields"], registered["exclude_fields"]

        def chosen(fields):
            fields = [f for f in fields if not include or f.name in include]
            return [f for f in fields if f.name not in exclude]

        self.create_fields = [
            (f, _value_reader(model, f, use_json))
            for f in chosen([f for f in model._meta.get_fields() if track_field(f)])
        ]
        self.update_fields = [(f, _value_reader(model, f, use_json)) for f in chosen(list(model._meta.fields))]
        self.mask_fields = set(registered["mask_fields"])
        self.mask = get_mask_function(registered.get("mask_callable")) if self.mask_fields else None
        self.json = use_json

    def diff(self, old, new) -> dict | None:
        changes = {}
        for model_field, value in self.create_fields if old is None else self.update_fields:
            if old is None:  # auditlog's previous value of a created object (its "default" of None)
                before = None if self.json else smart_str(None)
            else:
                before = value(old)
            after = value(new)
            if before == after:
                continue
            if model_field.name in self.mask_fields:
                changes[model_field.name] = (self.mask(smart_str(before)), self.mask(smart_str(after)))
            elif not self.json:
                changes[model_field.name] = (smart_str(before), smart_str(after))
            else:
                changes[model_field.name] = (_primitive(before), _primitive(after))
        return changes or None


_PRIMITIVES = (type(None), bool, int, float, str, list, tuple, dict, set)
_ABSENT = object()
_PLAIN = (type(None), bool, int, float, str, datetime.date, decimal.Decimal)


def _value_reader(model, model_field, use_json: bool):
    """``get_field_value(obj, model_field, use_json)`` as a function of the object, worked out once: with JSON
    changes, a plain field's value (a field whose attribute is Django's own DeferredAttribute, neither a date-time
    nor JSON) is the attribute's value as loaded, and a foreign key's (by id, auditlog's default) the id's."""

    def general(obj):
        return get_field_value(obj, model_field, use_json)

    if not use_json or not model_field.concrete or isinstance(model_field, (DateTimeField, JSONField)):
        return general
    attname = model_field.attname
    if type(getattr(model, attname, None)) is not DeferredAttribute and not model_field.many_to_one:
        return general
    if model_field.is_relation and (
        settings.AUDITLOG_USE_FK_STRING_REPRESENTATION or not model_field.many_to_one or model_field.one_to_one
    ):
        return general
    plain = (type(None), int, str) if model_field.is_relation else _PLAIN

    def read(obj):
        value = obj.__dict__.get(attname, _ABSENT)  # absent (deferred): auditlog's way
        return value if type(value) in plain else general(obj)

    return read


def _primitive(value):
    return value if isinstance(value, _PRIMITIVES) else smart_str(value)


def _context() -> dict:
    """What auditlog's ``set_actor`` context would set on an entry: the actor (and their e-mail), the remote
    address and port."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return {}
    values = {}
    actor = context.get("actor")
    if isinstance(actor, get_user_model()):
        values["actor"] = actor
        values["actor_email"] = getattr(actor, "email", None)
    for key, value in context.items():
        if key not in ("actor", "signal_duid") and hasattr(LogEntry, key):
            values[key] = value() if callable(value) else value
    return values
