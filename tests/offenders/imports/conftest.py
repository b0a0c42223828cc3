"""Fixtures for the import tests: an admin (the import fixtures are in tests/conftest.py, files
are built by tests/factories/imports.py)."""

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture(autouse=True)
def _files_in_this_tests_folder(private_var_dir):
    """Every import test keeps its waiting files under its own folder."""


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", username="import_admin")
