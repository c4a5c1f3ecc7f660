"""Response model of the Files API (`POST /v1/files`, `GET /v1/files[/{file_id}]`)."""

from typing import Optional, Union

from typing_extensions import Literal

from .._models import BaseModel

__all__ = ["FileObject"]


class FileObject(BaseModel):
    """An uploaded file (Files API, private preview)."""

    id: str
    """The file's id (opaque: the docs show `file-`, `file_` and `file` prefixes)."""

    bytes: int
    """Size of the file in bytes."""

    created_at: int
    """Unix time (seconds) the file was uploaded."""

    filename: str
    """The name the file was uploaded with."""

    object: Literal["file"]
    """Always `file`."""

    purpose: Union[Literal["batch"], str]
    """What the file is for; `batch` is the only documented purpose."""

    expires_at: Optional[int] = None
    """Unix time (seconds) the file is deleted automatically (7 days after upload by default)."""
