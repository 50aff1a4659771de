"""Granting roles, and the second person who confirms them (docs/access.md, "Two people open
identities").

One function per job, which the administration site, the web pages, the demo and the
command line all call:

* :func:`grant_membership` — an administrator (or the command line) gives a user a role in an
  organisation, changes it, or (de)activates it. A role in ``access.CONFIRMED_ROLES`` granted,
  changed or reactivated this way waits for a confirmation.
* :func:`confirm` / :func:`refuse` — a second person (``access.may_confirm``) confirms the
  grant, or refuses it (the membership is deactivated).
* :func:`account_changed` — the e-mail address password resets go to was changed, or the user
  reactivated: their confirmed roles need confirming again.
* :func:`pending_for` and :func:`recent_events` — what the home page lists.

Every step is an :class:`~palermo.core.models.AccountEvent`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import AccessLog, AccountEvent, Membership, Role, User

Kind = AccountEvent.Kind
Channel = AccessLog.Channel


def record(kind: str, actor: Membership | None, subject: User, *,
           membership: Membership | None = None, organisation_id: int | None = None,
           channel: str = Channel.WEB, detail: str = "") -> AccountEvent:
    """Append one account event. *actor* None means the command line (or the system)."""
    if membership is not None:
        organisation_id = membership.organisation_id
    return AccountEvent.objects.create(
        kind=kind, actor=actor.user if actor else None, actor_role=actor.role if actor else "",
        subject=subject, membership=membership, organisation_id=organisation_id,
        role=membership.role if membership else "", channel=channel, detail=detail[:200])


def _first_administrator(role: str) -> bool:
    """A command-line grant of the administrator role while no confirmed administrator
    exists: the installation's first, which nobody else could confirm."""
    return role == Role.ADMIN and not Membership.objects.filter(
        role=Role.ADMIN, active=True, user__is_active=True, confirmed_at__isnull=False,
        confirmed_role=Role.ADMIN).exists()


@transaction.atomic
def grant_membership(granter: Membership | None, user: User, organisation, role: str, *,
                     active: bool = True, channel: str = Channel.WEB) -> Membership:
    """Give *user* the *role* in *organisation* (creating, changing or reactivating their
    membership there), or deactivate it with ``active=False``.

    *granter* is the acting administrator's membership (``access.may_grant`` decides), or
    None for the command line — the server's operator, who makes the first administrator.
    A role that needs confirmation and is new, changed or reactivated waits for
    :func:`confirm` by someone other than the granter and the member; the installation's
    first administrator, granted on the command line, is confirmed at once.
    """
    if granter is not None and not access.may_grant(granter, user, role):
        raise PermissionDenied
    membership = Membership.objects.select_for_update().filter(
        user=user, organisation=organisation).first()
    new = membership is None
    if new:
        membership = Membership(user=user, organisation=organisation, role=role,
                                active=active)
    before_role, before_active = (None, False) if new else (membership.role, membership.active)
    membership.role, membership.active = role, active
    if not active:
        membership.save()
        if before_active:
            record(Kind.DEACTIVATED, granter, user, membership=membership, channel=channel)
        return membership
    granted = new or role != before_role or not before_active
    if not granted:
        membership.save()
        return membership
    membership.granted_by = granter.user if granter else None
    membership.granted_at = timezone.now()
    if role in access.CONFIRMED_ROLES:
        _unconfirm(membership)
    membership.save()
    detail = ("new" if new else f"role was {before_role}" if role != before_role
              else "reactivated")
    record(Kind.GRANTED, granter, user, membership=membership, channel=channel, detail=detail)
    if granter is None and _first_administrator(role):
        _mark_confirmed(membership, None)
        record(Kind.CONFIRMED, None, user, membership=membership, channel=channel,
               detail="first administrator")
    return membership


def _unconfirm(membership: Membership) -> None:
    membership.confirmed_by, membership.confirmed_at, membership.confirmed_role = None, None, ""


def _mark_confirmed(membership: Membership, confirmer: Membership | None) -> None:
    membership.confirmed_by = confirmer.user if confirmer else None
    membership.confirmed_at = timezone.now()
    membership.confirmed_role = membership.role
    membership.save(update_fields=["confirmed_by", "confirmed_at", "confirmed_role"])


