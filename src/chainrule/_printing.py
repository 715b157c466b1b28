"""Text rendering of tensors, matching the layout PyTorch uses for ``repr``.

This is a leaf module: it only depends on NumPy so that the ``Tensor`` class
(and anything else) can import it without creating cycles.  Values arrive as
a host NumPy array together with the metadata that shows up in the suffixes
(dtype, device, autograd state).

The layout rules, in short:

* one formatter is built for the whole tensor (or for the part of it that is
  visible when summarizing), so every element is padded to the same width;
* floating tensors use one of three modes: "int mode" (``1., 2.``) when every
  finite non-zero value is integral, fixed point (``1.0000``), or scientific
  notation (``1.0000e-08``) when the value range is too wide;
* rows are nested with one extra space of indentation per level and
  ``ndim - 1`` newlines between sibling blocks;
* suffixes such as ``dtype=torch.int32`` follow the data and wrap onto a new
  line when they would overflow ``linewidth``.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["get_printoptions", "set_printoptions", "tensor_repr"]

# Named presets; "default" is also the initial state of the options.
_PROFILES: dict[str, dict[str, float]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

# Module-wide options, shared by every call to ``tensor_repr``.
_OPTS: dict = {**_PROFILES["default"], "sci_mode": None}

_FLOAT_DTYPES = frozenset({"float16", "float32", "float64", "bfloat16"})


def set_printoptions(
    precision: int | None = None,
    threshold: int | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    r"""Set options for printing tensors. Modelled on NumPy's print options.

    Args:
        precision: Number of digits after the decimal point for floating
            point output (default = 4).
        threshold: Total number of elements above which the output is
            summarized with ``...`` instead of shown in full (default = 1000).
        edgeitems: Number of items kept at the beginning and at the end of
            each dimension when summarizing (default = 3).
        linewidth: Number of characters per line used to decide where to
            break long rows (default = 80).
        profile: A named preset applied before the other arguments, so they
            can override it: one of ``"default"``, ``"short"`` or ``"full"``.
        sci_mode: ``True`` forces scientific notation, ``False`` disables it
            and ``None`` (default) lets the formatter pick from the data.
            Unlike the other options this one is always assigned, so leaving
            it out resets it to ``None``.

    Example::

        >>> set_printoptions(precision=2)
        >>> set_printoptions(threshold=5)   # arange(10) -> [0, 1, 2, ..., 7, 8, 9]
        >>> set_printoptions(profile="default")
    """
    # Unknown profile names are silently ignored, as PyTorch does.
    if profile in _PROFILES:
        _OPTS.update(_PROFILES[profile])
    overrides = {"precision": precision, "threshold": threshold,
                 "edgeitems": edgeitems, "linewidth": linewidth}
    _OPTS.update({key: value for key, value in overrides.items() if value is not None})
    _OPTS["sci_mode"] = sci_mode


def get_printoptions() -> dict:
    """Return the current print options as a dict.

    The result can be passed back as ``**kwargs`` to :func:`set_printoptions`.
    """
    return {key: _OPTS[key] for key in ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")}


class _Formatter:
    """Turns single values into strings of one common width.

    The mode and width are derived once from all values that will be shown,
    which is what keeps the columns of a printed matrix aligned.
    """

    def __init__(self, values: np.ndarray, floating: bool) -> None:
        self.floating = floating
        self.precision = _OPTS["precision"]
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not floating:
            self.width = max([1, *(len(str(v)) for v in values.ravel().tolist())])
            return
        flat = values.ravel()
        shown = flat[np.isfinite(flat) & (flat != 0)]
        if shown.size == 0:
            # Only zeros, infs and nans: keep int mode without exponent.
            return
        magnitudes = np.abs(shown)
        low, high = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if _OPTS["sci_mode"] is None:
            self.sci_mode = high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4
        else:
            self.sci_mode = bool(_OPTS["sci_mode"])
        self.width = max([1, *(len(self._bare(v)) for v in shown.tolist())])

    def _bare(self, value: float) -> str:
        """Format a float without padding."""
        if self.sci_mode:
            return f"{value:.{self.precision}e}"
        if self.int_mode:
            # The trailing dot marks a floating tensor whose values are integral.
            text = f"{value:.0f}"
            return text if math.isinf(value) or math.isnan(value) else text + "."
        return f"{value:.{self.precision}f}"

    def format(self, value: float | bool) -> str:
        """Format one value right-aligned to the common width."""
        text = self._bare(value) if self.floating else str(value)
        return text.rjust(self.width)


def _summarized(data: np.ndarray) -> np.ndarray:
    """Keep only the elements that remain visible after summarization."""
    edge = _OPTS["edgeitems"]
    if data.ndim == 0:
        return data
    if not edge:
        # A 1-d slice ``[-0:]`` spans everything; higher ranks show nothing.
        return data if data.ndim == 1 else data[(slice(0, 0),) * data.ndim]
    for axis, size in enumerate(data.shape):
        if size > 2 * edge:
            keep = np.r_[0:edge, size - edge:size]
            data = np.take(data, keep, axis=axis)
    return data


def _vector_str(vector: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    """Render a 1-d array, wrapping elements so lines fit ``linewidth``."""
    edge = _OPTS["edgeitems"]
    # Each element also takes a comma and a space.
    per_line = max(1, math.floor((_OPTS["linewidth"] - indent) / (fmt.width + 2)))
    if summarize and not edge:
        items = ["..."]
    elif summarize and vector.shape[0] > 2 * edge:
        head, tail = vector[:edge].tolist(), vector[-edge:].tolist()
        items = [fmt.format(v) for v in head] + [" ..."] + [fmt.format(v) for v in tail]
    else:
        items = [fmt.format(v) for v in vector.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(data: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    """Render an array of any rank; ``indent`` is the column of its ``[``."""
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _vector_str(data, indent, summarize, fmt)
    edge, size = _OPTS["edgeitems"], data.shape[0]
    if summarize and size > 2 * edge:
        rows = [*range(edge), None, *range(size - edge, size)]
    else:
        rows = list(range(size))
    blocks = ["..." if i is None else _nested_str(data[i], indent + 1, summarize, fmt) for i in rows]
    # Deeper blocks are separated by more blank lines, like NumPy.
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(blocks) + "]"


def _body_str(data: np.ndarray, indent: int, floating: bool) -> str:
    """Render the bracketed values of a non-empty array."""
    if floating:
        # Python floats of the exact values; also handles extension dtypes such as bfloat16.
        data = np.asarray(data, dtype=np.float64)
    summarize = data.size > _OPTS["threshold"]
    fmt = _Formatter(_summarized(data) if summarize else data, floating)
    return _nested_str(data, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append ``, key=value`` suffixes, moving one to a new line if it would overflow."""
    parts = [text]
    # PyTorch's estimate of the current line length, off by two when there is no newline.
    line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > _OPTS["linewidth"]:
            parts.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            line_len += len(suffix) + 2
    return "".join(parts) + ")"


def _layout_suffixes(data: np.ndarray, dtype_name: str, default_float: str) -> list[str]:
    """The ``size=`` and ``dtype=`` suffixes, for what the values cannot show."""
    suffixes = []
    if data.size == 0:
        # Nothing to infer the dtype or shape from, so spell them out
        # (a 1-d empty tensor is the one shape that ``[]`` already implies).
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        if dtype_name != default_float:
            suffixes.append(f"dtype=torch.{dtype_name}")
        return suffixes
    if not _OPTS["edgeitems"]:
        # With no edge items the summary hides every value, so show the shape.
        suffixes.append(f"size={tuple(data.shape)}")
    if dtype_name not in (default_float, "int64", "bool"):
        suffixes.append(f"dtype=torch.{dtype_name}")
    return suffixes


def tensor_repr(
    data: np.ndarray,
    *,
    dtype_name: str,
    default_float: str = "float32",
    device: str | None = None,
    grad_fn: str | None = None,
    requires_grad: bool = False,
    tensor_prefix: str = "tensor",
    tangent: str | None = None,
) -> str:
    """Return the PyTorch-style ``repr`` of a tensor holding ``data``.

    Args:
        data: Host array with the tensor's values (any rank and layout).
        dtype_name: Name of the tensor dtype, e.g. ``"float32"`` or ``"int64"``.
        default_float: The current default floating dtype; tensors of that
            dtype (and int64/bool ones) do not show ``dtype=``.
        device: Device string; shown unless it is ``None`` or ``"cpu"``.
        grad_fn: Name of the backward node, e.g. ``"AddBackward0"``.
        requires_grad: Shown as ``requires_grad=True`` when there is no ``grad_fn``.
        tensor_prefix: Name written before the opening parenthesis.
        tangent: The forward-mode tangent as text (a dual tensor's ``tangent=`` suffix).

    Returns:
        The full text, e.g. ``"tensor([1., 2.], requires_grad=True)"``.
    """
    data = np.asarray(data)
    prefix = tensor_prefix + "("
    suffixes = [f"device='{device}'"] if device is not None and device != "cpu" else []
    if data.size == 0:
        body = "[]"
    else:
        body = _body_str(data, len(prefix), dtype_name in _FLOAT_DTYPES)
    suffixes += _layout_suffixes(data, dtype_name, default_float)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    if tangent is not None:
        suffixes.append(f"tangent={tangent}")
    return _add_suffixes(prefix + body, suffixes, len(prefix))
