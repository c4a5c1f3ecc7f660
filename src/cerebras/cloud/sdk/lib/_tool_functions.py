"""Tools made from Python functions: the parameters schema comes from the signature, the call from
the model's JSON arguments.

`function_tool(get_weather)` (or `@function_tool` on the definition) reads the function's type
hints and docstring once and builds:

* a pydantic model of the parameters, used to check every call's arguments (lax mode, unknown
  keys refused), so a call that does not fit is reported to the model in words;
* the JSON schema sent to the API. In strict mode (the default) it goes through
  `to_strict_json_schema`: every parameter is required, and a parameter with a default that does
  not already accept `None` becomes nullable, `null` meaning "use the default".

Anything strict schemas cannot say (`*args`, `**kwargs`, a parameter without a type hint,
`Any`/`object`, free-form `dict`s, recursive models, a type pydantic cannot describe) is refused
when the tool is made, with a `TypeError` naming the function and the parameter.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import inspect
import json
import re
import typing
from typing import Any, Callable, Dict, Generic, List, Mapping, Optional, Tuple, Type, TypeVar, cast, overload

import anyio.to_thread
import pydantic
import pydantic_core
from typing_extensions import Annotated, Literal, ParamSpec, get_args, get_origin

from ..types.chat.completion_create_params import Tool
from ._docstrings import parse_docstring
from ._schema import is_model_class, strict_schema_name, to_strict_json_schema

__all__ = ["FunctionTool", "ToolArgumentsError", "function_tool", "tool_output_text"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
M = TypeVar("M", bound=pydantic.BaseModel)

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_Binder = Callable[[Dict[str, Any]], Tuple[Tuple[Any, ...], Dict[str, Any]]]


class ToolArgumentsError(ValueError):
    """The arguments of a call cannot be used: not JSON, not a JSON object, or not what the tool's
    parameters describe. The message is written for the model, which receives it as the result."""


class _Spec:
    """What a tool is, apart from its function: the definition and how to bind arguments."""

    def __init__(
        self,
        *,
        name: str,
        description: Optional[str],
        parameters: Dict[str, Any],
        strict: bool,
        bind: _Binder,
        null_means_default: Tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
        self.bind = bind
        self.null_means_default = null_means_default


class FunctionTool(Generic[P, R]):
    """A Python function the model can call: its definition (`name`, `description`, `parameters`,
    `strict`, and the whole `definition` dict) and the way to run it from a call's JSON arguments.

    Made by `function_tool(func)` (or `@function_tool`) and `FunctionTool.from_model(Model, func)`.
    Calling the tool calls the function unchanged, so a decorated function still works as before.
    """

    function: Callable[P, R]
    """The function the tool runs."""
    name: str
    description: Optional[str]
    parameters: Dict[str, Any]
    """The JSON schema of the arguments, as sent."""
    strict: bool

    def __init__(
        self,
        function: Callable[P, R],
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        strict: bool = True,
    ) -> None:
        """Describe `function` as a tool; see `function_tool` for the rules."""
        self._setup(function, _function_spec(function, name=name, description=description, strict=strict))

    def _setup(self, function: Callable[P, R], spec: _Spec) -> None:
        self.function = function
        self._target: Callable[..., Any] = function
        self._spec = spec
        self.name = spec.name
        self.description = spec.description
        self.parameters = spec.parameters
        self.strict = spec.strict

    @classmethod
    def from_model(
        cls,
        model: Type[M],
        function: Callable[[M], T],
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
    ) -> FunctionTool[[M], T]:
        """A strict tool whose parameters are the fields of the pydantic `model` (the schema
        `pydantic_function_tool(model)` sends); `function` receives the validated instance.

        The name defaults to the class name (so it can replace a `pydantic_function_tool(model)`
        definition as is) and the description to the class docstring, else the function's.
        """
        if not is_model_class(model):
            raise TypeError(f"FunctionTool.from_model() needs a pydantic model class, got {model!r}")
        if description is None:
            own = model.__dict__.get("__doc__")
            doc = own if isinstance(own, str) and own.strip() else None
            description = parse_docstring(doc or inspect.getdoc(function))[0]
        try:
            parameters = to_strict_json_schema(model)
        except ValueError as exc:
            raise TypeError(f"Cannot make a strict tool from {model.__name__}: {exc}") from exc
        if description is not None and parameters.get("description") == description:
            del parameters["description"]
        tool_name = _checked_name(strict_schema_name(model, name), model.__name__)

        def bind(arguments: Dict[str, Any]) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
            return (model.model_validate(arguments),), {}

        spec = _Spec(name=tool_name, description=description, parameters=parameters, strict=True, bind=bind)
        tool = cast("FunctionTool[[M], T]", FunctionTool.__new__(FunctionTool))
        FunctionTool._setup(tool, function, spec)  # pyright: ignore[reportUnknownMemberType]
        return tool

    @property
    def definition(self) -> Tool:
        """The tool as the API takes it in `tools` (a new dict on each access)."""
        function: Dict[str, Any] = {"name": self.name}
        if self.description:
            function["description"] = self.description
        function["parameters"] = json.loads(json.dumps(self.parameters))
        if self.strict:
            function["strict"] = True
        return cast(Tool, {"type": "function", "function": function})

    @property
    def is_async(self) -> bool:
        """Whether the function is a coroutine function (awaited rather than run in a thread)."""
        return _is_async(self.function)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.function(*args, **kwargs)

    def parse_arguments(self, arguments: Optional[str]) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
        """`(args, kwargs)` for the function from a call's JSON `arguments` (empty means `{}`).

        Raises `ToolArgumentsError`, with a message for the model, when they do not fit.
        """
        text = arguments if arguments and arguments.strip() else "{}"
        try:
            decoded = json.loads(text)
        except ValueError as exc:
            raise ToolArgumentsError(
                f"The arguments for {self.name} are not valid JSON ({exc}). Call it again with a JSON "
                "object of its parameters."
            ) from None
        if not isinstance(decoded, dict):
            raise ToolArgumentsError(
                f"The arguments for {self.name} must be a JSON object of its parameters, "
                f"got {type(decoded).__name__}: {text[:200]}"
            )
        values = cast(Dict[str, Any], decoded)
        for key in self._spec.null_means_default:
            if key in values and values[key] is None:
                del values[key]
        try:
            return self._spec.bind(values)
        except pydantic.ValidationError as exc:
            problems = [
                f"{'.'.join(str(part) for part in error['loc']) or '(arguments)'}: {error['msg']}"
                for error in exc.errors(include_url=False)
            ]
            raise ToolArgumentsError(
                f"The arguments do not fit the parameters of {self.name}: " + "; ".join(problems)
            ) from None

    def call(self, arguments: Optional[str]) -> str:
        """Run the tool on a call's JSON `arguments` and return the text the model gets back.

        An async function is run to completion (in a fresh event loop, on a helper thread when
        this thread already runs one). Raises `ToolArgumentsError` for arguments that do not fit,
        and whatever the function raises.
        """
        args, kwargs = self.parse_arguments(arguments)
        value = self._target(*args, **kwargs)
        if inspect.isawaitable(value):
            value = _run_to_completion(value)
        return tool_output_text(value)

    async def acall(self, arguments: Optional[str]) -> str:
        """Async `call`: an async function is awaited, a plain one runs in a worker thread so that
        it never blocks the event loop (asyncio or trio)."""
        args, kwargs = self.parse_arguments(arguments)
        if self.is_async:
            value = self._target(*args, **kwargs)
        else:
            value = await anyio.to_thread.run_sync(functools.partial(self._target, *args, **kwargs))
        if inspect.isawaitable(value):
            value = await value
        return tool_output_text(value)

    def __repr__(self) -> str:
        return f"FunctionTool(name={self.name!r}, function={self.function!r})"


@overload
def function_tool(
    function: Callable[P, R],
    /,
    *,
    name: Optional[str] = None,
    description: Optional[str] = None,
    strict: bool = True,
) -> FunctionTool[P, R]: ...
@overload
def function_tool(
    *,
    name: Optional[str] = None,
    description: Optional[str] = None,
    strict: bool = True,
) -> Callable[[Callable[P, R]], FunctionTool[P, R]]: ...
def function_tool(
    function: Optional[Callable[..., Any]] = None,
    /,
    *,
    name: Optional[str] = None,
    description: Optional[str] = None,
    strict: bool = True,
) -> Any:
    """Make a tool from a function (sync or async), as `function_tool(f)` or as a decorator,
    bare (`@function_tool`) or with options (`@function_tool(name="lookup")`).

    * `name`: defaults to the function's `__name__` (letters, digits, `_` and `-`, at most 64);
    * `description`: defaults to the docstring's text before its sections;
    * parameter descriptions come from the docstring's `Args:` section (Google style), a NumPy
      `Parameters` section, or `:param name:` fields;
    * `strict`: send `"strict": true` with a strict schema (every parameter required; a parameter
      with a default is nullable, `null` meaning the default). `strict=False` sends pydantic's
      plain schema (parameters with defaults optional) and allows free-form `dict` parameters.

    Parameter types: anything pydantic validates and strict schemas express: `str`, `int`,
    `float`, `bool`, `None`, `Optional`/unions, `Literal`, enums, `list`/`List[T]`, `TypedDict`s,
    dataclasses and pydantic models. Raises `TypeError` at once for `*args`/`**kwargs`, a missing
    type hint, or a type that cannot be expressed, naming the function and the parameter.
    """
    if function is None:

        def decorate(inner: Callable[P, R]) -> FunctionTool[P, R]:
            return FunctionTool(inner, name=name, description=description, strict=strict)

        return decorate
    if isinstance(function, FunctionTool):
        tool = cast("FunctionTool[..., object]", function)
        if name is None and description is None and strict == tool.strict:
            return tool
        return FunctionTool(tool.function, name=name, description=description, strict=strict)
    return FunctionTool(function, name=name, description=description, strict=strict)


def tool_output_text(value: object) -> str:
    """The text a tool's return value is sent as: a `str` as it is, anything else as JSON (pydantic
    models, dataclasses, dicts, lists, numbers, `None` -> `null`; unknown objects as their `str`)."""
    if isinstance(value, str):
        return value
    return pydantic_core.to_json(value, fallback=str).decode()


# --------------------------------------------------------------------------- building the spec


def _name_of(obj: object, *, qualified: bool = False) -> Optional[str]:
    """`__qualname__`/`__name__` of a function, method or class; `None` for objects without one."""
    target: Any = obj
    try:
        value = target.__qualname__ if qualified else target.__name__
    except AttributeError:
        return None
    return value if isinstance(value, str) else None


def _call_method(obj: object) -> Any:
    """The `__call__` of `obj`'s class: what runs when a callable object is called."""
    klass: Any = type(obj)
    return klass.__call__


