"""The soak's traffic: what each client sends, and the tally of answers and latencies."""

from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.auth import mint
from benchmarks.cohort import UNIVERSITY
from domain.audit import Role

PRODI = "55201"
RESERVE = "mutation($i: ReserveNinaInput!) { reserveNina(input: $i) { __typename ... on NinaAccepted { nina } } }"
GRADUATE = "mutation($i: RecordGraduationInput!) { recordGraduation(input: $i) { __typename } }"
PAIR = "mutation($i: PairNinaInput!) { pairNina(input: $i) { __typename ... on NinaAccepted { position } } }"
AT = f'universityCode: "{UNIVERSITY}"'
DIPLOMA = f"query($n: String!) {{ diploma({AT}, nim: $n) {{ __typename ... on Diploma {{ nina status }} }} }}"
DIPLOMAS = f"{{ diplomas({AT}, first: 50) {{ __typename }} }}"
ELIGIBILITY = f"query($n: String!) {{ ninaEligibility({AT}, nim: $n) {{ __typename }} }}"
CHALLENGE = "{ challenge { question token } }"
VERIFY = "mutation($i: VerifyDiplomaInput!) { verifyDiploma(input: $i) { __typename } }"
REFUSALS = frozenset({"RuleViolation", "NotAuthorized", "Conflict", "NotFound", "DiplomaNotFoundResult"})
# The mix, by weight: writes a university's operator makes, staff reads, and the public's look-ups.
# A repeated reservation is refused by PIN-2 (one NINA per student): the typed refusal path under load.
WEIGHTS = {"reserve": 28, "reserve again": 4, "graduate and pair": 10, "staff query": 34, "sivil look-up": 24}


class Unexpected(Exception):
    """An answer that is neither data nor a typed refusal."""


@dataclass
class Mix:
    urls: list[str]
    secret: str
    nims: list[str]
    reserved: deque[tuple[str, str]] = field(default_factory=deque)  # (nim, nina) reserved, not yet paired
    paired: list[tuple[int, str]] = field(default_factory=list)  # (position of the pairing, NINA)
    sivil_position: int = 0  # how far the SIVIL read model has projected the log (from /health, by a monitor)
    max_lag: int = 0  # the most events any read model was behind, as seen by the monitor
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.operator = mint(
            self.secret, subject="operator@soak", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY
        )
        self.pending = deque(self.nims)

    def one(self, http: httpx.Client, rng: random.Random, url: str) -> tuple[str, list[str]]:
        """One operation: its name and the typenames of its answers (one or two requests)."""
        name = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        if name == "graduate and pair":
            with self.lock:
                taken = self.reserved.popleft() if self.reserved else None
            if taken is None:
                name = "reserve"
            else:
                return name, self.graduate_and_pair(http, url, *taken)
        if name == "reserve again":
            with self.lock:
                again = self.reserved[-1][0] if self.reserved else None
            if again is not None:
                refused = self.reserve(http, url, again, again=True)
                if refused != ["RuleViolation"]:
                    raise Unexpected(f"a second reservation for {again} answered {refused}")
                return name, refused
            name = "reserve"
        if name == "sivil look-up" and not self.projected():
            name = "staff query"
        if name == "reserve":
            with self.lock:
                nim = self.pending.popleft() if self.pending else None
            if nim is None:
                name = "staff query"
            else:
                return name, self.reserve(http, url, nim)
        if name == "staff query":
            return name, self.staff_query(http, url, rng)
        return name, self.look_up(http, url, rng)

    def projected(self) -> list[str]:
        """NINAs whose pairing the SIVIL read model has projected: a public look-up must find every one of them."""
        with self.lock:
            return [nina for position, nina in self.paired if position <= self.sivil_position]

    def monitor(self, stop: threading.Event) -> None:
        """Follows ``/health``: the SIVIL read model's position and the largest lag of any read model."""
        with httpx.Client(timeout=10) as http:
            while not stop.wait(0.5):
                try:
                    statuses = http.get(self.urls[0] + "/health").json()["projections"]
                except (httpx.HTTPError, KeyError, ValueError):
                    continue
                sivil = [s["position"] for k, s in statuses.items() if k.startswith("sivil")]
                with self.lock:
                    self.sivil_position = min(sivil, default=0)
                    self.max_lag = max(self.max_lag, *(int(s["lag"]) for s in statuses.values()))

    def reserve(self, http: httpx.Client, url: str, nim: str, *, again: bool = False) -> list[str]:
        answer = command(http, url, RESERVE, {"universityCode": UNIVERSITY, "nim": nim}, self.operator)
        if answer["__typename"] == "NinaAccepted" and not again:
            with self.lock:
                self.reserved.append((nim, answer["nina"]))
        return [answer["__typename"]]

    def graduate_and_pair(self, http: httpx.Client, url: str, nim: str, nina: str) -> list[str]:
        graduation = {
            "universityCode": UNIVERSITY,
            "nim": nim,
            "yudisiumNumber": "SK/YUD/SOAK",
            "yudisiumDate": "2026-11-20",
        }
        graduated = command(http, url, GRADUATE, graduation, self.operator)
        paired = command(http, url, PAIR, {"universityCode": UNIVERSITY, "nim": nim, "nina": nina}, self.operator)
        if paired["__typename"] == "NinaAccepted":
            with self.lock:
                self.paired.append((int(paired["position"]), nina))
        return [graduated["__typename"], paired["__typename"]]

    def staff_query(self, http: httpx.Client, url: str, rng: random.Random) -> list[str]:
        nim = rng.choice(self.nims)
        document, variables = rng.choice([(DIPLOMA, {"n": nim}), (DIPLOMAS, {}), (ELIGIBILITY, {"n": nim})])
        data = graphql(http, url + "/graphql", document, variables, self.operator)
        answer = next(iter(data.values()))
        return [answer.get("__typename", "data") if isinstance(answer, dict) else "data"]

    def look_up(self, http: httpx.Client, url: str, rng: random.Random) -> list[str]:
        challenge = graphql(http, url + "/sivil/graphql", CHALLENGE, {}, None)["challenge"]
        a, b = re.findall(r"\d+", challenge["question"])[:2]
        nina = rng.choice(self.projected())
        given = {"universityCode": UNIVERSITY, "prodiCode": PRODI, "nina": nina, "challengeToken": challenge["token"],
                 "answer": str(int(a) + int(b))}  # fmt: skip
        verified = graphql(http, url + "/sivil/graphql", VERIFY, {"i": given}, None)["verifyDiploma"]
        if verified["__typename"] != "VerifiedDiploma":
            raise Unexpected(f"a paired diploma looked up: {verified}")
        return ["challenge", verified["__typename"]]


