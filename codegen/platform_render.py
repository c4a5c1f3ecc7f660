"""Render the modules declared in `platform_resources.py`: the sync and async resource classes, their
raw / streaming-response wrappers, and the imports and lazy response types they need. The output is
laid out as `ruff format` would lay it out, so the generated files pass `ruff format --check`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from declarations import (
    EXTRA_BODY_JSON,
    TAIL_FORWARD,
    TAIL_SIGNATURE,
    Param,
    header_dict,
    inline_dict,
    keyword_annotation,
    read_params,
    tail_docs,
)

SDK = Path(__file__).resolve().parent.parent / "src" / "cerebras" / "cloud" / "sdk"


@dataclass
class Method:
    """One method of a resource, generated for the sync and the async class and both wrappers."""

    name: str
    summary: str
    """The docstring's first paragraph (more paragraphs after a blank line)."""
    verb: str = "get"
    path: str = ""
    """The route; `{name}` is a path parameter (a `str`, sent as one percent-encoded segment)."""
    returns: str = ""
    """The parsed answer's type (for a page: the item type; for lines: the line type)."""
    kind: str = "plain"
    params: Optional[Tuple[str, str]] = None
    """(params module relative to the SDK package, TypedDict class) declaring the other parameters."""
    send: str = "none"
    """Where the declared parameters go: `json` body, `query`, `multipart` form, or `none`."""
    checks: Dict[str, str] = field(default_factory=dict)
    """Parameter -> the `_checks` function that validates it before anything is sent."""
    alias_of: str = ""
    """For an `alias`: the method it is another name for."""
    own_params: List[OwnParam] = field(default_factory=list)
    """For `wait`: its parameters (after the path parameters)."""


@dataclass
class OwnParam:
    """A parameter of a method that is not a request (`batches.wait`), declared with the method."""

    name: str
    type: str
    default: str
    doc: str


@dataclass
class Resource:
    """One generated module: a resource's sync and async classes and their wrappers."""

    module: str
    name: str
    doc: str
    resource_doc: str
    path_params: Dict[str, str]
    """Path parameter -> its docstring."""
    models: Dict[str, str]
    """Response model -> its module under `types/`."""
    methods: List[Method]
    runtime_imports: List[str]
    """The hand-written helpers the generated code calls."""
    reexports: List[str] = field(default_factory=list)


EXTRA_BODY_DOCS = {
    "get": "ignored: a GET request has no body.",
    "delete": "JSON keys to send as the body (the request has none otherwise).",
    "json": EXTRA_BODY_JSON,
    "multipart": "form fields to add to (or, with `omit`, remove from) the multipart body.",
}
I8, I12 = " " * 8, " " * 12


# --------------------------------------------------------------------------- declarations


def load_params(method: Method, sources: Dict[str, str]) -> List[Param]:
    """The declared parameters of `method` (from `sources[params file]` if given, else the file)."""
    if method.params is None:
        return []
    rel, class_name = method.params
    source = sources.get(rel)
    if source is None:
        source = (SDK / rel).read_text()
    return read_params(source, class_name, Path(rel).stem)


def path_names(path: str) -> List[str]:
    return re.findall(r"\{(\w+)\}", path)


def path_expr(path: str) -> str:
    """The route as an expression: a literal, or `checked_path(f"...")` with encoded segments."""
    if not path_names(path):
        return f'"{path}"'
    inner = re.sub(r"\{(\w+)\}", lambda m: f"{{path_segment('{m.group(1)}', {m.group(1)})}}", path)
    return f'checked_path(f"{inner}")'


def target(resource: Resource, method: Method) -> Method:
    """The method an alias stands for (the method itself otherwise)."""
    if method.kind != "alias":
        return method
    return next(m for m in resource.methods if m.name == method.alias_of)


def return_type(method: Method, is_async: bool) -> str:
    if method.kind == "page":
        return (
            f"AsyncPaginator[{method.returns}, AsyncCursorPage[{method.returns}]]"
            if is_async
            else f"SyncCursorPage[{method.returns}]"
        )
    if method.kind == "lines":
        return f"{'Async' if is_async else ''}LineStream[{method.returns}]"
    return method.returns


# --------------------------------------------------------------------------- methods


