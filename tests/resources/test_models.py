"""`models.list` / `models.retrieve`: GET requests, query, path encoding and the union results.

Every test runs with the blocking client and with the async client on asyncio and trio. The
samples are those of endpoints.md §5.6.
"""

from __future__ import annotations

from typing import Any, Dict

import pydantic
import pytest
import respx

from cerebras.cloud.sdk import APIResponseValidationError, AsyncCerebras, Cerebras, omit
from cerebras.cloud.sdk._resource import checked_path
from cerebras.cloud.sdk.types.model_list_response import (
    HuggingFaceModelsResponse,
    ModelMetadataList,
    ModelMetadataListData,
    OpenRouterModelsResponse,
)
from cerebras.cloud.sdk.types.model_retrieve_response import (
    HuggingFaceModel,
    ModelMetadata,
    OpenRouterModel,
    PublicModel,
)

from ._support import resolve

pytestmark = pytest.mark.anyio

DEFAULT_LIST: Dict[str, Any] = {
    "object": "list",
    "data": [
        {"id": "llama3.1-8b", "object": "model", "created": 0, "owned_by": "Meta"},
        {"id": "gpt-oss-120b", "object": "model", "created": 0, "owned_by": "OpenAI"},
    ],
}
OPENROUTER_MODEL: Dict[str, Any] = {
    "id": "cerebras/llama3.1-8b",
    "name": "Llama 3.1 8B",
    "created": 1721692800,
    "context_length": 8192,
    "max_output_length": 8192,
    "pricing": {"prompt": "0.0000001", "completion": "0.0000001"},
    "quantization": "fp16",
    "input_modalities": ["text"],
    "output_modalities": ["text"],
    "datacenters": [{"country_code": "US"}],
    "openrouter": {"slug": "meta-llama/llama-3.1-8b-instruct"},
}
HUGGINGFACE_MODEL: Dict[str, Any] = {
    "id": "llama3.1-8b",
    "object": "model",
    "created": 0,
    "owned_by": "Meta",
    "context_length": 8192,
    "pricing": {"input": 0.1, "output": 0.1},
    "capabilities": {"streaming": True, "function_calling": True},
}
METADATA: Dict[str, Any] = {"id": "llama3.1-8b", "object": "model", "created": 0, "owned_by": "Meta"}
PUBLIC_MODEL: Dict[str, Any] = {
    "id": "llama3.1-8b",
    "object": "model",
    "created": 1721692800,
    "owned_by": "Meta",
    "name": "Llama 3.1 8B",
    "description": "A small fast model.",
    "architecture": {"modality": "text", "tokenizer": "llama3", "instruct_type": "llama3"},
    "capabilities": {"streaming": True, "tools": True, "vision": False},
    "limits": {"max_completion_tokens": 8192, "max_context_length": 32768, "requests_per_minute": 30},
    "pricing": {"prompt": "0.0000001", "completion": "0.0000002"},
    "supported_parameters": {"temperature": True, "top_p": True, "logit_bias": False},
    "datacenter_locations": ["US"],
    "deprecated": False,
}


async def list_models(client: Cerebras | AsyncCerebras, **params: Any) -> Any:
    return await resolve(client.models.list(**params))


async def retrieve(client: Cerebras | AsyncCerebras, *args: Any, **params: Any) -> Any:
    return await resolve(client.models.retrieve(*args, **params))


# ------------------------------------------------------------------ list


