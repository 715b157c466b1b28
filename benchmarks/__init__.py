"""Side-by-side benchmarks of chainrule against PyTorch.

``run.py`` times every workload in ``workloads/`` for each library and prints a Markdown
table; ``profile.py`` shows where one library's time goes in one workload. Both are plain
scripts (``python benchmarks/run.py ...``); this package holds what they share.
"""
