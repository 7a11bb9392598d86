from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")

    def ready(self):
        from core.audit import track

        from . import models, schema, signals  # noqa: F401  schema: drf-spectacular extensions

        track(models.ApiClient)
        track(models.ApiToken, exclude_fields=("last_used_at",))
        signals.connect()
