"""Generate the README's op-coverage table from tests/op_db.py (never written by hand).

    python scripts/op_coverage.py          # print the table
    python scripts/op_coverage.py --write  # rewrite it in README.md between the markers

tests/test_readme_coverage.py fails when the README's table is out of date.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- op-coverage:start -->", "<!-- op-coverage:end -->"


def _rows():
    sys.path.insert(0, str(ROOT / "tests"))
    import op_db  # the catalogue; importing it also loads every tests/op_db_<family>.py
    return op_db.OP_DB


def table() -> str:
    """The Markdown table: one line per op_db row, with its sample and check counts."""
    rows = _rows()
    lines = [f"{len(rows)} rows, {sum(len(r.samples()) for r in rows)} samples; every sample "
             "is checked against NumPy and PyTorch 2.13, and by gradcheck / gradgradcheck "
             "where marked.", "",
             "| op | samples | gradcheck | gradgradcheck |", "| --- | ---: | ---: | ---: |"]
    for spec in sorted(rows, key=lambda r: r.name.lower()):
        samples = spec.samples()
        first = sum(spec.wants_gradcheck(s) for s in samples)
        second = sum(spec.wants_gradgradcheck(s) for s in samples)
        lines.append(f"| `{spec.name}` | {len(samples)} | {first} | {second} |")
    return "\n".join(lines)


def readme_with_table(readme: str) -> str:
    """``readme`` with the section between the markers replaced by the current table."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> None:
    """Print the table, or write it into README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md's table")
    if parser.parse_args().write:
        path = ROOT / "README.md"
        path.write_text(readme_with_table(path.read_text()))
    else:
        print(table())


if __name__ == "__main__":
    main()
