"""API endpoints of the analytics module: thin — parse, call the domain, serialise."""

from ninja import Router

router = Router(tags=["analytics"])
