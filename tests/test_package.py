"""The public face of `cerebras.cloud.sdk`: exported names, sentinels, import side effects."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import httpx
import pytest

import cerebras.cloud.sdk as sdk
from cerebras.cloud.sdk.testing import MockCerebrasServer

EXPECTED_ALL = [
    "types",
    "__version__",
    "__title__",
    "NoneType",
    "Transport",
    "ProxiesTypes",
    "NotGiven",
    "NOT_GIVEN",
    "not_given",
    "Omit",
    "omit",
    "CerebrasError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "APIConnectionError",
    "APIResponseValidationError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "Timeout",
    "RequestOptions",
    "Client",
    "AsyncClient",
    "Stream",
    "AsyncStream",
    "Cerebras",
    "AsyncCerebras",
    "file_from_path",
    "BaseModel",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_CONNECTION_LIMITS",
    "DefaultHttpxClient",
    "DefaultAsyncHttpxClient",
    "DefaultAioHttpClient",
]


def run_python(code: str, *, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (same venv, no CEREBRAS_* variables unless given)."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("CEREBRAS_")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


# --------------------------------------------------------------------------- exported names


def test_all_is_exactly_the_41_names_in_order() -> None:
    assert sdk.__all__ == EXPECTED_ALL
    assert len(sdk.__all__) == 41


@pytest.mark.parametrize("name", EXPECTED_ALL)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(sdk, name) is not None


def test_star_import_gives_the_exported_names() -> None:
    namespace: dict[str, object] = {}
    exec("from cerebras.cloud.sdk import *", namespace)
    assert set(EXPECTED_ALL) <= set(namespace)


def test_aliases_point_at_the_right_objects() -> None:
    from cerebras.cloud.sdk import types as types_module

    assert sdk.Client is sdk.Cerebras
    assert sdk.AsyncClient is sdk.AsyncCerebras
    assert sdk.NoneType is type(None)
    assert sdk.Transport is httpx.BaseTransport
    assert sdk.Timeout is httpx.Timeout
    assert sdk.types is types_module
    assert types_module.__name__ == "cerebras.cloud.sdk.types"
    assert sdk.__title__ == "cerebras.cloud.sdk"


def test_version_matches_the_installed_distribution() -> None:
    from importlib.metadata import version

    assert isinstance(sdk.__version__, str)
    assert sdk.__version__ == version("cerebras_cloud_sdk")


def test_resources_and_raw_response_classes_are_reachable_but_not_exported() -> None:
    assert "resources" not in sdk.__all__
    assert sdk.resources.__name__ == "cerebras.cloud.sdk.resources"
    assert "APIResponse" not in sdk.__all__
    assert sdk.APIResponse.__name__ == "APIResponse"
    assert sdk.AsyncAPIResponse.__name__ == "AsyncAPIResponse"


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = sdk.no_such_name  # type: ignore[attr-defined]
    assert not hasattr(sdk, "StreamAlreadyConsumed")


def test_request_options_is_a_non_total_typed_dict_with_the_documented_keys() -> None:
    hints = typing.get_type_hints(sdk.RequestOptions)
    assert set(hints) == {
        "headers",
        "max_retries",
        "timeout",
        "params",
        "extra_json",
        "idempotency_key",
        "follow_redirects",
        "request_encoding",  # beyond the official keys: compressed bodies (platform.md section 4)
    }
    assert sdk.RequestOptions.__total__ is False


def test_file_from_path_returns_basename_and_bytes(tmp_path: Path) -> None:
    target = tmp_path / "upload.bin"
    target.write_bytes(b"\x00\x01payload")
    assert sdk.file_from_path(str(target)) == ("upload.bin", b"\x00\x01payload")


# --------------------------------------------------------------------------- sentinels


def test_not_given_instances_are_distinct_falsy_and_named() -> None:
    assert sdk.NOT_GIVEN is not sdk.not_given
    for sentinel in (sdk.NOT_GIVEN, sdk.not_given):
        assert isinstance(sentinel, sdk.NotGiven)
        assert not sentinel
        assert bool(sentinel) is False
        assert repr(sentinel) == "NOT_GIVEN"


def test_omit_is_falsy_and_not_a_not_given() -> None:
    assert isinstance(sdk.omit, sdk.Omit)
    assert bool(sdk.omit) is False
    assert not isinstance(sdk.omit, sdk.NotGiven)
    assert not isinstance(sdk.not_given, sdk.Omit)
    assert "omit" in repr(sdk.omit).lower()


# --------------------------------------------------------------------------- __module__ (decision 17)

OWN_CLASSES = [
    "NotGiven",
    "Omit",
    "CerebrasError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "APIConnectionError",
    "APIResponseValidationError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "Stream",
    "AsyncStream",
    "Cerebras",
    "AsyncCerebras",
    "BaseModel",
    "DefaultHttpxClient",
    "DefaultAsyncHttpxClient",
]


@pytest.mark.parametrize("name", OWN_CLASSES)
def test_our_exported_classes_report_the_package_as_module(name: str) -> None:
    assert getattr(sdk, name).__module__ == "cerebras.cloud.sdk"


def test_third_party_classes_keep_their_module() -> None:
    for name in EXPECTED_ALL:
        getattr(sdk, name)  # resolve every lazy export first
    assert httpx.Timeout.__module__ == "httpx"
    assert httpx.BaseTransport.__module__ == "httpx"
    assert sdk.Timeout.__module__ == "httpx"


def test_third_party_modules_untouched_in_a_fresh_interpreter() -> None:
    result = run_python(
        """
        import httpx
        before = (httpx.Timeout.__module__, httpx.BaseTransport.__module__, httpx.Client.__module__)
        import cerebras.cloud.sdk as sdk
        for name in sdk.__all__:
            getattr(sdk, name)
        after = (httpx.Timeout.__module__, httpx.BaseTransport.__module__, httpx.Client.__module__)
        print(before == after, sdk.Cerebras.__module__)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "cerebras.cloud.sdk"]


