"""Prove the table in ``tests/test_errors.py`` is PyTorch's truth.

Every row runs against PyTorch itself, with the same checks chainrule gets: the same
exception type, the same first line of the message, and every input tensor (values,
``.grad``, ``_version``, ``requires_grad``) left as it was.
"""
from __future__ import annotations

import warnings

import pytest

torch = pytest.importorskip("torch")

from test_errors import ERROR_CASES, ErrorCase, check_case  # noqa: I001  (tests/ is on sys.path)


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.description for c in ERROR_CASES])
def test_error_matches_torch(case: ErrorCase) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. torch's warning on .grad of a non-leaf
        check_case(case, torch)
