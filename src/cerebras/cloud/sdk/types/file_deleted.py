"""Response model of `DELETE /v1/files/{file_id}`."""

from typing_extensions import Literal

from .._models import BaseModel

__all__ = ["FileDeleted"]


class FileDeleted(BaseModel):
    """The answer to a file deletion."""

    id: str
    """The id of the file."""

    deleted: bool
    """Whether the file was deleted (it is removed at once)."""

    object: Literal["file"]
    """Always `file`."""
