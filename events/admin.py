from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was raised, for whom, and whether it is dispatched."""

    list_display = ("created_at", "kind", "title", "dispatched_at", "attempts")
    list_filter = ("kind", ("dispatched_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "item_key")
    readonly_fields = [field.name for field in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
