"""Request middleware: the session, the acting membership, and the two-factor requirement."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from palermo.core import access

SESSION_KEY = "palermo_organisation"


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that a *passive* request — a page polling a
    job's progress, marked ``request.passive`` by its view — neither refreshes nor writes
    the session: automatic polling is not activity (it must not keep an idle session
    alive), and on SQLite it must not wait for the database that a running import holds."""

    def process_response(self, request, response):
        if getattr(request, "passive", False) and not request.session.modified:
            patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)


class ActingMembershipMiddleware:
    """Sets ``request.membership``: the user's membership in the organisation chosen in the
    switcher (kept in the session), or their first one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.membership = access.acting_membership(user, request.session.get(SESSION_KEY))
        return self.get_response(request)


class TwoFactorMiddleware:
    """Sends members of roles that need two factors to set up or enter their code before
    anything else. Relaxed when ``PALERMO_REQUIRE_2FA`` is false (the demo)."""

    # Only what is needed to reach the code page. Everything else — the API token page
    # included, since a token would outlive the session — waits for the second factor.
    # The API itself authenticates with tokens, which only a verified session can create.
    # A password reset link works without signing in, so it needs no second factor either.
    EXEMPT_PREFIXES = ("/account/login/", "/account/logout/", "/account/two-factor/",
                       "/account/switch/", "/account/reset/", "/static/", "/api/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (settings.PALERMO_REQUIRE_2FA and request.user.is_authenticated
                and not request.user.is_verified()
                and access.requires_two_factor(request.membership)
                and not request.path.startswith(self.EXEMPT_PREFIXES)):
            return redirect(f"{reverse('web:two_factor')}?next={request.path}")
        return self.get_response(request)
