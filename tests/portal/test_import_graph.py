"""The import graph of the application packages: dependencies run one way (docs/decisions/0505).

`lint-imports` checks the contracts in pyproject.toml ([tool.importlinter]): accounts and audit (with the
shared infrastructure) <- offenders <- scoring <- cases <- oversight, and no app imports the composition
root. The tree must keep them; and an arrow planted the wrong way, in a copy of the tree, must fail.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
APPLICATION_PACKAGES = ("portal", "offenders", "scoring", "cases")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    """The application packages and the contracts, copied as they are: a control that passes."""
    for package in APPLICATION_PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "complaint"),
    [
        ("offenders/selectors.py", "import cases.models", "offenders is not allowed to import cases"),
        ("offenders/services/offences.py", "import scoring.tasks", "offenders is not allowed to import scoring"),
        ("scoring/selectors/rankings.py", "from cases import scores", "scoring is not allowed to import cases"),
        ("portal/audit/redaction.py", "from offenders.models import offender_reference", "portal.audit is not allowed"),
        ("cases/services/cases.py", "import portal.oversight.selectors", "cases is not allowed"),
        ("scoring/services/runs.py", "from portal.celery import app", "portal.celery"),
    ],
)
def test_an_arrow_the_wrong_way_fails_the_check(tree_copy, module, planted, complaint):
    assert lint_imports(tree_copy).returncode == 0  # the copy itself is clean
    path = tree_copy / module
    path.write_text(path.read_text() + f"\n{planted}  # noqa\n")
    result = lint_imports(tree_copy)
    assert result.returncode != 0
    assert complaint in result.stdout, result.stdout
