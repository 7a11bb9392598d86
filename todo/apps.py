from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TodoConfig(AppConfig):
    name = "todo"
    verbose_name = _("To-do")

    def ready(self):
        from . import registry

        registry.autodiscover()  # every app's <app>/todo.py
