"""The event loop of each API process under ``serve --workers N`` (issue 35): it takes one new connection per turn,
and lets the processes with fewer connections take a new one first.

The processes share one listening socket. asyncio's loop accepts every waiting connection each time the socket is
ready, up to the listen backlog, so a burst of clients opening kept-alive connections (16 operators at once, or a
proxy filling its pool) all land on the one process that woke first, and the others idle for as long as those
connections live: 16 clients on two processes were served by one. Taking one connection per turn lets every
process that is waiting take its share, and a process busy with requests takes fewer, as it turns less often.

One a turn still left the share to chance: the processes turn on two cores at once, beside the clients, and 16 clients
were found split 11 and 5, or 10 and 6, as often as 8 and 8; the process with 11 then served most of the requests
while the other idled, and 16 clients reserved a third fewer NINAs a second than when split evenly. So each process
writes how many connections it holds to a small file beside the others' (:class:`Shares`, named after the listening
socket, which all the processes share), and a process that holds more than another leaves a new connection for a
moment (``WAIT``) to the one with fewer; if it is still waiting then, it takes it, so no connection waits longer for a
process that is busy or gone. A process that cannot use the file takes its turns as before.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import fcntl
import hashlib
import os
import socket
import struct
import tempfile
import time
from pathlib import Path
from typing import Any

SLOTS = 64  # processes that can share one socket's file
_SLOT = struct.Struct("<qqq")  # a process's id, when it started (its id may be reused later) and its connections
# Seconds a process with more connections than another leaves a new one to it: a busy process turns every few
# milliseconds (2 ms still let 16 clients be split 12 and 4).
WAIT = 0.02

_open = 0  # connections this process holds: counted as accepted, until the HTTP protocol's connection_lost
_shares: Shares | None = None


def _forget() -> None:
    """A forked child holds none of its parent's connections, nor its slot: it lets go of the parent's file without
    writing to it, and leaves the slot's release (at exit) to the parent."""
    global _open, _shares
    if _shares is not None:
        _shares.let_go()
    _open, _shares = 0, None


os.register_at_fork(after_in_child=_forget)


def _accepted() -> None:
    global _open
    _open += 1
    if _shares is not None:
        _shares.hold(_open)


def closed() -> None:
    """A connection accepted by a :class:`TakingTurns` loop was lost (infra/http_protocol.py)."""
    global _open
    _open -= 1
    if _shares is not None:
        _shares.hold(_open)


def _uncounted_on_failure(protocol_factory: Any) -> Any:
    """The protocol factory, uncounting the connection it was called for when it fails (asyncio then closes the
    connection, and no protocol's ``connection_lost`` will)."""

    def made() -> Any:
        try:
            return protocol_factory()
        except BaseException:
            closed()
            raise

    return made


