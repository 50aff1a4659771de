"""Disclosure control as pure functions: cell suppression, k-anonymity, DP counts and
synthetic data. Imports no Django model and no other Palermo app (ARCHITECTURE.md)."""

from palermo.disclosure.cumulative import (
    Disclosure,
    Extent,
    ReleaseConflict,
    ReleaseRefused,
    audit,
    protect,
)
from palermo.disclosure.dp import (
    BudgetExhausted,
    PrivacyBudget,
    dp_count,
    dp_counts,
    error_margin,
    noise_scale,
)
from palermo.disclosure.kanonymity import (
    CTDC_AGE_BANDS,
    SUPPRESSED,
    Hierarchy,
    KAnonResult,
    age_bands,
    k_anonymise,
    mapping_hierarchy,
    verify_k,
    year_periods,
)
from palermo.disclosure.marginals import protect_marginals
from palermo.disclosure.signal import SignalEstimate, SignalTooWeak, check_signal, has_content
from palermo.disclosure.suppression import (
    SuppressedCounts,
    SuppressedTable,
    is_sensitive,
    suppress_counts,
    suppress_table,
)
from palermo.disclosure.synthetic import (
    MarginalError,
    SynthesisRefused,
    UtilityReport,
    as_strings,
    synthesise,
    utility_report,
)

__all__ = [
    "Disclosure", "Extent", "ReleaseConflict", "ReleaseRefused", "audit", "protect",
    "SignalEstimate", "SignalTooWeak", "check_signal", "has_content",
    "BudgetExhausted", "PrivacyBudget", "dp_count", "dp_counts", "error_margin", "noise_scale",
    "CTDC_AGE_BANDS", "SUPPRESSED", "Hierarchy", "KAnonResult", "age_bands", "k_anonymise",
    "mapping_hierarchy", "verify_k", "year_periods",
    "protect_marginals",
    "SuppressedCounts", "SuppressedTable", "is_sensitive", "suppress_counts", "suppress_table",
    "MarginalError", "SynthesisRefused", "UtilityReport", "as_strings", "synthesise",
    "utility_report",
]
