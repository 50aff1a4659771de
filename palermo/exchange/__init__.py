"""Exchange: HTCDS and case-template import, HTCDS and CTDC export, core indicators."""
