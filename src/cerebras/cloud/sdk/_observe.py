"""Observers: how code outside the core (tracing, metrics, audit logs) watches API calls.

An observer is registered for the whole process (`register` / `unregister`) or given to one client
(`Cerebras(observers=[...])`, kept by `copy()`/`with_options()`). When a call starts, the client asks
each observer for a `CallWatcher` (`start_call`, which may return `None` to skip the call); the
watcher then hears, in order: each retry, the response that ended the retries, and the end of the
call, which is one of

* `result(value)`: a non-streamed call returned its parsed value;
* `end(closed_early)`: a stream was read to its end (`False`) or closed before it (`True`), or a raw
  response was handed back (its body read, or closed by the caller);
* `error(exc)`: the call, or reading its stream, raised.

A streamed call also reports each parsed item (`chunk`) before the caller sees it. Nothing is
reported after the end. A watcher that raises is logged and dropped; the call goes on.

With no observer registered anywhere, a call pays for one test of two empty tuples.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Iterable, List, Optional, Tuple, cast

import httpx

if TYPE_CHECKING:
    from typing_extensions import Protocol

    from ._config import ClientConfig
    from ._pipeline import FinalRequestOptions
else:
    # Structural types for the checkers; plain classes at run time, since building protocol
    # classes costs milliseconds at import and nothing here checks them with isinstance.
    Protocol = object

__all__ = [
    "CallWatcher",
    "Observation",
    "Observer",
    "check_observers",
    "observers",
    "observers_of",
    "register",
    "request_body",
    "start_observation",
    "unregister",
]

log = logging.getLogger("cerebras.cloud.sdk._observe")


class CallWatcher(Protocol):
    """What an observer gets back for one call; every method is called at most in the order above."""

    def retry(
        self, attempt: int, delay: float, status_code: Optional[int], error: Optional[BaseException]
    ) -> None:
        """Retry number `attempt` (1 for the first) will be sent after `delay` seconds, because of
        an HTTP status (`status_code`) or a transport failure (`error`)."""

    def response(self, response: httpx.Response) -> None:
        """The successful response arrived (its body is not read yet if the call streams)."""

    def result(self, value: object) -> None:
        """The parsed value a non-streamed call returns; the call is over."""

    def chunk(self, item: object) -> None:
        """A parsed stream item, before the caller gets it."""

    def end(self, closed_early: bool) -> None:
        """A stream or raw response is done: read to its end, or closed before it."""

    def error(self, error: BaseException) -> None:
        """The call failed with `error`; the call is over."""


class Observer(Protocol):
    """Starts watching calls: `start_call` runs when a call starts and returns its watcher (or `None`)."""

    def start_call(
        self, config: ClientConfig, options: FinalRequestOptions, stream: bool
    ) -> Optional[CallWatcher]: ...


observers: Tuple[Observer, ...] = ()
"""The observers registered for the whole process (replaced, never mutated, so a call in flight
keeps the tuple it started with)."""


def register(observer: Observer) -> None:
    """Watch every call of every client in this process with `observer` (once, however often registered)."""
    global observers
    check_observers((observer,))
    if not any(o is observer for o in observers):
        observers = (*observers, observer)


def unregister(observer: Observer) -> None:
    """Stop watching calls with `observer` (calls already started keep reporting to it)."""
    global observers
    observers = tuple(o for o in observers if o is not observer)


def check_observers(candidates: Iterable[object]) -> Tuple[Observer, ...]:
    """The observers as a tuple; a clear error for anything without a `start_call` method."""
    if isinstance(candidates, (str, bytes)) or not hasattr(candidates, "__iter__"):
        raise TypeError(f"observers must be a list of observers, got {type(candidates).__name__}")
    checked: List[Observer] = []
    for candidate in candidates:
        if not callable(getattr(candidate, "start_call", None)):
            raise TypeError(
                f"An observer needs a start_call(config, options, stream) method; {candidate!r} has none"
            )
        checked.append(cast(Observer, candidate))
    return tuple(checked)


def observers_of(owner: object) -> Tuple[Observer, ...]:
    """The observers that watch calls made through `owner` (a client, or a resource of one): the
    process-wide ones, then the client's own. Empty for anything else."""
    client = getattr(owner, "_client", owner)
    config = getattr(client, "_config", None)
    own: Tuple[Observer, ...] = getattr(config, "observers", ())
    return observers + tuple(o for o in own if o not in observers)


def request_body(options: FinalRequestOptions) -> Any:
    """The JSON body the call sends (params with `extra_body` merged), or `None` for an upload or
    raw content. Built once per call: the request sends this same value."""
    return options.json_body()


def start_observation(
    config: ClientConfig, options: FinalRequestOptions, stream: bool
) -> Optional[Observation]:
    """Ask the process-wide observers, then the client's, for their watchers of this call."""
    watchers: List[CallWatcher] = []
    own = config.observers
    candidates = observers + tuple(o for o in own if o not in observers) if own else observers
    for observer in candidates:
        try:
            watcher = observer.start_call(config, options, stream)
        except Exception:
            log.warning("Observer %r failed to start watching a call; skipped", observer, exc_info=True)
            continue
        if watcher is not None:
            watchers.append(watcher)
    return Observation(watchers) if watchers else None


class Observation:
    """The watchers of one call, as the core drives them: each event reaches every watcher, a
    watcher that raises is dropped, and nothing is reported after the call's end."""

    __slots__ = ("_done", "_watchers")

    def __init__(self, watchers: List[CallWatcher]) -> None:
        self._watchers: Tuple[CallWatcher, ...] = tuple(watchers)
        self._done = False

    @property
    def done(self) -> bool:
        return self._done

    def _drop(self, watcher: CallWatcher, event: str) -> None:
        log.warning("Call watcher %r failed in %s(); dropped", watcher, event, exc_info=True)
        self._watchers = tuple(w for w in self._watchers if w is not watcher)

    # Each event calls the watchers' method directly (no generic dispatch): a stream reports every
    # item, so this is on the per-chunk path while anything observes.

    def retry(
        self, attempt: int, delay: float, status_code: Optional[int], error: Optional[BaseException]
    ) -> None:
        if not self._done:
            for watcher in self._watchers:
                try:
                    watcher.retry(attempt, delay, status_code, error)
                except Exception:
                    self._drop(watcher, "retry")

    def response(self, response: httpx.Response) -> None:
        if not self._done:
            for watcher in self._watchers:
                try:
                    watcher.response(response)
                except Exception:
                    self._drop(watcher, "response")

    def chunk(self, item: object) -> None:
        if not self._done:
            for watcher in self._watchers:
                try:
                    watcher.chunk(item)
                except Exception:
                    self._drop(watcher, "chunk")

    def result(self, value: object) -> None:
        if not self._done:
            self._done = True
            for watcher in self._watchers:
                try:
                    watcher.result(value)
                except Exception:
                    self._drop(watcher, "result")

    def end(self, closed_early: bool = False) -> None:
        if not self._done:
            self._done = True
            for watcher in self._watchers:
                try:
                    watcher.end(closed_early)
                except Exception:
                    self._drop(watcher, "end")

    def error(self, error: BaseException) -> None:
        if not self._done:
            self._done = True
            for watcher in self._watchers:
                try:
                    watcher.error(error)
                except Exception:
                    self._drop(watcher, "error")
