"""The access log (issue 33, issue 35): ``serve`` writes uvicorn's line for every request (client, method, path
without query values or secrets, HTTP version, status), through a writer of its own while the logging is
configured as ``serve`` configures it, and through the logger itself under any other configuration."""

from __future__ import annotations

import io
import logging
import logging.config
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from uvicorn.logging import AccessFormatter

from api.access_log import ACCESS_FORMAT, AccessLines, PrivateQuery, access_lines, log_config
from infra.bootstrap import Container
from tests.servers import free_port, process_env, served_process

KREDENSIAL = [sys.executable, "-m", "infra.main"]
UVICORN_FORMAT = '%s - "%s %s HTTP/%s" %d'  # what uvicorn's request cycle logs with
REQUESTS = [
    ("127.0.0.1:50000", "POST", "/graphql", "1.1", 200),
    ("10.0.0.7:443", "GET", "/sivil/pdf?token=download-token&lang=en", "1.1", 404),
    ("", "GET", "/s/Ab3secret/credential", "1.0", 410),  # no client address (a Unix socket)
    ("[::1]:8000", "HEAD", "/dpi/001002/2020%2F001.pdf", "1.1", 500),
    ("127.0.0.1:1", "GET", "/?552012026000013", "1.1", 299),  # a status without a phrase
    ("127.0.0.1:2", "POST", '/graphql?q=%22"', "1.1", 413),
]
LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


@pytest.fixture
def access() -> Iterator[logging.Logger]:
    """``uvicorn.access`` configured by ``log_config()``, as ``serve`` configures it; the loggers as they were after."""
    kept = {name: logging.getLogger(name) for name in LOGGERS}
    before = {
        name: (list(lg.handlers), lg.level, lg.propagate, lg.disabled, list(lg.filters)) for name, lg in kept.items()
    }
    logging.config.dictConfig(log_config())
    yield kept["uvicorn.access"]
    for name, (handlers, level, propagate, disabled, filters) in before.items():
        logger = kept[name]
        logger.handlers, logger.filters = handlers, filters
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled


def as_served(logger: logging.Logger) -> logging.Logger:
    """Without the handlers pytest adds to every logger that does not propagate while a test runs."""
    logger.handlers = [h for h in logger.handlers if "LogCapture" not in type(h).__name__ and h.formatter]
    return logger


def written(logger: logging.Logger, through: logging.Logger | AccessLines) -> str:
    stream = io.StringIO()
    handler = logger.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    kept = handler.setStream(stream)
    try:
        for request in REQUESTS:
            through.info(UVICORN_FORMAT, *request)
    finally:
        handler.setStream(kept)
    return stream.getvalue()


def test_serve_s_access_line_is_the_loggers_line_byte_for_byte(access: logging.Logger) -> None:
    lines = access_lines(as_served(access))
    assert isinstance(lines, AccessLines)
    by_logger = written(access, access)
    assert written(access, lines) == by_logger
    assert by_logger.splitlines()[:3] == [
        'INFO:     127.0.0.1:50000 - "POST /graphql HTTP/1.1" 200 OK',
        'INFO:     10.0.0.7:443 - "GET /sivil/pdf?token=*&lang=* HTTP/1.1" 404 Not Found',
        'INFO:      - "GET /s/*/credential HTTP/1.0" 410 Gone',
    ]


@pytest.mark.parametrize(
    "change", ["colours", "format", "level", "handler level", "no filter", "two handlers", "propagates"]
)
def test_any_other_logging_configuration_is_left_to_the_logger(access: logging.Logger, change: str) -> None:
    handler = as_served(access).handlers[0]
    if change == "colours":
        handler.setFormatter(AccessFormatter(fmt=ACCESS_FORMAT, use_colors=True))
    elif change == "format":
        handler.setFormatter(AccessFormatter(fmt="%(asctime)s %(client_addr)s %(request_line)s", use_colors=False))
    elif change == "level":
        access.setLevel(logging.WARNING)
    elif change == "handler level":
        handler.setLevel(logging.WARNING)
    elif change == "no filter":
        handler.filters.clear()
    elif change == "propagates":  # the parents' handlers get the line too (review, issue 35)
        access.propagate = True
    else:
        access.addHandler(logging.StreamHandler(io.StringIO()))
    assert access_lines(access) is access


def test_a_line_that_cannot_be_written_is_left_to_the_logger_and_the_request_goes_on(
    access: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = access_lines(as_served(access))
    assert isinstance(lines, AccessLines)
    handler = access.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    closed = io.StringIO()
    closed.close()
    kept = handler.setStream(closed)
    try:
        lines.info(UVICORN_FORMAT, *REQUESTS[0])  # raises nothing: logging reports it, as for any record
    finally:
        handler.setStream(kept)
    assert "I/O operation on closed file" in capsys.readouterr().err


def test_the_filter_is_the_one_on_the_access_handler() -> None:
    config = log_config()
    assert config["handlers"]["access"]["filters"] == ["private_query"]
    assert config["filters"]["private_query"]["()"].endswith(PrivateQuery.__name__)


@pytest.fixture
def store() -> str:
    return "sqlite"  # the log is the process's, whichever store it serves


def test_a_served_request_is_logged_with_its_client_method_path_version_and_status(
    container: Container, tmp_path: Path
) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    command = [*KREDENSIAL, "serve", "--no-projections", "--port", str(port)]
    with (
        log.open("wb") as output,
        served_process(command, process_env(container), port, output) as url,
        httpx.Client(base_url=url, timeout=30) as client,  # one connection: one client port in every line
    ):
        assert client.post("/graphql", json={"query": "{ __typename }"}).status_code == 200
        assert client.get("/sivil/pdf", params={"token": "a-download-token"}).status_code == 403
        assert client.get("/no-such-door").status_code == 404
        client_port = client.get("/health").extensions["network_stream"].get_extra_info("client_addr")[1]
    lines = [line for line in log.read_text().splitlines() if ' - "' in line]
    client = f"127.0.0.1:{client_port}"
    assert f'INFO:     {client} - "POST /graphql HTTP/1.1" 200 OK' in lines
    assert f'INFO:     {client} - "GET /no-such-door HTTP/1.1" 404 Not Found' in lines
    pdf = [line for line in lines if "/sivil/pdf" in line]
    assert pdf == [f'INFO:     {client} - "GET /sivil/pdf?token=* HTTP/1.1" 403 Forbidden']
    assert "a-download-token" not in log.read_text()
