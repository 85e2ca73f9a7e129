"""A pytest plugin (``-p tests.review.bytes_probe``) for the issue 35 review: every event integ's mapper stores is also
stored by main's mapper (main's infra/transcoder.py and infra/typed_state.py, loaded beside integ's), and the two
StoredEvents compared; a difference is appended to $REV_BYTES_OUT. Main's sources are read from $REV_MAIN_INFRA."""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from typing import Any

from infra import transcoder as integ

_MAIN_DIR = os.environ.get("REV_MAIN_INFRA", "/tmp/rev_old/infra")
_OUT = os.environ.get("REV_BYTES_OUT", "/tmp/rev_bytes_mismatch.txt")


def _load(name: str, **patched: Any) -> Any:
    spec = importlib.util.spec_from_file_location(f"rev_main_{name}", f"{_MAIN_DIR}/{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    for k, v in patched.items():
        setattr(module, k, v)
    return module


_main_ts = _load("typed_state")
_main_tr = _load("transcoder")
_main_tr.typed_state = _main_ts
_main_mapper = _main_tr.EventMapper(_main_tr.OrjsonTranscoder())
_original = integ.EventMapper.to_stored_event
_checked = [0]


def _compared(self: Any, domain_event: Any) -> Any:
    stored = _original(self, domain_event)
    try:
        expected = _main_mapper.to_stored_event(domain_event)
        _checked[0] += 1
        theirs = (expected.originator_id, expected.originator_version, expected.topic, bytes(expected.state))
        ours = (stored.originator_id, stored.originator_version, stored.topic, bytes(stored.state))
        if theirs != ours:
            with open(_OUT, "a") as f:
                f.write(f"MISMATCH {type(domain_event).__qualname__}\n main  {theirs}\n integ {ours}\n")
    except Exception:
        with open(_OUT, "a") as f:
            f.write(f"ERROR {type(domain_event).__qualname__}: {traceback.format_exc(limit=3)}\n")
    return stored


integ.EventMapper.to_stored_event = _compared  # type: ignore[method-assign]


def pytest_sessionfinish(session: Any) -> None:
    with open(_OUT, "a") as f:
        f.write(f"checked {_checked[0]} events in pid {os.getpid()}\n")
