"""The client's configuration is one immutable value: built once, derived by copy(), never mutated."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, Type

import httpx
import pytest

from cerebras.cloud.sdk import AsyncCerebras, Cerebras
from cerebras.cloud.sdk._config import ClientConfig

BASE_URL = "http://127.0.0.1:4010"


def build(cls: Type[Any], **kwargs: Any) -> Any:
    kwargs.setdefault("base_url", BASE_URL)
    kwargs.setdefault("warm_tcp_connection", False)
    return cls(**kwargs)


@pytest.fixture(params=[Cerebras, AsyncCerebras], ids=["sync", "async"])
def cls(request: pytest.FixtureRequest) -> Type[Any]:
    return request.param  # type: ignore[no-any-return]


def test_the_configuration_is_one_frozen_value(cls: Type[Any]) -> None:
    client = build(cls, api_key="k", max_retries=4, default_headers={"X-A": "1"}, default_query={"q": 1})
    config = client._config
    assert isinstance(config, ClientConfig)
    assert (config.api_key, config.max_retries, config.strict) == ("k", 4, False)
    assert config.http_client is client._client
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.api_key = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.custom_headers["X-B"] = "2"  # type: ignore[index]
    with pytest.raises(TypeError):
        config.default_query["r"] = 2  # type: ignore[index]


def test_the_environment_is_read_once_at_construction(
    cls: Type[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEREBRAS_API_KEY", "from-env")
    monkeypatch.setenv("CEREBRAS_CUSTOM_HEADERS", "X-Env: 1")
    client = build(cls)
    monkeypatch.setenv("CEREBRAS_API_KEY", "changed")
    monkeypatch.setenv("CEREBRAS_CUSTOM_HEADERS", "X-Env: 2")
    assert client.api_key == "from-env"
    assert client.default_headers["X-Env"] == "1"
    copy = client.copy()
    assert copy.api_key == "from-env"
    assert copy.default_headers["X-Env"] == "1"  # a copy derives, it does not read the environment


def test_copy_derives_a_new_value_and_leaves_the_original(cls: Type[Any]) -> None:
    client = build(cls, api_key="k", default_headers={"X-A": "1"}, _strict_response_validation=True)
    before = client._config
    copy = client.with_options(max_retries=7, default_headers={"X-B": "2"}, timeout=3.0)
    assert client._config is before
    assert client.max_retries == 2 and client.timeout != 3.0
    assert copy._config is not before
    assert (copy.max_retries, copy.timeout, copy._strict_response_validation) == (7, 3.0, True)
    assert dict(copy._config.custom_headers) == {"X-A": "1", "X-B": "2"}
    assert copy._client is client._client  # the pool is shared
    relaxed = client.copy(_strict_response_validation=False)
    assert relaxed._strict_response_validation is False


def test_copy_accepts_every_constructor_parameter(cls: Type[Any]) -> None:
    constructor = set(inspect.signature(cls.__init__).parameters) - {"self"}
    copy = set(inspect.signature(cls.copy).parameters) - {"self"}
    assert constructor <= copy, f"copy() lacks {sorted(constructor - copy)}"
    assert inspect.signature(cls.with_options) == inspect.signature(cls.copy)


def test_copy_checks_its_arguments_like_the_constructor(cls: Type[Any]) -> None:
    client = build(cls, api_key="k")
    with pytest.raises(TypeError, match="max_retries"):
        client.copy(max_retries=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        client.copy(timeout=-1)
    with pytest.raises(TypeError, match="default_headers"):
        client.copy(default_headers={"X": 1})  # type: ignore[dict-item]
    other: Any = httpx.AsyncClient() if cls is Cerebras else httpx.Client()
    with pytest.raises(TypeError, match="http_client"):
        client.copy(http_client=other)


def test_assignment_replaces_the_configuration(cls: Type[Any]) -> None:
    client = build(cls, api_key="old")
    before = client._config
    client.api_key = "new"
    client.max_retries = 5
    client.timeout = 2.5
    client.base_url = "http://127.0.0.1:4011/v"
    assert before.api_key == "old" and before.max_retries == 2
    assert client._config is not before
    assert client.auth_headers == {"Authorization": "Bearer new"}
    assert (client.max_retries, client.timeout, str(client.base_url)) == (5, 2.5, "http://127.0.0.1:4011/v/")
    with pytest.raises(ValueError):
        client.max_retries = -1


def test_a_subclass_constructor_still_runs_on_copy() -> None:
    class Tagged(Cerebras):
        def __init__(self, *, tag: str = "none", **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.tag = tag

    client = Tagged(api_key="k", base_url=BASE_URL, warm_tcp_connection=False, tag="a")
    copy = client.copy(max_retries=3, _extra_kwargs={"tag": "b"})
    assert type(copy) is Tagged
    assert copy.tag == "b"
    assert copy.max_retries == 3
    assert copy.user_agent.startswith("Tagged/Python ")
