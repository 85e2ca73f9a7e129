"""Mutants of a Python rule module, made on its syntax tree and written back as source text.

Each mutant replaces the text of one expression with the unparsed, changed expression (in parentheses,
so precedence cannot change around it); everything else in the file stays as it was.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mutation.targets import SKIPPED_FUNCTIONS

RULE_ID = re.compile(r"(PIN|PDP|API|SUB|ASM|EQV)-\d+(\.[a-z_]+)?")
DECIMAL = re.compile(r"\d+\.\d+")
FLIPS: dict[type, type] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
SYMBOLS: dict[type, str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.FloorDiv: "//",
    ast.Mod: "%",
}
ARITHMETIC: dict[type, type] = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult}
ARITHMETIC[ast.Mod] = ast.FloorDiv
FAILURE_CALLS = {"Failure": 1, "violation": 1, "required": 2}  # position of the field argument
QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d+))?\}")
DIGIT_RANGE = re.compile(r"\[(\d)-(\d)")


@dataclass(frozen=True)
class Edit:
    """Replace the source of ``node`` with ``text``; ``what`` says what changed."""

    node: ast.AST
    text: str
    what: str


def _paren(node: ast.AST) -> str:
    return f"({ast.unparse(node)})"


def _with(node: ast.AST, **changes: object) -> ast.AST:
    changed = copy.deepcopy(node)
    for name, value in changes.items():
        setattr(changed, name, value)
    return changed


class _Finder(ast.NodeVisitor):
    """Collects the edits of every operator, outside docstrings, annotations, decorators, f-strings,
    asserts, and functions that hold no rule (``@event`` mutators, ids)."""

    def __init__(self, rule_ids: list[str], damm_table: bool) -> None:
        self.edits: list[Edit] = []
        self.rule_ids = rule_ids
        self.damm_table = damm_table
        self.table_cells: set[int] = set()

    # Where not to look -------------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name in SKIPPED_FUNCTIONS or any(_is_event_decorator(d) for d in node.decorator_list):
            return
        self._body(node.body)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._body(node.body)

    def visit_Module(self, node: ast.Module) -> None:
        self._body(node.body)

    def _body(self, body: list[ast.stmt]) -> None:
        for i, stmt in enumerate(body):
            is_docstring = i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            if not is_docstring:
                self.visit(stmt)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_arguments(self, node: ast.arguments) -> None:
        for default in [*node.defaults, *node.kw_defaults]:
            if default is not None:
                self.visit(default)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return  # messages: what they say is not a rule

    def visit_Assert(self, node: ast.Assert) -> None:
        return  # invariants the type checker needs, not rules

    def visit_Import(self, node: ast.Import) -> None:
        return

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return

    # Operators ---------------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.damm_table and any(isinstance(t, ast.Name) and t.id == "_TABLE" for t in node.targets):
            for cell in ast.walk(node.value):
                if isinstance(cell, ast.Constant) and isinstance(cell.value, int):
                    self.table_cells.add(id(cell))
                    self.edits.append(
                        Edit(cell, str((cell.value + 1) % 10), f"Damm cell {cell.value} -> {(cell.value + 1) % 10}")
                    )
            return
        if (
            len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "field"
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            self._field(node.value)
            return
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for i, op in enumerate(node.ops):
            flipped = FLIPS.get(type(op))
            if flipped is not None:
                ops = list(node.ops)
                ops[i] = flipped()
                what = f"{SYMBOLS[type(op)]} -> {SYMBOLS[flipped]}"
                self.edits.append(Edit(node, _paren(_with(node, ops=ops)), what))
            right = node.comparators[i]
            if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Constant) and isinstance(right.value, str):
                for j in range(len(right.value)):
                    shorter = right.value[:j] + right.value[j + 1 :]
                    self.edits.append(Edit(right, repr(shorter), f"{right.value!r} -> {shorter!r}"))
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        names = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        self.edits.append(Edit(node, _paren(_with(node, op=other)), f"{names[0]} -> {names[1]}"))
        for i, value in enumerate(node.values):
            rest = node.values[:i] + node.values[i + 1 :]
            kept = rest[0] if len(rest) == 1 else _with(node, values=rest)
            self.edits.append(Edit(node, _paren(kept), f"condition `{ast.unparse(value)}` dropped"))
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self.edits.append(Edit(node, _paren(node.operand), "`not` removed"))
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        self.edits.append(Edit(node.test, f"(not ({ast.unparse(node.test)}))", "condition negated"))
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self.edits.append(Edit(node.test, f"(not ({ast.unparse(node.test)}))", "condition negated"))
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        other = ARITHMETIC.get(type(node.op))
        if other is not None and not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
            what = f"{SYMBOLS[type(node.op)]} -> {SYMBOLS[other]}"
            self.edits.append(Edit(node, _paren(_with(node, op=other())), what))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        position = FAILURE_CALLS.get(name)
        if position is not None and len(node.args) > position:
            field = node.args[position]
            if isinstance(field, ast.Constant) and isinstance(field.value, str):
                self._field(field)
        for keyword in node.keywords:
            if keyword.arg == "field" and isinstance(keyword.value, ast.Constant):
                self._field(keyword.value)
        if name in ("_ascii", "compile") and node.args and isinstance(node.args[0], ast.Constant):
            self._regex(node.args[0])
            for arg in node.args[1:]:
                self.visit(arg)
            return
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.edits.append(Edit(node, repr(not value), f"{value} -> {not value}"))
        elif isinstance(value, int):
            for step in (1, -1):
                self.edits.append(Edit(node, repr(value + step), f"{value} -> {value + step}"))
        elif isinstance(value, str) and RULE_ID.fullmatch(value):
            other = self._other_rule_id(value)
            self.edits.append(Edit(node, repr(other), f"rule id {value!r} -> {other!r}"))
        elif isinstance(value, str) and DECIMAL.fullmatch(value):
            places = len(value.split(".")[1])
            step = 10**-places
            for sign in (1, -1):
                moved = f"{float(value) + sign * step:.{places}f}"
                self.edits.append(Edit(node, repr(moved), f"{value!r} -> {moved!r}"))

    # Helpers -----------------------------------------------------------------------------------

    def _field(self, node: ast.Constant) -> None:
        field = str(node.value)
        self.edits.append(Edit(node, repr(f"{field}X"), f"field {field!r} -> {field + 'X'!r}"))

    def _regex(self, node: ast.Constant) -> None:
        pattern = str(node.value)
        for match in QUANTIFIER.finditer(pattern):
            for group in (1, 2):
                if match.group(group) is None:
                    continue
                number = int(match.group(group))
                for step in (1, -1):
                    if number + step < 0:
                        continue
                    start, end = match.span(group)
                    moved = pattern[:start] + str(number + step) + pattern[end:]
                    self.edits.append(Edit(node, repr(moved), f"regex {pattern!r} -> {moved!r}"))
        for match in DIGIT_RANGE.finditer(pattern):
            number = int(match.group(2))
            for step in (1, -1):
                if int(match.group(1)) <= number + step <= 9:
                    start, end = match.span(2)
                    moved = pattern[:start] + str(number + step) + pattern[end:]
                    self.edits.append(Edit(node, repr(moved), f"regex {pattern!r} -> {moved!r}"))

    def _other_rule_id(self, value: str) -> str:
        others = [r for r in self.rule_ids if r != value]
        if not others:
            return value + ".other"
        later = [r for r in others if r > value]
        return (later or others)[0]


def _is_event_decorator(node: ast.expr) -> bool:
    call = node.func if isinstance(node, ast.Call) else node
    return isinstance(call, ast.Name) and call.id == "event"


@dataclass(frozen=True)
class PythonMutant:
    line: int
    what: str
    source_line: str
    text: str  # the whole mutated file


def python_mutants(source: str, rule_ids: list[str], *, damm_table: bool = False) -> Iterator[PythonMutant]:
    tree = ast.parse(source)
    finder = _Finder(rule_ids, damm_table)
    finder.visit(tree)
    lines = source.splitlines(keepends=True)
    original = ast.dump(tree)
    for edit in finder.edits:
        text = _replace(lines, edit.node, edit.text)
        try:
            changed = ast.dump(ast.parse(text))
        except SyntaxError:
            continue
        if changed != original:
            line = edit.node.lineno  # type: ignore[attr-defined]
            yield PythonMutant(line, edit.what, lines[line - 1].strip(), text)


def rule_ids_in(source: str) -> list[str]:
    found = {
        n.value
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and RULE_ID.fullmatch(n.value)
    }
    return sorted(found)


def _replace(lines: list[str], node: ast.AST, text: str) -> str:
    # ast offsets are UTF-8 byte offsets within a line.
    start, end = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined]
    head = lines[start].encode()[: node.col_offset].decode()  # type: ignore[attr-defined]
    tail = lines[end].encode()[node.end_col_offset :].decode()  # type: ignore[attr-defined]
    return "".join(lines[:start]) + head + text + tail + "".join(lines[end + 1 :])
