"""PyTorch's exact error and warning messages, built in one place."""
from __future__ import annotations

import re

FREED_GRAPH = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_INPLACE = ("a view of a leaf Variable that requires grad is being used in an "
                        "in-place operation.")

NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information.")

TENSOR_COPY_WARNING = (
    "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
    "or sourceTensor.detach().clone().requires_grad_(True), rather than "
    "torch.tensor(sourceTensor).")


def dim_out_of_range(dim: int, ndim: int) -> IndexError:
    """IndexError for a dim outside [-ndim, ndim-1] (0-d tensors accept [-1, 0])."""
    n = max(ndim, 1)
    return IndexError(
        f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")


def _broadcast_clash(shape_a: tuple, shape_b: tuple) -> str | None:
    """PyTorch's broadcasting message for the first clashing dim, or None if they broadcast."""
    for i in range(1, min(len(shape_a), len(shape_b)) + 1):
        a, b = shape_a[-i], shape_b[-i]
        if a != b and a != 1 and b != 1:
            return (f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                    f"non-singleton dimension {max(len(shape_a), len(shape_b)) - i}")
    return None


def broadcast_mismatch(shape_a: tuple, shape_b: tuple) -> RuntimeError | None:
    """PyTorch's broadcasting error for the first clashing dim, or None if they broadcast."""
    message = _broadcast_clash(shape_a, shape_b)
    return None if message is None else RuntimeError(message)


def check_broadcast(shape_a: tuple, shape_b: tuple) -> None:
    """Raise PyTorch's broadcasting error unless ``shape_a`` and ``shape_b`` broadcast."""
    message = _broadcast_clash(shape_a, shape_b)
    # raised as it is made: an error held in a local of a frame on its own traceback is a cycle
    if message is not None:
        raise RuntimeError(message) from None


def type_name(dtype) -> str:
    """PyTorch's legacy tensor type name, e.g. ``torch.FloatTensor``."""
    return f"torch.{dtype.c_name}Tensor"


def modified_by_inplace(dtype, shape: tuple, node_name: str | None, output_nr: int,
                        version: int, expected: int) -> RuntimeError:
    """The error for a saved tensor that an in-place op changed before backward."""
    dims = ", ".join(str(s) for s in shape)
    what = f"[{type_name(dtype)} [{dims}]]"
    if node_name is not None:  # PyTorch names the op without its "Backward0" suffix
        what += f", which is output {output_nr} of {re.sub(r'Backward[0-9]*$', '', node_name)},"
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: {what} is at version {version}; expected version {expected} instead. "
        "Hint: enable anomaly detection to find the operation that failed to compute its "
        "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")
