"""Passwords are set by their owner only: an administrator sends a reset link instead
(docs/admin-guide.md, "Passwords"). Completing a reset removes the user's two-factor devices,
so whoever chose the new password enrols a device again at the next sign-in.

The page, the administration site and ``palermo send-password-reset`` call
:func:`send_reset`; the reset page's form calls :func:`complete_reset`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from palermo.core import access, grants, two_factor
from palermo.core.models import AccessLog, AccountEvent, Membership, User


class NoAddress(ValueError):
    """The user has no e-mail address to send a reset link to."""


def reset_link(user: User, request=None) -> str:
    """A one-use link to choose a new password (Django's reset token: it stops working once
    the password changes, and after ``PASSWORD_RESET_TIMEOUT``)."""
    path = reverse("web:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user)})
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.PALERMO_SITE_URL.rstrip("/") + path


def _record_for_each_organisation(kind: str, actor: Membership | None, user: User,
                                  channel: str, detail: str = "") -> None:
    """One event per organisation *user* works for, so each one's supervisors see it."""
    memberships = list(user.memberships.filter(active=True))
    for membership in memberships:
        grants.record(kind, actor, user, membership=membership, channel=channel,
                      detail=detail)
    if not memberships:
        grants.record(kind, actor, user, channel=channel, detail=detail)


def send_reset(actor: Membership | None, user: User, *, request=None,
               invitation: bool = False, channel: str = AccessLog.Channel.WEB) -> None:
    """E-mail *user* a link to choose a new password (*invitation*: the first one, for an
    account just created without a password). *actor* is the administrator's membership
    (``access.may_reset_password`` decides), or None for the command line. Raises
    :class:`NoAddress` when the user has no e-mail address."""
    if actor is not None and not access.may_reset_password(actor):
        raise PermissionDenied
    if not user.email:
        raise NoAddress(_("%(username)s has no e-mail address: add one first, then send "
                          "the link.") % {"username": user.get_username()})
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    opening = (_("An account “%(username)s” was created for you in Palermo.") if invitation
               else _("Palermo was asked to send you a link to choose a new password for "
                      "your account “%(username)s”."))
    body = "\n\n".join([
        opening % {"username": user.get_username()},
        _("Choose your password here (the link works once, for %(days)d days):")
        % {"days": days},
        reset_link(user, request),
        _("When you next sign in you will set up two-factor sign-in again, if your role "
          "needs it."),
        _("If you did not expect this message, tell your administrator."),
    ])
    subject = (_("Your Palermo account") if invitation
               else _("Choose a new Palermo password"))
    send_mail(subject, body, None, [user.email])
    _record_for_each_organisation(AccountEvent.Kind.RESET_SENT, actor, user, channel,
                                  "invitation" if invitation else "")


def complete_reset(user: User) -> int:
    """After *user* chose a new password with a reset link: remove their two-factor devices
    and record it. Returns how many devices were removed."""
    removed = two_factor.remove_devices(user)
    _record_for_each_organisation(AccountEvent.Kind.RESET_DONE, None, user,
                                  AccessLog.Channel.WEB, f"{removed} device(s) removed")
    return removed
