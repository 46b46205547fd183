"""When two returned workbooks are the same return sent twice.

Two returns are the same when they are for the same organisation, template and reporting
year (a form, such as a case study, only when every value is the same too: one service may
send many case studies). The organisation is known by its ODS code. A return without an
ODS code (left blank, or unreadable) is known by its organisation name instead, normalised
so that case, spacing, punctuation and ``&``/``and`` do not matter, and matches an earlier
return of that name, with or without a code. A return with a code is matched by its code
alone: two codes name two organisations, whatever their names. A return with neither, or
without a reporting year, is never a duplicate.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lks_templates.readback.result import Return


@dataclass(frozen=True)
class ReturnKey:
    """What identifies a return, for finding copies of it."""

    code: str
    """ODS code, upper case; "" when blank."""
    name: str
    """Organisation name, normalised (:func:`normalise_name`); "" when blank."""
    template_id: str
    period: str
    """The reporting year, or for a form a digest of all its values."""
    shown: str
    """The organisation and period as a message names them."""


def normalise_name(text: str) -> str:
    """``"St. Mary's  Hospital & Clinics"`` -> ``"st marys hospital and clinics"``."""
    words = re.sub(r"[^\w\s]", "", text.casefold().replace("&", " and ")).split()
    return " ".join(words)


def return_key(result: Return) -> ReturnKey | None:
    """The identity of a read return; None when it cannot be a duplicate of anything."""
    code = result.org_ods_code
    raw_name = result.profile.get("org_name")
    name = normalise_name(raw_name) if isinstance(raw_name, str) else ""
    if not result.readable or not (code or name):
        return None
    who = code if code else f'"{" ".join(str(raw_name).split())}" (no ODS code)'
    if result.kind == "form":
        digest = hashlib.sha256(
            json.dumps({k: str(v) for k, v in sorted(result.profile.items())}).encode()
        ).hexdigest()
        return ReturnKey(
            code,
            name,
            result.template_id,
            digest,
            f"organisation {who}, template {result.template_id}, the same case study",
        )
    if result.reporting_year is None:
        return None
    year = str(result.reporting_year)
    return ReturnKey(
        code,
        name,
        result.template_id,
        year,
        f"organisation {who}, template {result.template_id}, reporting year {year}",
    )


class FirstCopies:
    """The first copy of each return seen so far, in the order files are read."""

    def __init__(self) -> None:
        self.by_code: dict[tuple[str, str, str], str] = {}
        self.by_name: dict[tuple[str, str, str], str] = {}

    def repeated(self, key: ReturnKey, file: str) -> str | None:
        """The earlier file that the return ``key`` in ``file`` repeats, or None when it is
        the first copy (it is then remembered as such)."""
        by_code = (key.code, key.template_id, key.period)
        by_name = (key.name, key.template_id, key.period)
        first = self.by_code.get(by_code) if key.code else self.by_name.get(by_name)
        if first is not None and first != file:
            return first
        # Only first copies are remembered, so every copy names the same first file.
        if key.code:
            self.by_code.setdefault(by_code, file)
        if key.name:
            self.by_name.setdefault(by_name, file)
        return None
