"""The page types of the list methods (`client.files.list()`, `client.batches.list()`).

```py
for batch in client.batches.list(limit=50):  # every batch, 50 per request
    print(batch.id, batch.status)

page = client.files.list(limit=10)  # or page by hand
while True:
    handle(page.data)
    if not page.has_next_page():
        break
    page = page.get_next_page()  # the same as client.files.list(limit=10, after=page.data[-1].id)
```
"""

from ._pagination import AsyncCursorPage, AsyncPaginator, SyncCursorPage

__all__ = ["AsyncCursorPage", "AsyncPaginator", "SyncCursorPage"]