def signature(resource: Resource, method: Method, params: List[Param]) -> str:
    real = target(resource, method)
    lines = ["        self,\n"]
    lines += [f"        {name}: str,\n" for name in path_names(real.path)]
    lines.append("        *,\n")
    if method.kind == "wait":
        lines += [f"        {w.name}: {w.type} = {w.default},\n" for w in method.own_params]
        return "".join(lines)
    ordered = [p for p in params if p.required] + [p for p in params if not p.required]
    lines += [f"        {p.name}: {keyword_annotation(p)},\n" for p in ordered]
    return "".join(lines) + TAIL_SIGNATURE


PAGE_DOCS = (
    "Iterate the page for every item of every page: each next page is fetched when the iteration\n"
    "        reaches it, with this call's arguments and `after` set to the last id seen.",
    "Await the result for the first page, or `async for` over it for every item of every page: each\n"
    "        next page is fetched when the iteration reaches it, with this call's arguments and `after`\n"
    "        set to the last id seen.",
)


def docstring(resource: Resource, method: Method, params: List[Param], is_async: bool) -> str:
    real = target(resource, method)
    summary = method.summary
    if method.kind == "page":
        summary += "\n\n        " + PAGE_DOCS[is_async]
    args = [f"          {name}: {resource.path_params[name]}\n" for name in path_names(real.path)]
    if method.kind == "wait":
        args += [f"          {w.name}: {w.doc}\n" for w in method.own_params]
        tail = ""
    else:
        args += [f"          {p.name}: {p.doc}\n" for p in params]
        tail = tail_docs(EXTRA_BODY_DOCS[real.send if real.verb == "post" else real.verb])
    return f'        """{summary}\n\n        Args:\n{"".join(args)}{tail}        """\n'


def options_block(params: List[Param], method: Method) -> str:
    out = (
        f"        options = call_options(\n"
        f"            header_params={header_dict(params, I12)},\n"
        f"            extra_headers=extra_headers,\n"
        f"            extra_query=extra_query,\n"
        f"            extra_body=extra_body,\n"
        f"            timeout=timeout,\n"
    )
    if method.send == "query":
        items = [f'"{p.name}": {p.name}' for p in params if p.header is None]
        out += f"            query={inline_dict(items, I12 + 'query=', I12)},\n"
    return out + "        )\n"


def body_block(params: List[Param], indent: str) -> str:
    """`body=compact({...})`: the fields sent in the JSON body or as multipart form fields."""
    fields = [p for p in params if p.header is None and not is_file(p)]
    entries = "".join(f'{indent}            "{p.name}": {p.name},\n' for p in fields)
    return f"{indent}    body=compact(\n{indent}        {{\n{entries}{indent}        }}\n{indent}    ),\n"


def is_file(p: Param) -> bool:
    return p.type.endswith("FileInput")


def request_call(method: Method, params: List[Param], is_async: bool, indent: str, cast_to: str) -> str:
    aw = "await " if is_async else ""
    out = f"{indent}result: {return_type(method, False)} = {aw}self._client.{method.verb}(\n"
    out += f"{indent}    {path_expr(method.path)},\n"
    if method.send in ("json", "multipart"):
        out += body_block(params, indent)
    if method.send == "multipart":
        out += f"{indent}    files=files,\n"
    out += f"{indent}    options=options,\n{indent}    cast_to={cast_to},\n{indent})\n"
    return out


def call(func: str, lines: List[str], indent: str = I8) -> str:
    """`func(` with one argument per line, as ruff lays out a call with a magic trailing comma."""
    return f"{func}(\n" + "".join(f"{indent}    {line},\n" for line in lines) + f"{indent})\n"


def forwarded(names: List[str]) -> List[str]:
    return [f"{n}={n}" for n in names]


def alias_body(resource: Resource, method: Method, params: List[Param], is_async: bool) -> str:
    real = target(resource, method)
    names = [p.name for p in params] + list(TAIL_FORWARD)
    aw = "await " if is_async else ""
    return f"        return {aw}" + call(f"self.{real.name}", path_names(real.path) + forwarded(names))


def wait_body(method: Method, is_async: bool) -> str:
    func = "await async_wait_for_batch" if is_async else "wait_for_batch"
    names = [p.name for p in method.own_params]
    return "        return " + call(func, ["self.retrieve", *path_names(method.path), *forwarded(names)])


def lines_body(method: Method, is_async: bool) -> str:
    func = "await open_lines_async" if is_async else "open_lines"
    item = "str" if method.returns == "str" else f'_response_type("{method.returns}")'
    return "        return " + call(func, ["self._client", path_expr(method.path), "options", item])


