from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Transport enterprises and vehicles")

    def ready(self):
        from core.audit import track

        from . import models

        track(models.Enterprise)
        track(models.Vehicle)
