"""Parse the seed notebook export and replay its cells against a torch-like module.

The seed is a Jupyter notebook exported as plain text.  Its layout, as
reverse-engineered from the file, is::

    In [N]:
    <code>                    cell source (may contain blank lines)
    <blank>
    <stream output>           text that ended in a newline, so the block is
    <blank><blank>            followed by TWO blank lines (stdout, or stderr)
    <result or error>         Out value repr / ``TypeName: message``,
    <blank>                   followed by ONE blank line
    <markdown prose>          until the next ``In [M]:`` line

Every output part is optional.  Stderr blocks hold only the source line that
a warning was attributed to (e.g. ``  y.grad``): the export drops the
``file:line: UserWarning: message`` header that Jupyter would print above it.

Cells run in order in one shared namespace, as in Jupyter, with the cells'
``import torch`` statements rewritten to import the module under test instead.
Replaying a cell produces a normalized :class:`Transcript`; rendered, it is
stdout (trailing newlines stripped), then one ``Category: message`` line per
warning, then ``Out: <repr>`` for a displayed value, then ``TypeName: first
line of message`` for an uncaught exception -- always in that order.

Run ``python tests/seed_cells.py --lib torch`` (or ``--lib chainrule``) to
print every transcript, or ``--parse`` to print what was parsed from the seed.
This module imports only the standard library.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import importlib
import io
import linecache
import os
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

SEED_PATH = Path(
    os.environ.get(
        "CHAINRULE_SEED",
        str(Path(__file__).resolve().parents[2] / "shared/seed/000_c7b9bd2fee86ac15.txt"),
    )
)

_CELL_HEADER = re.compile(r"In \[(\d+)\]:")
_ERROR_HEAD = re.compile(r"([A-Za-z_][\w.]*)(?:: |$)")
_REPR_START = re.compile(r"[\w.]+\(|[\[({<'\"]|-?\d|True$|False$")
_TORCH_SUFFIX = " (Triggered internally at "


@dataclass(frozen=True)
class Output:
    """One output block recorded in the seed.

    ``kind`` is ``"stdout"``, ``"warning"`` (stderr warning source lines),
    ``"result"`` (the displayed value of the last expression) or ``"error"``.
    """

    kind: str
    text: str


@dataclass(frozen=True)
class Cell:
    """A code cell: its number, source, and the raw output text recorded after it."""

    number: int
    code: str
    expected: str
    outputs: tuple[Output, ...] = ()


@dataclass(frozen=True)
class Warned:
    """One warning raised by a cell, and the source line it was attributed to."""

    category: str
    message: str
    line: str


@dataclass(frozen=True)
class Transcript:
    """What one cell printed, warned, displayed and raised."""

    stdout: str = ""
    warnings: tuple[Warned, ...] = ()
    result: str | None = None
    error: str | None = None

    def render(self, with_source_lines: bool = False) -> str:
        """Return the normalized transcript string (see the module docstring).

        With ``with_source_lines`` each warning also names the source line it
        was attributed to, which is what Jupyter prints under it.
        """
        parts = [self.stdout.rstrip("\n")] if self.stdout.strip() else []
        for warned in self.warnings:
            text = (
                f"{warned.category}: {warned.message}"
                if warned.message
                else warned.category
            )
            parts.append(f"{text} (at: {warned.line})" if with_source_lines else text)
        if self.result is not None:
            parts.append(f"Out: {self.result}")
        if self.error is not None:
            parts.append(self.error)
        return "\n".join(parts)


@dataclass(frozen=True)
class _Para:
    """A run of non-blank lines and the number of blank lines after it."""

    text: str
    gap: int


# ---------------------------------------------------------------- parsing


def parse_cells(path: Path | str = SEED_PATH) -> list[Cell]:
    """Split the exported notebook at ``path`` into code cells and their outputs."""
    cells: list[Cell] = []
    known = set(dir(builtins))
    for number, lines in _split_chunks(Path(path).read_text(encoding="utf-8")):
        paras = _paragraphs(lines)
        size = _code_length(paras, known)
        code = _join(paras[:size])
        known |= _bound_names(code)
        outputs, used = _outputs(paras[size:], code)
        expected = _join(paras[size : size + used])
        cells.append(Cell(number, code, expected, tuple(outputs)))
    return cells


def _split_chunks(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(cell number, lines after the header)`` for each ``In [N]:`` line."""
    number: int | None = None
    lines: list[str] = []
    for line in text.splitlines():
        header = _CELL_HEADER.fullmatch(line)
        if header is None:
            lines.append(line)
            continue
        if number is not None:
            yield number, lines
        number, lines = int(header.group(1)), []
    if number is not None:
        yield number, lines


def _paragraphs(lines: Sequence[str]) -> list[_Para]:
    """Group lines into paragraphs separated by blank lines, counting the gaps."""
    texts: list[list[str]] = []
    gaps: list[int] = []
    fresh = True
    for line in lines:
        if not line.strip():
            fresh = True
            if gaps:
                gaps[-1] += 1
        elif fresh:
            texts.append([line])
            gaps.append(0)
            fresh = False
        else:
            texts[-1].append(line)
    return [_Para("\n".join(text), gap) for text, gap in zip(texts, gaps)]


