"""``--out`` that cannot be written: one usage error, the same for every command, and nothing
left behind."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from lks_templates.cli import main

SPECS = str(Path(__file__).parent / "data" / "specs")

# command line before --out, and whether --out names a folder (else a file)
WRITERS = {
    "build": (["build", SPECS], True),
    "docs": (["docs", "--specs", SPECS], True),
    "preview": (["preview", SPECS], True),
    "schema": (["schema"], False),
    "export-tableschema": (
        ["export-tableschema", "supplementary-dataset", "--specs", SPECS],
        False,
    ),
}


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_out_under_a_file_is_a_usage_error(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "f"
    blocker.write_text("in the way", encoding="utf-8")
    out = str(blocker / "x")
    argv, _ = WRITERS[command]
    assert main([*argv, "--out", out]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"{out}: cannot write here ({blocker} is a file, not a folder); choose another --out\n"
    )
    assert captured.out == ""
    assert _listing(tmp_path) == ["f"]
    assert blocker.read_text(encoding="utf-8") == "in the way"


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_out_of_the_wrong_kind_is_a_usage_error(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, folder = WRITERS[command]
    # A folder command given a file, a file command given a folder.
    target = tmp_path / "target"
    if folder:
        target.write_text("keep me", encoding="utf-8")
        reason = "it is a file, not a folder"
    else:
        target.mkdir()
        reason = "it is a folder, not a file"
    assert main([*argv, "--out", str(target)]) == 2
    expected = f"{target}: cannot write here ({reason}); choose another --out\n"
    assert capsys.readouterr().err == expected
    assert _listing(tmp_path) == ["target"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_out_where_no_file_can_be_made(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv, _ = WRITERS[command]
    assert main([*argv, "--out", "/proc/x"]) == 2
    expected = "/proc/x: cannot write here (files cannot be created there); choose another --out\n"
    assert capsys.readouterr().err == expected


def test_import_tableschema_out_under_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = tmp_path / "s.json"
    schema.write_text('{"fields": [{"name": "loans", "description": "Loans."}]}', "utf-8")
    out = tmp_path / "s.json" / "spec.yaml"
    assert main(["import-tableschema", str(schema), "--out", str(out)]) == 2
    expected = (
        f"{out}: cannot write here ({schema} is a file, not a folder); choose another --out\n"
    )
    assert capsys.readouterr().err == expected
    assert _listing(tmp_path) == ["s.json"]


def test_docs_check_does_not_need_a_writable_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --check writes nothing, so an --out it cannot write to is just out of date.
    blocker = tmp_path / "f"
    blocker.write_text("", encoding="utf-8")
    assert main(["docs", "--specs", SPECS, "--out", str(blocker), "--check"]) == 1
    assert capsys.readouterr().out == (
        f"{blocker / 'data-dictionary.md'}: out of date; run `lks-templates docs` and commit "
        f"the result.\n{blocker / 'faq.md'}: out of date; run `lks-templates docs` and commit "
        f"the result.\n{blocker / 'api.md'}: out of date; run `lks-templates docs` and commit "
        "the result.\n"
    )


def test_a_failure_while_writing_is_reported_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(path: Path, text: str) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("lks_templates.commands.schema.write_text_atomically", full)
    out = tmp_path / "schema.json"
    assert main(["schema", "--out", str(out)]) == 2
    expected = f"{out}: cannot write here (no space left on device); choose another --out\n"
    assert capsys.readouterr().err == expected


def test_a_writable_out_leaves_no_probe_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new" / "docs"
    assert main(["docs", "--specs", SPECS, "--out", str(out)]) == 0
    assert _listing(tmp_path) == [
        "new",
        "new/docs",
        "new/docs/api.md",
        "new/docs/data-dictionary.md",
        "new/docs/faq.md",
    ]
    capsys.readouterr()
