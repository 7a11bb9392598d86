import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")

app = Celery("liuyang_transport")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
