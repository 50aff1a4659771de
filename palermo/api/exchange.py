"""API endpoints of the exchange module: thin — parse, call the domain, serialise."""

from ninja import Router

router = Router(tags=["exchange"])
