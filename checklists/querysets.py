"""Reads of the checklists app and who may do what.

- ``view`` an item: administrators and bureau leaders, every item; staff and heads of a unit, the items their unit
  leads or is responsible for. A checklist is seen by those who see one of its items (all of them for
  administrators and leaders); an item one may not see reads as one that does not exist.
- ``fill`` an item (value, self-score, explanation, evidence) and ``resolve`` its comments (adopt or answer): the
  members of its lead unit, nobody else — not administrators either: the lead unit answers for its figures.
- ``comment`` on an item: the members of its responsible units.
- ``sign`` a checklist (and so freeze its submission): bureau leaders — its responsible leader when it names one.
- ``change`` a checklist or an item (its definition): administrators.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from .choices import CommentState


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


class ChecklistQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        if not _active(user):
            return self.none()
        if action == "view":
            if user.reads_everything:
                return self
            if user.is_unit_member:
                return self.filter(
                    Q(items__lead_unit_id=user.unit_id) | Q(items__responsible_units=user.unit_id)
                ).distinct()
            return self.none()
        if action == "change" and user.is_administrator:
            return self
        if action == "sign" and user.is_leader:
            return self.filter(Q(responsible_leader__isnull=True) | Q(responsible_leader_id=user.pk))
        return self.none()

    def ready_to_sign(self):
        """The checklists a leader may sign now: not signed, with items, every item filled, no comment open."""
        from .models import ChecklistItem, ItemComment

        unfilled = ChecklistItem.objects.filter(checklist=OuterRef("pk"), filled_at__isnull=True)
        open_comments = ItemComment.objects.filter(item__checklist=OuterRef("pk"), state=CommentState.OPEN)
        return self.filter(
            Exists(ChecklistItem.objects.filter(checklist=OuterRef("pk"))),
            ~Exists(unfilled),
            ~Exists(open_comments),
            submission__isnull=True,
        )

    def for_list(self):
        return self.select_related("responsible_leader", "submission__signed_by").annotate(
            item_count=models.Count("items", distinct=True)
        )


class ChecklistItemQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        if not _active(user):
            return self.none()
        if action == "view":
            if user.reads_everything:
                return self
            if user.is_unit_member:
                unit = user.unit_id
                return self.filter(Q(lead_unit_id=unit) | Q(pk__in=_responsible_for(unit)))
            return self.none()
        if action in ("fill", "resolve") and user.is_unit_member:
            return self.filter(lead_unit_id=user.unit_id)
        if action == "comment" and user.is_unit_member:
            return self.filter(pk__in=_responsible_for(user.unit_id))
        if action == "change" and user.is_administrator:
            return self
        return self.none()

    def for_detail(self):
        return self.select_related("lead_unit").prefetch_related("responsible_units", "evidence")


def _responsible_for(unit_id):
    from .models import ChecklistItem

    return ChecklistItem.responsible_units.through.objects.filter(unit_id=unit_id).values("checklistitem_id")


class ItemCommentQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        from .models import ChecklistItem

        item_action = {"view": "view", "resolve": "resolve"}.get(action)
        if item_action is None:
            return self.none()
        return self.filter(item__in=ChecklistItem.objects.restrict(user, item_action))


class SubmissionQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        from .models import Checklist

        if action != "view":
            return self.none()  # a submission is never changed
        return self.filter(checklist__in=Checklist.objects.restrict(user))
