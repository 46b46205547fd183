"""``lks-templates validate``: output format, exit codes, and files that are not specs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lks_templates.cli import main

GOOD_SPECS = Path(__file__).parent / "data" / "specs"
CASES = Path(__file__).parent / "data" / "cases"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_clean_specs_print_nothing_and_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([str(GOOD_SPECS)], capsys) == (0, "", "")


def test_default_path_is_template_specs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run([], capsys)
    assert (code, out) == (2, "")
    assert err == "template_specs: missing-path No such file or folder; check the path.\n"
    shutil.copytree(GOOD_SPECS, tmp_path / "template_specs")
    assert _run([], capsys) == (0, "", "")


def test_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run([str(GOOD_SPECS), "no/such/folder"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("no/such/folder: missing-path ")


def test_problems_are_sorted_one_a_line_with_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "b.yaml").write_text("spec: 1\nkind: faq\nid: b\nversion: 1\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("- not a mapping\n", encoding="utf-8")
    code, out, err = _run([str(tmp_path)], capsys)
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert code == 1
    assert [line.split(" ", 2)[:2] for line in out.splitlines()] == [
        [f"{a}:1:1:", "not-a-mapping"],
        [f"{b}:1:1:", "missing-key"],  # title
        [f"{b}:1:1:", "missing-key"],  # entries
        [f"{b}:4:10:", "bad-version"],
    ]
    assert err == "4 errors in 2 files.\n"


def test_folder_without_specs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("not a spec", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.yaml").write_text("spec: 1\n", encoding="utf-8")
    code, out, _ = _run([str(tmp_path)], capsys)
    assert code == 1
    assert out == f"{tmp_path}: no-specs This folder holds no spec files (*.yaml or *.yml); " \
        "check the path.\n"  # fmt: skip


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_bytes(b"")
    code, out, _ = _run([str(empty)], capsys)
    assert code == 1
    assert out.startswith(f"{empty}:1:1: not-a-mapping The file holds no YAML data")


def test_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "logo.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    latin = tmp_path / "latin.yml"
    latin.write_bytes("title: Caf\xe9\n".encode("latin-1"))
    code, out, _ = _run([str(tmp_path)], capsys)
    assert code == 1
    assert [line.split(": ", 2)[:2] for line in out.splitlines()] == [
        [str(latin), "not-text This is not a UTF-8 text file; a spec must be YAML text. Save "
         "it as UTF-8 or remove it from the specs folder."],
        [str(binary), "not-text This is not a UTF-8 text file; a spec must be YAML text. Save "
         "it as UTF-8 or remove it from the specs folder."],
    ]  # fmt: skip


def test_unreadable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked.yaml"
    shutil.copy(GOOD_SPECS / "faq.yaml", locked)
    real_open = os.open

    def refuse(path: str | Path, flags: int, *args: int) -> int:
        if Path(path).name == "locked.yaml":
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    # Permissions do not stop root, so the refusal is simulated where the file is opened.
    monkeypatch.setattr(os, "open", refuse)
    code, out, _ = _run([str(locked)], capsys)
    assert code == 1
    assert out == (
        f"{locked}: unreadable-file Cannot read the file (Permission denied). "
        "Check that it exists and that you may read it.\n"
    )


def test_utf8_bom_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (GOOD_SPECS / "faq.yaml").read_text(encoding="utf-8")
    (tmp_path / "faq.yaml").write_bytes("\ufeff".encode() + text.encode("utf-8"))
    assert _run([str(tmp_path / "faq.yaml")], capsys) == (0, "", "")


def test_no_traceback_from_the_installed_entry_point(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("spec: 1\nkind: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "lks_templates", "validate", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.startswith(f"{broken}:3:1: yaml-syntax ")
    assert "Traceback" not in result.stdout + result.stderr


def test_control_characters_from_a_spec_are_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A key holding an escape sequence: printed raw, it would recolour the terminal.
    spec = tmp_path / "d.yaml"
    spec.write_text(
        "spec: 1\nkind: dataset\nid: ctl\nversion: 1.0.0\ntitle: T\nfields:\n"
        '  - {name: a, title: A, description: D., "bad\\e[31mkey": 1}\n',
        encoding="utf-8",
    )
    assert main(["validate", str(spec)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "`bad\\x1b[31mkey` is not a key here" in out