def _join(paras: Sequence[_Para]) -> str:
    """Reassemble paragraphs with their original blank lines between them."""
    if not paras:
        return ""
    return "".join(p.text + "\n" * (p.gap + 1) for p in paras[:-1]) + paras[-1].text


def _code_length(paras: Sequence[_Para], known: set[str]) -> int:
    """How many leading paragraphs are the cell's code.

    The code is the longest prefix that compiles, stopping before the first
    paragraph that looks like output; trailing comment-only paragraphs (e.g. a
    ``#### heading`` of following prose) are not code.
    """
    names = set(known)
    size = 0
    for count, para in enumerate(paras, start=1):
        if _looks_like_output(para.text, names):
            break
        source = _join(paras[:count])
        if _compiles(source):
            size = count
            names |= _bound_names(source)
    while size and all(
        line.lstrip().startswith("#") for line in paras[size - 1].text.splitlines()
    ):
        size -= 1
    return size


def _looks_like_output(text: str, names: set[str]) -> bool:
    """True for an error line, or valid Python that can only be a printed repr.

    ``tensor(14.)`` or ``True`` parse as expressions, but a paragraph made only
    of expressions that use no name bound so far (nor a builtin) does nothing,
    so it must be output rather than code.
    """
    if _is_error_line(text.splitlines()[0]):
        return True
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    if not all(isinstance(stmt, ast.Expr) for stmt in tree.body):
        return False
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return not used & names


def _compiles(source: str) -> bool:
    """Whether ``source`` is syntactically valid Python."""
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def _bound_names(source: str) -> set[str]:
    """Names that ``source`` assigns, defines or imports at any depth."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(
                (alias.asname or alias.name).split(".")[0] for alias in node.names
            )
    return names


def _is_error_line(line: str) -> bool:
    """Whether ``line`` reads like Jupyter's ``TypeName: message`` error output."""
    match = _ERROR_HEAD.match(line)
    if match is None:
        return False
    name = match.group(1).rsplit(".", 1)[-1]
    builtin = getattr(builtins, name, None)
    if isinstance(builtin, type) and issubclass(builtin, BaseException):
        return True
    return name.endswith(("Error", "Exception", "Warning"))


def _outputs(paras: Sequence[_Para], code: str) -> tuple[list[Output], int]:
    """Classify the paragraphs after the code; also return how many are output.

    Stream blocks come first, each ending at a double blank line; then at most
    one result or error paragraph.  Everything after that is prose.
    """
    outputs: list[Output] = []
    start = 0
    while start < len(paras) and not _is_error_line(paras[start].text.splitlines()[0]):
        end = next((i for i in range(start, len(paras)) if paras[i].gap >= 2), None)
        if end is None:
            break
        block = _join(paras[start : end + 1])
        outputs.append(Output(_stream_kind(block, code), block))
        start = end + 1
    if start < len(paras):
        final = _final_output(paras[start].text, code)
        if final is not None:
            outputs.append(final)
            start += 1
    return outputs, start


def _stream_kind(block: str, code: str) -> str:
    """``"warning"`` if all lines are indented lines of ``code``, else ``"stdout"``."""
    code_lines = {line.strip() for line in code.splitlines()}
    lines = block.splitlines()
    if all(line[:1].isspace() and line.strip() in code_lines for line in lines):
        return "warning"
    return "stdout"


def _final_output(text: str, code: str) -> Output | None:
    """The error or displayed value in ``text``, or None if ``text`` is prose."""
    if _is_error_line(text.splitlines()[0]):
        return Output("error", text)
    if _displays_value(code) and _REPR_START.match(text):
        return Output("result", text)
    return None


def _displays_value(code: str) -> bool:
    """Whether Jupyter may show an Out value: code ends in a non-print expression."""
    body = ast.parse(code).body if code else []
    if not body or not isinstance(body[-1], ast.Expr) or code.rstrip().endswith(";"):
        return False
    call = body[-1].value
    is_print = (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "print"
    )
    return not is_print


def recorded_transcript(cell: Cell) -> Transcript:
    """The transcript the seed recorded for ``cell``, as far as the export shows it.

    Warnings keep only their source line (category and message are empty, the
    export does not show them); errors keep only their first line.
    """
    stdout = [out.text for out in cell.outputs if out.kind == "stdout"]
    warned = tuple(
        Warned("", "", line.strip())
        for out in cell.outputs
        if out.kind == "warning"
        for line in out.text.splitlines()
    )
    result = next((out.text for out in cell.outputs if out.kind == "result"), None)
    error = next((out.text for out in cell.outputs if out.kind == "error"), None)
    return Transcript(
        "\n".join(stdout), warned, result, error.splitlines()[0] if error else None
    )


# ---------------------------------------------------------------- running


def run_cells(cells: Sequence[Cell], module: ModuleType) -> list[str]:
    """Run ``cells`` in one fresh namespace, ``module`` as ``torch``; render each."""
    return [transcript.render() for transcript in run_transcripts(cells, module)]


