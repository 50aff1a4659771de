"""API endpoints of the questionnaires module: thin — parse, call the domain, serialise."""

from ninja import Router

router = Router(tags=["questionnaires"])
