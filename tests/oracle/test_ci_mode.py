"""Under CI=true a missing database server fails the tests that need it; locally they skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(ci: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CI": ci, "SYNTHTALK_MYSQL_URL": "mysql://nobody:x@127.0.0.1:9"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/oracle/test_handmade_load.py", "-k", "mariadb and result"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("ci, outcome", [("true", "1 error"), ("", "1 skipped")])
def test_missing_mariadb(ci, outcome):
    p = _run(ci)
    assert outcome in p.stdout, p.stdout[-2000:]
    if ci:
        assert p.returncode == 1 and "CI=true: database tests must run" in p.stdout
