"""The SIVIL look-up over HTTP, p99: a real ``serve`` under uvicorn answering the challenge and the verification
of a paired diploma, against a plain FastAPI endpoint reading the same row (``benchmarks.plain_lookup``).
Target (issue 8): p99 at most 3 times the plain endpoint's."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from benchmarks.cohort import OPERATOR, UNIVERSITY, eligible_cohort
from benchmarks.figures import Figure, median_details
from benchmarks.stores import Place, container, fresh
from domain.registry.record import Graduation

CHALLENGE = "{ challenge { question token } }"
VERIFY = (
    "mutation($input: VerifyDiplomaInput!) { verifyDiploma(input: $input) { __typename "
    "... on VerifiedDiploma { nina fullName status verifiedAt } } }"
)
WARM_UP = 30


def paired(place: Place) -> tuple[str, str]:
    """One paired diploma, projected into the read models; returns (prodi, nina)."""
    with container(place) as built:
        app = built.services.diploma.commands
        [nim] = eligible_cohort(app, 1)
        nina = app.reserve_nina(university_code=UNIVERSITY, nim=nim, cause=OPERATOR).nina
        graduation = Graduation("SK/YUD/BENCH", app.today())
        app.record_graduation(university_code=UNIVERSITY, nim=nim, graduation=graduation, cause=OPERATOR)
        app.pair_nina(university_code=UNIVERSITY, nim=nim, nina=nina, cause=OPERATOR)
        built.worker.catch_up()
        return "55201", nina


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(command: list[str], env: dict[str, str], port: int, ready: str) -> Iterator[str]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + ready, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stderr.read().decode() if process.stderr else "not serving") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def environment(place: Place) -> dict[str, str]:
    settings = place.settings()
    env = {
        **os.environ,
        "KREDENSIAL_DATA_DIR": str(settings.data_dir),
        "KREDENSIAL_SECRET": settings.secret,
        "KREDENSIAL_MASTER_KEY": settings.master_key.hex(),
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
        "KREDENSIAL_PDF_SIGNING_KEY": str(settings.pdf_signing_key),
        "KREDENSIAL_PDF_SIGNING_CHAIN": str(settings.pdf_signing_chain),
        "KREDENSIAL_PUBLIC_URL": settings.public_url,
        "KREDENSIAL_SIVIL_RATE_LIMIT": "1000000/minute",  # one client asks thousands of times: not a limit test
    }
    if place.database_url:
        env["KREDENSIAL_DATABASE_URL"] = place.database_url
        env["KREDENSIAL_ALLOW_DEV_TOKENS"] = "1"  # the soak signs its operators in with development tokens
    return env


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_once(store: str, requests: int) -> dict[str, float]:
    with fresh(store) as place:
        prodi, nina = paired(place)
        env = environment(place)
        ours, plain = free_port(), free_port()
        serve = [sys.executable, "-m", "infra.main", "serve", "--port", str(ours)]
        baseline = [sys.executable, "-m", "benchmarks.plain_lookup", str(plain), str(place.settings().data_dir)]
        baseline += [place.database_url] if place.database_url else []
        with (
            served(serve, env, ours, "/health") as url,
            served(baseline, env, plain, "/docs") as plain_url,
            httpx.Client(timeout=30) as http,
        ):
            verify_ms, challenge_ms, plain_ms = [], [], []
            for i in range(WARM_UP + requests):
                start = time.perf_counter()
                c = http.post(url + "/sivil/graphql", json={"query": CHALLENGE}).json()["data"]["challenge"]
                asked = time.perf_counter()
                a, b = re.findall(r"\d+", c["question"])[:2]
                data = {"universityCode": UNIVERSITY, "prodiCode": prodi, "nina": nina, "challengeToken": c["token"]}
                body = {"query": VERIFY, "variables": {"input": {**data, "answer": str(int(a) + int(b))}}}
                answer = http.post(url + "/sivil/graphql", json=body).json()
                verified = time.perf_counter()
                assert answer["data"]["verifyDiploma"]["__typename"] == "VerifiedDiploma", answer
                http.get(plain_url + "/lookup", params={"university": UNIVERSITY, "prodi": prodi, "nina": nina})
                done = time.perf_counter()
                if i >= WARM_UP:
                    challenge_ms.append((asked - start) * 1000)
                    verify_ms.append((verified - asked) * 1000)
                    plain_ms.append((done - verified) * 1000)
    return {
        "verify_p50_ms": p(verify_ms, 0.5),
        "verify_p99_ms": p(verify_ms, 0.99),
        "challenge_p99_ms": p(challenge_ms, 0.99),
        "plain_p50_ms": p(plain_ms, 0.5),
        "plain_p99_ms": p(plain_ms, 0.99),
    }


def measure(store: str, requests: int, repeats: int) -> list[Figure]:
    runs = median_details([run_once(store, requests) for _ in range(repeats)])
    value, baseline = runs["verify_p99_ms"], runs["plain_p99_ms"]
    return [
        Figure(
            measure=f"SIVIL look-up over HTTP, p99 of {requests} (challenge answered + verify)",
            key="sivil_p99",
            store=store,
            value=value,
            unit="ms",
            baseline=baseline,
            baseline_what="plain FastAPI reading the same row, p99 ms",
            target="<= 3x plain",
            met=value <= 3 * baseline,
            details=runs,
        )
    ]
