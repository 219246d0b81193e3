"""lg-studio: a native desktop studio and a drop-in LangGraph server."""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lg-studio")
except PackageNotFoundError:
    # A source tree never installed, or the runtime's source that a studio hands to a
    # project's interpreter (studio/runtime_process.py), which passes its version along.
    __version__ = os.environ.get("LG_STUDIO_VERSION", "0.0.0")