def _decide(confirmer: Membership | None, membership: Membership, channel: str,
            kind: str) -> Membership:
    """Confirm or refuse under a lock if ``access.may_confirm`` allows it; otherwise log the
    attempt (outside the rolled-back transaction) and raise ``PermissionDenied``."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("user").get(
            pk=membership.pk)
        if access.may_confirm(confirmer, locked):
            if kind == Kind.CONFIRMED:
                _mark_confirmed(locked, confirmer)
            else:
                locked.active = False
                locked.save(update_fields=["active"])
            record(kind, confirmer, locked.user, membership=locked, channel=channel)
            return locked
    if confirmer is not None and access.awaits_confirmation(locked):
        record(Kind.DENIED, confirmer, locked.user, membership=locked, channel=channel,
               detail=f"tried: {kind}")
    raise PermissionDenied


def confirm(confirmer: Membership, membership: Membership, *,
            channel: str = Channel.WEB) -> Membership:
    """*confirmer* confirms *membership*'s grant: from now on it works. Raises
    ``PermissionDenied`` (and logs the attempt) unless ``access.may_confirm`` allows it."""
    return _decide(confirmer, membership, channel, Kind.CONFIRMED)


def refuse(confirmer: Membership, membership: Membership, *,
           channel: str = Channel.WEB) -> Membership:
    """*confirmer* refuses *membership*'s grant: the membership is deactivated (an
    administrator may grant it again, which asks for a confirmation again). Who may refuse
    is who may confirm."""
    return _decide(confirmer, membership, channel, Kind.REFUSED)


@transaction.atomic
def account_changed(actor: Membership | None, user: User, changed: set[str], *,
                    channel: str = Channel.WEB) -> int:
    """*actor* changed *user*'s account fields *changed*. A new e-mail address (where
    password resets go) or a reactivated account would let whoever made the change take
    over the user's confirmed roles, so those roles need confirming again. Returns how many
    memberships now wait."""
    if not changed & {"email", "is_active"}:
        return 0
    again = list(Membership.objects.select_for_update().filter(
        user=user, active=True, role__in=access.CONFIRMED_ROLES, confirmed_at__isnull=False))
    reason = "e-mail address changed" if "email" in changed else "account reactivated"
    for membership in again:
        _unconfirm(membership)
        membership.save(update_fields=["confirmed_by", "confirmed_at", "confirmed_role"])
        record(Kind.RECONFIRM, actor, user, membership=membership, channel=channel,
               detail=reason)
    return len(again)


def awaiting(memberships: models.QuerySet[Membership]) -> models.QuerySet[Membership]:
    """Those of *memberships* that await confirmation (``access.awaits_confirmation`` as a
    filter), of active users in active organisations."""
    return memberships.filter(
        active=True, user__is_active=True, organisation__active=True,
        role__in=access.CONFIRMED_ROLES).filter(
        models.Q(confirmed_at__isnull=True) | ~models.Q(confirmed_role=models.F("role")))


def who_confirms(membership: Membership) -> str:
    """Who may confirm *membership*'s grant, in words (for the member and the lists)."""
    if not access.opens_identities(membership.role):
        return gettext("another administrator")
    if access.has_confirming_supervisor(membership):
        return gettext("a supervisor of %(org)s") % {"org": membership.organisation}
    return gettext("an administrator other than the one who granted it")


def pending_for(membership: Membership | None) -> models.QuerySet[Membership]:
    """The grants awaiting confirmation that *membership* may see as a confirmer (its own
    organisation's for a supervisor, all for an administrator), oldest first; whether this
    member may confirm each one is ``access.may_confirm``."""
    waiting = awaiting(Membership.objects.all())
    return (access.visible(membership, waiting, Action.APPROVE)
            .select_related("user", "organisation", "granted_by")
            .order_by("granted_at", "id"))


def recent_events(membership: Membership | None, limit: int = 20) -> list[AccountEvent]:
    """The latest account events this member may read (supervisors: their organisation's;
    administrators: all)."""
    events = access.visible(membership, AccountEvent.objects.all())
    return list(events.select_related("actor", "subject", "organisation")[:limit])
