"""Mutants of a JSON ruleset: every threshold moved by one step, dates by a day, flags flipped, the id
changed and each entry of an optional level map removed. Made on the text, so line numbers are real."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta

from mutation.python_mutants import PythonMutant

# "key": value, for the scalar values a ruleset holds.
ENTRY = re.compile(r'"(?P<key>[^"]+)":\s*(?P<value>-?\d+|"\d+\.\d+"|"\d{4}-\d\d-\d\d"|true|false|"[^"]*")')
OBJECT = re.compile(r'"(?P<key>[^"]+)":\s*\{')
# Level maps in which a missing level is meaningful (not a KeyError): the rule is simply not applied.
OPTIONAL_MAPS = frozenset({"min_reported_semesters"})


def json_mutants(text: str) -> Iterator[PythonMutant]:
    for match in ENTRY.finditer(text):
        key, value = match.group("key"), match.group("value")
        where = _enclosing(text, match.start())
        name = f"{where}.{key}" if where else key
        start, end = match.span("value")
        for replacement in _moved(key, value):
            yield _mutant(text, match.start(), start, end, replacement, f"{name}: {value} -> {replacement}")
        if where in OPTIONAL_MAPS:
            yield _mutant(text, match.start(), *_entry_span(text, match), "", f"{name} removed")


def _moved(key: str, value: str) -> list[str]:
    if value in ("true", "false"):
        return ["false" if value == "true" else "true"]
    if re.fullmatch(r"-?\d+", value):
        return [str(int(value) + 1), str(int(value) - 1)]
    inner = value.strip('"')
    if re.fullmatch(r"\d+\.\d+", inner):
        places = len(inner.split(".")[1])
        step = 10**-places
        return [f'"{float(inner) + s * step:.{places}f}"' for s in (1, -1)]
    if re.fullmatch(r"\d{4}-\d\d-\d\d", inner):
        day = date.fromisoformat(inner)
        return [f'"{(day + timedelta(days=s)).isoformat()}"' for s in (1, -1)]
    if key == "id":
        return [f'"{inner}-X"']
    return []  # titles and other prose


def _enclosing(text: str, position: int) -> str:
    """The key of the innermost object that contains ``position`` (none at the top level)."""
    depth, key = 0, ""
    for i in range(position - 1, -1, -1):
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                opened = [m for m in OBJECT.finditer(text, 0, i + 1) if m.end() == i + 1]
                return opened[0].group("key") if opened else key
            depth -= 1
    return key


def _entry_span(text: str, match: re.Match[str]) -> tuple[int, int]:
    """The entry with its separating comma, so that the object stays valid JSON."""
    start, end = match.start(), match.end()
    after = re.match(r"\s*,\s*", text[end:])
    if after:
        return start, end + after.end()
    before = re.search(r",\s*$", text[:start])
    return (before.start() if before else start), end


def _mutant(text: str, anchor: int, start: int, end: int, replacement: str, what: str) -> PythonMutant:
    mutated = text[:start] + replacement + text[end:]
    json.loads(mutated)  # a mutant is a valid ruleset file, only wrong
    line = text.count("\n", 0, anchor) + 1
    return PythonMutant(line, what, text.splitlines()[line - 1].strip(), mutated)
