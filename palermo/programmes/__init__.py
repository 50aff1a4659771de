"""Programmes: projects as IATI activities, their money, partners and imports (issue 15).

Never imports ``palermo.cases.models``: indicators computed from cases read CaseFact through
``palermo.cases.facts`` only.
"""
