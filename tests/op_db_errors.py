"""op_db rows for bad arguments: each family's ops raise PyTorch's exception and first line.

Every sample runs one failing call; the row's value is the UTF-8 bytes of
``"<Exception>: <first line>"``. The NumPy-side reference is PyTorch 2.13's text, recorded
here; tests/oracle/test_ops_oracle.py checks it against torch itself. (The reductions'
errors are in op_db_reduction.py's ``reduction.errors`` row.)
"""
from __future__ import annotations

import warnings
from typing import Callable, Iterator

import numpy as np

from op_db import Maker, OpSpec, Sample

#: case -> (the failing call in module m, PyTorch's "<Exception>: <first line>")
ERRORS: dict[str, tuple[Callable, str]] = {
    'atan2_shape': (lambda m: m.atan2(m.zeros(2, 3), m.zeros(4)),
           'RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1'),
    'clamp_no_bounds': (lambda m: m.clamp(m.zeros(2)),
           "RuntimeError: torch.clamp: At least one of 'min' or 'max' must not be None"),
    'bitwise_and_float': (lambda m: m.bitwise_and(m.zeros(2), m.zeros(2)),
           'NotImplementedError: "bitwise_and_cpu" not implemented for \'Float\''),
    'lerp_shape': (lambda m: m.lerp(m.zeros(3), m.zeros(4), 0.5),
           'RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0'),
    'logical_not_shape_ok': (lambda m: m.maximum(m.zeros(2, 3), m.zeros(3, 2)),
           'RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1'),
    'cat_sizes': (lambda m: m.cat([m.zeros(2, 3), m.zeros(2, 4)]),
           'RuntimeError: Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.'),
    'cat_empty': (lambda m: m.cat([]),
           'ValueError: torch.cat(): expected a non-empty list of Tensors'),
    'stack_sizes': (lambda m: m.stack([m.zeros(2, 3), m.zeros(3, 2)]),
           'RuntimeError: stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 2] at entry 1'),
    'split_sizes': (lambda m: m.zeros(4, 2).split([1, 2]),
           "RuntimeError: split_with_sizes expects split_sizes to sum exactly to 4 (input tensor's size at dimension 0), but got split_sizes=[1, 2]"),
    'narrow_range': (lambda m: m.zeros(4).narrow(0, 3, 2),
           'RuntimeError: start (3) + length (2) exceeds dimension size (4).'),
    'movedim_dup': (lambda m: m.movedim(m.zeros(2, 3), (0, 0), (0, 1)),
           'RuntimeError: movedim: repeated dim in `source` ([0, 0])'),
    'flip_dim': (lambda m: m.zeros(2, 3).flip(2),
           'IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 2)'),
    'unbind_dim': (lambda m: m.zeros(2).unbind(1),
           'IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)'),
    'tril_1d': (lambda m: m.tril(m.zeros(3)),
           'RuntimeError: tril: input tensor must have at least 2 dimensions'),
    'gather_dims': (lambda m: m.gather(m.zeros(2, 3), 1, m.zeros(2, dtype=m.int64)),
           'RuntimeError: Index tensor must have the same number of dimensions as input tensor'),
    'gather_float_index': (lambda m: m.gather(m.zeros(2, 3), 1, m.zeros(2, 3)),
           'RuntimeError: gather(): Expected dtype int32/int64 for index'),
    'index_select_2d_index': (lambda m: m.index_select(m.zeros(2, 3), 0, m.zeros(2, 2, dtype=m.int64)),
           'IndexError: index_select(): Index is supposed to be a vector'),
    'masked_fill_float_mask': (lambda m: m.zeros(3).masked_fill(m.zeros(3), 1.0),
           'RuntimeError: masked_fill_ only supports boolean masks, but got mask with dtype float'),
    'scatter_index_oob': (lambda m: m.zeros(3).scatter(0, m.tensor([5]), 1.0),
           'RuntimeError: index 5 is out of bounds for dimension 0 with size 3'),
    'take_oob': (lambda m: m.take(m.zeros(3), m.tensor([7])),
           'IndexError: out of range: tried to access index 7 on a tensor of 3 elements.'),
    'inv_nonsquare': (lambda m: m.linalg.inv(m.zeros(2, 3)),
           'RuntimeError: linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices'),
    'det_1d': (lambda m: m.linalg.det(m.zeros(3)),
           'RuntimeError: linalg.det: The input tensor A must have at least 2 dimensions.'),
    'solve_shapes': (lambda m: m.linalg.solve(m.eye(3), m.zeros(4)),
           'RuntimeError: linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x1)'),
    'cholesky_not_pd': (lambda m: m.linalg.cholesky(-m.eye(2)),
           '_LinAlgError: linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 1 is not positive-definite).'),
    'inv_singular': (lambda m: m.linalg.inv(m.zeros(2, 2)),
           '_LinAlgError: linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because the input matrix is singular.'),
    'einsum_bad': (lambda m: m.einsum('ij,jk->ik', m.zeros(2, 3), m.zeros(4, 5)),
           'RuntimeError: einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3'),
    'outer_2d': (lambda m: m.outer(m.zeros(2, 2), m.zeros(2)),
           'RuntimeError: outer: Expected 1-D argument self, but got 2-D'),
    'trace_3d': (lambda m: m.trace(m.zeros(2, 2, 2)),
           'RuntimeError: trace: expected a matrix, but got tensor with dim 3'),
    'softmax_dim': (lambda m: m.nn.functional.softmax(m.zeros(2, 3), dim=2),
           'IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 2)'),
    'leaky_relu_int': (lambda m: m.nn.functional.leaky_relu(m.tensor([1, 2])),
           'NotImplementedError: "leaky_relu_cpu" not implemented for \'Long\''),
    'gelu_mode': (lambda m: m.nn.functional.gelu(m.zeros(2), approximate='bad'),
           'RuntimeError: approximate argument must be either none or tanh.'),
    'nll_float_target': (lambda m: m.nn.functional.nll_loss(m.zeros(2, 3), m.zeros(2)),
           'RuntimeError: expected target dtype to be Long or Byte, but got Float'),
    'ce_batch_mismatch': (lambda m: m.nn.functional.cross_entropy(m.zeros(2, 3), m.tensor([0, 1, 2])),
           'ValueError: Expected input batch_size (2) to match target batch_size (3).'),
    'bce_size': (lambda m: m.nn.functional.binary_cross_entropy(m.full((2,), 0.5), m.zeros(3)),
           'ValueError: Using a target size (torch.Size([3])) that is different to the input size (torch.Size([2])) is deprecated. Please ensure they have the same size.'),
    'mse_reduction': (lambda m: m.nn.functional.mse_loss(m.zeros(2), m.zeros(2), reduction='bad'),
           'ValueError: bad is not a valid value for reduction'),
    'conv2d_dims': (lambda m: m.nn.functional.conv2d(m.zeros(3, 4), m.zeros(2, 3, 1, 1)),
           'RuntimeError: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 4]'),
    'conv2d_channels': (lambda m: m.nn.functional.conv2d(m.zeros(1, 3, 4, 4), m.zeros(2, 4, 1, 1)),
           'RuntimeError: Given groups=1, weight of size [2, 4, 1, 1], expected input[1, 3, 4, 4] to have 4 channels, but got 3 channels instead'),
    'max_pool_kernel': (lambda m: m.nn.functional.max_pool2d(m.zeros(1, 1, 2, 2), 3),
           'RuntimeError: Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small'),
    'pad_reflect_big': (lambda m: m.nn.functional.pad(m.zeros(1, 1, 2), (3, 3), mode='reflect'),
           'RuntimeError: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 2 of input [1, 1, 2]'),
    'interpolate_mode': (lambda m: m.nn.functional.interpolate(m.zeros(1, 1, 2), scale_factor=2, mode='bad'),
           'NotImplementedError: Input Error: Only 3D, 4D and 5D input Tensors supported (got 3D) for the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got bad)'),
    'embedding_float': (lambda m: m.nn.functional.embedding(m.zeros(2), m.zeros(3, 2)),
           "RuntimeError: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)"),
    'one_hot_negative': (lambda m: m.nn.functional.one_hot(m.tensor([-1])),
           'RuntimeError: Class values must be non-negative.'),
    'layer_norm_shape': (lambda m: m.nn.functional.layer_norm(m.zeros(2, 3), (4,)),
           'RuntimeError: Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]'),
    'batch_norm_running': (lambda m: m.nn.functional.batch_norm(m.zeros(2, 3), m.zeros(4), m.ones(4)),
           'RuntimeError: running_mean should contain 3 elements not 4'),
    'linear_shapes': (lambda m: m.nn.functional.linear(m.zeros(2, 3), m.zeros(4, 5)),
           'RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 5x4)'),
}


def _error_bytes(m, case: str):
    """The UTF-8 bytes of ``"<Exception>: <first line>"`` raised by ``case`` in module ``m``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ERRORS[case][0](m)
    except Exception as err:  # noqa: BLE001 - the exception itself is what is compared
        text = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    else:
        text = "no error"
    return m.tensor(list(text.encode()))


def _samples(mk: Maker) -> Iterator[Sample]:
    for case in ERRORS:
        yield mk.s(case, case)


ROWS = [
    OpSpec("ops.errors", _error_bytes, _samples,
           lambda case: np.array(list(ERRORS[case][1].encode()), dtype=np.int64), gradcheck=False),
]