def _label(function: object) -> str:
    name = _name_of(function, qualified=True) or _name_of(function)
    return f"{name}()" if isinstance(name, str) else repr(function)


def _checked_name(name: str, label: str) -> str:
    if not _NAME.match(name):
        raise TypeError(
            f"Cannot make a tool from {label}: the tool name {name!r} must be 1 to 64 letters, digits, "
            "'_' or '-'; pass name=... to choose one."
        )
    return name


def _is_async(function: object) -> bool:
    if isinstance(function, functools.partial):
        return _is_async(cast("functools.partial[object]", function).func)
    # A callable object with `async def __call__` counts too.
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(_call_method(function))


def _hints(function: Callable[..., Any], label: str) -> Dict[str, Any]:
    source: Any = function
    if isinstance(source, functools.partial):
        source = cast("functools.partial[object]", source).func
    if not (inspect.isfunction(source) or inspect.ismethod(source)) and callable(source):
        source = _call_method(source)
    try:
        return typing.get_type_hints(source, include_extras=True)
    except Exception as exc:
        raise TypeError(
            f"Cannot make a tool from {label}: its type hints cannot be resolved ({exc})"
        ) from exc


def _admits_none(annotation: object) -> bool:
    if annotation is None or annotation is type(None) or annotation is Any:
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _admits_none(get_args(annotation)[0])
    if origin is Literal:
        return None in get_args(annotation)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        return any(_admits_none(arg) for arg in get_args(annotation))
    return False


