"""Write a data changelog entry from the difference between a git revision and the tables.

The changelog (src/airace/data/changelog/NNNN-VERSION.yaml) is checked by
tests/test_changelog.py: the newest entry's hashes must equal the curated tables on disk.
After editing any curated CSV, record the edit:

    python tools/changelog.py --base HEAD --version 2026.12.02 --summary "What changed and why"

``--base`` is the revision whose tables are the previous version (normally the last commit,
whose tables the newest entry describes). Re-running with the newest entry's version rewrites
that entry (diffed against the same base), so a pending entry can be refreshed after more
edits. ``--baseline`` writes a first entry that only records the base revision's tables.
Only read-only git commands are used (``git show REV:path``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from airace.schema import changelog as cl  # noqa: E402
from airace.schema.tables import CURATED_TABLES  # noqa: E402

DATA = ROOT / "src" / "airace" / "data"


def texts_at(rev: str) -> dict[str, str]:
    """CSV texts of the curated tables at a git revision (tables absent there are skipped)."""
    out = {}
    for name in CURATED_TABLES:
        path = f"src/airace/data/{name}.csv"
        done = subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode == 0:
            out[name] = done.stdout
    return out


def write(doc: dict, number: int) -> Path:
    folder = cl.changelog_dir(DATA)
    folder.mkdir(exist_ok=True)
    for old in folder.glob(f"{number:04d}-*.yaml"):
        old.unlink()
    path = folder / f"{number:04d}-{doc['version']}.yaml"
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(f"# Data changelog entry; written by tools/changelog.py\n{text}", "utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="git revision of the previous version")
    parser.add_argument("--version", required=True, help="YYYY.MM.DD, optionally .N")
    parser.add_argument("--date", default=dt.date.today().isoformat())
    parser.add_argument("--summary", required=True)
    parser.add_argument("--baseline", action="store_true", help="record the base revision only")
    parser.add_argument("--force", action="store_true", help="skip the base hash check")
    args = parser.parse_args(argv)
    if not cl.VERSION_RE.match(args.version):
        parser.error("--version must be YYYY.MM.DD or YYYY.MM.DD.N")
    keys = cl.primary_keys(DATA)
    base = cl.state(texts_at(args.base), keys)
    entries = cl.read_changelog(DATA)
    date = dt.date.fromisoformat(args.date)
    if args.baseline:
        doc = cl.entry_document(args.version, date, args.summary, base, {}, baseline=True)
        print(write(doc, 1))
        return 0
    if entries and entries[-1].version == args.version:
        entries = entries[:-1]  # refresh the pending entry
    if not entries:
        parser.error("no earlier entry: write a --baseline entry first")
    previous = entries[-1]
    if args.version <= previous.version:
        parser.error(f"--version must be newer than {previous.version}")
    base_hashes = cl.hashes_of(base)
    stale = [n for n, h in previous.hashes.items() if base_hashes.get(n, h) != h]
    if stale and not args.force:
        print(
            f"the tables at {args.base} are not version {previous.version} "
            f"(differ: {', '.join(stale)}); pass the revision that version describes",
            file=sys.stderr,
        )
        return 1
    current = cl.state(cl.table_texts(DATA), keys)
    doc = cl.entry_document(
        args.version, date, args.summary, current, cl.diff_tables(base, current)
    )
    path = write(doc, len(entries) + 1)
    print(path)
    for name, change in cl.diff_tables(base, current).items():
        print(
            f"  {name}: {len(change.added)} added, {len(change.changed)} changed, "
            f"{len(change.removed)} removed"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
