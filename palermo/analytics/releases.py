"""Recording releases and spending privacy budget — the one place every export goes through.

``record_release`` is called by every export (XLSX, CSV, the API, ``palermo report``, the
statistics pages, and the disclosure and exchange exports). A release to readers without the
real counts also records the cells it disclosed under its *facts* (:func:`facts_key`), and
:func:`earlier_disclosures` gives them back, so that every later release of the same facts is
audited together with them (``palermo.disclosure.cumulative``). ``spend_budget`` charges a
dataset's persisted ledger with the pure ``PrivacyBudget`` arithmetic and refuses, spending
nothing, when the budget is gone.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict

from django.db import transaction

from palermo import config
from palermo.analytics.models import PrivacyBudgetLedger, Release
from palermo.disclosure import PrivacyBudget
from palermo.disclosure.cumulative import Disclosure

DEFAULT_TOTAL_EPSILON = 1.0


def sha256(content: bytes | str) -> str:
    """The SHA-256 of a released file's bytes (text is hashed as UTF-8)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def record_release(*, content: bytes | str, spec: str, method: str = Release.Method.TABLE,
                   channel: str = "", membership=None, actor: str = "",
                   parameters: dict | None = None, row_count: int = 0,
                   epsilon: float | None = None, dataset: str = "",
                   suppressed: bool = True, facts: str = "",
                   cells: Disclosure | None = None) -> Release:
    """Write the release log row of one exported file or response; with *facts* and
    *cells*, what it disclosed of those facts (for auditing later releases with it)."""
    if membership is None and not actor:
        actor = f"system:{_os_user()}"
    return Release.objects.create(
        user=membership.user if membership is not None else None,
        organisation_id=membership.organisation_id if membership is not None else None,
        actor=actor, spec=spec, method=method, channel=channel,
        parameters=parameters or {}, row_count=row_count, epsilon=epsilon, dataset=dataset,
        sha256=sha256(content), suppressed=suppressed,
        facts=facts if cells is not None else "",
        cells=cells.to_json() if cells is not None else None,
        cells_sha256=cells.fingerprint() if cells is not None else "")


def facts_key(scope, counts: str = "persons") -> str:
    """The facts a release counts: *counts* (persons or cases) of an organisation scope —
    ``None`` or ``"all"`` for every organisation, an organisation id, a one-id tuple or
    ``"org-N"`` for one. Releases are audited together when their facts are equal."""
    if scope is None or scope == "all":
        return f"{counts}:all"
    if isinstance(scope, tuple | list):
        scope = ",".join(str(s) for s in sorted(scope))
    scope = str(scope)
    return f"{counts}:{scope if scope.startswith('org-') else f'org-{scope}'}"


_PARSED: OrderedDict[str, Disclosure] = OrderedDict()
_PARSED_LOCK = threading.Lock()


def earlier_disclosures(facts: str) -> list[Disclosure]:
    """What every release of *facts* so far disclosed, each distinct disclosure once (the
    first release that made it names it), oldest first."""
    if not facts:
        return []
    first: dict[str, tuple] = {}
    for pk, digest, spec, created in (Release.objects.filter(facts=facts)
                                      .exclude(cells_sha256="").order_by("id")
                                      .values_list("id", "cells_sha256", "spec", "created")):
        first.setdefault(digest, (pk, spec, created))
    wanted = [digest for digest in first if digest not in _PARSED]
    if wanted:
        loaded = dict(Release.objects.filter(pk__in=[first[d][0] for d in wanted])
                      .values_list("cells_sha256", "cells"))
        with _PARSED_LOCK:
            for digest in wanted:
                _PARSED[digest] = Disclosure.from_json(loaded[digest])
            while len(_PARSED) > 512:
                _PARSED.popitem(last=False)
    out = []
    for digest, (pk, spec, created) in first.items():
        disclosure = _PARSED.get(digest) or Disclosure.from_json(
            Release.objects.get(pk=pk).cells)
        out.append(Disclosure(disclosure.tables, disclosure.extents,
                              f"release #{pk} ({spec}, {created:%Y-%m-%d})", digest))
    return out


def already_disclosed(facts: str, cells: Disclosure) -> bool:
    """Has a release of *facts* already disclosed exactly *cells*?"""
    return Release.objects.filter(facts=facts, cells_sha256=cells.fingerprint()).exists()


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


def check_budget(dataset: str, epsilon: float, *, total_epsilon: float | None = None) -> None:
    """Raise ``palermo.disclosure.BudgetExhausted`` if *epsilon* does not fit in *dataset*'s
    budget now; spends nothing (:func:`spend_budget` checks again when it charges)."""
    ledger = PrivacyBudgetLedger.objects.filter(dataset=dataset).first()
    total = ledger.total_epsilon if ledger else total_epsilon or default_total_epsilon()
    PrivacyBudget(total_epsilon=total, spent=ledger.spent_epsilon if ledger else 0.0
                  ).charge(epsilon)


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
