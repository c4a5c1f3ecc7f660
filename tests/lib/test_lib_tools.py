"""pydantic_function_tool: strict function tools from pydantic models."""

from __future__ import annotations

import copy
import json
from typing import Generic, List, Optional, TypeVar

from pydantic import BaseModel, Field

import cerebras.cloud.sdk as sdk
from cerebras.cloud.sdk.lib import PydanticFunctionTool, to_strict_json_schema
from cerebras.cloud.sdk.lib.tools import pydantic_function_tool


class GetWeather(BaseModel):
    """Look up the weather.

    Returns today's forecast.
    """

    city: str = Field(description="City name")
    days: Optional[int] = None


class NoDocs(BaseModel):
    query: str


def test_tool_shape_name_description_and_strict_parameters() -> None:
    tool = pydantic_function_tool(GetWeather)
    assert tool == {
        "type": "function",
        "function": {
            "name": "GetWeather",
            "description": "Look up the weather.\n\nReturns today's forecast.",
            "parameters": {
                "properties": {
                    "city": {"description": "City name", "type": "string"},
                    "days": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                },
                "required": ["city", "days"],
                "type": "object",
                "additionalProperties": False,
            },
            "strict": True,
        },
    }
    # The root description is not repeated inside the parameters.
    assert (
        to_strict_json_schema(GetWeather)["description"]
        == "Look up the weather.\n\nReturns today's forecast."
    )


def test_name_and_description_can_be_given() -> None:
    tool = pydantic_function_tool(GetWeather, name="weather", description="Forecast for a city")
    assert tool["function"]["name"] == "weather"
    assert tool["function"].get("description") == "Forecast for a city"
    assert (
        tool["function"].get("parameters", {})["description"]
        == "Look up the weather.\n\nReturns today's forecast."
    )


def test_no_docstring_means_no_description_even_if_a_base_has_one() -> None:
    class Base(BaseModel):
        """Base docs."""

    class Child(Base):
        x: int

    assert "description" not in pydantic_function_tool(NoDocs)["function"]
    assert "description" not in pydantic_function_tool(Child)["function"]


def test_generic_model_names_are_made_valid() -> None:
    T = TypeVar("T")

    class Page(BaseModel, Generic[T]):
        items: List[T]

    assert pydantic_function_tool(Page[int])["function"]["name"] == "Page_int_"


def test_the_tool_is_a_plain_json_dict_that_remembers_its_model() -> None:
    tool = pydantic_function_tool(GetWeather)
    assert isinstance(tool, dict)
    assert isinstance(tool, PydanticFunctionTool)
    assert tool.model is GetWeather
    assert tool.name == "GetWeather"
    assert json.loads(json.dumps(tool)) == dict(tool)
    copied = copy.deepcopy(tool)
    assert isinstance(copied, PydanticFunctionTool) and copied.model is GetWeather


def test_package_root_reexports_the_function() -> None:
    assert sdk.pydantic_function_tool(NoDocs)["function"]["name"] == "NoDocs"
    assert "pydantic_function_tool" in dir(sdk)
