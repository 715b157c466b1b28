"""elementwise functions at the public edge (argument parsing, PyTorch's errors, composites)."""
from __future__ import annotations

#: names exported as chainrule.<name>
__all__: list = []
#: names exported as chainrule.nn.functional.<name>
NN_ALL: list = []
#: Tensor methods this module provides (name -> function taking the tensor first)
METHODS: dict = {}
