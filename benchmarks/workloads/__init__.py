"""Benchmark workloads: one module per workload, found by ``benchmarks/run.py`` by name.

A workload module is written once against a library passed in as a module object
(``torch`` or ``chainrule``), so both run the very same code. It defines:

- ``UNIT``: what one unit of work is, for the report ("iteration", "op", ...);
- ``SIZE``: the default number of units per timed call, ``QUICK_SIZE`` for ``--quick``;
- ``run(lib, size=SIZE) -> float``: do ``size`` units of work with ``lib`` and return the
  seconds per unit. The workload times itself (``time.perf_counter``) so that set-up it does
  not mean to measure stays out of the number; it checks its result after the timed part
  and raises ``RuntimeError`` if the answer is wrong.

The first line of the module docstring is the workload's one-line description. Modules
whose name starts with ``_`` are helpers, not workloads.
"""
