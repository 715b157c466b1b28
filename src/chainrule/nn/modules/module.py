"""``nn.Module``: the base class that registers parameters, buffers and submodules."""
from __future__ import annotations

from collections import OrderedDict, namedtuple
from typing import Any, Callable, Iterator, Mapping

from ... import _dtype
from ..._device import check_device
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...autograd.node import RemovableHandle
from ...functional import creation
from ..parameter import Buffer, Parameter

__all__ = ["Module"]

_LEGACY_TYPE = {"float16": "Half", "float32": "Float", "float64": "Double", "bfloat16": "BFloat16",
                "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long", "uint8": "Byte",
                "bool": "Bool"}


def typename(obj: Any) -> str:
    """``torch.typename``: ``torch.FloatTensor`` for a float32 tensor, the qualified class otherwise."""
    if isinstance(obj, Tensor):
        return f"torch.{_LEGACY_TYPE[obj.dtype.name]}Tensor"
    kind = obj if isinstance(obj, type) else type(obj)
    module = kind.__module__
    return kind.__qualname__ if module in ("builtins", None) else f"{module}.{kind.__qualname__}"


def addindent(text: str, spaces: int) -> str:
    """Indent every line of ``text`` but the first by ``spaces`` (blank lines stay empty)."""
    first, *rest = text.split("\n")
    return "\n".join([first] + [(" " * spaces + line) if line else line for line in rest])


def factory_tensor(fill: str, *shape: int, device: Any = None, dtype: _dtype.dtype | None = None) -> Tensor:
    """A new tensor of ``shape`` made by ``creation.<fill>`` (``empty``/``zeros``/``ones``) for a layer."""
    check_device(device)
    return getattr(creation, fill)(shape, dtype=dtype)


def new_parameter(*shape: int, device: Any = None, dtype: _dtype.dtype | None = None) -> Parameter:
    """An uninitialised Parameter of ``shape`` (the layer's ``reset_parameters`` fills it)."""
    return Parameter(factory_tensor("empty", *shape, device=device, dtype=dtype))


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class _Hook:
    """One registered forward (pre-)hook and how to call it."""

    __slots__ = ("fn", "with_kwargs", "always_call")

    def __init__(self, fn: Callable, with_kwargs: bool, always_call: bool = False) -> None:
        self.fn, self.with_kwargs, self.always_call = fn, with_kwargs, always_call


def _add_hook(hooks: list, entry: _Hook, prepend: bool) -> RemovableHandle:
    if prepend:
        hooks.insert(0, entry)
    else:
        hooks.append(entry)
    return RemovableHandle(hooks, entry)


