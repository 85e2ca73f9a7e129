"""``import-pddikti --jobs N``: a PDDIKTI file split by university across worker processes (issue 35).

This process imports the first part on its own runtime; each other part has a worker process, which boots a runtime
of its own (the command line's workers the registry's alone: ``infra.import_worker``). Each part is imported as the
whole file would be (the same chunks, causes and line numbers), so every promise of the serial import holds per part,
hence for the file: line errors with rule ids, the good lines applied, a rerun appends nothing. A killed importer
takes its workers with it (they ask the kernel for it), and what any of them committed stays: running the file again
completes it. The import's record (issue 32) is written by this process once every part is decided, so a run cut
short is never recorded as done.

SQLite runs in one process: it takes one writer at a time, so more processes would only wait on its file lock.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import queue
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any, Protocol

from eventsourcing.postgres import PostgresApplicationRecorder

from api.cli import Runtime
from application.registry import pddikti_import, pddikti_parts
from application.registry.pddikti_import import ImportCut, ImportReport
from domain.audit import Actor

FULL_PASSES_PAUSED = 1_000_000  # young collections before a full one: none, in any file's run
YOUNG_DURING_IMPORT = 20_000  # allocations between two young collections (700 by default): most die young anyway
PROGRESS_EVERY = 100  # lines a worker decides between two reports of its progress
_PR_SET_PDEATHSIG = 1


class PartRuntime(Protocol):
    """What a worker imports its part on: a registry, closed when the part is done (``infra.import_worker``)."""

    @property
    def registry(self) -> Any: ...

    def close(self) -> None: ...


@dataclass
class _Full:
    """A worker on a full runtime, when no leaner one is given (the tests' boot with their clock)."""

    runtime: Runtime

    @property
    def registry(self) -> Any:
        return self.runtime.services.registry

    def close(self) -> None:
        self.runtime.close()


def import_file(
    boot: Callable[[], Runtime],
    path: Path,
    *,
    jobs: int,
    actor: Actor,
    progress: Callable[[int], None] | None = None,
    boot_worker: Callable[[], PartRuntime] | None = None,
) -> ImportReport:
    """``boot`` builds this process's runtime, which also makes the schema; ``boot_worker`` each worker's, by default
    a full runtime through ``boot``."""
    runtime = boot()  # also makes the schema before the workers boot theirs
    try:
        with _long_lived_heap():
            return _import(runtime, boot, path, jobs=jobs, actor=actor, progress=progress, boot_worker=boot_worker)
    finally:
        runtime.close()


def _import(
    runtime: Runtime,
    boot: Callable[[], Runtime],
    path: Path,
    *,
    jobs: int,
    actor: Actor,
    progress: Callable[[int], None] | None,
    boot_worker: Callable[[], PartRuntime] | None,
) -> ImportReport:
    registry = runtime.services.registry
    if jobs <= 1 or not isinstance(registry.recorder, PostgresApplicationRecorder):
        return pddikti_import.import_file(registry, path, actor=actor, progress=progress)
    content = path.read_bytes()
    sha256 = pddikti_import.digest(content)
    source = sha256[:16]  # pddikti_import.source_of, from the one digest
    numbered = list(pddikti_import.records(pddikti_import.file_lines(content)))
    # The workers are forked with the file's records: each boots while this process splits them, then is sent the
    # positions of its part's records, not their text (a tenth of a second less before the workers start, issue 35).
    crew = _Crew(boot_worker or (lambda: _Full(boot())), jobs - 1, numbered, source=source, actor=actor)
    try:
        indexes = pddikti_parts.split_indexes(numbered, jobs)
        parts = [[numbered[i] for i in part] for part in indexes]
        crew.hand_out(indexes[1:])  # a worker left without a part (fewer universities than jobs) ends
        if len(parts) <= 1:  # one university, or none: nothing to share
            report = pddikti_import.import_records(registry, numbered, actor=actor, source=source, progress=progress)
        else:
            report = pddikti_parts.merge(source, crew.run(registry, parts, progress=progress))
        recorded = pddikti_import.record_run(registry, sha256, report, actor=actor)
        crew.join()  # each has sent its report: what is left of it is its exit
        return recorded
    finally:
        crew.stop()


@contextmanager
def _long_lived_heap() -> Iterator[None]:
    """The objects alive when the import starts (the runtime) are frozen out of the cyclic garbage collector, and
    its full passes wait for the run's end: every full pass walked the runtime and the file's parsed lines again, a
    fifth of the import's time (issue 35). Young objects are still collected, less often; what the full passes
    would have found is collected once the run is over (the thresholds are restored, the frozen objects thawed)."""
    young, middle, full = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(young, YOUNG_DURING_IMPORT), middle, FULL_PASSES_PAUSED)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, full)
        gc.unfreeze()


