"""Peak memory and time of reading hostile returns, each in a child process of its own.

Usage::

    python benchmarks/bench_hostile.py [--limit-mib 2048]

It builds the filled ``monthly-activity`` template, then damages copies of it at the
level of their zip parts, as issue reports describe, at full size (each within the
documented size limits), and reads each with ``read_return`` in a child process under an
address-space limit (so a regression costs one child, not the machine). For each it
prints the outcome (problem codes), the peak resident set of the child (``ru_maxrss``)
and the wall time. The aim: under 300 MiB for any file.
"""

from __future__ import annotations

import argparse
import io
import random
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from lks_templates.cells import column_letters

CHILD = textwrap.dedent(
    """
    import resource, sys
    def peak_mib():
        # VmHWM is the peak of this process's own memory since exec; ru_maxrss would also
        # count the parent's, inherited across fork and exec.
        try:
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    limit = int(sys.argv[2]) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from lks_templates.readback import read_return
    result = read_return(sys.argv[1])
    codes = sorted({p.code for p in result.problems})
    peak = peak_mib()
    print(result.readable, ",".join(codes) or "-", f"{peak:.0f}")
    """
)

Edit = Callable[[bytes], bytes]


def rewrite(source: bytes, edits: dict[str, Edit], add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = old.read(info)
            if info.filename in edits:
                data = edits[info.filename](data)
            new.writestr(info.filename, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return out.getvalue()


def _noise(count: int, seed: int) -> list[str]:
    # Random names keep the compression ratio under the zip-bomb limit, as a crafted file would.
    rng = random.Random(seed)
    return ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=12)) for _ in range(count)]


def hostile_files(good: bytes, data_part: str) -> dict[str, bytes]:
    """Name -> bytes of each hostile return."""

    def before(marker: bytes, extra: bytes) -> Edit:
        return lambda xml: xml.replace(marker, extra + marker, 1)

    wide = b"<row>" + b"<c><v>1</v></c>" * 16_384 + b"</row>"
    tail = b"<row/>" * 100_000 + b"<row><c><v>1</v></c></row>"
    names = "".join(
        f'<definedName name="{name}">Data!$A$1</definedName>' for name in _noise(1_400_000, 1)
    ).encode()
    followers = _followers(1_500_000)
    master = b'<row r="99"><c r="A99"><f t="shared" ref="A99:ALL1600" si="0">1+1</f></c></row>'
    strings = "".join(f"<si><t>{s}</t></si>" for s in _noise(600_000, 2)).encode()
    fewer_strings = "".join(f"<si><t>{s}</t></si>" for s in _noise(450_000, 3)).encode()
    capped_names = "".join(
        f'<definedName name="{name}">Data!$A$1</definedName>' for name in _noise(19_900, 4)
    ).encode()
    fewer_followers = _followers(49_500)
    huge_name = before(
        b"</definedNames>", b'<definedName name="zz">Data!$A$1:$XFD$1048576</definedName>'
    )
    return {
        "address-less cells (16,384 x 100,002)": rewrite(
            good, {data_part: before(b"</sheetData>", wide + tail)}
        ),
        "sheet listed twice": rewrite(
            good,
            {
                "xl/workbook.xml": lambda x: x.replace(
                    b'<sheet name="Dashboard"', b'<sheet name="Data"'
                )
            },
        ),
        "input name over the whole sheet": rewrite(
            good,
            {
                "xl/workbook.xml": lambda x: huge_name(
                    x.replace(
                        b'<definedName name="loans">Data!$D$26:$O$26',
                        b'<definedName name="loans">Data!$A$1:$XFD$1048576',
                    )
                )
            },
        ),
        "63 MiB workbook.xml (1.4 million names)": rewrite(
            good, {"xl/workbook.xml": before(b"</definedNames>", names)}
        ),
        "1.5 million shared-formula followers": rewrite(
            good, {data_part: before(b"</sheetData>", master + followers)}
        ),
        "19,900 defined names (under the cap)": rewrite(
            good, {"xl/workbook.xml": before(b"</definedNames>", capped_names)}
        ),
        "49,500 shared-formula followers (under the cap)": rewrite(
            good,
            {
                data_part: before(
                    b"</sheetData>", master + fewer_followers + b"</row>" * (49_500 % 1000 != 0)
                )
            },
        ),
        "450,000 shared strings (under the markup cap)": rewrite(
            good, {"xl/sharedStrings.xml": before(b"</sst>", fewer_strings)}
        ),
        "600,000 shared strings": rewrite(
            good, {"xl/sharedStrings.xml": before(b"</sst>", strings)}
        ),
        "sheet extent of 4 million cells": rewrite(
            good,
            {
                data_part: before(
                    b"</sheetData>", b'<row r="2000"><c r="BXX2000"><v>1</v></c></row>'
                )
            },
        ),
    }


def _followers(count: int) -> bytes:
    """``count`` cells following one shared formula, 1,000 to a row from row 100."""
    return b"".join(
        (f'<row r="{100 + i // 1000}">'.encode() if i % 1000 == 0 else b"")
        + f'<c r="{column_letters(i % 1000 + 1)}{100 + i // 1000}">'.encode()
        + b'<f t="shared" si="0"/></c>'
        + (b"</row>" if i % 1000 == 999 else b"")
        for i in range(count)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit-mib", type=int, default=2048, help="address-space limit")
    args = parser.parse_args()
    from lks_templates.build import build_workbook
    from lks_templates.spec import load_specs
    from lks_templates.spec.specset import shipped_specs_dir

    resolved = load_specs([shipped_specs_dir()]).resolve("monthly-activity")
    assert resolved is not None
    with tempfile.TemporaryDirectory() as folder:
        good_path = Path(folder) / "good.xlsx"
        build_workbook(resolved, good_path, values={"reporting_year": 2026})
        good = good_path.read_bytes()
        print("| hostile return | file KiB | readable | problems | peak MiB | seconds |")
        print("|---|---:|---|---|---:|---:|")
        files = {"good return (for scale)": good, **hostile_files(good, "xl/worksheets/sheet2.xml")}
        for name, data in files.items():
            path = Path(folder) / "hostile.xlsx"
            path.write_bytes(data)
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(path), str(args.limit_mib)],
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - start
            if done.returncode:
                outcome = f"| crashed ({done.returncode}) | | | {elapsed:.2f} |"
            else:
                readable, codes, peak = done.stdout.split()
                outcome = f"| {readable} | {codes} | {peak} | {elapsed:.2f} |"
            print(f"| {name} | {len(data) // 1024:,} {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