def graphql(
    http: httpx.Client, url: str, document: str, variables: dict[str, Any], token: str | None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = http.post(url, json={"query": document, "variables": variables}, headers=headers)
    if response.status_code != 200:
        raise Unexpected(f"HTTP {response.status_code}: {response.text[:200]}")
    body = response.json()
    if body.get("errors"):
        raise Unexpected(f"GraphQL error: {body['errors'][0]}")
    data: dict[str, Any] = body["data"]
    return data


def command(http: httpx.Client, url: str, document: str, given: dict[str, Any], token: str) -> dict[str, Any]:
    answer: dict[str, Any] = next(iter(graphql(http, url + "/graphql", document, {"i": given}, token).values()))
    return answer


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name: str, seconds: float, answers: list[str] | None, error: str | None) -> None:
        with self.lock:
            self.requests += len(answers) if answers else 1
            self.latencies.setdefault(name, []).append(seconds * 1000)
            self.refusals[name] = self.refusals.get(name, 0) + sum(1 for a in answers or [] if a in REFUSALS)
            if error is not None:
                self.errors[name] = self.errors.get(name, 0) + 1
                if len(self.error_samples) < 50:
                    self.error_samples.append(f"{name}: {error}")

    def summary(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            return {
                name: {
                    "operations": len(values),
                    "refusals": self.refusals.get(name, 0),
                    "errors": self.errors.get(name, 0),
                    "p50_ms": percentile(values, 0.50),
                    "p99_ms": percentile(values, 0.99),
                }
                for name, values in sorted(self.latencies.items())
            }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else 0.0


def run_clients(
    mix: Mix,
    tally: Tally,
    *,
    clients: int,
    seconds: float,
    max_requests: int,
    at_warm_up: tuple[float, Callable[[], None]],
) -> None:
    """``clients`` threads, each sending one operation after another to the API processes in turn."""
    deadline = time.monotonic() + seconds
    warm_up, measure = at_warm_up
    warmed = threading.Event()

    def client(index: int) -> None:
        rng = random.Random(index)
        with httpx.Client(timeout=30) as http:
            turn = index
            while time.monotonic() < deadline and tally.requests < max_requests:
                url = mix.urls[turn % len(mix.urls)]
                turn += 1
                start = time.perf_counter()
                try:
                    name, answers = mix.one(http, rng, url)
                    tally.record(name, time.perf_counter() - start, answers, None)
                except (Unexpected, httpx.HTTPError, KeyError, ValueError) as error:
                    tally.record("(failed)", time.perf_counter() - start, None, f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=client, args=(i,), name=f"soak-client-{i}") for i in range(clients)]
    stop = threading.Event()
    monitor = threading.Thread(target=mix.monitor, args=(stop,), name="soak-monitor")
    monitor.start()
    for thread in threads:
        thread.start()
    started = time.monotonic()
    while any(t.is_alive() for t in threads):
        if not warmed.is_set() and time.monotonic() - started >= warm_up:
            measure()
            warmed.set()
        time.sleep(0.2)
    stop.set()
    monitor.join(timeout=15)
    if not warmed.is_set():
        measure()
