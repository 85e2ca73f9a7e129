"""A pytest plugin for the unmutated run (``-p mutation.calls``): which functions of the target modules each test
calls, and how long it takes. A mutant inside a function can only change the tests that call that function, so
each mutant runs only those, the quickest first.

Only call events are traced (no line events), and only their code's file is looked at: the run takes about a
third longer than without it. ``MUTATION_CALLS`` names the JSON file written at the end:
``{"tests": {nodeid: seconds}, "calls": {nodeid: ["path::Outer.function", ...]}}``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

ROOT = Path.cwd().resolve()
_seconds: dict[str, float] = {}
_calls: dict[str, set[str]] = {}
_current: set[str] = set()
_files: dict[str, str | None] = {}  # co_filename -> its path in the tree, or None outside the project


def _relative(filename: str) -> str | None:
    if filename not in _files:
        path = Path(filename)
        inside = path.is_absolute() and path.is_relative_to(ROOT) and "tests" not in path.relative_to(ROOT).parts
        _files[filename] = path.relative_to(ROOT).as_posix() if inside else None
    return _files[filename]


def _trace(frame: FrameType, what: str, arg: Any) -> None:
    path = _relative(frame.f_code.co_filename)
    if path is not None:
        # A nested function, lambda or comprehension runs only inside its outermost function: count that one.
        _current.add(f"{path}::{frame.f_code.co_qualname.split('.<locals>.')[0]}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    _current.clear()
    sys.settrace(_trace)
    threading.settrace(_trace)
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        sys.settrace(None)
        threading.settrace(None)
        _seconds[item.nodeid] = time.perf_counter() - started
        _calls[item.nodeid] = set(_current)


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = os.environ.get("MUTATION_CALLS")
    if out:
        calls = {k: sorted(v) for k, v in _calls.items()}
        Path(out).write_text(json.dumps({"tests": _seconds, "calls": calls}), "utf-8")
