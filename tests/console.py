"""The `engage` console script, run as an operator runs it: a process of its own, its own environment."""
from __future__ import annotations

import os
import socket
import subprocess
import sys


def engage(args: list[str], database_url: str, stdin: str = "", extra_env: dict | None = None):
    env = {**os.environ, "ENGAGE_DATABASE_URL": database_url, **(extra_env or {})}
    return subprocess.run([sys.executable, "-m", "engage", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)


def assert_one_line_error(result, *words: str) -> str:
    """A refusal an operator can act on: non-zero, no traceback, one line on stderr naming the problem."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