def run_transcripts(cells: Sequence[Cell], module: ModuleType) -> list[Transcript]:
    """Like :func:`run_cells`, but return the structured transcripts."""
    if sys.modules.get(module.__name__) is not module:
        raise ValueError(f"{module.__name__!r} is not the module imported by that name")
    namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": builtins}
    return [_run_cell(cell, namespace, module.__name__) for cell in cells]


class _TorchImports(ast.NodeTransformer):
    """Rewrite the cell's ``torch`` imports to import ``target`` under that name.

    ``import torch`` becomes ``import target as torch``, ``from torch.nn import
    X`` becomes ``from target.nn import X``, and so on.  ``sys.modules`` is left
    alone, so real torch (if loaded) and the target never mix.
    """

    def __init__(self, target: str) -> None:
        """Rewrite onto the module importable as ``target``."""
        self.target = target

    def _rename(self, name: str) -> str:
        """``torch`` or ``torch.sub`` renamed onto the target; anything else as is."""
        if name == "torch" or name.startswith("torch."):
            return self.target + name[len("torch") :]
        return name

    def visit_Import(self, node: ast.Import) -> ast.Import:
        """``import torch.sub`` binds ``torch``: import the submodule, then rebind."""
        names: list[ast.alias] = []
        for alias in node.names:
            renamed = self._rename(alias.name)
            if renamed == alias.name or alias.asname:
                names.append(ast.alias(renamed, alias.asname))
                continue
            if "." in alias.name:
                names.append(ast.alias(renamed, "torch"))
            names.append(ast.alias(self.target, "torch"))
        node.names = [ast.copy_location(new, node) for new in names]
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.ImportFrom:
        """``from torch.sub import X`` imports from the target's ``sub``."""
        if node.level == 0 and node.module:
            node.module = self._rename(node.module)
        return node


def _run_cell(cell: Cell, namespace: dict[str, object], target: str) -> Transcript:
    """Execute one cell in ``namespace``, capturing everything it emits."""
    filename = f"<seed cell {cell.number}>"
    stdout = io.StringIO()
    result = error = None
    with (
        warnings.catch_warnings(record=True) as caught,
        contextlib.redirect_stdout(stdout),
    ):
        warnings.simplefilter("always")
        try:
            result = _execute(cell.code, namespace, filename, target)
        except Exception as exc:  # noqa: BLE001 - exceptions are part of the transcript
            error = _render_exception(exc)
    warned = tuple(_warned(record, cell.code, filename) for record in caught)
    return Transcript(stdout.getvalue(), warned, result, error)


def _execute(
    code: str, namespace: dict[str, object], filename: str, target: str
) -> str | None:
    """Exec ``code`` with ``target`` as torch; return its Out value's repr, if any."""
    tree = _TorchImports(target).visit(ast.parse(code, filename))
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 - replaying the seed
    if last is None:
        return None
    value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
    if value is None or code.rstrip().endswith(";"):
        return None
    return repr(value)


def _warned(record: warnings.WarningMessage, code: str, filename: str) -> Warned:
    """Describe a caught warning, less PyTorch's ``(Triggered internally at`` suffix."""
    # the first line is PyTorch's; chainrule may add a hint below it (issue #6)
    message = str(record.message).split(_TORCH_SUFFIX)[0].split("\n")[0]
    if record.filename == filename:
        lines = code.splitlines()
        line = lines[record.lineno - 1] if 0 < record.lineno <= len(lines) else ""
    else:
        line = linecache.getline(record.filename, record.lineno)
    return Warned(record.category.__name__, message, line.strip())


def _render_exception(exc: BaseException) -> str:
    """``TypeName: first line of message``, or just ``TypeName`` if it has none."""
    lines = str(exc).splitlines()
    name = type(exc).__name__
    return f"{name}: {lines[0]}" if lines else name


# ---------------------------------------------------------------- command line


def _print_parse(cells: Sequence[Cell]) -> None:
    """Print each cell's parsed code and classified outputs."""
    for cell in cells:
        print(f"==== In [{cell.number}] code ====\n{cell.code}")
        for out in cell.outputs:
            print(f"---- {out.kind} ----\n{out.text}")


def main(argv: Sequence[str] | None = None) -> int:
    """Print the transcripts of every seed cell under ``--lib`` (or the parse)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", default="chainrule", help="module bound as torch")
    parser.add_argument(
        "--seed", type=Path, default=SEED_PATH, help="exported notebook"
    )
    parser.add_argument(
        "--parse", action="store_true", help="show the parse, run nothing"
    )
    args = parser.parse_args(argv)
    cells = parse_cells(args.seed)
    if args.parse:
        _print_parse(cells)
        return 0
    src = Path(__file__).resolve().parents[1] / "src"
    if src.is_dir() and str(src) not in sys.path:
        sys.path.insert(0, str(src))
    module = importlib.import_module(args.lib)
    for cell, transcript in zip(cells, run_cells(cells, module)):
        print(f"==== In [{cell.number}] ====\n{transcript}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
