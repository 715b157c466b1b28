"""``chainrule.nn``: neural-network building blocks, as ``torch.nn``."""
from . import functional, init, utils
from .modules import *  # noqa: F403
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter

__all__ = ["Buffer", "Parameter", "functional", "init", "utils", *_modules_all]

# torch.nn.functional has it; it is written next to the module that runs it
from .modules.attention import multi_head_attention_forward as _mha_forward  # noqa: E402

functional.multi_head_attention_forward = _mha_forward
