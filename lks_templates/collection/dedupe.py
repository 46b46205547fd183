"""Duplicates: two returns for the same organisation, template and reporting year are the
same return sent twice (see :mod:`lks_templates.readback.duplicates`).

The first file, in path order, is kept as is; every later one gets a ``duplicate-return``
problem and its rows in ``values.csv`` carry the first file's path in ``duplicate_of``.
Nothing is summed and nothing is dropped: filter on an empty ``duplicate_of`` to count
each return once.
"""

from __future__ import annotations

from lks_templates.collection.rows import SHEET_INDEX, FileRows


class Deduplicator:
    """Marks the later copies of the same return, file by file in path order."""

    def __init__(self) -> None:
        from lks_templates.readback.duplicates import FirstCopies

        self.first = FirstCopies()

    def apply(self, rows: FileRows) -> bool:
        """Mark ``rows`` if they repeat an earlier file; True when they do."""
        key = rows.duplicate_key
        if key is None:
            return False
        first = self.first.repeated(key, rows.file)
        if first is None:
            return False
        for row in rows.values:
            row[-1] = first
        head = rows.values[0][:4] if rows.values else [rows.file, "", "", key.code]
        message = (
            f"This return repeats {first} ({key.shown}). Its values are kept, marked "
            "with duplicate_of; remove one copy or ask the service which is right."
        )
        # A problem about the whole file: after the others of its kind, before located ones.
        at = next(
            (i for i, row in enumerate(rows.problems) if row[SHEET_INDEX]), len(rows.problems)
        )
        rows.problems.insert(
            at, [*head, "error", "duplicate-return", "", "", "", "", "", "", message]
        )
        rows.numbers.insert(at, False)
        rows.severities["error"] += 1
        rows.codes["duplicate-return"] += 1
        return True
