"""Disclosure control as pure functions: cell suppression, k-anonymity, DP counts and
synthetic data. Imports no Django model and no other Palermo app (ARCHITECTURE.md)."""