def _shown(value: object) -> str:
    return pydantic_core.to_json(value, fallback=repr).decode()


def _function_spec(
    function: Callable[..., Any], *, name: Optional[str], description: Optional[str], strict: bool
) -> _Spec:
    label = _label(function)
    if is_model_class(function):
        raise TypeError(
            f"function_tool() got the pydantic model {label[:-2]}: use FunctionTool.from_model(model, "
            "handler) for a tool whose parameters are a model's fields"
        )
    if not callable(function):
        raise TypeError(f"function_tool() needs a function, got {function!r}")
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"Cannot make a tool from {label}: no signature to read ({exc})") from exc
    hints = _hints(function, label)
    summary, param_docs = parse_docstring(inspect.getdoc(function))
    tool_name = _checked_name(name if name is not None else (_name_of(function) or ""), label)

    validate_fields: Dict[str, Any] = {}
    schema_fields: Dict[str, Any] = {}
    null_means_default: List[str] = []
    positional: List[str] = []
    params = list(signature.parameters.values())
    for index, param in enumerate(params):
        where = f"Cannot make a tool from {label}: parameter {param.name!r}"
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            star = "*" if param.kind is inspect.Parameter.VAR_POSITIONAL else "**"
            raise TypeError(
                f"Cannot make a tool from {label}: {star}{param.name} cannot be described to the model; "
                "tools take named, typed parameters only"
            )
        if param.name not in hints:
            hint = (
                " (to use a method, make the tool from the bound method: function_tool(obj.method))"
                if index == 0 and param.name in ("self", "cls")
                else ""
            )
            raise TypeError(f"{where} has no type hint; each parameter needs one to be described{hint}")
        annotation = hints[param.name]
        try:
            pydantic.TypeAdapter(annotation)
        except Exception as exc:
            raise TypeError(f"{where}: pydantic cannot validate {annotation!r} ({exc})") from exc
        if param.kind is inspect.Parameter.POSITIONAL_ONLY:
            positional.append(param.name)
        has_default = param.default is not inspect.Parameter.empty
        doc = param_docs.get(param.name) or None
        key = f"p{index}"
        default = param.default if has_default else ...
        described: Dict[str, Any] = {"description": doc} if doc else {}
        validate_fields[key] = (annotation, pydantic.Field(default, alias=param.name, **described))
        if strict and has_default and not _admits_none(annotation):
            null_means_default.append(param.name)
            note = f"null for the default, {_shown(param.default)}"
            text = f"{doc.rstrip('.')} ({note})" if doc else note[0].upper() + note[1:]
            schema_fields[key] = (
                Optional[annotation],
                pydantic.Field(None, alias=param.name, description=text),
            )
        else:
            schema_fields[key] = validate_fields[key]

    model_name = re.sub(r"\W", "_", (_name_of(function) or "tool")) or "tool"
    config = pydantic.ConfigDict(extra="forbid")
    validator = pydantic.create_model(model_name, __config__=config, **validate_fields)
    if strict:
        schema_model = pydantic.create_model(model_name, __config__=config, **schema_fields)
        try:
            parameters = to_strict_json_schema(schema_model)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"Cannot make a strict tool from {label}: {exc}") from exc
        _check_strict(parameters, label)
    else:
        parameters = _without_titles(validator.model_json_schema())
    parameters.pop("description", None)

    names = [param.name for param in params]

    def bind(arguments: Dict[str, Any]) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
        checked = validator.model_validate(arguments)
        values = {name: getattr(checked, f"p{i}") for i, name in enumerate(names)}
        args = tuple(values.pop(name) for name in positional)
        return args, values

    return _Spec(
        name=tool_name,
        description=description if description is not None else summary,
        parameters=parameters,
        strict=strict,
        bind=bind,
        null_means_default=tuple(null_means_default),
    )