def page_body(method: Method, params: List[Param], is_async: bool) -> str:
    forward = forwarded([p.name for p in params] + list(TAIL_FORWARD))
    if is_async:
        page = f'cast_to=_response_type("AsyncCursorPage[{method.returns}]")'
        get = call("self._client.get", [path_expr(method.path), "options=options", page], I12)
        return (
            "\n        async def first_page() -> Any:\n"
            f"            return await {get}\n"
            "        return " + call("AsyncPaginator", ["first_page", "self.list", *forward])
        )
    cast_to = f'_response_type("SyncCursorPage[{method.returns}]")'
    return (
        request_call(method, params, False, I8, cast_to)
        + "        return "
        + call("paginate", ["result", "self.list", *forward])
    )


def plain_body(method: Method, params: List[Param], is_async: bool) -> str:
    cast_to = "bytes" if method.returns == "bytes" else f'_response_type("{method.returns}")'
    if method.send != "multipart":
        return request_call(method, params, is_async, I8, cast_to) + "        return result\n"
    files = ", ".join(f'"{p.name}": {p.name}' for p in params if is_file(p))
    return (
        f"        with upload_files({{{files}}}) as files:\n"
        + request_call(method, params, is_async, I12, cast_to)
        + "        return result\n"
    )


def method_body(resource: Resource, method: Method, params: List[Param], is_async: bool) -> str:
    if method.kind == "alias":
        return alias_body(resource, method, params, is_async)
    if method.kind == "wait":
        return wait_body(method, is_async)
    checks = "".join(f"        {check}({name})\n" for name, check in method.checks.items())
    out = checks + options_block(params, method)
    if method.kind == "lines":
        return out + lines_body(method, is_async)
    if method.kind == "page":
        return out + page_body(method, params, is_async)
    return out + plain_body(method, params, is_async)


def render_method(resource: Resource, method: Method, params: List[Param], is_async: bool) -> str:
    a = "async " if is_async and method.kind != "page" else ""
    returns = return_type(target(resource, method), is_async)
    return (
        f"    {a}def {method.name}(\n{signature(resource, method, params)}    ) -> {returns}:\n"
        + docstring(resource, method, params, is_async)
        + method_body(resource, method, params, is_async)
    )


# --------------------------------------------------------------------------- classes and module


def resource_class(resource: Resource, all_params: Dict[str, List[Param]], is_async: bool) -> str:
    prefix = "Async" if is_async else ""
    name = f"{prefix}{resource.name}Resource"
    base = "AsyncAPIResource" if is_async else "SyncAPIResource"
    raw_doc = "`AsyncAPIResponse`" if is_async else "`APIResponse`"
    cm_doc = "an async context manager" if is_async else "a context manager"
    out = (
        f"class {name}({base}):\n"
        f'    """{resource.resource_doc}{", async" if is_async else ""}."""\n\n'
        "    @cached_property\n"
        f"    def with_raw_response(self) -> {name}WithRawResponse:\n"
        f'        """Methods that return the {raw_doc} (headers, status) instead of the parsed reply."""\n'
        f"        return {name}WithRawResponse(self)\n\n"
        "    @cached_property\n"
        f"    def with_streaming_response(self) -> {name}WithStreamingResponse:\n"
        f'        """Methods that return {cm_doc} around the unread response."""\n'
        f"        return {name}WithStreamingResponse(self)\n"
    )
    for method in resource.methods:
        out += "\n" + render_method(resource, method, all_params[method.name], is_async)
    return out


def wrapper_class(resource: Resource, is_async: bool, kind: str) -> str:
    prefix = "Async" if is_async else ""
    func = ("async_" if is_async else "") + (
        "to_raw_response_wrapper" if kind == "raw" else "to_streamed_response_wrapper"
    )
    suffix = "RawResponse" if kind == "raw" else "StreamingResponse"
    methods = [m.name for m in resource.methods if m.kind != "wait"]
    out = (
        f"class {prefix}{resource.name}ResourceWith{suffix}:\n"
        f"    def __init__(self, resource: {prefix}{resource.name}Resource) -> None:\n"
        "        self._resource = resource\n"
        "        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access\n"
    )
    out += "".join(f"            self.{m} = {func}(resource.{m})\n" for m in methods)
    out += "\n    if not TYPE_CHECKING:\n"
    for m in methods:
        out += (
            "\n        @property\n"
            f"        def {m}(self):\n"
            f"            from .._response import {func}\n\n"
            f"            return {func}(self._resource.{m})\n"
        )
    return out


