"""How a service writes: the one door every write goes through (pages, API, admin, imports).

A service checks its permissions and rules and then writes through a ``Writes``. The default, ``Writes()``,
writes at once: each service call runs in its own transaction under the acting user (django-auditlog's signals
record who changed what), permissions are read from the database, a row to change is locked first
(``select_for_update``) and model validation is complete (``full_clean``). An import checks each row
with a ``RowCheckWrites`` instead: the same service, the same permissions, rules and messages, nothing written,
permissions and figures answered from what the import loaded once for the file; the import then writes its rows
itself, in bulk, in one transaction (with their audit entries). A service is therefore written once::

    def thing_update(*, user, thing, writes: Writes | None = None, **changes):
        writes = writes or Writes()
        writes.require(user, "change", thing, _("You may not change this thing."))
        with writes.atomic(user):
            thing = writes.lock(thing)
            ...rules...
            writes.clean(thing)
            writes.save(thing)
        return thing
"""

import contextlib
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .audit import set_actor


def refusal(message: str, *, field: str | None = None) -> PermissionDenied:
    """A PermissionDenied with ``message``; ``field`` names the field whose value it is about, so that an import
    reports it under that column (pages and the API answer 403 as for any refusal)."""
    error = PermissionDenied(message)
    error.field = field
    return error


def check_editable(values, *allowed) -> None:
    """A programming error, not a user's: a service was given fields it does not edit (``allowed``: the
    collections of the field names it does)."""
    unknown = set(values).difference(*allowed)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")


class Writes:
    """Writes made at once (a page, the API, the admin)."""

    #: True for an import's batch: writes are recorded and made together at the end.
    batch = False

    @contextlib.contextmanager
    def atomic(self, user):
        """The service's transaction, under ``user`` for the audit history."""
        with set_actor(user), transaction.atomic():
            yield

    def permits(self, user, action: str, obj) -> bool:
        """Whether ``user`` may ``action`` ``obj`` by its model's ``restrict(user, action)`` rule."""
        return type(obj)._default_manager.restrict(user, action).filter(pk=obj.pk).exists()

    def require(self, user, action: str, obj, message: str, *, field: str | None = None) -> None:
        """Refuse (PermissionDenied with ``message``) unless ``user`` may ``action`` ``obj``. ``field``: the field
        whose value the refusal is about (an import reports it under that column; pages and the API answer 403)."""
        if not self.permits(user, action, obj):
            raise refusal(message, field=field)

    def lock(self, obj):
        """``obj`` as the database has it now, locked until the transaction ends: change that one."""
        return type(obj)._default_manager.select_for_update().get(pk=obj.pk)

    def clean(self, obj, *, exclude: Iterable[str] = ()) -> None:
        """Model validation: fields, ``clean()``, uniqueness and constraints."""
        obj.full_clean(exclude=list(exclude) or None)

    def save(self, obj, *, before_insert: Callable[[list], None] | None = None) -> None:
        """Insert or update ``obj``. ``before_insert(objects)`` is called with the new objects of its kind just
        before they are inserted (here: ``[obj]``), for what must be taken inside the transaction, such as a number
        from a locked counter."""
        if obj._state.adding and before_insert is not None:
            before_insert([obj])
        obj.save()

    def delete(self, obj) -> None:
        obj.delete()

    def set_related(self, obj, name: str, objects: Iterable) -> None:
        """Set the many-to-many field ``name`` of a saved ``obj`` to ``objects``."""
        getattr(obj, name).set(list(objects))

    def save_parts(self, save: Callable[[], None]) -> None:
        """Write the rows that belong to a saved object (its funding rows, blockers, photos …): ``save()``."""
        save()

    def lookup(self, name: str, load: Callable, *args):
        """``load(*args)``: a figure the service reads from the database to apply a rule (``name`` says which)."""
        return load(*args)

    def notify(self, raise_events: Callable[[], None]) -> None:
        """Raise the write's workflow events (``raise_events()``, which writes the outbox rows ``events.services``
        dispatches after the commit) inside its transaction."""
        raise_events()


class CheckWrites(Writes):
    """A service run that checks and writes nothing: the permissions, rules and model validation of a write, for a
    form that must show a service's refusal under its fields (the admin) before the real write."""

    @contextlib.contextmanager
    def atomic(self, user):
        yield

    def lock(self, obj):
        return type(obj)._default_manager.get(pk=obj.pk)

    def save(self, obj, *, before_insert=None) -> None:
        pass

    def delete(self, obj) -> None:
        pass

    def set_related(self, obj, name: str, objects: Iterable) -> None:
        pass

    def save_parts(self, save: Callable[[], None]) -> None:
        pass

    def notify(self, raise_events: Callable[[], None]) -> None:
        pass  # nothing was written: nothing happened


class RowCheckWrites(CheckWrites):
    """A service run for one row of an import: the service's permissions and rules, nothing written (the import
    writes its rows itself, in one transaction), permissions read from sets loaded once per import rather than a
    query per row, and model validation left to the import, which has run it on the row."""

    def __init__(
        self, permitted: dict[tuple[type, str], set] | None = None, lookups: dict[str, Callable] | None = None
    ):
        #: (model, action) → the primary keys of the objects the importing user may ``action``.
        self.permitted = permitted or {}
        #: a lookup's name → a function answering it from what the import loaded once (and the file's earlier
        #: rows), in place of a query per row.
        self.lookups = lookups or {}

    def permits(self, user, action: str, obj) -> bool:
        allowed = self.permitted.get((type(obj), action))
        if allowed is None:
            return super().permits(user, action, obj)
        return obj.pk in allowed

    def lock(self, obj):
        return obj

    def clean(self, obj, *, exclude: Iterable[str] = ()) -> None:
        pass

    def lookup(self, name: str, load: Callable, *args):
        return self.lookups.get(name, load)(*args)
