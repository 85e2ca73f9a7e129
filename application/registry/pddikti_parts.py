"""A PDDIKTI file split by university for worker processes, and their reports merged into the file's (issue 35).

Every line a university's records depend on (its programmes, its students, their reports, a later correction) names
that university, so one part holding all of a university's lines, in file order, decides each of them as the whole
file would. A line that names no readable university is refused as it is read and changes nothing: any part takes it.
"""

from __future__ import annotations

from collections import defaultdict

import orjson

from application.registry.pddikti_import import ImportReport, university_of_line
from domain.errors import RuleViolation
from domain.registry.codes import UniversityCode
from domain.registry.pddikti_import import MAX_RECORDED_ERRORS, RefusedLine, UniversityTally

Numbered = list[tuple[int, str]]


def split(numbered: Numbered, parts: int) -> list[Numbered]:
    """At most ``parts`` non-empty parts, each university's lines in one, in file order (``split_indexes``)."""
    return [[numbered[i] for i in part] for part in split_indexes(numbered, parts)]


def split_indexes(numbered: Numbered, parts: int) -> list[list[int]]:
    """``split``, each part as the positions of its lines in ``numbered``: what a worker that holds ``numbered`` (it
    was forked with it) is sent, rather than the lines' text (issue 35). The largest universities are dealt first,
    each to the part with the fewest lines so far, so the parts end about equal."""
    by_university: dict[str | None, list[int]] = defaultdict(list)
    codes: dict[str, str | None] = {}  # the few universities' codes as written, read once each
    for index, (_, text) in enumerate(numbered):
        by_university[_university(text, codes)].append(index)
    dealt: list[list[int]] = [[] for _ in range(max(1, parts))]
    for _, lines in sorted(by_university.items(), key=lambda item: (-len(item[1]), item[0] or "")):
        min(dealt, key=len).extend(lines)
    numbers = [number for number, _ in numbered]
    return [sorted(part, key=numbers.__getitem__) for part in dealt if part]  # in file order: by line number


def _university(text: str, codes: dict[str, str | None]) -> str | None:
    """``university_of_line``, faster: orjson reads what the import's json reads alike (a line it refuses goes to
    the import's own reading), and each distinct code is parsed once."""
    try:
        raw = orjson.loads(text)
    except orjson.JSONDecodeError:
        return university_of_line(text)
    if not isinstance(raw, dict):
        return None
    value = raw.get("code" if raw.get("kind") == "university" else "university")
    if not isinstance(value, str):
        return None
    if value not in codes:
        try:
            codes[value] = UniversityCode.parse(value).value
        except RuleViolation:
            codes[value] = None
    return codes[value]


def merge(source: str, reports: list[ImportReport]) -> ImportReport:
    """The parts' reports as one run of the whole file would have made it."""
    merged = ImportReport(source=source)
    for report in reports:
        merged.lines_read += report.lines_read
        merged.applied += report.applied
        merged.unchanged += report.unchanged
        merged.errors.extend(report.errors)
        if report.last_position:
            merged.last_position = max(merged.last_position or 0, report.last_position)
    merged.errors.sort(key=lambda e: e.line_number)
    merged.tallies = merge_tallies([t for r in reports for t in r.tallies])
    return merged


def merge_tallies(tallies: list[UniversityTally]) -> tuple[UniversityTally, ...]:
    """Each university's counts summed, and the file's first ``MAX_RECORDED_ERRORS`` line errors kept (each part kept
    its own first ones, so the file's first are among them); the others are counted as unrecorded."""
    counts: dict[str | None, list[int]] = {}  # university: [accepted, refused, superseded, unrecorded]
    refused: list[tuple[int, int, str | None, RefusedLine]] = []  # (line, order within its line, university, error)
    for tally in tallies:
        total = counts.setdefault(tally.university_code, [0, 0, 0, 0])
        total[0] += tally.accepted
        total[1] += tally.refused
        total[2] += tally.superseded
        total[3] += tally.unrecorded_errors
        refused.extend((r.line, i, tally.university_code, r) for i, r in enumerate(tally.refused_lines))
    refused.sort(key=lambda item: (item[0], item[1]))
    recorded: dict[str | None, list[RefusedLine]] = {}
    for kept, (_, _, university, line) in enumerate(refused):
        if kept < MAX_RECORDED_ERRORS:
            recorded.setdefault(university, []).append(line)
        else:
            counts[university][3] += 1
    return tuple(
        UniversityTally(u, accepted, refused_count, superseded, tuple(recorded.get(u, ())), unrecorded)
        for u, (accepted, refused_count, superseded, unrecorded) in sorted(counts.items(), key=lambda i: i[0] or "")
    )
