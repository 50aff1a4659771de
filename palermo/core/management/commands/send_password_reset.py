"""``palermo send-password-reset USERNAME``: e-mail a user a link to choose a new password.

Nobody sets another person's password (``palermo changepassword`` is refused); completing the
reset removes the user's two-factor devices. With the default console e-mail backend the
message, link included, is printed here.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from palermo.core import passwords
from palermo.core.models import AccessLog, User


class Command(BaseCommand):
    help = ("E-mail USERNAME a link to choose a new password (their two-factor devices are "
            "removed when they use it).")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        try:
            passwords.send_reset(None, user, channel=AccessLog.Channel.CLI)
        except passwords.NoAddress as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"A password reset link was sent to {user.username}'s e-mail address."))
