"""Files written whole: into a temporary file beside the target, then renamed into place.

A reader never sees half a file, and an interrupted run leaves the old file as it was.
Standard library only, so that commands can write their output without loading the rest.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, write: Callable[[str], object], *, suffix: str = ".tmp") -> Path:
    """Have ``write`` fill a temporary file (given its path), then rename it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=suffix, dir=path.parent)
    os.close(handle)
    try:
        write(temp)
        os.chmod(temp, new_file_mode())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomically(path: Path, text: str) -> Path:
    """Write a text file atomically (UTF-8, ``\\n`` line ends)."""
    return write_atomically(
        path, lambda temp: Path(temp).write_text(text, encoding="utf-8", newline="\n")
    )


def new_file_mode() -> int:
    """The mode ``open()`` gives a new file (0o644 under the usual umask of 022).

    ``mkstemp`` makes its file private (0o600); a file renamed into ``dist/`` should be
    readable like any file the user writes.
    """
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def reason_of(reason: str | OSError) -> str:
    """Why a write failed, in the system's words: ``permission denied``."""
    if isinstance(reason, OSError):
        text = reason.strerror or type(reason).__name__
        return text[:1].lower() + text[1:]
    return reason


def cannot_write(out: str | Path, reason: str | OSError) -> str:
    """``OUT: cannot write here (reason); choose another --out``: one wording everywhere."""
    return f"{out}: cannot write here ({reason_of(reason)}); choose another --out"
