"""Writing a collection: values.csv and problems.csv streamed to temporary files in the
output folder, returns.csv (one row a file) written at the end, all renamed into place
beside datapackage.json; Parquet copies.

Every CSV file the project writes follows one dialect (see :func:`format_row`): UTF-8,
comma-separated, ``\\n`` line ends, and a field in double quotes (its quotes doubled) when
it holds a comma, a double quote or anything a program may take for a line break (CR,
LF, and the other line boundaries of Unicode). So every record is one record to any
reader, and reading back gives the text exactly. Every text cell is guarded against
formula injection by :func:`~lks_templates.collection.escaping.escape_text`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from lks_templates.collection.datapackage import datapackage
from lks_templates.collection.escaping import escape_text, unescape_text
from lks_templates.collection.returns import ReturnsTable
from lks_templates.collection.rows import PROBLEM_COLUMNS, VALUE_COLUMNS, FileRows

_NEEDS_QUOTES = re.compile('[,"\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]')
"""A field holding any of these is quoted: the delimiter, the quote, and every character
:meth:`str.splitlines` takes for a line boundary (the csv module quotes only those of its
line terminator, so a lone CR would split a record for other readers)."""
_BREAKS_OR_QUOTE = '"\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029'
"""What, besides commas and ``\\n``, makes a block of joined rows unsafe to write as is
(looked for one by one: ``in`` is many times faster than a regular expression here)."""
_PROBLEM_VALUE_INDEX = PROBLEM_COLUMNS.index("value")
_name = functools.lru_cache(maxsize=4096)(escape_text)
"""escape_text for the columns whose texts repeat in every file (field names, periods)."""


def format_field(cell: Any) -> str:
    """One CSV field: the text, in double quotes when it needs them."""
    text = cell if type(cell) is str else "" if cell is None else str(cell)
    if _NEEDS_QUOTES.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'


def format_row(row: Sequence[Any]) -> str:
    """One CSV record, without its line end (a lone empty field is ``""``, as the csv
    module writes it, so the line is not blank)."""
    if len(row) == 1 and format_field(row[0]) == "":
        return '""'
    return ",".join(map(format_field, row))


def write_rows(stream: TextIO, rows: Sequence[Sequence[Any]], head: Sequence[str] = ()) -> None:
    """Write ``[*head, *row]`` for each row as CSV records (see :func:`format_row`)."""
    block = _plain_block(rows, head)
    if block is not None:
        stream.write(block)
    elif not head:
        stream.write("".join(format_row(row) + "\n" for row in rows))
    else:
        prefix = ",".join(map(format_field, head))
        stream.write("".join(",".join([prefix, *map(format_field, row)]) + "\n" for row in rows))


def _plain_block(rows: Sequence[Sequence[Any]], head: Sequence[str]) -> str | None:
    """The records of every row, when no field needs quotes (the text joined by commas and
    line ends); None when some does.

    The usual case for a whole file's rows, checked on the joined text in one go: exactly
    the commas and line breaks that join them, and no quote or other line break.
    """
    if not rows:
        return ""
    width = len(head)
    prefix = ",".join(head) + "," if head else ""
    try:
        block = "\n".join([prefix + ",".join(row) for row in rows])
    except TypeError:  # not all text
        return None
    if (
        min(map(len, rows)) + width <= 1
        or block.count(",") != len(rows) * (width - 1) + sum(map(len, rows))
        or block.count("\n") != len(rows) - 1
        or any(char in block for char in _BREAKS_OR_QUOTE)
    ):
        return None
    return block + "\n"


class OutputError(Exception):
    """The output folder cannot be written; nothing was left half-written in it."""

    def __init__(self, out: Path, reason: str | OSError) -> None:
        from lks_templates.atomic import cannot_write, reason_of

        super().__init__(cannot_write(out, reason))
        self.out = out
        self.reason = reason_of(reason)


class CsvOutput:
    """values.csv, problems.csv and returns.csv written to temporary files, renamed into
    place at the end.

    Call it with each file's rows; then :meth:`finish` (or :meth:`abort`, which removes
    the temporary files, on any failure).
    """

    def __init__(self, out: Path) -> None:
        if out.exists() and not out.is_dir():
            raise OutputError(out, "it is a file, not a folder")
        self.out = out
        self.temps: dict[str, Path | None] = {}
        """The temporary file of each output; None while it has no name (see _open)."""
        self.streams: dict[str, TextIO] = {}
        self.returns = ReturnsTable()
        """The rows of returns.csv, written by :meth:`finish` (its KPI columns are known
        only once every file is read)."""
        with self._writing():
            out.mkdir(parents=True, exist_ok=True)
            self.unnamed = self._unnamed_files_work()
            for name, columns in (("values.csv", VALUE_COLUMNS), ("problems.csv", PROBLEM_COLUMNS)):
                handle, self.temps[name] = self._open(name)
                self.streams[name] = os.fdopen(handle, "w", encoding="utf-8", newline="")
                write_rows(self.streams[name], [columns])

    def _open(self, name: str) -> tuple[int, Path | None]:
        """A new file in the output folder for ``name``, without a name where the system
        allows (Linux ``O_TMPFILE``), so that even a run killed outright leaves nothing in
        the folder; else a hidden temporary file, removed by :meth:`abort`."""
        if self.unnamed:
            from lks_templates.atomic import new_file_mode

            return os.open(self.out, os.O_TMPFILE | os.O_WRONLY, new_file_mode()), None
        handle, temp = tempfile.mkstemp(prefix=f".{name}.", dir=self.out)
        return handle, Path(temp)

    def _unnamed_files_work(self) -> bool:
        """Whether the folder takes an unnamed file and :meth:`_name` can name it (tried on
        a file of its own: a file once named and unnamed again cannot be named twice)."""
        if not hasattr(os, "O_TMPFILE") or not os.path.isdir("/proc/self/fd"):
            return False
        try:
            handle = os.open(self.out, os.O_TMPFILE | os.O_WRONLY, 0o600)
        except OSError:  # a file system without unnamed files
            return False
        try:
            os.unlink(self._name("probe", handle))
        except OSError:
            return False
        finally:
            os.close(handle)
        return True

    def _name(self, name: str, handle: int) -> Path:
        """Give the unnamed file ``handle`` a hidden temporary name, to rename it from."""
        import secrets

        # Given a dir_fd, os.link follows the /proc link to the open file itself (linkat
        # with AT_SYMLINK_FOLLOW); plain link() would link the /proc entry and fail.
        folder = os.open(self.out, os.O_RDONLY)
        try:
            while True:
                temp = self.out / f".{name}.{secrets.token_hex(6)}"
                try:
                    os.link(f"/proc/self/fd/{handle}", temp, src_dir_fd=folder)
                except FileExistsError:
                    continue
                return temp
        finally:
            os.close(folder)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Any failure to write becomes an :class:`OutputError`, the temporary files gone."""
        try:
            yield
        except OSError as exc:
            self.abort()
            raise OutputError(self.out, exc) from None

    def __call__(self, rows: FileRows) -> None:
        with self._writing():
            self._write(rows)

    def _write(self, rows: FileRows) -> None:
        self.returns(rows)
        self._write_values(rows)
        write_rows(
            self.streams["problems.csv"],
            [
                [
                    cell if number and index == _PROBLEM_VALUE_INDEX else escape_text(cell)
                    for index, cell in enumerate(row)
                ]
                for row, number in zip(rows.problems, rows.numbers, strict=True)
            ],
        )

    def _write_values(self, rows: FileRows) -> None:
        """A file's values.csv rows, every text cell escaped (a value only when text).

        ``kind``, ``type``, ``period_start`` and ``problem`` hold words of this library
        (``measure``, ``integer``, ISO dates, problem codes), never escaped; field names and
        period keys come from the spec (identifiers), escaped all the same, through a cache.
        """
        if not rows.values:
            return
        head = [escape_text(cell) for cell in rows.values[0][:4]]
        duplicate_of = escape_text(rows.values[0][-1])  # the same for every row of a file
        tails = [
            [
                kind,
                _name(name),
                _name(period),
                start,
                escape_text(value) if kind_of_value == "string" else value,
                kind_of_value,
                problem,
                duplicate_of,
            ]
            for *_, kind, name, period, start, value, kind_of_value, problem, _ in rows.values
        ]
        write_rows(self.streams["values.csv"], tails, head)

    def finish(self) -> list[Path]:
        """Rename the files into place, with datapackage.json; the paths written."""
        from lks_templates.atomic import new_file_mode, write_text_atomically

        written = []
        with self._writing():
            handle, self.temps["returns.csv"] = self._open("returns.csv")
            table: TextIO = os.fdopen(handle, "w", encoding="utf-8", newline="")
            self.streams["returns.csv"] = table
            write_rows(table, [self.returns.columns])
            write_rows(table, list(self.returns.records(escape=True)))
            temps: dict[str, Path] = {}
            for name, stream in self.streams.items():
                stream.flush()
                temps[name] = self.temps[name] or self._name(name, stream.fileno())
                self.temps[name] = temps[name]  # so that abort removes it
                stream.close()
                os.chmod(temps[name], new_file_mode())  # mkstemp made it private to its owner
            written.append(
                write_text_atomically(
                    self.out / "datapackage.json",
                    json.dumps(
                        datapackage(self.returns.kpi_types(), self.returns.versions), indent=2
                    )
                    + "\n",
                )
            )
            for name, temp in temps.items():
                os.replace(temp, self.out / name)
                written.insert(-1, self.out / name)
        return written

    def abort(self) -> None:
        """Close and remove the temporary files (nothing is left in the output folder)."""
        for stream in self.streams.values():
            with contextlib.suppress(OSError):
                stream.close()
        for temp in self.temps.values():
            if temp is not None:  # an unnamed file vanishes when closed
                with contextlib.suppress(OSError):
                    temp.unlink(missing_ok=True)


def write_parquet(out: Path) -> list[Path]:
    """values, problems and returns .parquet beside the CSV files in ``out`` (needs pyarrow).

    Parquet is not opened by spreadsheets, so it holds the raw text: the CSV guard against
    formula injection is undone, exactly (see :func:`unescape_text`).
    """
    from functools import partial

    import pandas as pd

    from lks_templates.atomic import write_atomically

    written = []
    for name in ("values", "problems", "returns"):
        frame = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        frame = frame.map(unescape_text)
        written.append(
            write_atomically(
                out / f"{name}.parquet", partial(frame.to_parquet, index=False), suffix=".parquet"
            )
        )
    return written
