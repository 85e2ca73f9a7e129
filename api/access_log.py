"""The access log without query values (issue 33): an address's query may carry what names a person (a download
token, a SIVIL statement, a NINA, a credential sent as ``?vc=`` against advice), and a log keeps it for as long as
the log is kept, read by whoever operates the server. The log keeps the path and the parameters' names, which
is what an operator needs to see which door was asked; each value is written as ``*``.

A path may carry a secret or a person's number too: a share's link is its secret (SHR-9), and whoever reads a log
holding it opens the share and uses up its views; a NIM or a registration number names a person. Those segments are
written as ``*`` as well (``/s/*``, ``/dpi/0011/*.pdf``), keeping the door and dropping the key."""

from __future__ import annotations

import copy
import http
import logging
import re
from typing import Any
from urllib.parse import parse_qsl

HIDDEN = "*"
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")  # a parameter's name; anything else (a NINA as a name) is hidden
# Paths whose segments are secrets or name a person: the part matched by the group is hidden (first match wins).
_PRIVATE_SEGMENTS = (
    re.compile(r"^/s/([^/?]+)"),  # a share's link: its secret (SHR-9); /s/credential is a fixed door, hidden alike
    re.compile(r"^/dpi/[^/?]+/([^?]+?)(?:\.pdf|/credential\.json)$"),  # a student's NIM (it may hold a '/')
    re.compile(r"^/(?:sertifikat|equivalency)/([^/?]+)/"),  # a certificate's or an application's number
    re.compile(r"^/files/([^/?]+)"),  # a stored file's digest: a key to a person's document
)


def without_secrets(path: str) -> str:
    """``/s/Ab3…/credential`` -> ``/s/*/credential``; a path with no such segment is left alone."""
    for pattern in _PRIVATE_SEGMENTS:
        found = pattern.match(path)
        if found:
            return path[: found.start(1)] + HIDDEN + path[found.end(1) :]
    return path


def without_values(path: str) -> str:
    """``/sivil/pdf?token=abc&x=1`` -> ``/sivil/pdf?token=*&x=*``, and private segments as :func:`without_secrets`
    says; a name that is no identifier (``?552012026000013``) is hidden as well."""
    base, mark, query = path.partition("?")
    base = without_secrets(base)
    if not mark:
        return base
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


class AccessLines:
    """Writes uvicorn's access line straight to the access handler's stream (issue 35): the line the logger writes
    with :func:`log_config`, without a log record, the caller's frame looked up, two copies of the record and the
    handler's filter around it, which together cost about a tenth of the API's own time per request.

    uvicorn's request cycles log through their protocol's ``access_logger``, calling ``info`` with its format and
    (client, method, path with query, HTTP version, status): :func:`access_lines` gives them one of these in its
    place while the logging is configured as :func:`log_config` configures it; any other configuration (another
    handler, format, level, colours on a terminal) keeps the logger itself."""

    def __init__(self, logger: logging.Logger, handler: logging.StreamHandler[Any]) -> None:
        self.logger = logger
        self.handler = handler

    def info(self, message: str, client: str, method: str, path: str, version: str, status: int) -> None:
        # The line of uvicorn's AccessFormatter (levelprefix, client_addr, request_line, status_code) after
        # :class:`PrivateQuery`.
        line = f'{PREFIX} {client} - "{method} {without_values(path)} HTTP/{version}" {_status(status)}'
        handler = self.handler
        try:
            handler.acquire()
            try:
                handler.stream.write(line + handler.terminator)
                handler.stream.flush()  # as StreamHandler.emit: each line as it happens
            finally:
                handler.release()
        except Exception:  # the logger writes it again, or reports why it cannot as logging does
            self.logger.info(message, client, method, path, version, status)


PREFIX = "INFO:    "  # uvicorn's levelprefix of an INFO record, without colours
ACCESS_FORMAT = '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s'  # uvicorn's access format
_STATUSES: dict[int, str] = {}


def _status(code: int) -> str:
    """``200 OK``, as uvicorn's AccessFormatter writes a status (``299 `` for a code without a phrase)."""
    written = _STATUSES.get(code)
    if written is None:
        try:
            phrase = http.HTTPStatus(code).phrase
        except ValueError:
            phrase = ""
        written = _STATUSES[code] = f"{code} {phrase}"
    return written


def access_lines(logger: logging.Logger) -> logging.Logger | AccessLines:
    """:class:`AccessLines` for ``uvicorn.access`` configured as :func:`log_config` configures it (checked when a
    connection opens, when uvicorn decides whether to log at all), else the logger itself."""
    from uvicorn.logging import AccessFormatter

    handlers = logger.handlers
    # propagate: a set-up that also hands the line to a parent's handlers (review, issue 35) keeps the logger
    if (
        len(handlers) != 1
        or logger.propagate
        or logger.disabled
        or logger.filters
        or not logger.isEnabledFor(logging.INFO)
    ):
        return logger
    handler = handlers[0]
    formatter = handler.formatter
    if (
        type(handler) is logging.StreamHandler
        and handler.level <= logging.INFO
        and len(handler.filters) == 1
        and type(handler.filters[0]) is PrivateQuery
        and type(formatter) is AccessFormatter
        and formatter._fmt == ACCESS_FORMAT
        and isinstance(formatter._style, logging.PercentStyle)
        and not formatter.use_colors
    ):
        return AccessLines(logger, handler)
    return logger


def log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with :class:`PrivateQuery` on its access handler: given to
    ``uvicorn.run``, it also holds in each worker process, which configures its logging from it."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["private_query"] = {"()": f"{__name__}.PrivateQuery"}
    config["handlers"]["access"].setdefault("filters", []).append("private_query")
    return config
