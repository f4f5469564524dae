"""The README's section on the ``followup`` command: every command line it shows runs
against the running suite and exits 0, and its Python example runs too."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from followup.client import Client
from shared.settings import REPO_ROOT
from tests.client.conftest import Suite

SECTION = "## Scripts and BI loads: the `followup` client and command"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def section() -> str:
    text = (REPO_ROOT / "README.md").read_text()
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end != -1 else len(text)]


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(section()) if lang == language]


def command_lines() -> list[list[str]]:
    """Each ``followup ...`` line of the section's shell blocks, as arguments."""
    lines = [line for block in blocks("sh") for line in block.splitlines()]
    return [shlex.split(line, comments=True) for line in lines if line.startswith("followup ")]


def test_the_section_shows_the_commands() -> None:
    shown = {" ".join(args[:3]) for args in command_lines()}
    assert {"followup load results", "followup export view", "followup sync results"} <= shown
    assert len(blocks("python")) == 1


@pytest.fixture
def workdir(tmp_path: Path, admin: Client) -> Path:
    """A folder holding the files the README's examples name, as a user would have them."""
    (tmp_path / "resultat.csv").write_bytes(
        "\ufeffindicator;org_unit;period;breakdown;value;numerator;denominator;status\r\n"
        "ID0069;TRELLEBORG;2012-01;total;93,1;;;final\r\n"
        "ID0070;TRELLEBORG;2012-01;total;88,0;;;final\r\n".encode()
    )
    line = next(iter(admin.budget_lines(org_unit="HSN", year=2024)))["line"]
    (tmp_path / "utfall.csv").write_text(
        f"org_unit,line,month,revenue,cost\nHSN,{line},2024-09,0,1500000\n"
    )
    return tmp_path


def test_every_command_in_the_readme_runs(suite: Suite, workdir: Path) -> None:
    for args in command_lines():
        assert args[0] == "followup"
        done = suite.run(*args[1:], cwd=workdir, env=suite.store_env())
        assert done.returncode == 0, f"{shlex.join(args)}:\n{done.stdout}\n{done.stderr}"
    assert (workdir / "hsn-2024.xlsx").exists()
    assert list((workdir / "bi").glob("results-*.csv"))


def test_the_python_example_runs(suite: Suite, workdir: Path) -> None:
    [example] = blocks("python")
    done = subprocess.run(
        [sys.executable, "-c", example],
        cwd=workdir,
        env=suite.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (workdir / "bi-state.json").exists()
