"""Benchmark workloads: one module per workload, found by ``benchmarks/run.py`` by name.

A workload module is written once against a library passed in as a module object
(``torch`` or ``chainrule``), so both run the very same code. It defines:

- ``UNIT``: what one unit of work is, for the report ("iteration", "op", ...);
- ``SIZE``: the default number of units per timed call, ``QUICK_SIZE`` for ``--quick``;
- ``run(lib, size=SIZE, **dims) -> float``: do ``size`` units of work with ``lib`` and return
  the measurement (below). The workload measures itself (``time.perf_counter``) so that set-up
  it does not mean to measure stays out of the number; it checks its result after the measured
  part and raises ``RuntimeError`` if the answer is wrong. Keyword arguments with defaults
  (``dims``) may set the problem's dimensions (batch, width, shape ...).

Optional, with their defaults:

- ``METRIC = "µs"``: what ``run`` returns and the report prints. A time unit (``"µs"``,
  ``"ms"`` or ``"s"``) means ``run`` returns seconds per unit and the report prints them in
  that unit per ``UNIT`` ("ms/step"). Any other string (``"MiB"``) names a quantity that
  ``run`` returns as it is, for the whole call. Lower is better for every metric, so the
  report's ratios read the same way (chainrule/torch).
- ``FRESH_PROCESS = False``: when true, every sample runs in a new Python process
  (``python -m benchmarks._fresh``) with no warm-up call, for metrics that are process-wide
  high-water marks, such as peak resident memory.
- ``SMOKE = {}``: the ``dims`` for ``run.py --smoke``, a tiny problem that only checks that
  the workload runs (the CI test does this); smoke mode also does one unit and one repeat.

The first line of the module docstring is the workload's one-line description. Modules
whose name starts with ``_`` are helpers, not workloads.
"""
