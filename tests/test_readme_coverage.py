"""The README's op-coverage table is the one generated from op_db (scripts/op_coverage.py)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_table_is_up_to_date():
    spec = importlib.util.spec_from_file_location("op_coverage", ROOT / "scripts/op_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (ROOT / "README.md").read_text()
    assert module.START in readme and module.END in readme
    assert module.readme_with_table(readme) == readme, (
        "README.md's op table is stale: run `python scripts/op_coverage.py --write`")
