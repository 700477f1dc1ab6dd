"""Dunning fixtures: the default policies of Alice's company."""

import pytest

from dunning.policies import ensure_default_policies


@pytest.fixture
def policies(company):
    return ensure_default_policies(company)
