"""Testing your code: pytest tests that use the `cerebras_mock` fixture, a local mock of the API that
the package registers with pytest when it is installed. Each test gets its own server; it answers
deterministically, records what it received, and can be told to fail.

Run it with pytest (`pytest examples/testing_your_code.py`) or as a script, which runs pytest on
this file. Needs pytest; these tests never use the real API, whatever CEREBRAS_API_KEY says.
"""

import subprocess
import sys

from _env import skip

import cerebras.cloud.sdk as cerebras
from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse

try:
    import pytest
except ImportError:  # run as a script without pytest: nothing to show
    skip("pytest is not installed (pip install pytest)")


def summarise(client: Cerebras, text: str) -> str:
    """The code under test: what your application does with the SDK."""
    completion = client.chat.completions.create(
        model="llama3.1-8b", messages=[{"role": "user", "content": f"Summarise: {text}"}]
    )
    assert isinstance(completion, ChatCompletionResponse)  # narrows the typed union, see chat.py
    return completion.choices[0].message.content or ""


def client_for(server: MockCerebrasServer) -> Cerebras:
    """A client that talks to the mock server (no warm-up request, so only your calls are recorded)."""
    return Cerebras(base_url=server.base_url, api_key="test-key", warm_tcp_connection=False)


def test_the_reply_comes_back(cerebras_mock: MockCerebrasServer) -> None:
    cerebras_mock.add_reply("Short and sweet.")  # the next answer, word for word

    with client_for(cerebras_mock) as client:
        assert summarise(client, "a long text") == "Short and sweet."
    assert cerebras_mock.last_request.json["messages"][0]["content"] == "Summarise: a long text"


def test_a_rate_limit_is_retried(cerebras_mock: MockCerebrasServer) -> None:
    cerebras_mock.add_error(429, headers={"retry-after-ms": "10"})  # the next request gets a 429

    # Unscripted, the mock echoes the last user message.
    with client_for(cerebras_mock) as client:
        assert summarise(client, "hi") == "You said: Summarise: hi"
    assert len(cerebras_mock.requests_to("chat")) == 2  # the 429, then the retry
    cerebras_mock.assert_all_used()


def test_an_outage_reaches_the_caller(cerebras_mock: MockCerebrasServer) -> None:
    cerebras_mock.add_error(503, times=None)  # every request fails

    with client_for(cerebras_mock) as client, pytest.raises(cerebras.InternalServerError):
        summarise(client.with_options(max_retries=1), "hi")
    assert len(cerebras_mock.requests) == 2  # the first attempt and one retry


if __name__ == "__main__":
    print(
        "Running this file's tests with pytest; each gets its own mock server (never the real API)",
        flush=True,
    )
    # The same as `python -m pytest examples/testing_your_code.py`, in a fresh process so that pytest
    # loads the package (and its plugin) itself.
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", __file__]
    sys.exit(subprocess.run(command).returncode)
