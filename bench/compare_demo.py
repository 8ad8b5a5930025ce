"""Compare two demo outputs file by file: identical apart from timings?

    python -m autograder demo --out /tmp/demo-before     # on the old tree
    python -m autograder demo --out /tmp/demo-after      # on the new tree
    python bench/compare_demo.py /tmp/demo-before /tmp/demo-after

Every file is compared byte for byte.  A file that differs is compared again
with what legitimately changes between two runs masked: clock times and
durations, the output folder's own path, zip members' dates (xlsx), SQLite
rows' timestamps and random ids (nbgrader's uuid4 hex keys; gradebook.db is
compared as a sorted dump).  The
script prints one line per file that is not byte-identical, with the verdict,
and exits non-zero when any file differs beyond those.
"""
from __future__ import annotations

import re
import sqlite3
import sys
import zipfile
from pathlib import Path

TIME = re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")
UUID = re.compile(rb"\b[0-9a-f]{32}\b")
DURATION = re.compile(r"\d+(\.\d+)? ?(s|ms|秒)\b".encode())


def _mask(data: bytes, root: Path) -> bytes:
    data = data.replace(str(root).encode(), b"<OUT>")
    return DURATION.sub(b"<DURATION>", TIME.sub(b"<TIME>", data))


def _zip_members(path: Path, root: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: _mask(z.read(i), root) for i in z.infolist()}


def _db_dump(path: Path, root: Path) -> list:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = []
        for (table,) in con.execute("select name from sqlite_master where type='table' order by name"):
            rows = [tuple(UUID.sub(b"<ID>", _mask(str(v).encode(), root)) for v in row)
                    for row in con.execute(f'select * from "{table}"')]
            out.append((table, sorted(rows)))
        return out
    finally:
        con.close()


def compare(before: Path, after: Path) -> tuple[int, list[str], int]:
    files = sorted({p.relative_to(before) for p in before.rglob("*") if p.is_file()}
                   | {p.relative_to(after) for p in after.rglob("*") if p.is_file()})
    report, bad = [], 0
    for rel in files:
        a, b = before / rel, after / rel
        if not a.exists() or not b.exists():
            report.append(f"MISSING  {rel} (only in {'after' if b.exists() else 'before'})")
            bad += 1
            continue
        if a.read_bytes() == b.read_bytes():
            continue
        if rel.suffix in (".xlsx", ".zip"):
            same = _zip_members(a, before) == _zip_members(b, after)
        elif rel.suffix in (".db", ".sqlite"):
            same = _db_dump(a, before) == _db_dump(b, after)
        else:
            same = _mask(a.read_bytes(), before) == _mask(b.read_bytes(), after)
        report.append(f"{'TIMINGS ' if same else 'DIFFERS '} {rel}")
        bad += not same
    return len(files), report, bad


def main(argv: list[str]) -> int:
    before, after = (Path(p).resolve() for p in argv[1:3])
    n, report, bad = compare(before, after)
    print("\n".join(report))
    identical = n - len(report)
    print(f"{n} files: {identical} byte-identical, {len(report) - bad} differ only in times/paths, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
