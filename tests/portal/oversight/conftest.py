"""Fixtures for the oversight reports; the scenario builders are in tests/factories."""

import pytest


@pytest.fixture
def supervisor(make_user):
    return make_user("supervisor", username="sgt_oversight_tests")
