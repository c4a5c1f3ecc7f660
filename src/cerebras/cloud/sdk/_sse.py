"""A sans-IO decoder for ``text/event-stream`` bodies.

The decoder turns bytes into :class:`ServerSentEvent` objects and nothing more: it does not
know about HTTP, about ``[DONE]`` markers or about JSON payloads. The stream layer feeds it
whatever byte chunks the transport hands over and interprets the events it gets back.

Parsing follows the WHATWG "event stream interpretation" rules with two project decisions
(see the spec's decision table):

* decision 10 -- an event whose data is empty (no ``data`` line at all, or only empty ones) is
  never dispatched;
* decision 26 -- an event that is not closed by a blank line before the input ends is dropped.
"""

from __future__ import annotations

import json
from typing import Any, List, Optional, Tuple

__all__ = ["SSEDecodeError", "SSEDecoder", "ServerSentEvent"]

_BOM = b"\xef\xbb\xbf"
_new_event = object.__new__


class ServerSentEvent:
    """One dispatched event: its type, data, the last event id in force, and its retry hint.

    Instances are immutable value objects; two events compare equal when all four fields do.
    """

    __slots__ = ("_data", "_event", "_id", "_retry")

    def __init__(
        self,
        *,
        event: Optional[str] = None,
        data: Optional[str] = None,
        id: Optional[str] = None,
        retry: Optional[int] = None,
    ) -> None:
        # An empty type means "the default type" in the SSE model, which we spell as None.
        self._event = event or None
        self._data = data or ""
        self._id = id
        self._retry = retry

    @property
    def event(self) -> Optional[str]:
        """The value of the ``event:`` field, or ``None`` when it was absent or empty."""
        return self._event

    @property
    def data(self) -> str:
        """The ``data:`` lines of the event joined with ``"\\n"``."""
        return self._data

    @property
    def id(self) -> Optional[str]:
        """The last event id seen on the stream when this event was dispatched."""
        return self._id

    @property
    def retry(self) -> Optional[int]:
        """The reconnection delay in milliseconds announced within this event, if any."""
        return self._retry

    def json(self) -> Any:
        """Parse :attr:`data` as JSON and return the result."""
        return json.loads(self._data)

    def __repr__(self) -> str:
        return f"ServerSentEvent(event={self._event}, data={self._data}, id={self._id}, retry={self._retry})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (
            self._event == other._event
            and self._data == other._data
            and self._id == other._id
            and self._retry == other._retry
        )

    def __hash__(self) -> int:
        return hash((self._event, self._data, self._id, self._retry))


class SSEDecodeError(ValueError):
    """A complete line of the event stream is not valid UTF-8.

    ``raw`` holds the offending line as received (without its line end). ``events`` holds the
    events that the same :meth:`SSEDecoder.feed` call completed before reaching that line, so a
    caller can still deliver them before reporting the failure.
    """

    raw: bytes
    events: List[ServerSentEvent]

    def __init__(
        self, raw: bytes, reason: str = "invalid UTF-8", events: Optional[List[ServerSentEvent]] = None
    ) -> None:
        shown = raw if len(raw) <= 80 else raw[:77] + b"..."
        super().__init__(f"cannot decode server-sent event line ({reason}): {shown!r}")
        self.raw = raw
        self.reason = reason
        self.events = [] if events is None else events

    def __reduce__(self) -> Any:
        # The constructor's signature differs from ``args``, so pickling needs telling how to rebuild.
        return (type(self), (self.raw, self.reason, self.events))


