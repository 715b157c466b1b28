"""Make the helpers in ``tests/`` (e.g. ``seed_cells``) importable from subfolders."""

import sys
from pathlib import Path

_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)


def pytest_report_header(config) -> str:
    """Say plainly whether the PyTorch oracle tests (tests/oracle) run or are skipped."""
    try:
        import torch
    except ImportError:
        return ("torch oracle: NOT installed -- tests/oracle are SKIPPED "
                "(run `make oracle` to install torch==2.13.0)")
    return f"torch oracle: torch {torch.__version__} -- tests/oracle run"


def pytest_terminal_summary(terminalreporter) -> None:
    """Repeat the oracle status at the end, where `pytest -q` still shows it."""
    terminalreporter.write_line(pytest_report_header(None))
