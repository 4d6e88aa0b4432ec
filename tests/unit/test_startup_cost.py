"""What starting the bots costs: picture code loads on the first picture, not at import."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from typer.testing import CliRunner

from adapters.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_the_bots_import_no_picture_code() -> None:
    code = (
        "import sys, adapters.discord.app, adapters.discord.inbound, adapters.slack.app; "
        "print(sorted(m for m in ('matplotlib', 'numpy') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_version_prints_the_installed_version() -> None:
    shown = CliRunner().invoke(app, ["--version"])
    assert shown.exit_code == 0
    assert shown.output.strip() == f"cnnquiz {version('cnnquiz')}"