def _check_member_name(kind: str, name: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
    if "." in name:
        raise KeyError(f"{kind} name can't contain \".\"")
    if name == "":
        raise KeyError(f"{kind} name can't be empty string \"\"")


def _key_errors(kind: str, keys: list) -> list:
    """PyTorch's line listing the missing or unexpected keys of a strict load (none when there are none)."""
    return [f"{kind} key(s) in state_dict: " + ", ".join(f'"{k}"' for k in keys) + ". "] if keys else []


def _carry_out(plan: list, assign: bool) -> None:
    """Copy (or with ``assign``, set) every checked ``(module, name, tensor, source)`` of a load."""
    with no_grad():
        for module, name, tensor, source in plan:
            if not assign:
                tensor.copy_(source)
                continue
            if isinstance(tensor, Parameter):  # the module's requires_grad is kept
                if isinstance(source, Parameter):
                    source.requires_grad_(tensor.requires_grad)
                else:
                    source = Parameter(source, tensor.requires_grad)
            setattr(module, name, source)


def _forward_unimplemented(self, *input: Any) -> None:
    r"""Define the computation performed at every call. Should be overridden by all subclasses."""
    raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')


class Module:
    r"""Base class for all neural network modules.

    Your models should also subclass this class. Modules can contain other modules,
    allowing them to be nested in a tree structure; assigning a :class:`Parameter`,
    a :class:`Module` or a buffer as an attribute registers it.
    """

    training: bool
    _version: int = 1
    forward: Callable[..., Any] = _forward_unimplemented

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        if args:
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but "
                            f"{len(args) + 1} were given")
        state = object.__setattr__
        state(self, "training", True)
        state(self, "_parameters", {})
        state(self, "_buffers", {})
        state(self, "_non_persistent_buffers_set", set())
        state(self, "_modules", {})
        state(self, "_forward_pre_hooks", [])
        state(self, "_forward_hooks", [])

    # -- registration -----------------------------------------------------------------
    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        r"""Add a buffer (state that is not a parameter, e.g. BatchNorm's ``running_mean``) to the module.

        Args:
            name (str): name of the buffer; accessible as an attribute.
            tensor (Tensor or None): buffer to be registered; ``None`` is skipped by
                :attr:`state_dict`.
            persistent (bool): whether the buffer is part of this module's :attr:`state_dict`.
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_member_name("buffer", name)
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{typename(tensor)}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        if isinstance(tensor, Buffer):
            tensor = tensor.detach().requires_grad_(tensor.requires_grad)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        r"""Add a parameter to the module, accessible as an attribute named ``name``.

        Args:
            name (str): name of the parameter.
            param (Parameter or None): parameter to be added; ``None`` is skipped by
                :meth:`parameters` and :attr:`state_dict`.
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_member_name("parameter", name)
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{typename(param)}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, compute "
                "the value in the forward() method.")
        self._parameters[name] = param

    def add_module(self, name: str, module: Module | None) -> None:
        r"""Add a child module to the current module, accessible as an attribute named ``name``."""
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f"module name can't contain \".\", got: {name}")
        if name == "":
            raise KeyError("module name can't be empty string \"\"")
        self._modules[name] = module

    def register_module(self, name: str, module: Module | None) -> None:
        r"""Alias for :meth:`add_module`."""
        self.add_module(name, module)

    def get_submodule(self, target: str) -> Module:
        r"""Return the submodule given by ``target`` (a dotted path such as ``"net.0"``)."""
        module = self
        if target == "":
            return module
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(module._get_name() + " has no attribute `" + item + "`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return module

    def _owner_and_name(self, target: str) -> tuple[Module, str]:
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(module._get_name() + " has no attribute `" + name + "`")
        return module, name

    def get_parameter(self, target: str) -> Parameter:
        r"""Return the parameter given by ``target`` (a dotted path such as ``"net.0.weight"``)."""
        module, name = self._owner_and_name(target)
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        r"""Return the buffer given by ``target`` (a dotted path such as ``"net.0.running_mean"``)."""
        module, name = self._owner_and_name(target)
        if name not in module._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return getattr(module, name)

    # -- attribute protocol -------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        state = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            members = state.get(table)
            if members is not None and name in members:
                return members[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def _forget(self, name: str, *tables: dict) -> None:
        """Drop ``name`` from the instance dict and from each of ``tables``."""
        self.__dict__.pop(name, None)
        for table in tables:
            table.pop(name, None)

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        modules = self.__dict__.get("_modules")
        buffers = self.__dict__.get("_buffers")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, buffers, modules)
            self._non_persistent_buffers_set.discard(name)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, params, buffers)
            self._non_persistent_buffers_set.discard(name)
            modules[name] = value
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            modules[name] = value
        elif isinstance(value, Buffer) or (buffers is not None and name in buffers):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{typename(value)}' as buffer '{name}' "
                                "(torch.nn.Buffer, torch.Tensor or None expected)")
            if isinstance(value, Buffer):
                persistent = value.persistent
            else:
                persistent = name not in self._non_persistent_buffers_set
            self._forget(name, params, modules)
            self.register_buffer(name, value, persistent)
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self) -> list:
        attrs = set(dir(type(self))) | set(self.__dict__)
        members = (*self._parameters, *self._modules, *self._buffers)
        return sorted(a for a in attrs | set(members) if not a[:1].isdigit())

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    # -- calling ------------------------------------------------------------------------
    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        r"""Register a hook run before :meth:`forward` is invoked.

        The hook is called as ``hook(module, args)`` (or ``hook(module, args, kwargs)``
        with ``with_kwargs=True``) and may return modified ``args`` (or a tuple of
        ``(args, kwargs)``). Returns a handle whose ``remove()`` removes the hook.
        """
        return _add_hook(self._forward_pre_hooks, _Hook(hook, with_kwargs), prepend)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        r"""Register a hook run after :meth:`forward` has computed an output.

        The hook is called as ``hook(module, args, output)`` (or
        ``hook(module, args, kwargs, output)`` with ``with_kwargs=True``); a result that is
        not ``None`` replaces the output. With ``always_call=True`` it also runs when
        :meth:`forward` raises. Returns a handle whose ``remove()`` removes the hook.
        """
        return _add_hook(self._forward_hooks, _Hook(hook, with_kwargs, always_call), prepend)

    def _run_pre_hooks(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        for entry in list(self._forward_pre_hooks):
            if entry.with_kwargs:
                result = entry.fn(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of "
                                           f"(new_args, new_kwargs), but got {result}.")
                    args, kwargs = result
            else:
                result = entry.fn(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        return args, kwargs

    def _run_hooks(self, args: tuple, kwargs: dict, output: Any, only_always: bool = False) -> Any:
        for entry in list(self._forward_hooks):
            if only_always and not entry.always_call:
                continue
            if entry.with_kwargs:
                result = entry.fn(self, args, kwargs, output)
            else:
                result = entry.fn(self, args, output)
            if result is not None:
                output = result
        return output

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not (self._forward_pre_hooks or self._forward_hooks):
            return self.forward(*args, **kwargs)
        args, kwargs = self._run_pre_hooks(args, kwargs)
        try:
            output = self.forward(*args, **kwargs)
        except Exception:
            self._run_hooks(args, kwargs, None, only_always=True)
            raise
        return self._run_hooks(args, kwargs, output)

    # -- traversal ----------------------------------------------------------------------
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        r"""Return an iterator over all modules in the network, yielding ``(name, module)``.

        Args:
            memo: a set of modules already seen (shared modules are yielded once).
            prefix: a prefix added to the names.
            remove_duplicate: whether to yield a module met again only once.
        """
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                child_prefix = prefix + ("." if prefix else "") + name
                yield from module.named_modules(memo, child_prefix, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        r"""Return an iterator over all modules in the network (this one first)."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        r"""Return an iterator over the immediate children, yielding ``(name, module)``."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        r"""Return an iterator over the immediate children modules."""
        for _, module in self.named_children():
            yield module

    def _named_members(self, table: str, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Tensor]]:
        seen = set()
        modules = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                   if recurse else [(prefix, self)])
        for module_prefix, module in modules:
            for name, value in getattr(module, table).items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        r"""Return an iterator over module parameters, yielding ``(name, parameter)``.

        Args:
            prefix (str): prefix to prepend to all parameter names.
            recurse (bool): if True, include the parameters of all submodules.
            remove_duplicate (bool): whether to yield a shared parameter only once.
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        r"""Return an iterator over module parameters (typically passed to an optimizer)."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        r"""Return an iterator over module buffers, yielding ``(name, buffer)``."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        r"""Return an iterator over module buffers."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def apply(self, fn: Callable[[Module], None]) -> Module:
        r"""Apply ``fn`` recursively to every submodule (children first) and to self; returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        r"""Set the module (and its descendants) in training mode, or evaluation mode if ``mode`` is False."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        r"""Set the module in evaluation mode; equivalent to ``self.train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        r"""Change if autograd should record operations on this module's parameters; returns self."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        r"""Reset the gradients of all parameters: to ``None`` by default, to zero otherwise."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                grad = param.grad
                if grad.grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                grad.zero_()

    # -- conversion ---------------------------------------------------------------------
    def _apply(self, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> Module:
        """Replace every parameter's storage, gradient and buffer by ``fn`` of it (in the children too)."""
        if recurse:
            for module in self.children():
                module._apply(fn)
        with no_grad():
            for param in self._parameters.values():
                if param is None:
                    continue
                param.data = fn(param.data)
                if param._grad is not None:
                    param._grad.data = fn(param._grad.data)
            for name, buf in self._buffers.items():
                if buf is not None:
                    self._buffers[name] = fn(buf)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        r"""Move and/or cast the parameters and buffers: ``to(device)``, ``to(dtype)``, ``to(tensor)``.

        Only floating point parameters and buffers are cast to ``dtype``; integral ones
        keep their dtype. The module is modified in place and returned.
        """
        device, dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None), kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() received an invalid combination of arguments - got unexpected "
                            f"keyword '{next(iter(kwargs))}'")
        for arg in args:
            if isinstance(arg, _dtype.dtype):
                dtype = arg
            elif isinstance(arg, Tensor):
                device, dtype = arg.device, arg.dtype
            elif not isinstance(arg, bool):
                device = arg
        check_device(device)
        if dtype is not None and dtype.category != _dtype._FLOAT:
            raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but got "
                            f"desired dtype={dtype}")

        def convert(t: Tensor) -> Tensor:
            return t.to(dtype) if dtype is not None and t.is_floating_point() else t
        return self._apply(convert)

    def _cast(self, dtype: _dtype.dtype) -> Module:
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def float(self) -> Module:
        r"""Cast all floating point parameters and buffers to ``float32``."""
        return self._cast(_dtype.float32)

    def double(self) -> Module:
        r"""Cast all floating point parameters and buffers to ``float64``."""
        return self._cast(_dtype.float64)

    def half(self) -> Module:
        r"""Cast all floating point parameters and buffers to ``float16``."""
        return self._cast(_dtype.float16)

    def cpu(self) -> Module:
        r"""Move all parameters and buffers to the CPU (where they already are)."""
        return self

    def cuda(self, device: Any = None) -> Module:
        r"""Move all parameters and buffers to the GPU."""
        check_device("cuda" if device is None else device if not isinstance(device, int) else f"cuda:{device}")
        return self

    # -- state dict ---------------------------------------------------------------------
    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()

    def state_dict(self, *, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Tensor]:
        r"""Return a dictionary holding the whole state of the module.

        Parameters and persistent buffers are included, keyed by their dotted names.
        Values are detached (sharing storage) unless ``keep_vars=True``.
        """
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        metadata = getattr(destination, "_metadata", None)
        if metadata is not None:
            metadata[prefix[:-1]] = {"version": self._version}
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def _match_state_dict(self, state_dict: dict, prefix: str, local_metadata: dict, missing: list,
                          unexpected: list, errors: list, plan: list) -> None:
        """Check this module's own entries of ``state_dict``; queue the copies in ``plan``."""
        local = {name: value for name, value in (*self._parameters.items(), *self._buffers.items())
                 if value is not None and name not in self._non_persistent_buffers_set}
        for name, tensor in local.items():
            key = prefix + name
            if key not in state_dict:
                missing.append(key)
                continue
            source = state_dict[key]
            if not isinstance(source, Tensor):
                errors.append(f'While copying the parameter named "{key}", expected torch.Tensor or '
                              f"Tensor-like object from checkpoint but received {type(source)}")
                continue
            if tensor.dim() == 0 and source.dim() == 1 and source.shape[0] == 1:
                source = source[0]
            if source.shape != tensor.shape:
                errors.append(f"size mismatch for {key}: copying a param with shape {source.shape} from "
                              f"checkpoint, the shape in current model is {tensor.shape}.")
                continue
            plan.append((self, name, tensor, source))
        for key in state_dict:
            if key.startswith(prefix):
                head, dot, _ = key[len(prefix):].partition(".")
                if (head not in self._modules) if dot else (head not in local):
                    unexpected.append(key)

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        r"""Copy parameters and buffers from ``state_dict`` into this module and its descendants.

        With ``strict=True`` the keys must match :meth:`state_dict`'s exactly. Every entry
        is checked before anything is copied, so a failed load leaves the module unchanged.

        Returns:
            ``NamedTuple`` with ``missing_keys`` and ``unexpected_keys`` fields.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        missing, unexpected, errors, plan = [], [], [], []

        # pre-order over the modules with a stack (a recursive closure would be a reference cycle)
        stack = [(self, state_dict, "")]
        while stack:
            module, local_state, prefix = stack.pop()
            local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
            module._match_state_dict(local_state, prefix, local_metadata, missing, unexpected, errors, plan)
            for name, child in reversed(module._modules.items()):
                if child is not None:
                    child_prefix = prefix + name + "."
                    stack.append((child, {k: v for k, v in local_state.items() if k.startswith(child_prefix)},
                                  child_prefix))
        if strict:
            errors = [*_key_errors("Missing", missing), *_key_errors("Unexpected", unexpected), *errors]
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        _carry_out(plan, assign)
        return _IncompatibleKeys(missing, unexpected)

    # -- printing -----------------------------------------------------------------------
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        r"""Return the module's extra representation (shown inside its repr's parentheses)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + addindent(repr(module), 2) for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"
