"""Bearer-token authentication for the API: ``Authorization: Bearer plm_…``."""

from __future__ import annotations

from ninja.security import HttpBearer

from palermo.core.models import ApiToken


class PersonalToken(HttpBearer):
    """Accepts a live personal API token; the request then acts for the token's membership."""

    def authenticate(self, request, token: str):
        found = ApiToken.authenticate(token)
        if found is None:
            return None
        request.membership = found.membership
        request.user = found.membership.user
        return found
