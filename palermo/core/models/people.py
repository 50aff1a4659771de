"""Organisations, the people who use Palermo, their roles, and their API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.core.reference_data import htcds_choices


class User(AbstractUser):
    """A person who signs in to Palermo (staff of an organisation — never a victim)."""

    def memberships_active(self) -> models.QuerySet[Membership]:
        """The user's active memberships, oldest (their home organisation) first."""
        return (self.memberships.filter(active=True, organisation__active=True)
                .select_related("organisation").order_by("created", "id"))


def default_follow_up_months() -> list[int]:
    """3, 6 and 12 months: the schedule the evaluations ask for (000 Rec. 16)."""
    return [3, 6, 12]


class Organisation(models.Model):
    """An organisation using Palermo: an NGO, an IOM mission, a headquarters, a donor …"""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    type = models.CharField(_("type"), max_length=60, choices=htcds_choices("org_Type"),
                            help_text=_("HTCDS org_Type"))
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, null=True, blank=True,
                                verbose_name=_("country"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent organisation"))
    is_referral_mechanism = models.BooleanField(
        _("national referral mechanism"), default=False,
        help_text=_("Acts as the national referral mechanism of its country"))
    active = models.BooleanField(_("active"), default=True)
    follow_up_months = models.JSONField(
        _("follow-up schedule (months)"), default=default_follow_up_months, blank=True,
        help_text=_("Months after closure or return at which follow-up interviews are due"))
    history = HistoricalRecords()

    access_kind = "organisation"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        months = self.follow_up_months
        if not isinstance(months, list) or not all(
                isinstance(m, int) and 0 < m <= 120 for m in months):
            raise ValidationError({"follow_up_months": _(
                "A list of whole months between 1 and 120, e.g. [3, 6, 12].")})


class Role(models.TextChoices):
    """What a member may do in an organisation; the rules live in ``palermo.core.access``."""

    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    ME_OFFICER = "me_officer", _("M&E officer")
    ANALYST = "analyst", _("Analyst")
    DONOR = "donor", _("Donor")
    ADMIN = "admin", _("Administrator")


class Membership(models.Model):
    """A user's role in one organisation. A user acts for one membership at a time.

    A role that opens identity records, or confirms who may (``access.CONFIRMED_ROLES``),
    works only once a second person has confirmed it: ``confirmed_role`` names the role the
    confirmation was for, so a membership whose role changed since — however it was
    changed — awaits confirmation again. Grants and confirmations are made by
    :mod:`palermo.core.grants`; a bare ``Membership.objects.create`` is unconfirmed.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("granted by"),
        help_text=_("Empty when granted on the command line"))
    granted_at = models.DateTimeField(_("granted"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_role = models.CharField(_("confirmed role"), max_length=20, blank=True,
                                      choices=Role.choices)
    history = HistoricalRecords()

    access_kind = "membership"
    access_owner = "organisation"

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"],
                                               name="one_role_per_organisation")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    @property
    def is_confirmed(self) -> bool:
        """Has a second person confirmed this membership in its present role?"""
        return self.confirmed_at is not None and self.confirmed_role == self.role


class ApiToken(models.Model):
    """A personal API token acting for one membership. Only a SHA-256 digest is stored."""

    PREFIX_LENGTH = 8

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE,
                                   related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        """The stored digest of a raw token. Tokens are 256 random bits, so a fast hash is safe."""
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, membership: Membership, name: str) -> tuple[ApiToken, str]:
        """Create a token; returns it and the raw secret, which is shown once and never stored."""
        raw = "plm_" + secrets.token_urlsafe(32)
        token = cls.objects.create(membership=membership, name=name,
                                   prefix=raw[4:4 + cls.PREFIX_LENGTH], digest=cls.digest_of(raw))
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> ApiToken | None:
        """The live token matching *raw* (not revoked, member and user active), or ``None``."""
        token = (cls.objects.select_related("membership__user", "membership__organisation")
                 .filter(digest=cls.digest_of(raw), revoked_at__isnull=True,
                         membership__active=True, membership__user__is_active=True,
                         membership__organisation__active=True).first())
        if token is not None:
            cls.objects.filter(pk=token.pk).update(last_used=timezone.now())
        return token

    def revoke(self) -> None:
        """Stop the token working, keeping the row for the record."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
