"""Issue 27, defect 4: slow bodies held the server. 200 connections sending one byte every 10 s were all still open
after 60 s, and 20 uploads stalled at 8 of 9 MiB raised its memory from 167 to 329 MiB.

Now, through a real ``kredensial serve``: a request's line and headers must arrive within KREDENSIAL_HEADER_TIMEOUT
and its body within KREDENSIAL_BODY_TIMEOUT, else it is answered 408 and closed; at most KREDENSIAL_MAX_UPLOADS
uploads are received at once (more answer 503 with Retry-After before their body is read), and each is streamed
to a temporary file, so stalled uploads hold little memory and leave nothing behind.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.auth import mint
from domain.audit import Role
from infra.settings import Settings
from tests.servers import clean_env, free_port
from tests.world import UNIVERSITY

KREDENSIAL = [sys.executable, "-m", "infra.main"]
SECRET = "issue27-04-" + "s" * 40
HEADER_TIMEOUT, BODY_TIMEOUT, MAX_UPLOADS = 2.0, 3.0, 4
MiB = 1024 * 1024
PDF = b"%PDF-1.7\n"


@dataclass
class Server:
    url: str
    port: int
    pid: int
    files: Path

    def rss_kib(self) -> int:
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("issue27-04") / "var"
    port = free_port()
    env = {
        **clean_env(),
        "KREDENSIAL_DATA_DIR": str(data),
        "KREDENSIAL_SECRET": SECRET,
        "KREDENSIAL_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "KREDENSIAL_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "KREDENSIAL_MAX_UPLOADS": str(MAX_UPLOADS),
    }
    log = (data.parent / "serve.log").open("wb")  # a file: a pipe nobody reads would stall the server
    process = subprocess.Popen([*KREDENSIAL, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/health", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((data.parent / "serve.log").read_text()) from None
                time.sleep(0.1)
        yield Server(url, port, process.pid, data / "files")
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def answer_or_close(conn: socket.socket, within: float) -> tuple[bytes, float]:
    """What the server says before it closes the connection, and when it closed it (inf: still open)."""
    started, said = time.monotonic(), b""
    conn.settimeout(within)
    try:
        while chunk := conn.recv(65536):
            said += chunk
    except TimeoutError:
        return said, float("inf")
    except OSError:
        pass
    return said, time.monotonic() - started


def test_slow_headers_and_slow_bodies_are_answered_408_and_closed_within_their_deadlines(server: Server) -> None:
    trickled = b"POST /graphql HTTP/1.1\r\nHost: kredensial\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 200
    closed: list[float] = []
    lock, stop = threading.Lock(), threading.Event()

    def slowloris(head_only: bool) -> None:
        """One byte every 0.4 s until the server closes the connection (or the test ends)."""
        with socket.create_connection(("127.0.0.1", server.port)) as conn:
            started = time.monotonic()
            if not head_only:  # the headers at once, then the body a byte at a time
                conn.sendall(b"POST /graphql HTTP/1.1\r\nHost: k\r\nContent-Length: 99\r\n\r\n")
            for byte in trickled:
                try:
                    conn.sendall(bytes([byte]))
                    _, when = answer_or_close(conn, 0.4)
                except OSError:
                    when = 0.0
                if when != float("inf"):  # the server closed it
                    with lock:
                        closed.append(time.monotonic() - started)
                    return
                if stop.is_set():
                    return

    senders = [threading.Thread(target=slowloris, args=(i % 2 == 0,), daemon=True) for i in range(40)]
    for sender in senders:
        sender.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert httpx.get(server.url + "/health", timeout=5).status_code == 200  # the server answers others meanwhile
    assert time.monotonic() - started < 2
    for sender in senders:
        sender.join(timeout=BODY_TIMEOUT + 8)
    stop.set()
    assert len(closed) == 40, f"{40 - len(closed)} slow connections still open"
    assert max(closed) < BODY_TIMEOUT + 2

    conn = socket.create_connection(("127.0.0.1", server.port))
    conn.sendall(b"GET /health HTTP/1.1\r\nHost: k")  # half a request, then nothing
    said, after = answer_or_close(conn, HEADER_TIMEOUT + 3)
    assert said.startswith(b"HTTP/1.1 408 ") and b"connection: close" in said.lower(), (said, after)
    assert HEADER_TIMEOUT - 0.2 < after < HEADER_TIMEOUT + 1.5


def test_a_kept_alive_connection_whose_requests_come_in_time_is_never_cut_off_and_closed_when_idle(
    server: Server,
) -> None:
    """Each request's head has its own deadline from the previous answer (one timer serves them all, issue 35): a
    connection asking every 0.6 s for longer than two head deadlines is answered every time."""
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        started = time.monotonic()
        while time.monotonic() - started < 2 * HEADER_TIMEOUT + 1:
            conn.sendall(b"GET /health HTTP/1.1\r\nHost: k\r\n\r\n")
            conn.settimeout(5)
            said = b""
            while b"\r\n\r\n" not in said or not said.rstrip().endswith(b"}"):
                said += conn.recv(65536)
            assert said.startswith(b"HTTP/1.1 200 "), said
            time.sleep(0.6)
        said, after = answer_or_close(conn, HEADER_TIMEOUT + 3)  # nothing more: idle past the head's deadline
    assert said == b"" and HEADER_TIMEOUT - 0.8 < after < HEADER_TIMEOUT + 1.5, (said, after)


def test_a_request_head_over_16_kib_is_refused_and_closed_at_once(server: Server) -> None:
    """Bytes a head may hold are bounded as well as their time: the parser keeps an unfinished head in memory."""
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: k\r\nX-Pad: " + b"a" * 20 * 1024)  # and no end of headers
        said, after = answer_or_close(conn, HEADER_TIMEOUT + 3)
    assert said.startswith(b"HTTP/1.1 400 ") and after < HEADER_TIMEOUT, (said, after)
    with socket.create_connection(("127.0.0.1", server.port)) as conn:  # a head of 15 KiB is still read
        conn.sendall(
            b"GET /health HTTP/1.1\r\nHost: k\r\nConnection: close\r\nX-Pad: " + b"a" * 15 * 1024 + b"\r\n\r\n"
        )
        said, _ = answer_or_close(conn, 10)
    assert said.startswith(b"HTTP/1.1 200 "), said[:80]


def test_a_long_request_and_the_start_of_the_next_in_one_read_are_not_taken_for_a_long_head(server: Server) -> None:
    """A pipelined client's 20 KiB request and the first line of its next arrive together: the first is answered,
    the unfinished second cut off at its deadline, as h11 did (issue 35)."""
    body = b"a" * 20 * 1024
    first = b"GET /health HTTP/1.1\r\nHost: k\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(first + b"GET /health HTTP/1.1\r\n")
        said, _ = answer_or_close(conn, HEADER_TIMEOUT + 3)
    assert said.startswith(b"HTTP/1.1 200 ") and b"HTTP/1.1 408 " in said, said[:80]


@pytest.mark.parametrize(
    "head",
    [
        b"GET /health\r\nHost: k\r\n\r\n",  # no version: llhttp reads it as HTTP/0.9, with headers
        b"GET /health HTTP/1.1\r\nConnection: close\r\n\r\n",  # no Host (RFC 9112 section 3.2)
        b"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",  # two
        b"GET /health HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
    ],
)
def test_requests_h11_refused_are_refused_by_httptools_as_well(server: Server, head: bytes) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(head)
        said, _ = answer_or_close(conn, 10)
    assert said.startswith(b"HTTP/1.1 400 "), said[:80]


def test_stalled_uploads_are_bounded_in_number_and_memory_and_leave_nothing_behind(server: Server) -> None:
    token = mint(SECRET, subject="2024001", role=Role.STUDENT, institution=UNIVERSITY)
    auth = {"Authorization": f"Bearer {token}"}
    whole = httpx.post(server.url + "/files", content=PDF + b"x" * MiB, headers=auth, timeout=10)
    assert whole.status_code == 201  # warms the upload path before memory is measured
    before = server.rss_kib()

    head = (
        f"POST /files HTTP/1.1\r\nHost: k\r\nAuthorization: Bearer {token}\r\nContent-Type: application/pdf\r\n"
        f"Content-Length: {9 * MiB}\r\n\r\n"
    ).encode()
    stalled: list[socket.socket] = []
    busy: list[bytes] = []
    body = PDF + b"y" * (8 * MiB - len(PDF))
    for _ in range(20):
        conn = socket.create_connection(("127.0.0.1", server.port))
        conn.sendall(head)
        said, _ = answer_or_close(conn, 0.5)
        if said:  # answered before its body: refused
            busy.append(said)
            conn.close()
            continue
        conn.sendall(body)  # 8 of 9 MiB, then nothing
        stalled.append(conn)
    time.sleep(0.5)
    grown = (server.rss_kib() - before) / 1024
    assert grown < 24, f"memory grew by {grown:.0f} MiB with {len(stalled)} uploads stalled at 8 MiB"
    assert len(stalled) == MAX_UPLOADS and len(busy) == 20 - MAX_UPLOADS
    assert all(said.startswith(b"HTTP/1.1 503 ") and b"retry-after: 5" in said.lower() for said in busy)

    for conn in stalled:  # each is cut off at its body's deadline
        said, _ = answer_or_close(conn, BODY_TIMEOUT + 3)
        assert said.startswith(b"HTTP/1.1 408 "), said[:80]
        conn.close()
    deadline = time.monotonic() + 0.3  # the cut-off uploads left no temporary file, 0.3 s after the last was cut
    while list((server.files / ".incoming").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not list((server.files / ".incoming").iterdir())
    assert [p.name for p in server.files.rglob("*") if p.is_file()] == [whole.json()["sha256"]]
    again = httpx.post(server.url + "/files", content=PDF + b"z" * 1000, headers=auth, timeout=10)
    assert again.status_code == 201  # their slots are free again


@pytest.mark.parametrize(
    ("name", "wrong"),
    [
        ("KREDENSIAL_HEADER_TIMEOUT", "0"),
        ("KREDENSIAL_BODY_TIMEOUT", "-1"),
        ("KREDENSIAL_BODY_TIMEOUT", "soon"),
        ("KREDENSIAL_MAX_UPLOADS", "0"),
        ("KREDENSIAL_REDIS_TIMEOUT", "nan"),
    ],
)
def test_the_deadlines_and_the_upload_bound_are_validated_settings(tmp_path: Path, name: str, wrong: str) -> None:
    base = {"KREDENSIAL_DATA_DIR": str(tmp_path / "var")}
    settings = Settings.from_env(base)
    assert (settings.header_timeout, settings.body_timeout, settings.max_uploads) == (10, 60, 8)
    with pytest.raises(RuntimeError, match=name):
        Settings.from_env({**base, name: wrong})
