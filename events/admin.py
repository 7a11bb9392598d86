from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The outbox, read-only: what was raised, for whom, and whether it is dispatched."""

    list_display = ("created_at", "kind", "title", "dispatched_at", "attempts")
    list_filter = ("kind", ("dispatched_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "item_key")
    readonly_fields = [field.name for field in Event._meta.fields]
    deletable = False
