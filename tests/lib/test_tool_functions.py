"""Tools from Python functions: the strict schema from type hints and docstrings, the refusals at
definition time, and how a call's JSON arguments reach the function."""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import threading
from typing import Any, Dict, List, Optional

import pydantic
import pytest
from typing_extensions import Annotated, Literal, TypedDict

from cerebras.cloud.sdk.lib import (
    FunctionTool,
    ToolArgumentsError,
    function_tool,
    pydantic_function_tool,
    tool_output_text,
)


class Unit(enum.Enum):
    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


class Place(pydantic.BaseModel):
    """A point on the map."""

    lat: float
    lon: float


class Filters(TypedDict):
    tags: List[str]
    exact: bool


class Node(pydantic.BaseModel):
    children: List[Node]


@dataclasses.dataclass
class Window:
    start: int
    end: int


def _params(tool: FunctionTool[..., Any]) -> Dict[str, Any]:
    return tool.definition["function"]["parameters"]  # type: ignore[return-value]


def _nullable(schema: Dict[str, Any]) -> Dict[str, Any]:
    """The non-null branch of a nullable property."""
    branches = schema["anyOf"]
    assert {"type": "null"} in branches and len(branches) == 2
    return next(b for b in branches if b != {"type": "null"})


# --------------------------------------------------------------------------- schemas


def test_scalars_with_google_docstring() -> None:
    @function_tool
    def get_weather(city: str, days: int, ratio: float, metric: bool) -> str:
        """Current weather of a city.

        Looks it up in the weather service.

        Args:
            city: City name, e.g. Paris.
            days (int): How many days,
                counting today.
            ratio: Unused.

        Returns:
            A sentence.
        """
        return city

    definition = get_weather.definition
    assert definition["type"] == "function"
    function = definition["function"]
    assert function["name"] == "get_weather"
    assert function.get("description") == "Current weather of a city.\n\nLooks it up in the weather service."
    assert function.get("strict") is True
    assert function.get("parameters") == {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "City name, e.g. Paris."},
            "days": {"type": "integer", "description": "How many days, counting today."},
            "ratio": {"type": "number", "description": "Unused."},
            "metric": {"type": "boolean"},
        },
        "required": ["city", "days", "ratio", "metric"],
        "additionalProperties": False,
    }


def test_optional_literal_enum_list_typeddict_model_dataclass() -> None:
    def search(
        query: Optional[str],
        sort: Literal["relevance", "date"],
        unit: Unit,
        tags: List[str],
        filters: Filters,
        near: Place,
        window: Window,
    ) -> None:
        """Search things."""

    props = _params(function_tool(search))["properties"]
    assert _nullable(props["query"]) == {"type": "string"}
    assert props["sort"] == {"type": "string", "enum": ["relevance", "date"]}
    assert props["unit"] == {"type": "string", "enum": ["celsius", "fahrenheit"]}
    assert props["tags"] == {"type": "array", "items": {"type": "string"}}
    for name, fields in (
        ("filters", ["tags", "exact"]),
        ("near", ["lat", "lon"]),
        ("window", ["start", "end"]),
    ):
        assert props[name]["type"] == "object", name
        assert props[name]["required"] == fields, name
        assert props[name]["additionalProperties"] is False, name
    assert props["near"]["description"] == "A point on the map."
    assert _params(function_tool(search))["required"] == list(props)


def test_a_default_makes_the_parameter_nullable_and_null_means_the_default() -> None:
    seen: List[Any] = []

    @function_tool
    def forecast(city: str, unit: Unit = Unit.CELSIUS, days: int = 3, note: Optional[str] = None) -> str:
        """Forecast.

        Args:
            unit: Temperature unit.
        """
        seen.append((city, unit, days, note))
        return "ok"

    params = _params(forecast)
    assert params["required"] == ["city", "unit", "days", "note"]
    assert _nullable(params["properties"]["unit"])["enum"] == ["celsius", "fahrenheit"]
    assert params["properties"]["unit"]["description"] == 'Temperature unit (null for the default, "celsius")'
    assert params["properties"]["days"]["description"] == "Null for the default, 3"
    assert _nullable(params["properties"]["note"]) == {"type": "string"}

    forecast.call('{"city": "Oslo", "unit": null, "days": null, "note": null}')
    forecast.call('{"city": "Oslo", "unit": "fahrenheit", "days": 5, "note": "n"}')
    assert seen == [("Oslo", Unit.CELSIUS, 3, None), ("Oslo", Unit.FAHRENHEIT, 5, "n")]


