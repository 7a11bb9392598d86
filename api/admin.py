"""Administrators create API clients and their tokens, and revoke tokens, here. A new token's plain value is shown
once, in the message after saving; only its hash is stored."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import PortalModelAdmin

from .models import ApiClient, ApiToken, Deletion
from .resources import resource_choices
from .services import api_token_issue, api_token_revoke


class ApiTokenForm(forms.ModelForm):
    resources = forms.MultipleChoiceField(
        label=_("resources"), choices=resource_choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["client", "resources", "can_write", "user", "rate", "expires_at"]


@admin.register(ApiClient)
class ApiClientAdmin(PortalModelAdmin):
    list_display = ("name", "contact", "created_at")
    search_fields = ("name", "contact")


@admin.register(ApiToken)
class ApiTokenAdmin(PortalModelAdmin):
    form = ApiTokenForm
    list_display = ("__str__", "client", "can_write", "user", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("client", "can_write")
    list_select_related = ("client", "user")
    actions = ["revoke"]
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*ApiTokenForm.Meta.fields, *self.readonly_fields]  # a token's scope is fixed: issue a new one

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, plain = api_token_issue(
            user=request.user,
            client=obj.client,
            resources=form.cleaned_data["resources"],
            can_write=obj.can_write,
            acting_user=obj.user,
            expires_at=obj.expires_at,
            rate=obj.rate,
        )
        obj.pk, obj._state = token.pk, token._state
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                _("The new token — copy it now, it is not shown again:"),
                plain,
            ),
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(user=request.user, token=token)
        messages.success(request, _("Revoked."))


@admin.register(Deletion)
class DeletionAdmin(PortalModelAdmin):
    list_display = ("resource", "object_id", "deleted_at")
    list_filter = ("resource",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
