"""Request parameters of `POST /v1/files` (multipart/form-data)."""

import os
from typing import IO, Optional, Tuple, Union

from typing_extensions import Literal, Required, TypeAlias, TypedDict

__all__ = ["ExpiresAfter", "FileContent", "FileCreateParams", "FileInput"]

FileContent: TypeAlias = Union[IO[bytes], bytes]
"""The bytes of a file: a `bytes` value or a file object opened in binary mode."""

FileInput: TypeAlias = Union[
    str,
    os.PathLike[str],
    FileContent,
    Tuple[Optional[str], FileContent],
    Tuple[Optional[str], FileContent, Optional[str]],
]
"""What `files.create(file=...)` accepts: a path (`str` or `os.PathLike`, streamed from disk),
`bytes`, a binary file object, or a `(filename, content)` / `(filename, content, content_type)` tuple."""


class ExpiresAfter(TypedDict, total=False):
    """When the file expires, relative to an anchor time."""

    anchor: Required[Literal["created_at"]]
    """The time the expiry is counted from; `created_at` is the only documented anchor."""

    seconds: Required[int]
    """Seconds after the anchor at which the file is deleted: 3600 (1 hour) to 2592000 (30 days)."""


class FileCreateParams(TypedDict, total=False):
    """Keyword arguments of `client.files.create`."""

    file: Required[FileInput]
    """The file to upload (JSONL, at most 200 MB): a path (`str` or `os.PathLike`, streamed from disk, never read whole), `bytes` (sent as `upload.jsonl`), a binary file object, or a `(filename, content)` / `(filename, content, content_type)` tuple."""

    purpose: Required[Literal["batch"]]
    """What the file is for; `batch` (input of the Batch API) is the only documented purpose."""

    expires_after: ExpiresAfter
    """When the file expires: `{"anchor": "created_at", "seconds": N}` with N from 3600 to 2592000 (default retention: 7 days). Sent as the form fields `expires_after[anchor]` and `expires_after[seconds]` (the multipart encoding is not documented)."""
