"""``./run soak [--seconds 180] [--max-requests 60000] [--clients 8] [--out var/soak]`` (issue 14, item 6)

A steady mix for a few minutes on PostgreSQL, on loopback only: NINA reservations, graduations and pairings,
staff queries and public SIVIL look-ups (challenge answered, then verified), sent by ``--clients`` threads in turn
to two ``kredensial serve`` processes, with one ``kredensial worker`` projecting. It stops at ``--seconds`` or
``--max-requests``, whichever comes first. It reports the error rate (anything but data or a typed refusal: an
HTTP status other than 200, a GraphQL error, no answer), p50/p99 latency per operation, and each process's memory
(RSS) after the warm-up and at the end; it exits 1 unless there was no error, memory stayed flat (grew by at most
10 % + 20 MiB) and no read model skipped an event.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from benchmarks.cohort import eligible_cohort
from benchmarks.sivil import environment, free_port, served
from benchmarks.stores import Place, container
from soak.mix import Mix, Tally, run_clients
from tests.scale.standby import own_cluster

KREDENSIAL = [sys.executable, "-m", "infra.main"]


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn may fork), from /proc."""
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        resident = [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")]
        total += resident[0] / 1024 if resident else 0.0  # a process that has exited has none
        pids.extend(int(child) for child in children)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(prog="./run soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--max-requests", type=int, default=60_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--students", type=int, default=10_000, help="eligible students to reserve NINAs for")
    parser.add_argument("--warm-up", type=float, default=20.0, help="seconds before memory is first measured")
    parser.add_argument("--out", type=Path, default=Path("var/soak"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    # A PostgreSQL of its own (initdb on a free port, max_connections 300): three processes with a pool per log and
    # per read store need more than the default 100 connections, and the machine's server is left alone.
    args.out.mkdir(parents=True, exist_ok=True)
    with own_cluster() as cluster, tempfile.TemporaryDirectory(prefix="kredensial-soak-") as directory:
        place = Place("postgres", Path(directory), cluster.url)
        print(f"soak: seeding {args.students} eligible students on a PostgreSQL of its own ({cluster.url})")
        with container(place) as built:
            nims = eligible_cohort(built.services.diploma.commands, args.students)
            secret = built.settings.secret
        env = {**environment(place), "KREDENSIAL_PROJECTIONS_IN_PROCESS": "0"}
        with ExitStack() as running:
            ports = [free_port(), free_port()]
            urls = [
                running.enter_context(served([*KREDENSIAL, "serve", "--no-projections", "--port", str(port)], env, port,
                                             "/health"))
                for port in ports
            ]  # fmt: skip
            worker_log = running.enter_context((args.out / "worker.log").open("wb"))
            worker = subprocess.Popen([*KREDENSIAL, "worker"], env=env, stdout=worker_log, stderr=worker_log)
            running.callback(worker.wait, timeout=30)
            running.callback(worker.terminate)  # callbacks run last first: terminated, then waited for
            processes = {"serve 1": _listening_pid(ports[0]), "serve 2": _listening_pid(ports[1]), "worker": worker.pid}
            _health(urls[0])  # the worker first projects the seeded cohort: the lag measured is the traffic's
            print(f"soak: two API processes at {', '.join(urls)} and a worker; {args.clients} clients")
            mix = Mix(urls=urls, secret=secret, nims=nims)
            tally = Tally()
            memory: dict[str, dict[str, float]] = {name: {} for name in processes}

            def measure_memory(label: str) -> None:
                for name, pid in processes.items():
                    memory[name][label] = round(rss_mib(pid), 1)

            started = time.monotonic()
            run_clients(
                mix, tally, clients=args.clients, seconds=args.seconds, max_requests=args.max_requests,
                at_warm_up=(args.warm_up, lambda: measure_memory("after warm-up")),
            )  # fmt: skip
            elapsed = time.monotonic() - started
            measure_memory("at the end")
            health = _health(urls[0])
            exited = [name for name, pid in processes.items() if not Path(f"/proc/{pid}").exists()]
    report = _report(tally, mix, memory, health, elapsed, args, exited)
    (args.out / "soak.json").write_text(json.dumps(report, indent=2))
    _print(report)
    sys.exit(0 if report["passed"] else 1)


def _listening_pid(port: int) -> int:
    """The pid of the process listening on ``port`` (``served`` keeps the Popen to itself)."""
    found = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True).stdout
    return int(found.split("pid=")[1].split(",")[0])


def _health(url: str) -> dict[str, Any]:
    """Once the worker has caught up: every read model's status (``degraded`` if one skipped an event)."""
    deadline = time.monotonic() + 600
    while True:
        body: dict[str, Any] = httpx.get(url + "/health", timeout=10).json()
        lag = sum(int(p.get("lag", 0)) for p in body.get("projections", {}).values()) if "projections" in body else 0
        if lag == 0 or time.monotonic() > deadline:
            return body
        time.sleep(0.5)


def _report(tally: Tally, mix: Mix, memory: dict[str, dict[str, float]], health: dict[str, Any], elapsed: float,
            args: argparse.Namespace, exited: list[str]) -> dict[str, Any]:  # fmt: skip
    operations = tally.summary()
    requests = tally.requests
    errors = sum(o["errors"] for o in operations.values())
    flat = all(
        values["at the end"] <= values["after warm-up"] * 1.10 + 20 for values in memory.values() if len(values) == 2
    )
    return {
        "seconds": round(elapsed, 1),
        "clients": args.clients,
        "requests": requests,
        "requests_per_second": round(requests / elapsed, 1) if elapsed else 0,
        "errors": errors,
        "error_rate": errors / requests if requests else 0.0,  # per HTTP request; an operation sends one to three
        "typed_refusals": sum(o["refusals"] for o in operations.values()),
        "operations": operations,
        "memory_mib": memory,
        "memory_flat": flat,
        "read_models": health.get("status"),
        "max_read_model_lag_events": mix.max_lag,
        "processes_exited": exited,
        "error_samples": tally.error_samples[:10],
        "passed": errors == 0 and flat and health.get("status") == "ok" and requests > 0 and not exited,
    }


def _print(report: dict[str, Any]) -> None:
    print(
        f"\nsoak: {report['requests']} requests in {report['seconds']} s ({report['requests_per_second']}/s), "
        f"{report['clients']} clients, two API processes and a worker on PostgreSQL"
    )
    print(f"{'operation':<22}{'count':>9}{'refused':>9}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for name, o in report["operations"].items():
        print(f"{name:<22}{o['operations']:>9}{o['refusals']:>9}{o['errors']:>8}{o['p50_ms']:>9.1f}{o['p99_ms']:>9.1f}")
    print(f"error rate: {report['error_rate']:.4%} ({report['errors']} errors; typed refusals apart: "
          f"{report['typed_refusals']})")  # fmt: skip
    for name, values in report["memory_mib"].items():
        print(
            f"memory {name:<8}: {values.get('after warm-up')} MiB after warm-up, {values.get('at the end')} MiB at end"
        )
    print(f"memory flat: {report['memory_flat']}; read models: {report['read_models']}, at most "
          f"{report['max_read_model_lag_events']} events behind; "
          f"processes that exited early: {report['processes_exited'] or 'none'}")  # fmt: skip
    for sample in report["error_samples"]:
        print(f"  error: {sample}")
    print("PASSED" if report["passed"] else "FAILED")


if __name__ == "__main__":
    main()
