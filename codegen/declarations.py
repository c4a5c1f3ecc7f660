"""Reading parameter declarations, and the pieces every generated method shares.

A request parameter is declared once, as a field of a params TypedDict: its name, its type and the
docstring under it. `read_params` reads those fields with `ast` (nothing is imported), and the
generators write every signature, Args section and request from them.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import List, Optional

LINE_LENGTH = 110
"""ruff's line length (pyproject.toml): what the generated code is formatted to."""


@dataclass
class Param:
    name: str
    type: str
    """The type as written in the TypedDict, `Required`/`Annotated` removed, local names qualified."""
    required: bool
    doc: str
    header: Optional[str] = None


def doc_of(node: ast.stmt) -> Optional[str]:
    """The text of a docstring statement, whitespace collapsed; None for any other statement."""
    if (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ):
        return " ".join(node.value.value.split())
    return None


def read_params(source: str, class_name: str, module_alias: str) -> List[Param]:
    """The fields of `class_name` in the params module `source`, in declaration order.

    Names the module defines (nested TypedDicts, aliases) are qualified with `module_alias`, the name
    the generated module imports the params module under.
    """
    tree = ast.parse(source)
    local_names = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            local_names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            local_names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            local_names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    local_names.discard("__all__")
    qualify = re.compile(r"(?<![\w.\"'])(" + "|".join(sorted(local_names, key=len, reverse=True)) + r")\b")

    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    params: List[Param] = []
    body = cls.body
    for index, node in enumerate(body):
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        annotation = node.annotation
        required = False
        header = None
        if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name):
            if annotation.value.id == "Required":
                required = True
                annotation = annotation.slice
            elif annotation.value.id == "Annotated":
                parts = annotation.slice
                assert isinstance(parts, ast.Tuple)
                annotation = parts.elts[0]
                for meta in parts.elts[1:]:
                    if isinstance(meta, ast.Call) and getattr(meta.func, "id", None) == "Alias":
                        header = ast.literal_eval(meta.args[0])
        text = ast.get_source_segment(source, annotation)
        assert text is not None
        if local_names:
            text = qualify.sub(module_alias + r".\1", text)
        doc = doc_of(body[index + 1]) if index + 1 < len(body) else None
        if not doc:
            raise ValueError(f"{class_name}.{node.target.id} has no docstring")
        params.append(Param(node.target.id, text, required, doc, header))
    return params


def union_with_none(text: str) -> Optional[List[str]]:
    """The members other than `None` of a `Union[..., None]` type, else None."""
    node = ast.parse(text, mode="eval").body
    if not (isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "Union"):
        return None
    elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if not any(isinstance(e, ast.Constant) and e.value is None for e in elts):
        return None
    return [
        str(ast.get_source_segment(text, e))
        for e in elts
        if not (isinstance(e, ast.Constant) and e.value is None)
    ]


def keyword_annotation(p: Param) -> str:
    """A parameter's annotation (and default) in a signature: optional ones take `Omit`, default `omit`."""
    if p.required:
        return p.type
    members = union_with_none(p.type)
    if members is not None:  # `Union[A, B, None]` -> `A | B | Omit | None`: `None` stays last
        return " | ".join([*members, "Omit", "None"]) + " = omit"
    return f"{p.type} | Omit = omit"


TAIL_SIGNATURE = """\
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
"""
TAIL_FORWARD = ("extra_headers", "extra_query", "extra_body", "timeout")
EXTRA_BODY_JSON = "JSON keys to add to (or, with `omit`, remove from) the body."


def tail_docs(extra_body: str = EXTRA_BODY_JSON) -> str:
    """The Args lines of the options every method takes; `extra_body` depends on the request's body."""
    return (
        "          extra_headers: headers to add to (or, with `omit`, remove from) this request.\n"
        "          extra_query: query parameters to add to this request.\n"
        f"          extra_body: {extra_body}\n"
        "          timeout: this request's timeout, overriding the client's.\n"
    )


def header_dict(params: List[Param], indent: str = " " * 16) -> str:
    """`{"Header-Name": name, ...}` for the header parameters, laid out as ruff formats it."""
    items = [f'"{p.header}": {p.name}' for p in params if p.header is not None]
    return inline_dict(items, f"{indent}header_params=", indent)


def inline_dict(items: List[str], prefix: str, indent: str) -> str:
    """`{a, b}` on the line that starts with `prefix` if it fits (with a trailing comma), else one
    item per line: what `ruff format` would make of it."""
    one_line = "{" + ", ".join(items) + "}"
    if len(prefix) + len(one_line) + 1 <= LINE_LENGTH:
        return one_line
    return "{\n" + "".join(f"{indent}    {item},\n" for item in items) + indent + "}"
