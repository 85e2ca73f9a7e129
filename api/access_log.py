"""The access log without query values (issue 33): an address's query may carry what names a person (a download
token, a SIVIL statement, a NINA, a credential sent as ``?vc=`` against advice), and a log keeps it for as long as
the log is kept, read by whoever operates the server. The log keeps the path and the parameters' names, which
is what an operator needs to see which door was asked; each value is written as ``*``."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any
from urllib.parse import parse_qsl

HIDDEN = "*"
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")  # a parameter's name; anything else (a NINA as a name) is hidden


def without_values(path: str) -> str:
    """``/sivil/pdf?token=abc&x=1`` -> ``/sivil/pdf?token=*&x=*``; a path without a query is left alone, and a
    name that is no identifier (``?552012026000013``) is hidden as well."""
    base, mark, query = path.partition("?")
    if not mark:
        return path
    names = [name if _NAME.fullmatch(name) else HIDDEN for name, _ in parse_qsl(query, keep_blank_values=True)]
    return base + "?" + "&".join(f"{name}={HIDDEN}" for name in names[:20] or [HIDDEN])


class PrivateQuery(logging.Filter):
    """For uvicorn's ``uvicorn.access`` records, whose arguments are (client, method, path with query, HTTP
    version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], without_values(args[2]), *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with :class:`PrivateQuery` on its access handler: given to
    ``uvicorn.run``, it also holds in each worker process, which configures its logging from it."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["private_query"] = {"()": f"{__name__}.PrivateQuery"}
    config["handlers"]["access"].setdefault("filters", []).append("private_query")
    return config
