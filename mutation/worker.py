"""One warm process per job (``python -m mutation.worker``, started in its own copy of the tree): it imports
pytest and every library the tests import once; per mutated file it forks a child that also imports the project's
modules that do not import that file (mutation/imports.py), and that child forks one more per mutant. The last
imports the mutated module and the modules importing it afresh, from the mutated file, and runs the tests it was
given; the copy's file is put back when it ends. Starting Python, pytest, the libraries and most of the project
(about 10 s) is paid once per run or file, not per mutant.

Protocol, one JSON object a line: ``{"path", "text", "tests", "timeout"}`` in, ``{"outcome", "seconds"}`` out,
where ``outcome`` is ``killed``, ``survived`` or ``timeout``.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import time
import warnings
from pathlib import Path
from typing import IO

import pytest

from mutation.imports import independent
from mutation.targets import PYTEST_ARGS

TREE = Path.cwd().resolve()


def _in_tree(module: object) -> bool:
    file = getattr(module, "__file__", None)
    return file is not None and Path(file).resolve().is_relative_to(TREE)


def _libraries(tests: list[str]) -> list[str]:
    """The libraries the tests import, found by collecting them in a child (so the project stays unimported here:
    a library that cached a project class would hand a child the unmutated one)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _quiet()
        pytest.main([*PYTEST_ARGS, "--collect-only", *tests])
        names = [n for n, m in list(sys.modules.items()) if m is not None and not _in_tree(m) and n != "__main__"]
        with os.fdopen(write, "w") as out:
            out.write("\n".join(names))
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as got:
        names = got.read().split()
    os.waitpid(pid, 0)
    return names


def _quiet() -> None:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)


def _preload(names: list[str]) -> None:
    for name in sorted(names):
        if name.split(".")[0] in ("mutation", "tests") or name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except Exception:  # a module that imports only in context is simply left to the child
            continue
    for name, module in list(sys.modules.items()):
        if module is not None and _in_tree(module) and not name.startswith("mutation"):
            del sys.modules[name]  # a library that imported a project module must not keep it for the children


def _forget_bytecode(target: Path) -> None:
    for cached in (target.parent / "__pycache__").glob(f"{target.stem}.*.pyc"):
        cached.unlink()


def judge(path: str, text: str, tests: list[str], timeout: float) -> tuple[str, float]:
    target = TREE / path
    original = target.read_bytes()
    started = time.monotonic()
    target.write_text(text, "utf-8")
    _forget_bytecode(target)  # same size and second as the original: its .pyc would pass for the mutant's
    try:
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)  # servers a test starts are killed with it on a timeout
            _quiet()
            code = pytest.main([*PYTEST_ARGS, *tests])
            os._exit(int(code))
        deadline = started + timeout
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                outcome = "survived" if os.waitstatus_to_exitcode(status) == 0 else "killed"
                break
            if time.monotonic() > deadline:
                os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                outcome = "timeout"
                break
            time.sleep(0.005)
    finally:
        target.write_bytes(original)
        _forget_bytecode(target)
    return outcome, time.monotonic() - started


def _zygote(path: str) -> tuple[int, IO[str], IO[str]]:
    """A child that imports every project module that does not import ``path`` and then judges that file's mutants
    (each in a child of its own): the modules it holds are the same for every mutant of the file."""
    to_read, to_write = os.pipe()
    from_read, from_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(to_write)
        os.close(from_read)
        for name in independent(TREE, path):
            importlib.import_module(name)
        with os.fdopen(to_read) as jobs, os.fdopen(from_write, "w") as answers:
            for line in jobs:
                job = json.loads(line)
                outcome, seconds = judge(job["path"], job["text"], job["tests"], job["timeout"])
                answers.write(json.dumps({"outcome": outcome, "seconds": seconds}) + "\n")
                answers.flush()
        os._exit(0)
    os.close(to_read)
    os.close(from_write)
    return pid, os.fdopen(to_write, "w"), os.fdopen(from_read)


def main() -> None:
    sys.path.insert(0, str(TREE))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _preload(_libraries(sys.argv[1:]))
    print(json.dumps({"ready": True}), flush=True)
    zygote: tuple[str, int, IO[str], IO[str]] | None = None
    for line in sys.stdin:
        path = json.loads(line)["path"]
        if zygote is None or zygote[0] != path:
            if zygote is not None:
                zygote[2].close()
                os.waitpid(zygote[1], 0)
            zygote = (path, *_zygote(path))
        zygote[2].write(line)
        zygote[2].flush()
        print(zygote[3].readline().strip(), flush=True)
    if zygote is not None:
        zygote[2].close()
        os.waitpid(zygote[1], 0)


if __name__ == "__main__":
    main()
