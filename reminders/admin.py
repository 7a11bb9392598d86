from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import PortalModelAdmin, ReadOnlyAdmin

from . import delivery, registry
from .models import DigestEmail, Notification, ReminderRule, UnitWebhook, WebhookDelivery


@admin.register(ReminderRule)
class ReminderRuleAdmin(PortalModelAdmin):
    list_display = ("label", "source", "offsets", "overdue_every", "escalate_after", "is_active")
    list_editable = ("offsets", "overdue_every", "escalate_after", "is_active")
    list_display_links = ("label",)
    readonly_fields = ("updated_at",)

    @admin.display(description=_("kind of deadline"))
    def label(self, rule):
        return str(rule)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "source":
            from django import forms

            return forms.ChoiceField(label=db_field.verbose_name, choices=registry.source_choices())
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(UnitWebhook)
class UnitWebhookAdmin(PortalModelAdmin):
    list_display = ("unit", "kind", "is_active", "updated_at")
    list_filter = ("kind", "is_active")
    list_select_related = ("unit",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """Each unit's daily robot message: its state, tries and failures (the errors of each failed try)."""

    list_display = ("unit", "day", "state", "attempts", "last_error", "sent_at")
    list_filter = ("state", "day")
    list_select_related = ("unit",)
    date_hierarchy = "day"
    readonly_fields = ("unit", "day", "event", "text", "state", "attempts", "failures", "created_at", "sent_at")
    actions = ["retry"]

    @admin.display(description=_("last error"))
    def last_error(self, message):
        return message.last_error

    @admin.action(description=_("Try the selected failed messages again"))
    def retry(self, request, queryset):
        count = delivery.retry_webhook_deliveries(queryset)
        self.message_user(
            request,
            ngettext("%(count)d message will be tried again.", "%(count)d messages will be tried again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(DigestEmail)
class DigestEmailAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "kind", "day", "state", "attempts", "last_error", "sent_at")
    list_filter = ("state", "kind", "day")
    search_fields = ("recipient__username", "recipient__full_name")
    list_select_related = ("recipient",)
    date_hierarchy = "day"
    readonly_fields = ("recipient", "kind", "day", "state", "attempts", "last_error", "created_at", "sent_at")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "recipient", "kind", "source", "day", "due_date", "read_at", "email_pending")
    list_filter = ("kind", "source", "day")
    search_fields = ("title", "recipient__username", "recipient__full_name", "item_key")
    list_select_related = ("recipient",)
    date_hierarchy = "day"
    readonly_fields = [field.name for field in Notification._meta.fields]
