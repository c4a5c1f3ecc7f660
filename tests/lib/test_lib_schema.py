"""to_strict_json_schema: pydantic schemas rewritten for strict mode."""

from __future__ import annotations

import enum
import json
from typing import Any, Dict, List, Literal, Optional, Union

import pytest
from pydantic import BaseModel, ConfigDict, Field

from cerebras.cloud.sdk.lib import to_strict_json_schema

Json = Dict[str, Any]


def walk(schema: Any) -> List[Json]:
    """Every schema node (dicts reachable through keywords, not through property names)."""
    found: List[Json] = []
    if isinstance(schema, dict):
        found.append(schema)
        for key, value in schema.items():
            if key == "properties":
                for sub in value.values():
                    found += walk(sub)
            elif isinstance(value, (dict, list)):
                found += walk(value)
    elif isinstance(schema, list):
        for item in schema:
            found += walk(item)
    return found


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Address(BaseModel):
    """A postal address."""

    street: str = Field(description="Street and number", min_length=3, max_length=80)
    postcode: Optional[str] = Field(default=None, pattern=r"^\d{4}$")


class Person(BaseModel):
    """Someone to contact."""

    name: str
    age: int = Field(ge=0, lt=150)
    score: float = Field(gt=0, le=1, multiple_of=0.5)
    nickname: Optional[str] = None
    tags: List[str] = Field(default_factory=list, min_length=1, max_length=5)
    favourite: Color
    also: Optional[Color] = None
    home: Address
    previous: List[Address]
    kind: Literal["friend", "colleague"]
    tier: Literal["gold"]
    contact: Union[int, str]
    retries: int = 3
    email: str = Field(json_schema_extra={"format": "email"})


def test_objects_are_closed_and_list_every_property_as_required() -> None:
    schema = to_strict_json_schema(Person)
    objects = [node for node in walk(schema) if node.get("type") == "object"]
    assert len(objects) == 3  # Person, home, previous[]
    for node in objects:
        assert node["additionalProperties"] is False
        assert node["required"] == list(node["properties"])
    assert schema["required"][:4] == ["name", "age", "score", "nickname"]
    assert "retries" in schema["required"]


def test_refs_are_inlined_and_defs_dropped() -> None:
    schema = to_strict_json_schema(Person)
    text = json.dumps(schema)
    assert "$ref" not in text and "$defs" not in text
    home = schema["properties"]["home"]
    assert home["type"] == "object"
    assert set(home["properties"]) == {"street", "postcode"}
    assert home["description"] == "A postal address."
    assert schema["properties"]["previous"]["items"]["properties"] == home["properties"]


def test_optional_fields_stay_nullable_through_any_of() -> None:
    properties = to_strict_json_schema(Person)["properties"]
    assert properties["nickname"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    also = properties["also"]["anyOf"]
    assert also[1] == {"type": "null"}
    assert also[0]["enum"] == ["red", "blue"]
    # A field with a non-None default is required but not made nullable.
    assert properties["retries"]["type"] == "integer"
    assert "anyOf" not in properties["retries"]


def test_enums_literals_and_unions() -> None:
    properties = to_strict_json_schema(Person)["properties"]
    assert properties["favourite"] == {"enum": ["red", "blue"], "type": "string"}
    assert properties["kind"]["enum"] == ["friend", "colleague"]
    assert properties["tier"] == {"enum": ["gold"], "type": "string"}  # const -> one-value enum
    assert properties["contact"] == {"anyOf": [{"type": "integer"}, {"type": "string"}]}


def test_constraints_move_into_descriptions() -> None:
    schema = to_strict_json_schema(Person)
    properties = schema["properties"]
    street = properties["home"]["properties"]["street"]
    assert street == {
        "description": "Street and number (minimum length: 3; maximum length: 80)",
        "type": "string",
    }
    assert properties["age"]["description"] == "minimum: 0; less than 150"
    assert properties["score"]["description"] == "greater than 0; maximum: 1; multiple of 0.5"
    assert properties["tags"]["description"] == "minimum number of items: 1; maximum number of items: 5"
    assert properties["retries"]["description"] == "default: 3"
    assert properties["email"]["description"] == "format: email"
    postcode = properties["home"]["properties"]["postcode"]["anyOf"][0]
    assert postcode["description"] == r"must match the regular expression ^\d{4}$"
    removed = {
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "default",
        "title",
    }
    for node in walk(schema):
        assert not removed & set(node), node


def test_property_names_that_look_like_keywords_are_kept() -> None:
    class Book(BaseModel):
        title: str
        format: str
        default: Optional[int] = None
        pattern: str = "x"

    schema = to_strict_json_schema(Book)
    assert list(schema["properties"]) == ["title", "format", "default", "pattern"]
    assert schema["properties"]["title"] == {"type": "string"}
    assert schema["required"] == ["title", "format", "default", "pattern"]


def test_discriminated_unions_become_any_of() -> None:
    class Cat(BaseModel):
        pet: Literal["cat"]
        lives: int

    class Dog(BaseModel):
        pet: Literal["dog"]
        good: bool

    class Owner(BaseModel):
        animal: Union[Cat, Dog] = Field(discriminator="pet")

    animal = to_strict_json_schema(Owner)["properties"]["animal"]
    assert set(animal) == {"anyOf"}
    assert [branch["properties"]["pet"]["enum"] for branch in animal["anyOf"]] == [["cat"], ["dog"]]
    assert all(branch["additionalProperties"] is False for branch in animal["anyOf"])


def test_models_allowing_extra_keys_are_still_closed() -> None:
    class Loose(BaseModel):
        model_config = ConfigDict(extra="allow")
        a: int

    assert to_strict_json_schema(Loose)["additionalProperties"] is False


def test_empty_model_is_an_empty_closed_object() -> None:
    class Nothing(BaseModel):
        pass

    assert to_strict_json_schema(Nothing) == {
        "properties": {},
        "type": "object",
        "required": [],
        "additionalProperties": False,
    }


class Node(BaseModel):
    value: int
    children: List[Node]


class Ping(BaseModel):
    pong: Optional[Pong] = None


class Pong(BaseModel):
    pings: List[Ping]


Ping.model_rebuild()


def test_recursive_models_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"Node is recursive \(Node -> Node\)"):
        to_strict_json_schema(Node)
    with pytest.raises(ValueError, match=r"Ping is recursive \(Ping -> Pong -> Ping\)"):
        to_strict_json_schema(Ping)


def test_a_model_used_twice_is_not_mistaken_for_recursion() -> None:
    class Pair(BaseModel):
        left: Address
        right: Address

    schema = to_strict_json_schema(Pair)
    assert schema["properties"]["left"] == schema["properties"]["right"]


def test_free_form_mappings_are_refused() -> None:
    class Counts(BaseModel):
        per_word: Dict[str, int]

    class Anything(BaseModel):
        data: dict  # type: ignore[type-arg]

    with pytest.raises(ValueError, match=r"Counts\.per_word is a free-form mapping"):
        to_strict_json_schema(Counts)
    with pytest.raises(ValueError, match=r"Anything\.data is a free-form mapping"):
        to_strict_json_schema(Anything)


def test_only_model_classes_are_accepted() -> None:
    with pytest.raises(TypeError, match="pydantic model class"):
        to_strict_json_schema(dict)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="pydantic model class"):
        to_strict_json_schema(Address(street="Main"))  # type: ignore[arg-type]


def test_each_call_returns_an_independent_copy() -> None:
    first = to_strict_json_schema(Address)
    first["properties"]["street"]["type"] = "changed"
    assert to_strict_json_schema(Address)["properties"]["street"]["type"] == "string"
