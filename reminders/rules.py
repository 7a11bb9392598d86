"""The reminder rules administrators edit: one row per deadline source, created with the source's defaults."""

from . import registry


def create_missing_rules(**kwargs) -> int:
    """Give every registered source a ``ReminderRule`` row with its defaults (after ``migrate``)."""
    from .models import ReminderRule
    from .scan import source_rule

    existing = set(ReminderRule.objects.values_list("source", flat=True))
    rows = []
    for source in registry.sources():
        if source.key in existing:
            continue
        rule = source_rule(source)
        rows.append(
            ReminderRule(
                source=source.key,
                offsets=",".join(str(offset) for offset in rule.offsets),
                overdue_every=rule.overdue_every,
                escalate_after=rule.escalate_after,
            )
        )
    ReminderRule.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