_EXPRESSIVE = ("type", "enum", "anyOf", "properties", "items")


def _check_strict(schema: Mapping[str, Any], label: str, path: str = "") -> None:
    """Refuse nodes that constrain nothing (`Any`, `object`): strict mode needs a type everywhere."""
    if not any(key in schema for key in _EXPRESSIVE):
        parameter = re.split(r"[.\[]", path, maxsplit=1)[0]
        where = f"parameter {parameter!r}" + (f" (at {path})" if path != parameter else "")
        raise TypeError(
            f"Cannot make a strict tool from {label}: {where} accepts any value (Any/object), which "
            "strict schemas cannot express; give it a concrete type, or use strict=False"
        )
    for key, sub in cast(Mapping[str, Any], schema.get("properties", {})).items():
        _check_strict(sub, label, f"{path}.{key}" if path else key)
    items = schema.get("items")
    if isinstance(items, Mapping):
        _check_strict(cast(Mapping[str, Any], items), label, f"{path}[]")
    for branch in cast(List[Mapping[str, Any]], schema.get("anyOf", [])):
        _check_strict(branch, label, path)


def _without_titles(schema: Any) -> Any:
    """Pydantic's schema without the `title` keywords it adds everywhere (property names kept)."""
    if isinstance(schema, list):
        return [_without_titles(item) for item in cast(List[object], schema)]
    if not isinstance(schema, dict):
        return schema
    out: Dict[str, Any] = {}
    for key, value in cast(Dict[str, Any], schema).items():
        if key == "title" and isinstance(value, str):
            continue
        if key in ("properties", "$defs") and isinstance(value, dict):
            out[key] = {k: _without_titles(v) for k, v in cast(Dict[str, Any], value).items()}
        else:
            out[key] = _without_titles(value)
    return out


def _run_to_completion(awaitable: Any) -> Any:
    async def wait() -> Any:
        return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(wait())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, wait()).result()
