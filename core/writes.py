"""How a service writes: the one door every write goes through (pages, API, admin, imports).

A service checks its permissions and rules and then writes through a ``Writes``. The default, ``Writes()``,
writes at once: each service call runs in its own transaction under the acting user (django-auditlog's signals
record who changed what), permissions are read from the database, a row to change is locked first
(``select_for_update``) and model validation is complete (``full_clean``). An import passes a
``core.imports.batch.BatchWrites`` instead: the same service, the same rules and messages, but permissions and
rows preloaded for all of a file's rows at once, and the writes recorded, then made in bulk (with their audit
entries) in the import's one transaction. A service is therefore written once::

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

    def require(self, user, action: str, obj, message: str) -> None:
        """Refuse (PermissionDenied with ``message``) unless ``user`` may ``action`` ``obj``."""
        if not self.permits(user, action, obj):
            raise PermissionDenied(message)

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
