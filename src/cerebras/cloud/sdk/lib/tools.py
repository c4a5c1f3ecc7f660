"""Function tools described by pydantic models."""

from __future__ import annotations

import inspect
from typing import Any, Dict, Optional, Type, cast

import pydantic

from ..types.chat.completion_create_params import Tool
from ._schema import strict_schema_name, to_strict_json_schema

__all__ = ["PydanticFunctionTool", "pydantic_function_tool"]


class PydanticFunctionTool(Dict[str, Any]):
    """A tool definition (a plain `dict`, sent as is) that remembers the model it was made from.

    `parse()` uses `model` to turn the arguments of calls to this tool into model instances
    (`tool_call.function.parsed_arguments`). Copying it into a new plain dict loses that link.
    """

    model: Type[pydantic.BaseModel]

    def __init__(self, definition: Dict[str, Any], model: Type[pydantic.BaseModel]) -> None:
        super().__init__(definition)
        self.model = model

    @property
    def name(self) -> str:
        """The function name the model will call."""
        return cast(str, self["function"]["name"])


def pydantic_function_tool(
    model: Type[pydantic.BaseModel],
    *,
    name: Optional[str] = None,
    description: Optional[str] = None,
) -> Tool:
    """A strict function tool whose parameters are the fields of `model`.

    ```py
    class GetWeather(BaseModel):
        \"\"\"Current weather of a city.\"\"\"

        city: str


    tools = [pydantic_function_tool(GetWeather)]
    ```

    gives `{"type": "function", "function": {"name": "GetWeather", "description": "Current
    weather of a city.", "parameters": <strict schema>, "strict": True}}`. The name defaults to
    the class name and the description to the class docstring (omitted when there is none). The
    parameters are `to_strict_json_schema(model)`. The returned dict is a `PydanticFunctionTool`,
    so `parse()` can validate the arguments of its calls.
    """
    if description is None:
        doc = model.__dict__.get("__doc__")  # only the class's own docstring, never an inherited one
        description = inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None
    function: Dict[str, Any] = {"name": strict_schema_name(model, name)}
    if description is not None:
        function["description"] = description
    parameters = to_strict_json_schema(model)
    if description is not None and parameters.get("description") == description:
        del parameters["description"]  # already said once, as the function's description
    function["parameters"] = parameters
    function["strict"] = True
    return cast(Tool, PydanticFunctionTool({"type": "function", "function": function}, model))
