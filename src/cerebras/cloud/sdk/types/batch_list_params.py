"""Request parameters of `GET /v1/batches`."""

from typing_extensions import TypedDict

__all__ = ["BatchListParams"]


class BatchListParams(TypedDict, total=False):
    """Keyword arguments of `client.batches.list`."""

    after: str
    """Cursor: list the batches created after the batch with this id (the last id of the previous page)."""

    limit: int
    """How many batches per page, 1 to 100 (the API's default is 20)."""
