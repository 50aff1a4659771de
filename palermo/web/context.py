"""What every page needs: the acting membership, the switcher, and the navigation."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from palermo.core import access


def navigation(membership) -> list[dict[str, str]]:
    """The sections this member may use. Modules not built yet have no entry."""
    items = []
    if access.sees_identities(membership):
        items.append({"label": _("Cases"), "url": reverse("web:case_list"), "key": "cases"})
        items.append({"label": _("Referrals"), "url": reverse("web:referral_list"),
                      "key": "referrals"})
    if access.scope(membership, access.Action.VIEW, "form") is not access.Scope.NONE:
        items.append({"label": _("Forms"), "url": reverse("web:form_list"), "key": "forms"})
    if access.scope(membership, access.Action.VIEW, "survey_results") is not access.Scope.NONE:
        items.append({"label": _("Survey results"), "url": reverse("web:survey_results"),
                      "key": "survey_results"})
    if access.scope(membership, access.Action.VIEW, "statistics") is not access.Scope.NONE:
        items.append({"label": _("Statistics"), "url": reverse("web:analytics_index"),
                      "key": "statistics"})
    if access.scope(membership, access.Action.VIEW, "portfolio") is not access.Scope.NONE:
        items.append({"label": _("Programmes"), "url": reverse("web:portfolio"),
                      "key": "programmes"})
    if access.reaches(membership, "library", access.Action.VIEW):
        items.append({"label": _("Learning"), "url": reverse("web:library_search"),
                      "key": "learning"})
    exchange = _exchange_page(membership)
    if exchange:
        items.append({"label": _("Import and export"), "url": reverse(exchange),
                      "key": "exchange"})
    if access.may_administer(membership):
        items.append({"label": _("Admin"), "url": reverse("admin:index"), "key": "admin"})
    return items


def _exchange_page(membership) -> str | None:
    """The first exchange page this member may use: import, export, core indicators."""
    def allowed(action, kind):
        return access.scope(membership, action, kind) is not access.Scope.NONE

    if allowed(access.Action.CREATE, "case_exchange"):
        return "web:exchange_import"
    if allowed(access.Action.CREATE, "release"):
        return "web:exchange_export"
    if allowed(access.Action.CREATE, "core_indicators"):
        return "web:exchange_indicators"
    return None


def shell(request) -> dict:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    memberships = list(user.memberships_active()) if user and user.is_authenticated else []
    return {
        "membership": membership,
        "memberships": memberships,
        "nav_items": navigation(membership),
        "two_factor_relaxed": not settings.PALERMO_REQUIRE_2FA,
    }