async def test_list_sends_a_bare_get_and_parses_the_default_listing(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.get("/v1/models").respond(200, json=DEFAULT_LIST)

    result = await list_models(any_client)

    request = route.calls.last.request
    assert request.method == "GET"
    assert request.url == "http://127.0.0.1:4010/v1/models"
    assert request.url.query == b""
    assert request.content == b""
    assert "Content-Type" not in request.headers
    assert request.headers["Accept"] == "application/json"
    assert type(result) is ModelMetadataList
    assert [type(d) for d in result.data] == [ModelMetadataListData, ModelMetadataListData]
    assert [d.id for d in result.data] == ["llama3.1-8b", "gpt-oss-120b"]
    assert result.data[1].owned_by == "OpenAI"


async def test_list_openrouter_format(any_client: Cerebras | AsyncCerebras, router: respx.MockRouter) -> None:
    route = router.get("/v1/models").respond(200, json={"data": [OPENROUTER_MODEL]})

    result = await list_models(any_client, format="openrouter")

    assert route.calls.last.request.url.query == b"format=openrouter"
    assert type(result) is OpenRouterModelsResponse
    model = result.data[0]
    assert model.pricing.prompt == "0.0000001"
    assert model.openrouter.slug == "meta-llama/llama-3.1-8b-instruct"
    assert model.datacenters[0].country_code == "US"
    assert model.context_length == 8192


async def test_list_huggingface_format(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.get("/v1/models").respond(200, json={"object": "list", "data": [HUGGINGFACE_MODEL]})

    result = await list_models(any_client, format="huggingface")

    assert route.calls.last.request.url.query == b"format=huggingface"
    assert type(result) is HuggingFaceModelsResponse
    model = result.data[0]
    assert model.pricing is not None and model.pricing.input == 0.1
    assert model.capabilities is not None and model.capabilities.streaming is True


async def test_query_format_none_is_dropped_and_extra_query_wins(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.get("/v1/models").respond(200, json=DEFAULT_LIST)

    await list_models(any_client, format=None)
    assert route.calls.last.request.url.query == b""

    await list_models(any_client, format=omit)
    assert route.calls.last.request.url.query == b""

    await list_models(any_client, format="default", extra_query={"format": "huggingface", "page": 2})
    assert route.calls.last.request.url.query == b"format=huggingface&page=2"


async def test_header_params_extra_body_and_timeout_on_get(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.get("/v1/models").respond(200, json=DEFAULT_LIST)

    await list_models(
        any_client,
        cf_ray="ray",
        x_amz_cf_id="amz",
        extra_headers={"X-Extra": "1"},
        extra_body={"ignored": True},
        timeout=7,
    )

    request = route.calls.last.request
    assert request.headers["CF-RAY"] == "ray"
    assert request.headers["X-Amz-Cf-Id"] == "amz"
    assert request.headers["X-Extra"] == "1"
    assert request.content == b""  # GET: extra_body discarded
    assert "Content-Type" not in request.headers
    assert request.url.query == b""  # header params never go to the query
    assert request.headers["x-stainless-read-timeout"] == "7"


@pytest.mark.parametrize("method", ["list", "retrieve"])
async def test_models_methods_take_no_x_delay_time_or_unknown_params(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, method: str
) -> None:
    router.get(path__startswith="/v1/models").respond(200, json=METADATA)
    fn = getattr(any_client.models, method)
    args = ("m",) if method == "retrieve" else ()
    for bad in ({"x_delay_time": 1.0}, {"fromat": "default"}, {"model": "m"}):
        with pytest.raises(TypeError):
            await resolve(fn(*args, **bad))
    assert len(router.calls) == 0


async def test_list_refuses_positional_arguments(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    fn: Any = any_client.models.list
    with pytest.raises(TypeError):
        await resolve(fn("default"))
    assert len(router.calls) == 0


# ------------------------------------------------------------------ retrieve


async def test_retrieve_metadata(any_client: Cerebras | AsyncCerebras, router: respx.MockRouter) -> None:
    route = router.get("/v1/models/llama3.1-8b").respond(200, json=METADATA)

    result = await retrieve(any_client, "llama3.1-8b")

    assert route.calls.last.request.url == "http://127.0.0.1:4010/v1/models/llama3.1-8b"
    assert route.calls.last.request.method == "GET"
    assert type(result) is ModelMetadata
    assert (result.id, result.owned_by, result.created) == ("llama3.1-8b", "Meta", 0)


async def test_retrieve_rich_card_is_a_public_model(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.get("/v1/models/llama3.1-8b").respond(200, json=PUBLIC_MODEL)

    result = await retrieve(any_client, model_id="llama3.1-8b")

    assert type(result) is PublicModel
    assert result.architecture.modality == "text"
    assert result.limits.max_context_length == 32768
    assert result.pricing.completion == "0.0000002"
    assert result.capabilities.tools is True
    assert result.supported_parameters.logit_bias is False
    assert "quantization" not in result.model_fields_set


@pytest.mark.parametrize(
    ("fmt", "payload", "cls"),
    [("openrouter", OPENROUTER_MODEL, OpenRouterModel), ("huggingface", HUGGINGFACE_MODEL, HuggingFaceModel)],
)
async def test_retrieve_with_format(
    any_client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    fmt: str,
    payload: Dict[str, Any],
    cls: type,
) -> None:
    route = router.get(path__startswith="/v1/models/").respond(200, json=payload)

    result = await retrieve(any_client, "llama3.1-8b", format=fmt, cf_ray="r")

    request = route.calls.last.request
    assert request.url.path == "/v1/models/llama3.1-8b"
    assert request.url.query == f"format={fmt}".encode()
    assert request.headers["CF-RAY"] == "r"
    assert type(result) is cls


@pytest.mark.parametrize(
    ("model_id", "raw_path"),
    [
        ("org/model v2", b"/v1/models/org%2Fmodel%20v2"),
        ("a?b#c%d", b"/v1/models/a%3Fb%23c%25d"),
        ("keep-._~!$&'()*+,;=:@", b"/v1/models/keep-._~!$&'()*+,;=:@"),
        ("caf\u00e9", b"/v1/models/caf%C3%A9"),
        ("...", b"/v1/models/..."),
        ("%2e", b"/v1/models/%252e"),
    ],
)
async def test_retrieve_encodes_the_id_as_one_path_segment(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, model_id: str, raw_path: bytes
) -> None:
    router.get(path__startswith="/v1/models/").respond(200, json=METADATA)

    await retrieve(any_client, model_id)

    assert router.calls.last.request.url.raw_path == raw_path


async def test_retrieve_empty_id_is_a_value_error_before_any_request(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.get(path__startswith="/v1/models").respond(200, json=METADATA)
    with pytest.raises(ValueError, match=r"^Expected a non-empty value for `model_id` but received ''$"):
        await retrieve(any_client, "")
    with pytest.raises(ValueError):
        await resolve(any_client.models.with_raw_response.retrieve(""))
    assert len(router.calls) == 0


@pytest.mark.parametrize("model_id", [".", ".."])
async def test_retrieve_dot_segments_are_a_value_error_before_any_request(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, model_id: str
) -> None:
    router.get(path__startswith="/v1/models").respond(200, json=METADATA)
    expected = (
        f"Constructed path '/v1/models/{model_id}' contains dot-segment '{model_id}' which is not allowed"
    )
    with pytest.raises(ValueError) as info:
        await retrieve(any_client, model_id)
    assert str(info.value) == expected
    assert len(router.calls) == 0


@pytest.mark.parametrize("segment", ["%2e", "%2E%2e", ".%2E", "..", "."])
def test_checked_path_rejects_encoded_dot_segments(segment: str) -> None:
    with pytest.raises(ValueError, match="contains dot-segment"):
        checked_path(f"/v1/models/{segment}")
    assert checked_path("/v1/models/a.b") == "/v1/models/a.b"


# ------------------------------------------------------------------ parsing modes and wrappers


async def test_models_validation_strict_and_lenient(
    any_client: Cerebras | AsyncCerebras,
    any_strict_client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
) -> None:
    weird = {"object": "list", "data": "not-a-list", "extra_key": 1}
    router.get("/v1/models").respond(200, json=weird)

    lenient = await list_models(any_client)
    assert lenient.data == "not-a-list"
    assert lenient.model_extra == {"extra_key": 1}

    with pytest.raises(APIResponseValidationError) as info:
        await list_models(any_strict_client)
    assert info.value.body == weird
    assert isinstance(info.value.__cause__, pydantic.ValidationError)


async def test_models_non_json_content_type(
    any_client: Cerebras | AsyncCerebras,
    any_strict_client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
) -> None:
    router.get("/v1/models/x").respond(200, text="<html>", headers={"content-type": "text/html"})
    assert await retrieve(any_client, "x") == "<html>"
    with pytest.raises(APIResponseValidationError, match="received `text/html` instead"):
        await retrieve(any_strict_client, "x")


async def test_models_raw_and_streaming_wrappers(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str
) -> None:
    list_route = router.get("/v1/models").respond(200, json=DEFAULT_LIST)
    one_route = router.get("/v1/models/org%2Fm").respond(200, json=METADATA)

    raw = await resolve(any_client.with_raw_response.models.list(format="default"))
    assert raw.http_request.url.query == b"format=default"
    assert type(await resolve(raw.parse())) is ModelMetadataList

    raw = await resolve(any_client.models.with_raw_response.retrieve("org/m"))
    assert type(await resolve(raw.parse())) is ModelMetadata

    manager = any_client.with_streaming_response.models.retrieve("org/m")
    if flavor == "sync":
        with manager as response:  # type: ignore[union-attr]
            parsed = response.parse()
    else:
        async with manager as response:  # type: ignore[union-attr]
            parsed = await response.parse()
    assert type(parsed) is ModelMetadata
    assert list_route.calls.last.request.headers["X-Stainless-Raw-Response"] == "raw"
    assert [c.request.headers["X-Stainless-Raw-Response"] for c in one_route.calls] == ["raw", "stream"]
