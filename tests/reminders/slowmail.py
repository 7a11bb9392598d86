"""A slow e-mail backend for the worker fault tests: each message takes ``REMINDERS_TEST_MAIL_DELAY`` seconds (an
SMTP server far away), then is written to a file of its own in ``REMINDERS_TEST_MAIL_DIR``."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["REMINDERS_TEST_MAIL_DIR"])
        for message in email_messages:
            time.sleep(float(os.environ.get("REMINDERS_TEST_MAIL_DELAY", "0.5")))
            name = f"{message.to[0]}--{uuid.uuid4().hex}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return len(email_messages)
