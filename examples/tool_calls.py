"""Tool calls: the model asks for a function call, your code runs it, and the result goes back to
the model, which then writes its answer."""

import json
from typing import Any, Dict, List

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse
from cerebras.cloud.sdk.types.chat.completion_create_params import Message, Tool


def get_weather(city: str, unit: str = "celsius") -> Dict[str, Any]:
    """The function the model may call (a stand-in for a real weather service)."""
    return {"city": city, "temperature": 18 if unit == "celsius" else 64, "unit": unit, "sky": "sunny"}


TOOLS: List[Tool] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather in a city.",
            "strict": True,
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "City name, e.g. Paris"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city", "unit"],
                "additionalProperties": False,
            },
        },
    }
]


def main() -> None:
    setup()
    messages: List[Message] = [{"role": "user", "content": "What's the weather like in Paris?"}]

    with Cerebras() as client:
        # 1. Offer the tool; tool_choice="required" makes the model call one (the default, "auto",
        #    lets it choose between calling a tool and answering directly).
        completion = client.chat.completions.create(
            model=MODEL, messages=messages, tools=TOOLS, tool_choice="required"
        )
        assert isinstance(completion, ChatCompletionResponse)  # narrows the typed union, see chat.py
        reply = completion.choices[0].message

        # 2. Keep the assistant's message in the conversation as is: it records the calls it made.
        #    (The SDK sends the response object as it came; its type is not in the `Message` union.)
        messages.append(reply)  # pyright: ignore[reportArgumentType]

        # 3. Run every requested call and answer each with a "tool" message carrying its id.
        #    (`id` and `arguments` are typed Optional, but the API always sends them with a call.)
        for call in reply.tool_calls or []:
            arguments = json.loads(call.function.arguments or "{}")
            print(f"The model calls {call.function.name}({arguments})")
            result = get_weather(**arguments)
            messages.append({"role": "tool", "tool_call_id": call.id or "", "content": json.dumps(result)})

        # 4. Ask again with the results in the conversation; now the model answers in words.
        final = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
        assert isinstance(final, ChatCompletionResponse)
        print("Answer:", final.choices[0].message.content)


if __name__ == "__main__":
    main()
