"""Confirming or refusing another person's grant of a role (docs/access.md, "Two people
open identities"); the list to decide from is on the home page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.core import access, grants
from palermo.core.access import Action
from palermo.core.models import Membership


def _grant(request, pk: int) -> Membership:
    """The membership *pk* among those the acting member decides on: 403 for a role that
    never confirms (and for a membership that is not confirmed itself), 404 for another
    organisation's."""
    if access.scope(request.membership, Action.APPROVE, "membership") is access.Scope.NONE:
        raise PermissionDenied
    found = access.visible(request.membership, Membership.objects.filter(pk=pk),
                           Action.APPROVE).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def grant_confirm(request, pk: int):
    """Confirm a pending grant: 403 when it is one's own, one's own grant, or not pending."""
    membership = grants.confirm(request.membership, _grant(request, pk))
    messages.success(request, _("Confirmed: %(m)s.") % {"m": membership})
    return redirect("web:home")


@login_required
@require_POST
def grant_refuse(request, pk: int):
    """Refuse a pending grant (the membership is deactivated); same rule as confirming."""
    membership = grants.refuse(request.membership, _grant(request, pk))
    messages.success(request, _("Refused: %(m)s. The membership is deactivated.")
                     % {"m": membership})
    return redirect("web:home")
