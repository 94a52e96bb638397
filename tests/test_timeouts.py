"""A test that hangs fails with pytest-timeout's message instead of stalling the whole run."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_CONFIG = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_every_test_in_the_suite_has_a_time_limit(pytestconfig):
    assert (float(pytestconfig.getini("timeout")), pytestconfig.getini("timeout_method")) == (120, "signal")


@pytest.mark.parametrize("hang", ["while True:\n        pass", "threading.Event().wait()"])
def test_a_test_that_never_returns_fails_with_a_timeout(tmp_path, hang):
    (tmp_path / "test_hangs.py").write_text(f"import threading\n\n\ndef test_hangs():\n    {hang}\n")
    # The project's own settings, with the limit cut to a second.
    run = subprocess.run([sys.executable, "-m", "pytest", "-c", str(PROJECT_CONFIG), "--rootdir", str(tmp_path),
                          "-p", "no:cacheprovider", "-o", "timeout=1", "test_hangs.py"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Failed: Timeout (>1.0s) from pytest-timeout" in run.stdout
    assert re.search(r"^=+ 1 failed in [\d.]+s =+$", run.stdout, re.MULTILINE), run.stdout