# --------------------------------------------------------------------------- package layout


def test_cerebras_is_a_namespace_package_and_cloud_a_regular_one() -> None:
    import cerebras
    import cerebras.cloud

    assert getattr(cerebras, "__file__", None) is None
    assert cerebras.__spec__ is not None
    assert cerebras.__spec__.origin in (None, "namespace")
    assert cerebras.cloud.__file__ is not None
    assert cerebras.cloud.__file__.endswith("__init__.py")


def test_py_typed_marker_ships_with_the_package() -> None:
    spec = importlib.util.find_spec("cerebras.cloud.sdk")
    assert spec is not None and spec.origin is not None
    assert (Path(spec.origin).parent / "py.typed").is_file()


def test_import_is_lazy_about_heavy_and_async_modules() -> None:
    result = run_python(
        """
        import json, sys
        import httpx  # httpx < 0.24 (through httpcore < 1.0) imports anyio itself: not ours to count
        before = set(sys.modules)
        import cerebras.cloud.sdk
        print(json.dumps(sorted(set(sys.modules) - before)))
        """
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    roots = {name.split(".")[0] for name in loaded}
    for forbidden in ("aiohttp", "httpx_aiohttp", "anyio", "asyncio", "trio"):
        assert forbidden not in roots, forbidden
    assert not [m for m in loaded if m.startswith("cerebras.cloud.sdk.types")]
    assert not [m for m in loaded if m.startswith("cerebras.cloud.sdk.resources")]
    assert "cerebras.cloud.sdk" in loaded


def test_constructing_a_client_does_not_import_types_or_async_stack() -> None:
    result = run_python(
        """
        import json, sys
        from cerebras.cloud.sdk import Cerebras
        Cerebras(api_key="k", base_url="http://127.0.0.1:9", warm_tcp_connection=False).close()
        print(json.dumps(sorted(sys.modules)))
        """
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert "aiohttp" not in loaded
    assert not [m for m in loaded if m.startswith("cerebras.cloud.sdk.types")]


# --------------------------------------------------------------------------- DefaultAioHttpClient


def test_aiohttp_client_missing_extra_raises_runtime_error_naming_it() -> None:
    result = run_python(
        """
        import sys
        sys.modules["httpx_aiohttp"] = None  # makes `import httpx_aiohttp` fail
        import cerebras.cloud.sdk as sdk
        assert "DefaultAioHttpClient" in sdk.__all__
        cls = sdk.DefaultAioHttpClient
        try:
            cls()
        except RuntimeError as exc:
            print("RuntimeError:", exc)
        else:
            print("no error")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("RuntimeError:")
    assert "`aiohttp` extra" in result.stdout


def test_aiohttp_client_has_sdk_defaults_when_installed() -> None:
    pytest.importorskip("httpx_aiohttp")
    import asyncio

    async def main() -> None:
        client = sdk.DefaultAioHttpClient()
        try:
            assert isinstance(client, httpx.AsyncClient)
            assert isinstance(client, sdk.DefaultAioHttpClient)
            assert type(client).__name__ == "DefaultAioHttpClient"
            assert client.timeout == sdk.DEFAULT_TIMEOUT
            assert client.follow_redirects is True
        finally:
            await client.aclose()

        custom = sdk.DefaultAioHttpClient(timeout=3.0, follow_redirects=False)
        try:
            assert custom.timeout == httpx.Timeout(3.0)
            assert custom.follow_redirects is False
        finally:
            await custom.aclose()

    asyncio.run(main())


def test_aiohttp_client_sends_requests_through_the_sdk(mock_server: MockCerebrasServer) -> None:
    pytest.importorskip("httpx_aiohttp")
    import asyncio

    mock_server.add_json({"ok": True}, route="/v1/ping")

    async def main() -> object:
        async with sdk.AsyncCerebras(
            api_key="k",
            base_url=mock_server.base_url,
            http_client=sdk.DefaultAioHttpClient(),
            warm_tcp_connection=False,
        ) as client:
            return await client.get("/v1/ping", cast_to=dict)

    assert asyncio.run(main()) == {"ok": True}
    received = mock_server.wait_for_requests(0, 0, include_warmup=True)  # every request, probes too
    assert [(r.method, r.path) for r in received] == [("GET", "/v1/ping")]


# --------------------------------------------------------------------------- version (README "Versioning")

# The official release whose surface this package reproduces: the public part of our version.
OFFICIAL_SURFACE = "1.91.0"

# Every requirement on `cerebras_cloud_sdk` found in the latest releases of the packages that integrate
# with it (wheel metadata, plus the dependency checks of the OpenTelemetry instrumentors), as
# (where it came from, specifier). agno and weave ask for the package without a version; opik 2.2.122,
# ag2 1.x, autogen-ext 0.7.5 and pyautogen 0.10.0 declare no requirement on it at all.
REAL_WORLD_SPECIFIERS = [
    ("agno 3.1.10, extra 'cerebras'", ""),
    ("weave 0.54.0, extra 'cerebras'", ""),
    ("instructor 1.17.0, extra 'cerebras-cloud-sdk'", "<2.0.0,>=1.5.0"),
    ("any-llm-sdk 1.40.2, extra 'cerebras'", ">=1.23.0"),
    ("ag2 0.14.0 and autogen 0.14.1, extra 'cerebras'", ">=1.0.0"),
    ("traceai-cerebras 0.1.0, Requires-Dist", ">=1.0.0"),
    ("traceai-cerebras 0.1.0, CerebrasInstrumentor _instruments", ">= 1.0.0"),
    ("langtrace-python-sdk 3.8.21, CerebrasInstrumentation.instrumentation_dependencies()", ">= 1.0.0"),
]


def _pins_on(release: str) -> list[str]:
    """Pins that code written against the official `release` may reasonably carry."""
    major, minor, _ = release.split(".")
    return [
        f"=={release}",
        f"~={major}.{minor}",
        f"~={release}",
        f"=={major}.{minor}.*",
        f"<={release}",
        f">={release}",
        f"<{int(major) + 1}",
    ]


def _installed_version() -> str:
    from importlib.metadata import version

    return version("cerebras_cloud_sdk")


def test_installed_metadata_version_is_the_package_version() -> None:
    assert _installed_version() == sdk.__version__


@pytest.mark.parametrize(
    ("source", "specifier"),
    REAL_WORLD_SPECIFIERS + [("a pin on the mirrored release", pin) for pin in _pins_on(OFFICIAL_SURFACE)],
)
def test_installed_version_satisfies_what_dependents_ask_for(source: str, specifier: str) -> None:
    from packaging.specifiers import SpecifierSet

    # prereleases=False: the strictest reading (pip check and the OpenTelemetry dependency check
    # are more lenient about pre-releases, but we are not one).
    assert SpecifierSet(specifier).contains(_installed_version(), prereleases=False), source


def test_version_names_the_official_surface_and_our_release() -> None:
    import re

    from packaging.version import Version

    parsed = Version(sdk.__version__)
    assert str(parsed) == sdk.__version__  # already in normal form
    assert parsed.public == OFFICIAL_SURFACE
    assert parsed.local is not None and re.fullmatch(r"rewrite\.[1-9][0-9]*", parsed.local)
    assert not parsed.is_prerelease and not parsed.is_devrelease
    # Sorts above the official build of the same surface, below any later official release.
    major, minor, micro = Version(OFFICIAL_SURFACE).release
    assert Version(OFFICIAL_SURFACE) < parsed < Version(f"{major}.{minor}.{micro + 1}")


def test_the_collected_specifiers_reject_the_old_0_1_0() -> None:
    from packaging.specifiers import SpecifierSet

    rejecting = [source for source, spec in REAL_WORLD_SPECIFIERS if not SpecifierSet(spec).contains("0.1.0")]
    assert len(rejecting) == 6, rejecting
