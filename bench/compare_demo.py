"""Compare two demo outputs file by file: identical apart from timings?

    python -m autograder demo --out /tmp/demo-before     # on the old tree
    python -m autograder demo --out /tmp/demo-after      # on the new tree
    python bench/compare_demo.py /tmp/demo-before /tmp/demo-after
    python bench/compare_demo.py --ignore-metadata autograder /tmp/demo-before /tmp/demo-after

Every file is compared byte for byte.  A file that differs is compared again
with what legitimately changes between two runs masked: clock times and
durations, the output folder's own path, zip members' dates (xlsx), SQLite
rows' timestamps and random ids (nbgrader's uuid4 hex keys; gradebook.db is
compared as a sorted dump).  ``--ignore-metadata KEY`` (repeatable) also
drops KEY from the metadata of every notebook and of each of its cells before
that comparison (a key one of the two trees adds on purpose).  The
script prints one line per file that is not byte-identical, with the verdict,
and exits non-zero when any file differs beyond those.
"""
from __future__ import annotations

import argparse
import json
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


def _without_metadata(data: bytes, keys: tuple[str, ...]) -> bytes:
    """A notebook's JSON with ``keys`` dropped from its metadata and its cells' (as is, if not JSON)."""
    try:
        nb = json.loads(data)
    except ValueError:
        return data
    if not isinstance(nb, dict):
        return data
    for meta in [nb.get("metadata")] + [c.get("metadata") for c in nb.get("cells", []) if isinstance(c, dict)]:
        if isinstance(meta, dict):
            for key in keys:
                meta.pop(key, None)
    return json.dumps(nb, ensure_ascii=False, sort_keys=True, indent=1).encode()


def _same_masked(a: Path, b: Path, before: Path, after: Path, ignore: tuple[str, ...]) -> str | None:
    """None when the files differ beyond what is masked, else why they count as the same."""
    if a.suffix in (".xlsx", ".zip"):
        return "TIMINGS " if _zip_members(a, before) == _zip_members(b, after) else None
    if a.suffix in (".db", ".sqlite"):
        return "TIMINGS " if _db_dump(a, before) == _db_dump(b, after) else None
    left, right = _mask(a.read_bytes(), before), _mask(b.read_bytes(), after)
    if left == right:
        return "TIMINGS "
    if ignore and a.suffix == ".ipynb" and _without_metadata(left, ignore) == _without_metadata(right, ignore):
        return "METADATA"
    return None


def compare(before: Path, after: Path, ignore: tuple[str, ...] = ()) -> tuple[int, list[str], int]:
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
        verdict = _same_masked(a, b, before, after, ignore)
        report.append(f"{verdict or 'DIFFERS '} {rel}")
        bad += verdict is None
    return len(files), report, bad


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="compare_demo.py", description="Compare two demo outputs file by file.")
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--ignore-metadata", action="append", default=[], metavar="KEY",
                        help="drop KEY from notebooks' and cells' metadata before comparing (repeatable)")
    args = parser.parse_args(argv[1:])
    ignore = tuple(args.ignore_metadata)
    n, report, bad = compare(args.before.resolve(), args.after.resolve(), ignore)
    print("\n".join(report))
    identical, ignored = n - len(report), sum(line.startswith("METADATA") for line in report)
    print(f"{n} files: {identical} byte-identical, {len(report) - bad - ignored} differ only in times/paths, "
          + (f"{ignored} only in metadata {', '.join(ignore)}, " if ignore else "") + f"{bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
