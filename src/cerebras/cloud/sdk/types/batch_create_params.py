"""Request parameters of `POST /v1/batches`."""

from typing import Dict, Optional

from typing_extensions import Literal, Required, TypedDict

__all__ = ["BatchCreateParams"]


class BatchCreateParams(TypedDict, total=False):
    """Keyword arguments of `client.batches.create`."""

    input_file_id: Required[str]
    """The id of an uploaded JSONL file (`purpose="batch"`) with one request per line."""

    endpoint: Required[Literal["/v1/chat/completions"]]
    """The endpoint every request of the file goes to; `/v1/chat/completions` is the only one documented (any string is sent as given)."""

    completion_window: Required[Literal["24h"]]
    """How long the batch may take; `24h` is the only documented window (any string is sent as given)."""

    metadata: Optional[Dict[str, object]]
    """Your own JSON object stored with the batch, e.g. `{"team": "eval"}` (limits not documented)."""
