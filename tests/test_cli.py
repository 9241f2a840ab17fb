"""The CLI shell: help, version, and errors printed without traceback."""

import subprocess
import sys

from rbm_surveys.cli import main


def test_help_lists_commands(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    for cmd in ("demo", "inspect", "weight", "survey", "docs", "review", "framework"):
        assert cmd in out


def test_console_script_runs_as_module():
    res = subprocess.run([sys.executable, "-m", "rbm_surveys.cli", "--version"],
                         capture_output=True, text=True)
    assert res.returncode == 0
    assert "rbm_surveys" in res.stdout
