"""The benchmarks on a fresh machine: a missing tool is named with how to install it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_webhook_benchmark_without_wrk_says_how_to_install_it():
    # Only the interpreter's own folder on PATH: wrk is not found even where it is installed.
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = subprocess.run([sys.executable, "-m", "bench.webhook", "--backend", "sqlite"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip() == "this benchmark needs the wrk load generator: apt-get install wrk"


def test_the_caseload_benchmark_runs_on_a_small_clinic():
    result = subprocess.run([sys.executable, "-m", "bench.caseload", "--backend", "sqlite", "--patients", "300",
                             "--samples", "4"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[3:5] for line in lines[1:]] == [["caseload", "page"], ["metrics", "quarter"]]
