"""Request parameters of `GET /v1/files`."""

from typing_extensions import TypedDict

__all__ = ["FileListParams"]


class FileListParams(TypedDict, total=False):
    """Keyword arguments of `client.files.list`."""

    after: str
    """Cursor: list the files created after the file with this id (the last id of the previous page)."""

    limit: int
    """How many files per page, 1 to 100 (the API's default is 20)."""
