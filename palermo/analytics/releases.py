"""Recording releases and spending privacy budget — the one place every export goes through.

``record_release`` is called by every export (XLSX, CSV, the API, ``palermo report``, and the
disclosure and exchange exports). ``spend_budget`` charges a dataset's persisted ledger with
the pure ``PrivacyBudget`` arithmetic and refuses, spending nothing, when the budget is gone.
"""

from __future__ import annotations

import hashlib
import os

from django.db import transaction

from palermo import config
from palermo.analytics.models import PrivacyBudgetLedger, Release
from palermo.disclosure import PrivacyBudget

DEFAULT_TOTAL_EPSILON = 1.0


def sha256(content: bytes | str) -> str:
    """The SHA-256 of a released file's bytes (text is hashed as UTF-8)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def record_release(*, content: bytes | str, spec: str, method: str = Release.Method.TABLE,
                   channel: str = "", membership=None, actor: str = "",
                   parameters: dict | None = None, row_count: int = 0,
                   epsilon: float | None = None, dataset: str = "",
                   suppressed: bool = True) -> Release:
    """Write the release log row of one exported file or response."""
    if membership is None and not actor:
        actor = f"system:{_os_user()}"
    return Release.objects.create(
        user=membership.user if membership is not None else None,
        organisation_id=membership.organisation_id if membership is not None else None,
        actor=actor, spec=spec, method=method, channel=channel,
        parameters=parameters or {}, row_count=row_count, epsilon=epsilon, dataset=dataset,
        sha256=sha256(content), suppressed=suppressed)


def _os_user() -> str:
    try:
        return os.getlogin()
    except OSError:
        import getpass

        return getpass.getuser()


def default_total_epsilon() -> float:
    """The budget of a new dataset: ``PALERMO_PRIVACY_BUDGET`` (default 1.0)."""
    raw = config.setting("PALERMO_PRIVACY_BUDGET", str(DEFAULT_TOTAL_EPSILON))
    try:
        return float(raw or DEFAULT_TOTAL_EPSILON)
    except ValueError as exc:
        raise ValueError(f"PALERMO_PRIVACY_BUDGET={raw!r}: expected a number") from exc


@transaction.atomic
def spend_budget(dataset: str, epsilon: float, *,
                 total_epsilon: float | None = None) -> PrivacyBudgetLedger:
    """Charge *epsilon* to *dataset*'s ledger (created with *total_epsilon* or the default
    budget). Raises ``palermo.disclosure.BudgetExhausted`` and spends nothing when it does
    not fit. Call it in the transaction that records the release."""
    ledger = PrivacyBudgetLedger.objects.select_for_update().filter(dataset=dataset).first()
    if ledger is None:
        ledger = PrivacyBudgetLedger.objects.create(
            dataset=dataset, total_epsilon=total_epsilon or default_total_epsilon())
    budget = PrivacyBudget(total_epsilon=ledger.total_epsilon, spent=ledger.spent_epsilon)
    budget.charge(epsilon)
    ledger.spent_epsilon = budget.spent
    ledger.save(update_fields=["spent_epsilon", "updated"])
    return ledger