TYPING_NAMES = ("Callable", "Dict", "Iterable", "List", "Mapping", "Optional", "Sequence", "Union")


def response_types(resource: Resource) -> List[str]:
    """What `_response_type` hands out: the models, and the page types of the list methods."""
    names = list(resource.models)
    for method in resource.methods:
        if method.kind == "page":
            names += [f"SyncCursorPage[{method.returns}]", f"AsyncCursorPage[{method.returns}]"]
    return names


def response_type_function(resource: Resource) -> str:
    names = response_types(resource)
    models = sorted(resource.models, key=resource.models.__getitem__)
    imports = ""
    if any("CursorPage[" in n for n in names):
        imports += "    from .._pagination import AsyncCursorPage, SyncCursorPage\n"
    imports += "".join(f"    from ..types.{resource.models[m]} import {m}\n" for m in models)
    entries = "".join(f'        "{n}": {n},\n' for n in names)
    return (
        "@cache\n"
        "def _response_type(name: str) -> Any:\n"
        '    """A response type, imported on the first call that needs it rather than with the module."""\n'
        f"{imports}\n"
        f"    return {{\n{entries}    }}[name]\n"
    )


def imports(resource: Resource, body: str) -> str:
    typing = ["TYPE_CHECKING", "Any", *(n for n in TYPING_NAMES if f"{n}[" in body)]
    out = "from __future__ import annotations\n\nfrom functools import cache, cached_property\n"
    out += f"from typing import {', '.join(typing)}\n\nimport httpx\n"
    if "Literal[" in body:
        out += "from typing_extensions import Literal\n"
    out += "\n"
    pagination = [n for n in ("AsyncPaginator", "paginate") if f"{n}(" in body]
    if pagination:
        out += f"from .._pagination import {', '.join(pagination)}\n"
    helpers = ["AsyncAPIResource", "SyncAPIResource", "call_options"]
    helpers += [n for n in ("checked_path", "compact", "path_segment") if f"{n}(" in body]
    out += f"from .._resource import {', '.join(helpers)}\n"
    out += "from .._types import Body, Headers, NotGiven, Omit, Query, not_given, omit\n"
    out += "".join(line + "\n" for line in resource.runtime_imports)
    out += "\nif TYPE_CHECKING:\n"
    if "CursorPage[" in body:
        out += "    from .._pagination import AsyncCursorPage, SyncCursorPage\n"
    out += (
        "    from .._response import (\n"
        "        async_to_raw_response_wrapper,\n"
        "        async_to_streamed_response_wrapper,\n"
        "        to_raw_response_wrapper,\n"
        "        to_streamed_response_wrapper,\n"
        "    )\n"
    )
    modules = sorted({m.params[0] for m in resource.methods if m.params})
    aliases = [Path(rel).stem for rel in modules if f"{Path(rel).stem}." in body]
    if aliases:
        out += f"    from ..types import {', '.join(aliases)}\n"
    models = sorted(resource.models, key=resource.models.__getitem__)
    out += "".join(f"    from ..types.{resource.models[m]} import {m}\n" for m in models)
    if "LineStream[" in body:
        out += "    from ._lines import AsyncLineStream, LineStream\n"
    return out


def render_resource(resource: Resource, sources: Dict[str, str]) -> str:
    all_params = {m.name: load_params(target(resource, m), sources) for m in resource.methods}
    classes = "\n\n".join(
        [
            resource_class(resource, all_params, False),
            resource_class(resource, all_params, True),
            wrapper_class(resource, False, "raw"),
            wrapper_class(resource, True, "raw"),
            wrapper_class(resource, False, "streaming"),
            wrapper_class(resource, True, "streaming"),
        ]
    )
    names = [
        f"{a}{resource.name}Resource{s}"
        for a in ("", "Async")
        for s in ("", "WithRawResponse", "WithStreamingResponse")
    ]
    exported = "".join(f'    "{n}",\n' for n in sorted(names + resource.reexports))
    sources_used = ", ".join(sorted({m.params[0] for m in resource.methods if m.params}))
    return (
        f"# generated by codegen/generate_resources.py from {sources_used}; do not edit\n"
        f'"""{resource.doc}"""\n\n'
        + imports(resource, classes)
        + f"\n__all__ = [\n{exported}]\n\n\n"
        + response_type_function(resource)
        + "\n\n"
        + classes
    )
