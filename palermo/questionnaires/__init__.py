"""Questionnaires: XLSForm instruments, versions, submissions and write-through to cases."""
