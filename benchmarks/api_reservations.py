"""NINA reservations through the real API (a ``kredensial serve`` process under uvicorn, one client reserving one
after another) beside the same command timed in process, in the same run and on the same store (issue 35, item 1).

Target: the API's own cost over the command (the p50 through HTTP, GraphQL and sign-in minus the p50 in process)
is at most 2 ms. The raw baseline of the reservation benchmark (1-row transactions) is measured here too.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from api.auth import mint
from benchmarks import raw
from benchmarks.cohort import OPERATOR, UNIVERSITY, eligible_cohort
from benchmarks.figures import Figure, median, median_details
from benchmarks.lean_client import KeptAlive
from benchmarks.stores import Place, container, fresh
from domain.audit import Role

RESERVE = "mutation($i: ReserveNinaInput!) { reserveNina(input: $i) { __typename ... on NinaAccepted { nina } } }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(place: Place, *, workers: int = 1, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """``kredensial serve`` on the place's store, without the projection thread (the request path is timed); yields
    once every one of its processes has started, so that clients connecting at once meet all of them."""
    port = _free_port()
    env = {**os.environ, **place.env(), "KREDENSIAL_ALLOW_DEV_TOKENS": "1", **(env or {})}
    command = [sys.executable, "-c", "from infra.main import main; main()", "serve", "--no-projections"]
    command += ["--workers", str(workers)] if workers > 1 else []
    process = subprocess.Popen(
        [*command, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    started = threading.Semaphore(0)
    threading.Thread(target=_forward_log, args=(process, started), daemon=True).start()
    try:
        deadline, up = time.monotonic() + 60, 0
        while up < workers:  # each process logs its startup; /health alone would answer once the first is up
            if started.acquire(timeout=0.2):
                up += 1
            elif process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("kredensial serve did not start")
        while not _listening(port):  # one process opens its socket just after its startup
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("kredensial serve did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _forward_log(process: subprocess.Popen[str], started: threading.Semaphore) -> None:
    """Passes the server's log on to this process's, counting its processes' startups."""
    assert process.stderr is not None
    for line in process.stderr:
        sys.stderr.write(line)
        if "Application startup complete" in line:
            started.release()


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user and system, all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(store: str, count: int) -> dict[str, float]:
    """Alternates: a reservation in process, then one through the API, so that both see the same machine load."""
    with fresh(store) as place:
        baseline = raw.one_row_transactions(place, count)
        with container(place) as built:
            app = built.services.diploma.commands
            students = eligible_cohort(app, 2 * count)
            token = mint(
                place.settings().secret,
                subject=OPERATOR.actor.id,
                role=Role.UNIVERSITY_OPERATOR,
                institution=UNIVERSITY,
            )
            command, command_cpu, through_api = [], 0.0, []
            with served(place) as (url, pid):
                # A lean client on one kept-alive connection (benchmarks/lean_client.py): a client's own time per
                # request is the client's, not the API's.
                client = KeptAlive(url, "/graphql", {"Authorization": f"Bearer {token}"})
                server_cpu = cpu_seconds(pid)
                for here, there in zip(students[::2], students[1::2], strict=True):
                    started, cpu = time.perf_counter(), time.thread_time()
                    app.reserve_nina(university_code=UNIVERSITY, nim=here, cause=OPERATOR)
                    command.append(time.perf_counter() - started)
                    command_cpu += time.thread_time() - cpu
                    body = {"query": RESERVE, "variables": {"i": {"universityCode": UNIVERSITY, "nim": there}}}
                    started = time.perf_counter()
                    answer = client.post(orjson.dumps(body))
                    through_api.append(time.perf_counter() - started)
                    if orjson.loads(answer)["data"]["reserveNina"]["__typename"] != "NinaAccepted":
                        raise RuntimeError(f"reservation refused: {answer!r}")
                server_cpu = cpu_seconds(pid) - server_cpu
                client.close()
    command_ms, api_ms = median(command) * 1000, median(through_api) * 1000
    return {
        "command_p50_ms": command_ms,
        "api_p50_ms": api_ms,
        "api_own_p50_ms": api_ms - command_ms,
        "command_cpu_ms": command_cpu / count * 1000,
        "server_cpu_ms": server_cpu / count * 1000,
        "api_own_cpu_ms": (server_cpu - command_cpu) / count * 1000,
        "api_per_s": count / sum(through_api),
        "baseline_per_s": baseline,
    }


def measure(store: str, count: int, repeats: int) -> list[Figure]:
    runs = median_details([run_once(store, count) for _ in range(repeats)])
    return [
        Figure(
            measure=f"the API's own cost over a NINA reservation, p50 of {count} (HTTP, GraphQL, sign-in)",
            key="api_own_p50",
            store=store,
            value=runs["api_own_p50_ms"],
            unit="ms",
            baseline=runs["command_p50_ms"],
            baseline_what="the command in process, p50 ms",
            target="<= 2 ms",
            met=runs["api_own_p50_ms"] <= 2.0,
            details=runs,
        ),
        Figure(
            measure="the API's own CPU per NINA reservation (the server's CPU less the command's in process)",
            store=store,
            value=runs["api_own_cpu_ms"],
            unit="ms of CPU",
            baseline=runs["command_cpu_ms"],
            baseline_what="the command's CPU in process, ms",
            target="reported (the latency above is the target)",
            met=None,
            details={k: runs[k] for k in ("command_cpu_ms", "server_cpu_ms", "api_own_cpu_ms")},
        ),
        Figure(
            measure=f"NINA reservations through the API, one client, {count} in a row",
            key="api_one_client",
            store=store,
            value=runs["api_per_s"],
            unit="reservations/s",
            baseline=runs["baseline_per_s"],
            baseline_what="1-row INSERT transactions/s",
            target="reported (none set)",
            met=None,
            details={"api_per_s": runs["api_per_s"], "baseline_per_s": runs["baseline_per_s"]},
        ),
    ]
