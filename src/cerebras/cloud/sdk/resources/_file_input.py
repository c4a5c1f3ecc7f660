"""What `files.create(file=...)` accepts, turned into the multipart file httpx sends.

A path is opened here and handed to httpx as a file object: httpx reads it in 64 KiB chunks while
sending, and seeks back to the start each time it renders the body, so a retry resends the whole
file and memory stays flat however large it is. The file is closed when the call returns.
"""

from __future__ import annotations

import errno
import io
import os
from contextlib import ExitStack, contextmanager
from typing import IO, TYPE_CHECKING, Any, Dict, Generator, Mapping, Optional, Tuple, cast

from .._types import NotGiven, Omit

if TYPE_CHECKING:
    from ..types.file_create_params import FileInput

__all__ = ["DEFAULT_FILENAME", "upload_files"]

DEFAULT_FILENAME = "upload.jsonl"
"""The file name sent for content that has none (`bytes`, or a file object without a `name`):
the API takes JSONL files, and the name is all it has to go on."""

UploadFile = Tuple[Optional[str], Any, Optional[str]]
"""`(filename, bytes or binary file object, content type or None)`: one httpx multipart file."""


@contextmanager
def upload_files(
    fields: Mapping[str, FileInput | Omit | NotGiven],
) -> Generator[Dict[str, UploadFile], None, None]:
    """The multipart files for `fields` (name -> what the caller passed), paths opened for the
    duration of the `with` block. Raises before anything is sent for a missing path or a text-mode file."""
    with ExitStack() as opened:
        files: Dict[str, UploadFile] = {}
        for name, value in fields.items():
            if not isinstance(value, (Omit, NotGiven)):
                files[name] = _upload_file(name, value, opened)
        yield files


def _upload_file(name: str, value: object, opened: ExitStack) -> UploadFile:
    if isinstance(value, tuple):
        parts: Tuple[Any, ...] = value  # pyright: ignore[reportUnknownVariableType]
        if len(parts) not in (2, 3):
            raise TypeError(
                f"{name}: a tuple must be (filename, content) or (filename, content, content_type), "
                f"got {len(parts)} items"
            )
        filename, content = parts[0], parts[1]
        content_type = parts[2] if len(parts) == 3 else None
        if filename is not None and not isinstance(filename, str):
            raise TypeError(f"{name}: the filename must be a str or None, got {type(filename).__name__}")
        if isinstance(content, str):
            raise TypeError(
                f"{name}: the content of a (filename, content) tuple must be bytes or a binary file, not "
                "str; pass a path on its own, or encode the text"
            )
        return filename, _content(name, content, opened), content_type
    if isinstance(value, (str, os.PathLike)):
        path: str = os.fsdecode(value)  # pyright: ignore[reportUnknownArgumentType]
        return os.path.basename(path) or DEFAULT_FILENAME, _open(name, path, opened), None
    return _name_of(value), _content(name, value, opened), None


def _content(name: str, content: object, opened: ExitStack) -> Any:
    if isinstance(content, os.PathLike):
        return _open(name, os.fsdecode(content), opened)  # pyright: ignore[reportUnknownArgumentType]
    if isinstance(content, bytes):
        return content
    if isinstance(content, (bytearray, memoryview)):
        return bytes(cast("bytearray | memoryview[int]", content))
    if isinstance(content, io.TextIOBase):
        raise TypeError(f"{name}: the file is open in text mode; open it in binary mode ('rb')")
    if callable(getattr(content, "read", None)):
        return content
    raise TypeError(
        f"{name}: expected a path, bytes, a binary file object or a (filename, content) tuple, "
        f"got {type(content).__name__}"
    )


def _open(name: str, path: str, opened: ExitStack) -> IO[bytes]:
    try:
        handle = open(path, "rb")  # noqa: SIM115  # closed by `opened` when the call returns
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, f"{name}: no file to upload at this path", path) from None
    except IsADirectoryError:
        raise IsADirectoryError(errno.EISDIR, f"{name}: this path is a directory, not a file", path) from None
    return opened.enter_context(handle)


def _name_of(value: object) -> str:
    name = getattr(value, "name", None)
    if isinstance(name, (str, os.PathLike)):
        base = os.path.basename(os.fsdecode(name))  # pyright: ignore[reportUnknownArgumentType]
        if base and not (base.startswith("<") and base.endswith(">")):  # `<stdin>` and the like
            return base
    return DEFAULT_FILENAME
