"""The SDK `BaseModel` and the lenient / strict builders in `cerebras.cloud.sdk._models`."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import warnings
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Union

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import Field
from typing_extensions import Literal

from cerebras.cloud.sdk._models import BaseModel, construct_type, validate_type
from cerebras.cloud.sdk.types import Completion, ModelListResponse, ModelRetrieveResponse
from cerebras.cloud.sdk.types.chat import ChatCompletion
from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse


class Inner(BaseModel):
    """Nested test model."""

    name: str
    score: Optional[float] = None


class Outer(BaseModel):
    """Test model covering the common field shapes."""

    id: str
    count: int
    inner: Inner
    items: Optional[List[Inner]] = None
    by_key: Optional[Dict[str, Inner]] = None
    kind: Optional[Literal["a", "b"]] = None
    note: Optional[str] = None
    tags: List[str] = Field(default_factory=list)


class Aliased(BaseModel):
    """Model whose field has a different name on the wire."""

    ray: Optional[str] = Field(default=None, alias="CF-RAY")
    when: Optional[datetime] = None


FULL: Dict[str, Any] = {
    "id": "x",
    "count": 3,
    "inner": {"name": "n", "score": 1.5},
    "items": [{"name": "i"}],
    "kind": "a",
}


# ------------------------------------------------------------------------------ to_dict / to_json


def test_to_dict_defaults_reproduce_the_sent_keys_in_field_order_with_extras_last() -> None:
    sent = {"zzz": {"raw": [1, 2]}, "note": None, "count": 2, "inner": {"name": "n"}, "id": "a"}
    model = construct_type(type_=Outer, value=dict(sent))
    assert isinstance(model, Outer)
    out = model.to_dict()
    assert out == sent
    assert list(out) == ["id", "count", "inner", "note", "zzz"]
    assert out["note"] is None  # explicit null kept


def test_to_dict_options() -> None:
    model = Outer.model_validate({"id": "a", "count": 1, "inner": {"name": "n"}, "note": None})
    assert model.to_dict(exclude_unset=False) == {
        "id": "a",
        "count": 1,
        "inner": {"name": "n", "score": None},
        "items": None,
        "by_key": None,
        "kind": None,
        "note": None,
        "tags": [],
    }
    assert model.to_dict(exclude_none=True) == {"id": "a", "count": 1, "inner": {"name": "n"}}
    assert model.to_dict(exclude_unset=False, exclude_defaults=True) == {
        "id": "a",
        "count": 1,
        "inner": {"name": "n"},
    }


def test_to_dict_api_names_and_json_mode() -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    model = Aliased.model_validate({"CF-RAY": "r1", "when": when})
    assert model.ray == "r1"
    assert model.to_dict() == {"CF-RAY": "r1", "when": when}
    assert model.to_dict(use_api_names=False) == {"ray": "r1", "when": when}
    assert model.to_dict(mode="json") == {"CF-RAY": "r1", "when": "2024-01-02T03:04:05Z"}
    # populate_by_name: the Python name is accepted too
    assert Aliased.model_validate({"ray": "r2"}).ray == "r2"


def test_to_json_indent_and_compact() -> None:
    model = construct_type(type_=Inner, value={"name": "n", "extra": True})
    assert isinstance(model, Inner)
    assert model.to_json() == '{\n  "name": "n",\n  "extra": true\n}'
    assert model.to_json(indent=None) == '{"name":"n","extra":true}'
    assert model.to_json(indent=None, exclude_unset=False) == '{"name":"n","score":null,"extra":true}'
    assert model.to_json(indent=None, use_api_names=False) == '{"name":"n","extra":true}'
    assert Aliased(**{"CF-RAY": "r"}).to_json(indent=None) == '{"CF-RAY":"r"}'


def test_serialising_wrong_types_warns_only_when_asked() -> None:
    model = construct_type(type_=Inner, value={"name": 5})
    assert isinstance(model, Inner)
    assert model.name == 5  # pyright: ignore[reportUnnecessaryComparison]
    with pytest.warns(UserWarning):
        model.to_dict()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model.to_dict(warnings=False) == {"name": 5}
        assert model.to_json(indent=None, warnings=False) == '{"name":5}'


# ------------------------------------------------------------------------------ str / repr / extras


def test_str_is_the_repr() -> None:
    model = Inner.model_validate({"name": "n", "other": 1})
    assert str(model) == repr(model) == "Inner(name='n', score=None, other=1)"
    assert f"{model}" == "Inner(name='n', score=None, other=1)"


def test_model_extra_and_attribute_access() -> None:
    model = construct_type(type_=Inner, value={"name": "n", "weird": {"deep": [1]}, "flag": False})
    assert isinstance(model, Inner)
    assert model.model_extra == {"weird": {"deep": [1]}, "flag": False}
    assert model.weird == {"deep": [1]}  # pyright: ignore[reportAttributeAccessIssue]
    assert type(model.weird) is dict  # pyright: ignore[reportAttributeAccessIssue]
    plain = Inner.model_validate({"name": "n"})
    assert plain.model_extra == {}


@pytest.mark.parametrize("build", ["validate", "construct"])
def test_fields_set_tells_null_from_missing(build: str) -> None:
    data = {"name": "n", "score": None}
    model = Inner.model_validate(data) if build == "validate" else construct_type(type_=Inner, value=data)
    assert isinstance(model, Inner)
    assert model.model_fields_set == {"name", "score"}
    assert model.score is None
    missing = Inner.model_validate({"name": "n"}) if build == "validate" else Inner.construct(name="n")
    assert missing.model_fields_set == {"name"}
    assert missing.to_dict() == {"name": "n"}
    assert model.to_dict() == {"name": "n", "score": None}


# ------------------------------------------------------------------------------ lenient construction


def test_lenient_missing_required_reads_none() -> None:
    model = construct_type(type_=Outer, value={"count": 1})
    assert isinstance(model, Outer)
    assert model.id is None  # pyright: ignore[reportUnnecessaryComparison]
    assert model.inner is None  # pyright: ignore[reportUnnecessaryComparison]
    assert model.count == 1
    assert model.tags == []  # default factory still applies
    assert model.model_fields_set == {"count"}


def test_lenient_coerces_field_by_field() -> None:
    model = construct_type(type_=Outer, value={"id": "x", "count": "1", "inner": {"name": "n", "score": 2}})
    assert isinstance(model, Outer)
    assert model.count == 1
    assert model.inner.score == 2.0
    assert type(model.inner.score) is float


def test_lenient_keeps_unparseable_values_raw() -> None:
    value = {"id": 5, "count": "many", "inner": "not an object", "kind": "zzz", "tags": "t"}
    model = construct_type(type_=Outer, value=value)
    assert isinstance(model, Outer)
    assert model.id == 5  # pyright: ignore[reportUnnecessaryComparison]
    assert model.count == "many"  # pyright: ignore[reportUnnecessaryComparison]
    assert model.inner == "not an object"  # pyright: ignore[reportUnnecessaryComparison]
    assert model.kind == "zzz"  # pyright: ignore[reportUnnecessaryComparison]
    assert model.tags == "t"  # pyright: ignore[reportUnnecessaryComparison]


def test_lenient_nested_dicts_become_models_even_when_invalid() -> None:
    value = {
        "id": "x",
        "count": "nope",
        "inner": {"score": "high", "more": 1},
        "items": [{"name": "ok"}, {"name": 3}, "junk"],
        "by_key": {"a": {"name": "A"}, "b": {"score": "?"}},
    }
    model = construct_type(type_=Outer, value=value)
    assert isinstance(model, Outer)
    assert type(model.inner) is Inner
    assert model.inner.name is None  # pyright: ignore[reportUnnecessaryComparison]
    assert model.inner.score == "high"  # pyright: ignore[reportUnnecessaryComparison]
    assert model.inner.model_extra == {"more": 1}
    assert model.items is not None
    assert [type(i) for i in model.items] == [Inner, Inner, str]
    assert model.items[1].name == 3  # pyright: ignore[reportUnnecessaryComparison]
    assert model.by_key is not None
    assert type(model.by_key["a"]) is Inner and type(model.by_key["b"]) is Inner
    assert model.by_key["b"].score == "?"  # pyright: ignore[reportUnnecessaryComparison]


def test_lenient_null_uses_default_but_counts_as_set() -> None:
    model = construct_type(type_=Outer, value={"id": None, "tags": None, "count": 1, "inner": {"name": "n"}})
    assert isinstance(model, Outer)
    assert model.id is None  # pyright: ignore[reportUnnecessaryComparison]
    assert model.tags == []
    assert {"id", "tags"} <= model.model_fields_set
    assert model.to_dict()["tags"] == []


def test_model_construct_and_construct_build_without_converting() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pydantic deprecation warning for construct()
        a = Outer.construct(id="x", count="2", inner={"name": "n"}, extra_key=[1])
    b = Outer.model_construct(id="x", count="2", inner={"name": "n"}, extra_key=[1])
    assert a == b
    assert a.count == "2"  # as the official package: construct() converts nothing
    assert type(a.inner) is Inner
    assert a.model_extra == {"extra_key": [1]}
    c = Outer.model_construct({"id"}, id="x")
    assert c.model_fields_set == {"id"}


def test_construct_keeps_strings_and_only_exact_floats() -> None:
    assert Outer.construct(id=19, count="19", inner={"name": 5}).count == "19"
    assert Outer.construct(id=19, count="19", inner={"name": 5}).id == 19
    assert Outer.construct(inner={"name": 5}).inner.name == 5
    big = 2**53 + 1
    exact = Inner.construct(name="n", score=big).score
    assert exact == big and type(exact) is int  # no float can hold it
    assert type(Inner.construct(name="n", score=3).score) is float
    listed = Outer.construct(items=[{"name": "a", "score": "1.5"}], by_key={"k": {"name": "b"}})
    assert listed.items is not None and type(listed.items[0]) is Inner
    assert listed.items[0].score == "1.5"
    assert listed.by_key is not None and type(listed.by_key["k"]) is Inner


def test_lenient_and_strict_agree_on_valid_data() -> None:
    lenient = construct_type(type_=Outer, value=json.loads(json.dumps(FULL)))
    strict = validate_type(type_=Outer, value=json.loads(json.dumps(FULL)))
    assert lenient == strict
    assert isinstance(lenient, Outer)
    assert lenient.model_fields_set == strict.model_fields_set  # type: ignore[attr-defined]


def test_construct_type_containers_and_optional() -> None:
    items = construct_type(type_=List[Inner], value=[{"name": "a"}, {"name": 1}, 7])
    assert isinstance(items, list)
    assert [type(i) for i in items] == [Inner, Inner, int]  # pyright: ignore[reportUnknownArgumentType, reportUnknownVariableType]
    mapping = construct_type(type_=Dict[str, Inner], value={"k": {"name": "a"}})
    assert mapping == {"k": Inner(name="a")}
    assert construct_type(type_=Optional[Inner], value=None) is None
    maybe = construct_type(type_=Optional[Inner], value={"name": 2})
    assert type(maybe) is Inner


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        (str, 5),
        (int, "1"),
        (float, 1),
        (dict, {"a": 1}),
        (list, [1]),
        (object, {"x": [1]}),
        (Dict[str, int], {"a": "b"}),
        (List[int], ["x"]),
        (Union[int, str], [1]),
    ],
)
def test_construct_type_passes_non_model_types_through(type_: Any, value: Any) -> None:
    assert construct_type(type_=type_, value=value) is value


def test_construct_type_non_dict_for_model_is_kept() -> None:
    assert construct_type(type_=Inner, value="text") == "text"
    assert construct_type(type_=Inner, value=[1]) == [1]


def test_union_member_picked_by_object_tag() -> None:
    class Alpha(BaseModel):
        """First member."""

        object: Literal["alpha"]
        n: int

    class Beta(BaseModel):
        """Second member."""

        object: Literal["beta"] = "beta"
        n: int

    result = construct_type(type_=Union[Alpha, Beta], value={"object": "beta", "n": "bad"})
    assert type(result) is Beta
    assert result.n == "bad"  # pyright: ignore[reportAttributeAccessIssue]
    fallback = construct_type(type_=Union[Alpha, Beta], value={"object": "gamma", "n": "bad"})
    assert type(fallback) is Alpha
    valid = construct_type(type_=Union[Alpha, Beta], value={"n": "3"})
    assert type(valid) is Beta  # only Beta validates (Alpha needs `object`), with lax coercion
    assert valid.n == 3  # pyright: ignore[reportAttributeAccessIssue]


def test_union_of_lists_fallback() -> None:
    result = construct_type(type_=Union[str, List[Inner]], value=[{"name": 1}])
    assert isinstance(result, list)
    assert type(result[0]) is Inner  # pyright: ignore[reportUnknownArgumentType]


# ------------------------------------------------------------------------------ strict validation


def test_validate_type_raises_on_mismatch() -> None:
    with pytest.raises(pydantic.ValidationError):
        validate_type(type_=Outer, value={"id": "x"})
    with pytest.raises(pydantic.ValidationError):
        validate_type(type_=ChatCompletion, value={"object": "chat.completion.chunk", "id": "x"})
    with pytest.raises(pydantic.ValidationError):
        validate_type(type_=int, value="not a number")


def test_validate_type_coerces_laxly_and_resolves_unions() -> None:
    assert validate_type(type_=int, value="1") == 1
    model = validate_type(type_=Outer, value={"id": "x", "count": "4", "inner": {"name": "n"}})
    assert isinstance(model, Outer)
    assert model.count == 4
    chunk = validate_type(
        type_=ChatCompletion,
        value={
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "system_fingerprint": "f",
        },
    )
    assert type(chunk) is ChatChunkResponse


# ------------------------------------------------------------------------------ property: never raises

UNION_TYPES = [ChatCompletion, Completion, ModelListResponse, ModelRetrieveResponse]
UNION_MEMBERS = {t: tuple(m for m in t.__args__) for t in UNION_TYPES}  # type: ignore[attr-defined]

interesting_keys = st.sampled_from(
    [
        "id",
        "object",
        "created",
        "model",
        "choices",
        "delta",
        "message",
        "content",
        "role",
        "finish_reason",
        "index",
        "usage",
        "time_info",
        "error",
        "status_code",
        "data",
        "pricing",
        "system_fingerprint",
        "tool_calls",
        "function",
        "logprobs",
        "top_logprobs",
        "architecture",
        "limits",
    ]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(
        ["chat.completion", "chat.completion.chunk", "text_completion", "list", "model", "stop"]
    )
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(interesting_keys | st.text(max_size=5), children, max_size=6)
    ),
    max_leaves=30,
)


@pytest.mark.slow  # over a second
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(type_=st.sampled_from(UNION_TYPES), value=json_values)
def test_construct_type_never_raises_for_json(type_: Any, value: Any) -> None:
    snapshot = json.dumps(value)
    result = construct_type(type_=type_, value=value)
    if isinstance(value, dict):
        assert isinstance(result, UNION_MEMBERS[type_])
        assert result.model_fields_set <= set(type(result).model_fields) | set(value)  # pyright: ignore[reportUnknownMemberType, reportAttributeAccessIssue]
        result.to_dict(warnings=False)  # pyright: ignore[reportAttributeAccessIssue]
        result.to_json(warnings=False)  # pyright: ignore[reportAttributeAccessIssue]
    else:
        assert result == value
    assert json.dumps(value) == snapshot  # the input is never mutated


@settings(max_examples=100, deadline=None)
@given(value=json_values)
def test_chunk_tag_always_wins(value: Any) -> None:
    payload = {
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {"content": "x"}, "extra": value}],
    }
    result = construct_type(type_=ChatCompletion, value=payload)
    assert type(result) is ChatChunkResponse
    assert result.choices is not None and result.choices[0].delta is not None
    assert result.choices[0].delta.content == "x"


# ------------------------------------------------------------------------------ threads


def test_first_use_from_many_threads_is_safe() -> None:
    script = textwrap.dedent(
        """
        import json, threading
        from cerebras.cloud.sdk._models import construct_type, validate_type
        from cerebras.cloud.sdk.types.chat import ChatCompletion
        from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse
        from cerebras.cloud.sdk.types import ModelRetrieveResponse

        good = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"f","choices":[{"index":0,"delta":{"content":"x"}}]}'
        odd = {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"y"},"finish_reason":"eos"}]}
        barrier = threading.Barrier(16)
        errors, results = [], []

        def work(i):
            try:
                barrier.wait()
                if i % 4 == 0:
                    r = ChatChunkResponse.model_validate_json(good).choices[0].delta.content
                elif i % 4 == 1:
                    r = construct_type(type_=ChatCompletion, value=json.loads(json.dumps(odd))).choices[0].delta.content
                elif i % 4 == 2:
                    r = validate_type(type_=ChatCompletion, value=json.loads(good)).choices[0].delta.content
                else:
                    r = type(construct_type(type_=ModelRetrieveResponse, value={"id": "a"})).__name__
                results.append((i % 4, r))
            except BaseException as exc:
                errors.append(repr(exc))

        threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(json.dumps({"errors": errors, "results": sorted(set(results))}))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    assert report["results"] == [[0, "x"], [1, "y"], [2, "x"], [3, "ModelMetadata"]]
