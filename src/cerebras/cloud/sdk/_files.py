"""Helpers for the (rarely needed) multipart uploads of the low-level verbs."""

from __future__ import annotations

import os
from typing import Tuple


def file_from_path(path: str) -> Tuple[str, bytes]:
    """Read a file and return `(basename, contents)`, ready to use as a `files=` entry."""
    with open(path, "rb") as f:
        contents = f.read()
    return os.path.basename(path), contents
