"""The command line as a whole: dispatch, usage errors, closed pipes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lks_templates.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for name in COMMANDS:
        with pytest.raises(SystemExit) as exit_info:
            main([name, "--help"])
        assert exit_info.value.code == 0
        assert f"lks-templates {name}" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["bulid"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'bulid'" in capsys.readouterr().err


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "usage: lks-templates [-h] [--version] COMMAND ...\n"
        "lks-templates: name a command; `lks-templates --help` lists them.\n"
    )


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_exit_0(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([option])
    assert exit_info.value.code == 0
    printed = capsys.readouterr().out
    assert printed.startswith("usage: lks-templates" if option == "--help" else "lks-templates ")


class _ClosedPipe:
    """A stdout whose reader has gone away, as under `| head`."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise OSError("no file descriptor")


def test_a_closed_pipe_ends_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["schema"]) == 141


def test_a_closed_pipe_prints_no_traceback() -> None:
    # Five Table Schemas of the dataset: more than a pipe buffer holds, so writes fail
    # once the reader has gone.
    script = (
        "import sys\n"
        "from lks_templates.cli import main\n"
        "for _ in range(5):\n"
        "    code = main(['export-tableschema', 'supplementary-dataset'])\n"
        "    if code:\n"
        "        sys.exit(code)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.read(10)
        process.stdout.close()
        stderr = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert "Traceback" not in stderr
    assert "BrokenPipeError" not in stderr
    assert code == 141
