"""One sample of a workload in a new Python process (workloads with ``FRESH_PROCESS = True``).

A high-water mark such as peak RSS only ever grows, so each sample of such a metric needs a
process of its own that has done nothing else. ``sample`` starts
``python -m benchmarks._fresh NAME LIB SIZE [--smoke] [--threads N]`` from the repository
root with this process's interpreter, environment and module search path (so the child
imports the same ``chainrule``); the child imports the library, runs the workload once, and
prints the measurement as the last line of its stdout.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

from benchmarks._harness import ROOT, Workload, discover, import_library


def sample(workload: Workload, lib_name: str, size: int, smoke: bool = False, threads: int | None = None) -> float:
    """The workload's measurement from a fresh process running it with ``lib_name``."""
    cmd = [sys.executable, "-m", "benchmarks._fresh", workload.name, lib_name, str(size)]
    cmd += ["--smoke"] * smoke + (["--threads", str(threads)] if threads is not None else [])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))  # import what this process imports
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{workload.name} with {lib_name} failed in a fresh process:\n{done.stderr[-3000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="run one sample of a workload (internal to run.py)")
    parser.add_argument("name")
    parser.add_argument("lib")
    parser.add_argument("size", type=int)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--threads", type=int)
    args = parser.parse_args(argv)
    lib = import_library(args.lib, args.threads)  # the parent already set the thread variables
    print(repr(discover()[args.name].run(lib, args.size, smoke=args.smoke)))


if __name__ == "__main__":
    main()
