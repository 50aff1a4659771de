"""``palermo add-member``: give a user a role in an organisation (creating either if asked).

The way to make the first administrator of a new installation:
``palermo add-member alice "Headquarters" admin --create-organisation InternationalOrganisation``
— confirmed at once, since nobody else could confirm it. Every other role that needs a
second person's confirmation (docs/access.md) waits for it, as when granted on a page.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from palermo.core import access, grants
from palermo.core.models import AccessLog, Membership, Organisation, Role, User
from palermo.core.reference_data import htcds_choices


class Command(BaseCommand):
    help = ("Give USERNAME the ROLE in ORGANISATION. A new user gets a random password, "
            "printed once.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("organisation", help="The organisation's exact name")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--create-organisation", metavar="ORG_TYPE",
                            choices=[v for v, _ in htcds_choices("org_Type")],
                            help="Create the organisation with this HTCDS org_Type if missing")
        parser.add_argument("--country", help="ISO 3166 alpha-3 code, for a new organisation")

    @transaction.atomic
    def handle(self, *args, **options):
        org = Organisation.objects.filter(name=options["organisation"]).first()
        if org is None:
            if not options["create_organisation"]:
                raise CommandError(f"No organisation named {options['organisation']!r}; add "
                                   "--create-organisation ORG_TYPE to create it.")
            org = Organisation(name=options["organisation"],
                               type=options["create_organisation"],
                               country_id=options["country"])
            _save(org)
            self.stdout.write(f"Created organisation {org.name} ({org.get_type_display()}).")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(options["username"], password=password)
            self.stdout.write(f"Created user {user.username} with password {password} — "
                              "shown only this once; change it at first sign-in.")
        created = not Membership.objects.filter(user=user, organisation=org).exists()
        membership = grants.grant_membership(None, user, org, options["role"],
                                             channel=AccessLog.Channel.CLI)
        verb = "Added" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(
            f"{verb}: {user.username} is {membership.get_role_display()} at {org.name}."))
        if access.awaits_confirmation(membership):
            self.stdout.write(
                "The role works once confirmed on the home page by "
                + ("another administrator." if membership.role == Role.ADMIN else
                   f"a supervisor of {org.name} (an administrator, if it has none)."))


def _save(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        problems = "; ".join(f"{field}: {' '.join(msgs)}"
                             for field, msgs in exc.message_dict.items())
        raise CommandError(problems) from exc
    obj.save()
