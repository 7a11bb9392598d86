from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Two-passenger one-dangerous monitoring")

    def ready(self):
        from core.audit import track

        from . import models

        track(models.Driver)
        track(models.Alarm)
        track(models.VehicleDayMileage)
        track(models.Threshold)
        track(models.SupervisionNotice)
