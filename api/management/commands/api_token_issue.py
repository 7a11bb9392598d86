"""``manage.py api_token_issue CLIENT --by ADMIN (--resources a,b | --all) [--write --as USER] [--expires DATE]
[--rate 600/min]``: issue a token from the command line, through the same service as the admin site; prints the
plain token once (only its hash is stored). The client is created when it does not exist."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from api.models import ApiClient
from api.resources import RESOURCES
from api.services import api_token_issue
from organisation.models import User


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username!r}.")
    return user


class Command(BaseCommand):
    help = "Issue an API token for a client (created if new); print the plain token, shown only this once."

    def add_arguments(self, parser):
        parser.add_argument("client", help="The client's name, e.g. 省交通运输厅.")
        parser.add_argument("--by", required=True, help="Username of the administrator issuing it (audited).")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--resources", help=f"Comma-separated resources: {', '.join(RESOURCES)}.")
        scope.add_argument("--all", action="store_true", help="Every resource.")
        parser.add_argument("--write", action="store_true", help="May write, as the --as user.")
        parser.add_argument("--as", dest="acting_user", help="Username the token writes as.")
        parser.add_argument("--expires", type=datetime.date.fromisoformat, help="Expiry date (YYYY-MM-DD), local.")
        parser.add_argument("--rate", default="", help="Rate limit, e.g. 600/min (default API_TOKEN_RATE).")

    def handle(self, *args, **options):
        resources = list(RESOURCES) if options["all"] else [n.strip() for n in options["resources"].split(",")]
        expires = options["expires"]
        expires_at = (
            None if expires is None else timezone.make_aware(datetime.datetime.combine(expires, datetime.time()))
        )
        try:
            with translation.override("en"), transaction.atomic():
                by = _user(options["by"])
                acting_user = _user(options["acting_user"]) if options["acting_user"] else None
                client, _ = ApiClient.objects.get_or_create(name=options["client"])
                _, plain = api_token_issue(
                    user=by,
                    client=client,
                    resources=resources,
                    can_write=options["write"],
                    acting_user=acting_user,
                    expires_at=expires_at,
                    rate=options["rate"],
                )
        except (PermissionDenied, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages)) from None
        self.stdout.write(plain)