class _Crew:
    """The workers of one run, each forked at once and handed its part (the first part is this process's) when the
    file is split."""

    def __init__(
        self,
        boot: Callable[[], PartRuntime],
        workers: int,
        numbered: pddikti_parts.Numbered,
        *,
        source: str,
        actor: Actor,
    ) -> None:
        # Forked, so the boot function (a closure) is inherited, not pickled. A worker boots its own runtime and never
        # touches the connections it inherits; it ends with os._exit (multiprocessing's), and the objects it inherits
        # are frozen out of its garbage collector, so none of them is closed there.
        context = multiprocessing.get_context("fork")
        self.done: Synchronized[int] = context.Value("q", 0)
        self.results: multiprocessing.Queue[tuple[int, ImportReport | str]] = context.Queue()
        self.inboxes: list[multiprocessing.Queue[list[int] | None]] = [context.Queue() for _ in range(workers)]
        self.workers = {
            index: context.Process(
                target=_work, args=(boot, inbox, numbered, source, actor, self.done, self.results, index), daemon=True
            )
            for index, inbox in enumerate(self.inboxes, start=1)
        }
        self.source, self.actor = source, actor
        gc.freeze()  # what was made since the run began, too; thawed with the rest at its end (_long_lived_heap)
        for worker in self.workers.values():
            worker.start()

    def hand_out(self, parts: list[list[int]]) -> None:
        """Each worker its part: the positions of its records among the file's, which it was forked with."""
        for index, inbox in enumerate(self.inboxes):
            inbox.put(parts[index] if index < len(parts) else None)

    def run(
        self, registry: Any, parts: list[pddikti_parts.Numbered], *, progress: Callable[[int], None] | None
    ) -> list[ImportReport]:
        """The first part in this process, on its runtime, while the workers import theirs; their reports."""
        told, done = progress or (lambda _: None), self.done

        def own_progress(lines: int) -> None:  # every PROGRESS_EVERY lines: the shared count takes a lock to read
            if lines % PROGRESS_EVERY == 0:
                told(lines + done.value)

        own = pddikti_import.import_records(
            registry,
            parts[0],
            actor=self.actor,
            source=self.source,
            progress=own_progress if progress is not None else None,
        )
        reports = {0: own}
        while len(reports) < len(parts):
            try:
                index, outcome = self.results.get(timeout=0.2)
            except queue.Empty:
                _check_alive(self.workers, reports, len(parts))
            else:
                if index >= len(parts):  # a worker left without a part: what became of it changes nothing
                    continue
                if isinstance(outcome, str):
                    failed = f"import worker {index + 1} of {len(parts)} failed: {outcome}"
                    raise ImportCut(f"{failed}; run the file again to complete it")
                reports[index] = outcome
            told(len(parts[0]) + done.value)
        return [reports[i] for i in range(len(parts))]

    def join(self) -> None:
        for worker in self.workers.values():
            worker.join()

    def stop(self) -> None:
        for worker in self.workers.values():
            if worker.is_alive():
                worker.kill()
                worker.join()


def _check_alive(workers: dict[int, Any], reports: dict[int, ImportReport], parts: int) -> None:
    for index, worker in workers.items():
        if index < parts and index not in reports and worker.exitcode is not None and worker.exitcode != 0:
            raise ImportCut(
                f"import worker {index + 1} of {parts} ended with exit code {worker.exitcode}: what it "
                "committed stays; run the file again to complete it"
            )


def _work(
    boot: Callable[[], PartRuntime],
    inbox: multiprocessing.Queue[list[int] | None],
    numbered: pddikti_parts.Numbered,
    source: str,
    actor: Actor,
    done: Synchronized[int],
    results: multiprocessing.Queue[tuple[int, ImportReport | str]],
    index: int,
) -> None:
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)
    told = 0
    try:
        runtime = boot()
        try:
            indexes = inbox.get()
            if indexes is None:
                return
            part = [numbered[i] for i in indexes]

            def count(lines: int) -> None:
                nonlocal told
                if lines - told >= PROGRESS_EVERY or lines == len(part):
                    with done.get_lock():
                        done.value += lines - told
                    told = lines

            report = pddikti_import.import_records(runtime.registry, part, actor=actor, source=source, progress=count)
        finally:
            runtime.close()
    except BaseException as e:  # told to the parent, which reports it; the worker's own traceback would be lost
        results.put((index, f"{type(e).__name__}: {e}"))
        raise
    results.put((index, report))


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when its parent dies, so a killed import leaves no worker writing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