class _Counting:
    """The listening socket as asyncio's accept sees it, counting what it accepts: counted when the protocol is made,
    a burst of connections was taken before any was counted."""

    __slots__ = ("_sock",)

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def accept(self) -> tuple[socket.socket, Any]:
        accepted = self._sock.accept()
        _accepted()
        return accepted

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class Shares:
    """The connections each process holds, one slot per process in a file every process of the socket reads."""

    def __init__(self, path: Path) -> None:
        # O_NOFOLLOW and the owner checked: the file is in the temporary directory, which others can write to.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            if os.fstat(fd).st_uid != os.getuid():
                raise PermissionError(f"{path} is not this user's")
            os.ftruncate(fd, max(os.fstat(fd).st_size, SLOTS * _SLOT.size))
            self._pid = os.getpid()
            self._started = _started(self._pid) or 0
            with _locked(fd):  # two processes starting at once never take the same slot
                slots = self._read(fd)
                free = next(n for n, (pid, started, _) in enumerate(slots) if pid == 0 or not _alive(pid, started))
                os.pwrite(fd, _SLOT.pack(self._pid, self._started, 0), free * _SLOT.size)
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._slot, self._path = fd, free, path
        atexit.register(self.close)  # uvicorn's worker processes end without closing their loop

    @staticmethod
    def _read(fd: int) -> list[tuple[int, int, int]]:
        data = os.pread(fd, SLOTS * _SLOT.size, 0)
        return [_SLOT.unpack_from(data, n * _SLOT.size) for n in range(len(data) // _SLOT.size)]

    def hold(self, count: int) -> None:
        os.pwrite(self._fd, _SLOT.pack(self._pid, self._started, count), self._slot * _SLOT.size)

    def fewest_elsewhere(self) -> int | None:
        """The fewest connections another live process holds, or None when this process is alone."""
        fewest = None
        for n, (pid, started, count) in enumerate(self._read(self._fd)):
            if n != self._slot and pid != 0 and (fewest is None or count < fewest) and _alive(pid, started):
                fewest = count
        return fewest

    def let_go(self) -> None:
        """Closes the file without giving up the slot: a forked child's copy of its parent's."""
        atexit.unregister(self.close)
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._fd = -1

    def close(self) -> None:
        """Gives up the slot; the last process of the socket removes the file."""
        if self._fd < 0:
            return
        atexit.unregister(self.close)
        with contextlib.suppress(OSError), _locked(self._fd):
            os.pwrite(self._fd, _SLOT.pack(0, 0, 0), self._slot * _SLOT.size)
            if all(pid == 0 or not _alive(pid, started) for pid, started, _ in self._read(self._fd)):
                self._path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = -1


def _alive(pid: int, started: int) -> bool:
    """Whether the process that wrote the slot still runs: its id, and where /proc tells it, its start."""
    now = _started(pid)
    if now is not None:
        return now == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: alive
        return True
    return True


def _started(pid: int) -> int | None:
    """When the process started (clock ticks since boot, /proc/PID/stat), 0 when it is gone, None without /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except FileNotFoundError:
        return 0 if Path("/proc/self/stat").exists() else None
    except OSError:
        return None
    return int(stat.rsplit(b")", 1)[1].split()[19])


@contextlib.contextmanager
def _locked(fd: int) -> Any:
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def shares_of(sock: socket.socket) -> Shares | None:
    """The file of the processes listening on ``sock``, named after its address (the same file for the next server on
    it: the slots of processes gone are taken again), or None when it cannot be used."""
    try:
        address = hashlib.blake2b(repr(sock.getsockname()).encode(), digest_size=8).hexdigest()
        path = Path(tempfile.gettempdir()) / f"kredensial-accepting-{os.getuid()}-{address}"
        shares = Shares(path)
    except (OSError, StopIteration):
        return None
    _sweep(path)
    return shares


# A file untouched this long whose every slot's process is gone is left over (its servers were killed, or ended
# without their loop closing): a new file's first slot is written within moments of its making.
LEFT_OVER_AFTER = 60.0


def _sweep(own: Path) -> None:
    """Removes this user's left-over files of other addresses (tests and benchmarks serve on a new port each time)."""
    for path in own.parent.glob(f"kredensial-accepting-{os.getuid()}-*"):
        if path == own:
            continue
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
            try:
                stat = os.fstat(fd)
                if stat.st_uid != os.getuid() or time.time() - stat.st_mtime < LEFT_OVER_AFTER:
                    continue
                with _locked(fd):  # looked at again under the lock: a server opening it truncates it first
                    stale = time.time() - os.fstat(fd).st_mtime >= LEFT_OVER_AFTER
                    if stale and all(pid == 0 or not _alive(pid, started) for pid, started, _ in Shares._read(fd)):
                        path.unlink()
            finally:
                os.close(fd)


class TakingTurns(asyncio.SelectorEventLoop):
    """uvicorn's ``loop=`` (``infra.accepting:TakingTurns``): asyncio's selector loop, one accept per turn, a new
    connection left for a moment to a process that holds fewer."""

    _take_next = False  # the next connection is taken at once: one was left to the others for WAIT already

    def _start_serving(
        self,
        protocol_factory: Any,
        sock: Any,
        sslcontext: Any = None,
        server: Any = None,
        backlog: int = 100,
        *rest: Any,
    ) -> None:
        global _shares
        if _shares is None:
            _shares = shares_of(sock)
            if _shares is not None:
                _shares.hold(_open)
        if not isinstance(sock, _Counting):  # (asyncio serves it again with what it was given, after EMFILE)
            sock, protocol_factory = _Counting(sock), _uncounted_on_failure(protocol_factory)
        # ``backlog`` here is only how many connections one turn accepts: the socket's listen queue is set by the
        # server (asyncio.Server._start_serving calls listen with its own backlog), so it keeps its full length.
        super()._start_serving(protocol_factory, sock, sslcontext, server, 1, *rest)  # type: ignore[misc]

    def _accept_connection(self, protocol_factory: Any, sock: Any, *rest: Any) -> None:
        # A flag, not a window of time: a loop whose turns take longer than WAIT would leave the connection again on
        # every turn, for ever, while the other process holds fewer but does not accept (draining, stopped).
        waited, self._take_next = self._take_next, False
        if _shares is not None and not waited:
            fewest = _shares.fewest_elsewhere()
            if fewest is not None and _open > fewest:
                self._remove_reader(sock.fileno())  # type: ignore[attr-defined]
                self.call_later(WAIT, self._take_again, protocol_factory, sock, *rest)
                return
        super()._accept_connection(protocol_factory, sock, *rest)  # type: ignore[misc]

    def _take_again(self, protocol_factory: Any, sock: Any, *rest: Any) -> None:
        """The socket read again after leaving a connection to the others, and what still waits taken at once; not
        once the socket is closed (the server stopped meanwhile)."""
        if sock.fileno() != -1 and not self.is_closed():
            self._take_next = True
            self._add_reader(sock.fileno(), self._accept_connection, protocol_factory, sock, *rest)  # type: ignore[attr-defined]

    def close(self) -> None:
        global _shares
        if _shares is not None:
            _shares.close()
            _shares = None
        super().close()