def test_numpy_and_sphinx_docstrings() -> None:
    def numpy_style(x: int, y: int, label: str) -> None:
        """Plot a point.

        Parameters
        ----------
        x, y : int
            Coordinates.
        label : str
            What to write
            next to it.

        Returns
        -------
        None
        """

    def sphinx_style(city: str, unit: str) -> None:
        """Weather.

        :param str city: The city.
        :param unit: The unit,
            celsius or fahrenheit.
        :returns: nothing
        """

    numpy_props = _params(function_tool(numpy_style))["properties"]
    assert [numpy_props[k]["description"] for k in ("x", "y", "label")] == [
        "Coordinates.",
        "Coordinates.",
        "What to write next to it.",
    ]
    assert function_tool(numpy_style).description == "Plot a point."
    sphinx = function_tool(sphinx_style)
    assert sphinx.description == "Weather."
    assert _params(sphinx)["properties"]["unit"]["description"] == "The unit, celsius or fahrenheit."


def test_options_and_no_docstring() -> None:
    @function_tool(name="lookup-v2", description="Find it.")
    def lookup(key: str) -> str:
        return key

    def bare(key: str) -> str:
        return key

    assert lookup.name == "lookup-v2"
    assert lookup.definition["function"].get("description") == "Find it."
    assert "description" not in function_tool(bare).definition["function"]
    assert lookup("k") == "k"  # still the function


def test_non_strict_keeps_defaults_optional_and_allows_mappings() -> None:
    @function_tool(strict=False)
    def tag(labels: Dict[str, str], limit: int = 10) -> None:
        """Tag."""

    definition = tag.definition["function"]
    assert "strict" not in definition
    params = definition.get("parameters")
    assert params is not None
    assert params["required"] == ["labels"]
    assert params["properties"]["limit"] == {"type": "integer", "default": 10}
    assert "title" not in str(params)


def test_from_model_matches_pydantic_function_tool() -> None:
    class GetWeather(pydantic.BaseModel):
        """Current weather of a city."""

        city: str
        unit: Literal["c", "f"] = "c"

    received: List[GetWeather] = []
    tool = FunctionTool.from_model(GetWeather, lambda args: received.append(args))
    assert tool.definition == pydantic_function_tool(GetWeather)
    tool.call('{"city": "Oslo", "unit": "f"}')
    assert received == [GetWeather(city="Oslo", unit="f")]


# --------------------------------------------------------------------------- refusals


def _refusal(function: Any, **options: Any) -> str:
    with pytest.raises(TypeError) as caught:
        function_tool(function, **options)
    return str(caught.value)


def test_star_args_and_kwargs_are_refused() -> None:
    def varargs(city: str, *more: str) -> None: ...
    def varkw(city: str, **extra: Any) -> None: ...

    assert "varargs()" in _refusal(varargs) and "*more" in _refusal(varargs)
    assert "varkw()" in _refusal(varkw) and "**extra" in _refusal(varkw)


def test_missing_type_hints_are_refused() -> None:
    def untyped(city, days: int) -> None:  # type: ignore[no-untyped-def]  # pyright: ignore[reportMissingParameterType]
        ...

    class Service:
        def method(self, city: str) -> str:
            return city

    message = _refusal(untyped)
    assert "untyped()" in message and "'city'" in message and "type hint" in message
    assert "bound method" in _refusal(Service.method)
    assert function_tool(Service().method).name == "method"  # the bound method works


