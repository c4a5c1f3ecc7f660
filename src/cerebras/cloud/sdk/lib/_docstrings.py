"""Read a function's docstring into what a tool definition needs: a description of the function and
one description per parameter.

Three common layouts are understood:

* Google style: an `Args:` (or `Arguments:`, `Parameters:`, `Params:`, `Keyword Args:`) section
  whose entries are `name: text` or `name (type): text`, continued on more-indented lines;
* NumPy style: a `Parameters` heading underlined with dashes, entries `name : type` with the text
  indented below;
* reStructuredText fields: `:param name: text` or `:param type name: text`.

The function's description is the text before the first section heading or field, with its
paragraphs kept.
"""

from __future__ import annotations

import inspect
import re
from typing import Dict, List, Optional, Tuple

__all__ = ["parse_docstring"]

_PARAM_SECTIONS = frozenset(
    {"args", "arguments", "parameters", "params", "keyword args", "keyword arguments", "other parameters"}
)
_OTHER_SECTIONS = frozenset(
    {
        "returns",
        "return",
        "yields",
        "yield",
        "raises",
        "raise",
        "examples",
        "example",
        "notes",
        "note",
        "attributes",
        "see also",
        "warns",
        "warnings",
        "warning",
        "references",
        "todo",
        "methods",
    }
)
_GOOGLE_HEADING = re.compile(r"^\s*([A-Za-z][A-Za-z ]*):\s*$")
_GOOGLE_ENTRY = re.compile(r"^\*{0,2}([A-Za-z_]\w*)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_NUMPY_ENTRY = re.compile(r"^(\*{0,2}[A-Za-z_]\w*(?:\s*,\s*\*{0,2}[A-Za-z_]\w*)*)\s*(?::.*)?$")
_DASHES = re.compile(r"^\s*-{3,}\s*$")
_FIELD = re.compile(r"^\s*:(\w+)(?:\s+([^:]*?))?:\s*(.*)$")


def parse_docstring(doc: Optional[str]) -> Tuple[Optional[str], Dict[str, str]]:
    """`(description, {parameter: description})` from a docstring; `(None, {})` without one."""
    if not doc or not doc.strip():
        return None, {}
    lines = inspect.cleandoc(doc).splitlines()
    summary: List[str] = []
    params: Dict[str, str] = {}
    i = 0
    in_summary = True
    while i < len(lines):
        line = lines[i]
        heading = _heading(lines, i)
        if heading is not None:
            name, numpy = heading
            in_summary = False
            start = i + (2 if numpy else 1)
            end = _section_end(lines, start, numpy)
            if name in _PARAM_SECTIONS:
                params.update(
                    _numpy_entries(lines[start:end]) if numpy else _google_entries(lines[start:end])
                )
            i = end
            continue
        field = _FIELD.match(line)
        if field is not None:
            in_summary = False
            end = _continuation_end(lines, i + 1, _indent(line))
            kind, target, text = field.groups()
            if kind in ("param", "parameter", "arg", "argument", "key", "keyword") and target:
                name = target.split()[-1].lstrip("*")
                params[name] = _join([text, *lines[i + 1 : end]])
            i = end
            continue
        if in_summary:
            summary.append(line)
        i += 1
    description = "\n".join(summary).strip()
    description = re.sub(r"\n{3,}", "\n\n", description)
    return (description or None), params


def _heading(lines: List[str], i: int) -> Optional[Tuple[str, bool]]:
    """`(section name, is NumPy style)` when line `i` starts a section."""
    line = lines[i]
    if i + 1 < len(lines) and _DASHES.match(lines[i + 1]) and line.strip():
        return line.strip().lower(), True
    match = _GOOGLE_HEADING.match(line)
    if match is not None:
        name = match.group(1).strip().lower()
        if name in _PARAM_SECTIONS or name in _OTHER_SECTIONS:
            return name, False
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _section_end(lines: List[str], start: int, numpy: bool) -> int:
    """Index of the first line after the section body that begins at `start`."""
    base = _indent(lines[start - 1]) if not numpy else _indent(lines[start - 2])
    i = start
    while i < len(lines):
        line = lines[i]
        if line.strip():
            if _heading(lines, i) is not None and _indent(line) <= base:
                break
            if not numpy and _indent(line) <= base:
                break
        i += 1
    return i


def _continuation_end(lines: List[str], start: int, indent: int) -> int:
    i = start
    while i < len(lines) and lines[i].strip() and _indent(lines[i]) > indent:
        i += 1
    return i


def _google_entries(body: List[str]) -> Dict[str, str]:
    entries: Dict[str, str] = {}
    indent = min((_indent(line) for line in body if line.strip()), default=0)
    current: Optional[str] = None
    for line in body:
        if not line.strip():
            continue
        match = _GOOGLE_ENTRY.match(line.strip()) if _indent(line) == indent else None
        if match is not None:
            current = str(match.group(1))
            entries[current] = match.group(2).strip()
        elif current is not None:
            entries[current] = _join([entries[current], line])
    return entries


def _numpy_entries(body: List[str]) -> Dict[str, str]:
    entries: Dict[str, str] = {}
    indent = min((_indent(line) for line in body if line.strip()), default=0)
    current: List[str] = []
    for line in body:
        if not line.strip():
            continue
        match = _NUMPY_ENTRY.match(line.strip()) if _indent(line) == indent else None
        if match is not None:
            current = [name.strip().lstrip("*") for name in match.group(1).split(",")]
            entries.update((name, "") for name in current)
        else:
            for name in current:
                entries[name] = _join([entries[name], line])
    return entries


def _join(parts: List[str]) -> str:
    return " ".join(part.strip() for part in parts if part.strip())
