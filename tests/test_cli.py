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


@pytest.mark.parametrize(
    "name",
    [
        "validate",
        "schema",
        "build",
        "check",
        "preview",
        "docs",
        "import-tableschema",
        "export-tableschema",
    ],
)
def test_help_texts_write_defaults_one_way(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([name, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default" not in text
    assert "--specs PATH [PATH" not in text


def test_docs_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["docs", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--out DIR folder to write the pages into; default: docs/" in text
    assert "a spec file or folder; repeat for more; default: template_specs/" in text


def test_specs_is_repeatable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    specs = Path(__file__).parent / "data" / "specs"
    dataset = str(specs / "supplementary-dataset.yaml")
    faq = str(specs / "faq.yaml")
    out = tmp_path / "docs"
    assert main(["docs", "--specs", dataset, "--specs", faq, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["api.md", "data-dictionary.md", "faq.md"]
    code = main(["export-tableschema", "supplementary-dataset", "--specs", faq, "--specs", dataset])
    assert code == 0
    capsys.readouterr()
    # One path per flag: a second path is not swallowed as a spec path.
    with pytest.raises(SystemExit) as exit_info:
        main(["docs", "--specs", dataset, faq])
    assert exit_info.value.code == 2
    assert f"unrecognized arguments: {faq}" in capsys.readouterr().err


def test_export_tableschema_missing_specs_path_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["export-tableschema", "supplementary-dataset", "--specs", "no/such/folder"]) == 2
    expected = "no/such/folder: missing-path No such file or folder; check the path.\n"
    assert capsys.readouterr().err == expected
