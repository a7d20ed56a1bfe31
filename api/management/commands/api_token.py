"""``manage.py api_token USERNAME [--name NAME]``: make a new API token for the person and print its
key (the only time it is shown). For acceptance scripts and for setting up another system's access."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.commands import in_site_language
from core.errors import RuleViolation, rule_messages

from ...services import create_token


class Command(BaseCommand):
    help = "Make a new API token for a person and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for (default: made on the command line).")

    @in_site_language
    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active login named “%(username)s”.") % {"username": username})
        try:
            _token, key = create_token(user, name=name or _("Made on the command line"), acting_user=user)
        except RuleViolation as error:
            raise CommandError(" ".join(rule_messages(error))) from None
        self.stdout.write(key)