def test_types_strict_schemas_cannot_express_are_refused() -> None:
    def free_form(labels: Dict[str, str]) -> None: ...
    def anything(value: Any) -> None: ...
    def nested_any(rows: List[object]) -> None: ...

    def tree(root: Node) -> None: ...

    assert "free_form()" in _refusal(free_form) and "free-form" in _refusal(free_form)
    assert "'value'" in _refusal(anything) and "strict=False" in _refusal(anything)
    assert "'rows'" in _refusal(nested_any)
    assert "recursive" in _refusal(tree)

    def socket_param(lock: threading.Lock) -> None: ...

    message = _refusal(socket_param)
    assert "'lock'" in message and "pydantic cannot" in message

    class Local(pydantic.BaseModel):
        x: int

    def unresolvable(value: Local) -> None: ...  # a string annotation naming a local class

    assert "cannot be resolved" in _refusal(unresolvable)


def test_bad_names_and_models_are_refused() -> None:
    assert "name=" in _refusal(lambda: None)
    assert "from_model" in _refusal(Place)
    with pytest.raises(TypeError, match="from_model"):
        FunctionTool.from_model(dict, print)  # type: ignore[arg-type, type-var]  # pyright: ignore[reportArgumentType]


# --------------------------------------------------------------------------- calls


def test_arguments_that_do_not_fit_raise_a_message_for_the_model() -> None:
    @function_tool
    def add(a: int, b: int) -> int:
        """Add."""
        return a + b

    assert add.call('{"a": 1, "b": 2}') == "3"
    assert add.call('{"a": "4", "b": 2}') == "6"  # lax, as pydantic validates
    cases = {
        '{"a": 1,': "not valid JSON",
        "[1, 2]": "must be a JSON object",
        '{"a": 1}': "b: Field required",
        '{"a": 1, "b": "x"}': "b: Input should be a valid integer",
        '{"a": 1, "b": 2, "c": 3}': "c: Extra inputs are not permitted",
    }
    for arguments, expected in cases.items():
        with pytest.raises(ToolArgumentsError) as caught:
            add.call(arguments)
        assert expected in str(caught.value), arguments
        assert "add" in str(caught.value)


def test_empty_arguments_and_positional_only_parameters() -> None:
    @function_tool
    def ping() -> str:
        return "pong"

    def scale(value: float, /, factor: float = 2.0) -> float:
        return value * factor

    assert ping.call("") == "pong"
    assert _params(ping) == {
        "type": "object",
        "properties": {},
        "required": [],
        "additionalProperties": False,
    }
    assert function_tool(scale).call('{"value": 2, "factor": null}') == "4.0"


def test_async_functions_run_from_sync_and_async_code() -> None:
    @function_tool
    async def slow_echo(text: str) -> str:
        """Echo."""
        await asyncio.sleep(0)
        return text

    threads: List[str] = []

    @function_tool
    def where(text: str) -> str:
        threads.append(threading.current_thread().name)
        return text

    assert slow_echo.is_async and not where.is_async
    assert slow_echo.call('{"text": "a"}') == "a"

    async def main() -> None:
        assert slow_echo.call('{"text": "b"}') == "b"  # inside a running loop: a helper thread
        assert await slow_echo.acall('{"text": "c"}') == "c"
        assert await where.acall('{"text": "d"}') == "d"

    asyncio.run(main())
    assert threads and threads[0] != threading.current_thread().name  # a worker thread


def test_return_values_become_text() -> None:
    assert tool_output_text("plain") == "plain"
    assert tool_output_text({"a": [1, 2]}) == '{"a":[1,2]}'
    assert tool_output_text(Place(lat=1, lon=2)) == '{"lat":1.0,"lon":2.0}'
    assert tool_output_text(Window(1, 2)) == '{"start":1,"end":2}'
    assert tool_output_text(None) == "null"
    assert tool_output_text(Unit.CELSIUS) == '"celsius"'


def test_annotated_descriptions_are_kept() -> None:
    def pick(count: Annotated[int, pydantic.Field(description="How many.", ge=1)]) -> None: ...

    prop = _params(function_tool(pick))["properties"]["count"]
    assert prop == {"type": "integer", "description": "How many. (minimum: 1)"}
    with pytest.raises(ToolArgumentsError, match="greater than or equal to 1"):
        function_tool(pick).call('{"count": 0}')