class SSEDecoder:
    """Incremental event-stream parser: feed it byte chunks, collect the events they complete.

    Chunks may be split anywhere, including inside a multi-byte character or between the
    ``\\r`` and ``\\n`` of a CRLF line end; the result never depends on where the splits are.
    One decoder handles one stream. After :class:`SSEDecodeError` has been raised the rest of
    the offending chunk is lost, so the stream should be abandoned.
    """

    __slots__ = ("_data", "_event", "_parts", "_retry", "_skip_lf", "_started", "last_event_id")

    last_event_id: Optional[str]

    def __init__(self) -> None:
        #: The id most recently set by an ``id:`` field; it outlives the event that set it.
        self.last_event_id = None
        # Bytes received after the last line end: the start of a line not yet complete. Kept as
        # a list so that a long line arriving in many small chunks is joined once, not re-copied.
        self._parts: List[bytes] = []
        # True when the previous chunk ended in "\r": that line is already handled, so an "\n"
        # opening the next chunk is the second half of a CRLF and must not count again.
        self._skip_lf = False
        # False until the first bytes that cannot be the beginning of a BOM have been seen.
        self._started = False
        self._event: Optional[str] = None
        self._data: List[str] = []
        self._retry: Optional[int] = None

    def feed(self, chunk: bytes) -> List[ServerSentEvent]:
        """Consume ``chunk`` and return the events it completes, in stream order.

        Raises :class:`SSEDecodeError` if a line completed by this chunk is not valid UTF-8.
        """
        # The overwhelmingly common chunk, recognised before anything else: one whole event of one
        # data line, ``data: X\n\n``, with nothing held back from earlier chunks. (The general path
        # below gives the same result; this one is just cheaper, and it runs for every chunk.)
        if (
            self._started
            and not self._parts
            and not self._skip_lf
            and not self._data
            and chunk.endswith(b"\n\n")
            and chunk.startswith(b"data: ")
            and chunk.find(b"\n") == len(chunk) - 2
            and 13 not in chunk
        ):
            try:
                single = chunk[6:-2].decode()
            except UnicodeDecodeError:
                pass  # the general path reports it, with the line
            else:
                return self._single_event(single)
        if self._skip_lf and chunk:
            self._skip_lf = False
            if chunk[0] == 10:
                chunk = chunk[1:]
        if not self._started:
            chunk = self._strip_bom(chunk)

        # Integer membership tests are a plain memchr; ``b"\r" in chunk`` is several times slower.
        has_cr = 13 in chunk
        if not has_cr and 10 not in chunk:
            if chunk:
                self._parts.append(chunk)
            return []

        parts = self._parts
        if parts:
            parts.append(chunk)
            buf = b"".join(parts)
            self._parts = []
        else:
            buf = chunk

        last = buf[-1]
        if last == 10 or last == 13:
            self._skip_lf = last == 13
        else:
            # The chunk ends inside a line: keep that line back and parse only the lines before it.
            # Searching from the end walks just the unfinished line (earlier parts hold no "\r").
            end = buf.rfind(b"\n")
            if has_cr:
                end = max(end, buf.rfind(b"\r"))
            end += 1
            self._parts.append(buf[end:])
            buf = buf[:end]

        bad: Optional[SSEDecodeError] = None
        try:
            text = buf.decode()
        except UnicodeDecodeError as exc:
            text, bad = self._split_at_bad_line(buf, exc)

        data = self._data
        if (
            bad is None
            and not has_cr
            and not data
            and text.startswith("data: ")
            and text.find("\n") == len(text) - 2
        ):
            # One whole event of one data line, ``data: X\n\n``, that arrived in pieces (or after
            # a field line). It may still complete an event whose type or retry came earlier.
            return self._single_event(text[6:-2])

        # Line ends are ASCII, so splitting the decoded text finds the same lines as splitting the
        # bytes would; splitting on "\n" alone keeps U+2028 and friends inside JSON strings intact.
        if has_cr:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        lines.pop()  # the empty string after the final line end

        events: List[ServerSentEvent] = []
        for line in lines:
            if not line:
                if data:
                    joined = "\n".join(data)
                    data.clear()
                    if joined:
                        # Bypasses the keyword constructor, which costs more than the whole
                        # rest of this loop for a typical one-line event.
                        event = _new_event(ServerSentEvent)
                        event._event = self._event or None
                        event._data = joined
                        event._id = self.last_event_id
                        event._retry = self._retry
                        events.append(event)
                self._event = None
                self._retry = None
            elif line.startswith("data: "):
                # Nearly every line of a real stream looks like this; skip the general split.
                data.append(line[6:])
            else:
                field, _, value = line.partition(":")
                if value.startswith(" "):
                    value = value[1:]
                if field == "data":
                    data.append(value)
                elif field == "event":
                    self._event = value
                elif field == "id":
                    if "\0" not in value:
                        self.last_event_id = value
                elif field == "retry" and value.isdigit() and value.isascii():
                    try:
                        self._retry = int(value)
                    except ValueError:
                        # More digits than int() accepts by default: no sane delay, so ignore.
                        pass
                # Anything else is a comment (empty field name) or an unknown field: ignored.

        if bad is not None:
            bad.events = events
            raise bad
        return events

    def close(self) -> List[ServerSentEvent]:
        """Signal the end of input.

        Whatever is still pending -- a partial line or an event lacking its closing blank line --
        is discarded, so this always returns an empty list. It exists so callers can treat every
        decoder alike. The decoder is reset afterwards, except for :attr:`last_event_id`.
        """
        self._parts = []
        self._skip_lf = False
        self._started = False
        self._event = None
        self._data = []
        self._retry = None
        return []

    def _single_event(self, data: str) -> List[ServerSentEvent]:
        """Dispatch the event made of one data line (none if the data is empty)."""
        events: List[ServerSentEvent] = []
        if data:
            # Bypasses the keyword constructor, which costs more than the rest of this path.
            event = _new_event(ServerSentEvent)
            event._event = self._event or None
            event._data = data
            event._id = self.last_event_id
            event._retry = self._retry
            events.append(event)
        self._event = None
        self._retry = None
        return events

    def _strip_bom(self, chunk: bytes) -> bytes:
        # A BOM is only honoured as the very first bytes of the stream, which may themselves
        # arrive split over several chunks; hold them back until we can tell.
        head = b"".join(self._parts) + chunk if self._parts else chunk
        if len(head) < len(_BOM) and _BOM.startswith(head):
            self._parts = [head] if head else []
            return b""
        self._started = True
        self._parts = []
        return head[len(_BOM) :] if head.startswith(_BOM) else head

    def _split_at_bad_line(self, buf: bytes, exc: UnicodeDecodeError) -> Tuple[str, SSEDecodeError]:
        # Only reached on bad input. The lines before the first undecodable one are still parsed,
        # so that their events can travel with the error; everything from that line on is lost.
        self._parts = []
        self._skip_lf = False
        pos = exc.start
        begin = max(buf.rfind(b"\n", 0, pos), buf.rfind(b"\r", 0, pos)) + 1
        # ``buf`` always ends with a line end, so at least one of these finds something.
        stops = [i for i in (buf.find(b"\n", pos), buf.find(b"\r", pos)) if i >= 0]
        raw = buf[begin : min(stops)]
        try:
            raw.decode()
        except UnicodeDecodeError as line_exc:
            # The reason for the line on its own; it cannot depend on what follows the line.
            reason = line_exc.reason
        else:  # pragma: no cover - a line containing the first bad byte cannot decode
            reason = exc.reason
        error = SSEDecodeError(raw, reason)
        error.__cause__ = exc
        return buf[:begin].decode(), error
