"""The telemetry headers the API receives, computed once per process."""

from __future__ import annotations

import platform
import sys
import threading
from typing import Dict, Optional

from ._version import __version__

_lock = threading.Lock()
_cached: Optional[Dict[str, str]] = None


def _os_name() -> str:
    if sys.platform == "ios":
        return "iOS"
    if sys.platform == "android" or hasattr(sys, "getandroidapilevel"):
        return "Android"
    if sys.platform == "darwin":
        return "MacOS"
    if sys.platform in ("win32", "cygwin"):
        return "Windows"
    if sys.platform.startswith("freebsd"):
        return "FreeBSD"
    if sys.platform.startswith("openbsd"):
        return "OpenBSD"
    if sys.platform.startswith("linux"):
        return "Linux"
    try:
        name = platform.platform()
    except Exception:
        return "Unknown"
    return f"Other:{name.lower()}" if name else "Unknown"


def _arch_name() -> str:
    try:
        machine = platform.machine().lower()
    except Exception:
        return "unknown"
    if machine in ("arm64", "aarch64"):
        return "arm64"
    if machine.startswith("arm"):
        return "arm"
    if machine in ("x86_64", "amd64"):
        return "x64"
    if machine in ("i386", "i686", "x86"):
        return "x32"
    return f"other:{machine}" if machine else "unknown"


def _safe(fn: type[str] | object) -> str:
    try:
        return str(fn())  # type: ignore[operator]
    except Exception:
        return "unknown"


def platform_headers() -> Dict[str, str]:
    """`X-Stainless-Lang` ... `X-Stainless-Runtime-Version`, in the order the API expects."""
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                _cached = {
                    "X-Stainless-Lang": "python",
                    "X-Stainless-Package-Version": __version__,
                    "X-Stainless-OS": _os_name(),
                    "X-Stainless-Arch": _arch_name(),
                    "X-Stainless-Runtime": _safe(platform.python_implementation),
                    "X-Stainless-Runtime-Version": _safe(platform.python_version),
                }
    return _cached
