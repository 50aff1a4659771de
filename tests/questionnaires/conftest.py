"""Fixtures of the questionnaire tests: the branching interview uploaded and published."""

from __future__ import annotations

import pytest

from palermo.questionnaires import services
from tests.questionnaires.forms import BRANCHING


@pytest.fixture
def branching(cast):
    """NGO A's branching interview, uploaded and published by emre."""
    version = services.upload(cast.emre, BRANCHING, "branching.xlsx")
    return services.publish(cast.emre, version)
