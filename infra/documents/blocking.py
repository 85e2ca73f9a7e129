"""pyHanko drives its own asyncio loop, which cannot start inside a running one (an async server, Playwright)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def outside_event_loop(fn: Callable[[], T]) -> T:
    """Runs ``fn`` here, or in a thread of its own when this thread is running an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()
