"""The one way a page saves a form through the domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError


def submitted(request, form, save: Callable[[dict], Any]) -> tuple[bool, Any]:
    """For a valid POST, call ``save(cleaned_data)``. Returns ``(True, result)`` when it saved;
    ``(False, None)`` otherwise, with the domain's refusals put beside the form's fields by
    ``form.add_domain_errors`` — nothing is half-saved, the domain works in a transaction."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        return True, save(form.cleaned_data)
    except ValidationError as exc:
        form.add_domain_errors(exc)
        return False, None
