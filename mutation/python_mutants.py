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

# EQV-2.12, ASM-6.identity, PDP.erasure, FILE.uploader, IDEM-1: a sub-rule's number or name after a dot.
RULE_ID = re.compile(r"(PIN|PDP|API|SUB|ASM|EQV|IDEM|FILE)(-\d+(\.[a-z0-9_]+)?|\.[a-z_]+)")
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
# Date and count arithmetic moved by one: a deadline a day early or late.
SHIFTED_CALLS = {"timedelta": ("days", "weeks", "hours"), "relativedelta": ("days", "months", "years")}
SHIFTED_ARGUMENTS = {"add_working_days": 1, "add_working_days_from": 1, "add_working_hours": 1, "timedelta": 0}
QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d+))?\}")
DIGIT_RANGE = re.compile(r"\[(\d)-(\d)")


@dataclass(frozen=True)
class Edit:
    """Replace the source of ``node`` with ``text``; ``what`` says what changed."""

    node: ast.AST
    text: str
    what: str
    scope: str | None = None  # the outermost function it is in (``Class.method``), None at import time


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
        self.names: list[str] = []  # the classes and function around the node visited
        self.in_function = False
        self.event_methods: set[str] = set()  # methods decorated with @event: calling one records an event

    def _edit(self, node: ast.AST, text: str, what: str) -> None:
        scope = ".".join(self.names) if self.in_function else None
        self.edits.append(Edit(node, text, what, scope))

    # Where not to look -------------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name in SKIPPED_FUNCTIONS or any(_is_event_decorator(d) for d in node.decorator_list):
            return
        if self.in_function:  # a nested function runs only inside the outermost one: that is its scope
            self._body(node.body)
            return
        self.names.append(node.name)
        self.in_function = True
        try:
            self._body(node.body)
        finally:
            self.in_function = False
            self.names.pop()

    def visit_Lambda(self, node: ast.Lambda) -> None:
        if self.in_function:
            self.visit(node.body)
            return
        self.names.append("<lambda>")  # a lambda at import time runs when called: its tests are those calling one
        self.in_function = True
        try:
            self.visit(node.body)
        finally:
            self.in_function = False
            self.names.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.names.append(node.name)
        try:
            self._body(node.body)
        finally:
            self.names.pop()

    def visit_Module(self, node: ast.Module) -> None:
        self.event_methods = {
            f.name
            for f in ast.walk(node)
            if isinstance(f, ast.FunctionDef) and any(_is_event_decorator(d) for d in f.decorator_list)
        }
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
                    self._edit(cell, str((cell.value + 1) % 10), f"Damm cell {cell.value} -> {(cell.value + 1) % 10}")
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
                self._edit(node, _paren(_with(node, ops=ops)), what)
            right = node.comparators[i]
            if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Constant) and isinstance(right.value, str):
                for j in range(len(right.value)):
                    shorter = right.value[:j] + right.value[j + 1 :]
                    self._edit(right, repr(shorter), f"{right.value!r} -> {shorter!r}")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        names = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        self._edit(node, _paren(_with(node, op=other)), f"{names[0]} -> {names[1]}")
        for i, value in enumerate(node.values):
            rest = node.values[:i] + node.values[i + 1 :]
            kept = rest[0] if len(rest) == 1 else _with(node, values=rest)
            self._edit(node, _paren(kept), f"condition `{ast.unparse(value)}` dropped")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self._edit(node, _paren(node.operand), "`not` removed")
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        self._edit(node.test, f"(not ({ast.unparse(node.test)}))", "condition negated")
        if not isinstance(node.test, ast.Constant):
            # Negating a check is caught by any test of the accepted case; a check that never fires only by a
            # test of the refused case, one that always fires only by a test of the case it lets through.
            refuses = any(isinstance(s, ast.Raise) for s in node.body)
            self._edit(node.test, "False", "check never fires" if refuses else "condition never true")
            self._edit(node.test, "True", "check always fires" if refuses else "condition always true")
        self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        for condition in node.ifs:  # a filter that lets everything through, or nothing
            self._edit(condition, "True", "filter dropped")
            self._edit(condition, "False", "filter lets nothing through")
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._edit(node.test, f"(not ({ast.unparse(node.test)}))", "condition negated")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        other = ARITHMETIC.get(type(node.op))
        if other is not None and not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
            what = f"{SYMBOLS[type(node.op)]} -> {SYMBOLS[other]}"
            self._edit(node, _paren(_with(node, op=other())), what)
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
        if name in self.event_methods or name == "trigger_event":  # an event recorded with or without ``@event``
            self._event_fields(node)
        shifted = [k.value for k in node.keywords if k.arg in SHIFTED_CALLS.get(name, ())]
        if name in SHIFTED_ARGUMENTS and len(node.args) > SHIFTED_ARGUMENTS[name]:
            shifted.append(node.args[SHIFTED_ARGUMENTS[name]])
        for value in shifted:
            if not isinstance(value, ast.Constant):  # a constant is moved by one already, as any number
                for op, sign in ((ast.Add(), "+"), (ast.Sub(), "-")):
                    moved = ast.BinOp(value, op, ast.Constant(1))
                    self._edit(value, _paren(moved), f"{name}({ast.unparse(value)} {sign} 1)")
        if name in ("_ascii", "compile") and node.args and isinstance(node.args[0], ast.Constant):
            self._regex(node.args[0])
            for arg in node.args[1:]:
                self.visit(arg)
            return
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self._edit(node, repr(not value), f"{value} -> {not value}")
        elif isinstance(value, int):
            for step in (1, -1):
                self._edit(node, repr(value + step), f"{value} -> {value + step}")
        elif isinstance(value, str) and RULE_ID.fullmatch(value):
            other = self._other_rule_id(value)
            self._edit(node, repr(other), f"rule id {value!r} -> {other!r}")
        elif isinstance(value, str) and DECIMAL.fullmatch(value):
            places = len(value.split(".")[1])
            step = 10**-places
            for sign in (1, -1):
                moved = f"{float(value) + sign * step:.{places}f}"
                self._edit(node, repr(moved), f"{value!r} -> {moved!r}")

    # Helpers -----------------------------------------------------------------------------------

    def _event_fields(self, call: ast.Call) -> None:
        """A recorded event given one field's value in place of another's (what a test of the event's content
        catches, and one of the outcome alone does not)."""
        values = [
            k
            for k in call.keywords
            if isinstance(k.value, ast.Name | ast.Attribute | ast.Subscript)
            and k.arg != "cause"  # tests/test_event_causes.py
        ]
        for i, keyword in enumerate(values):
            for other in values[i + 1 :] + values[:i]:
                if ast.unparse(other.value) != ast.unparse(keyword.value):
                    what = f"event field {keyword.arg}={ast.unparse(other.value)}"
                    self._edit(keyword.value, _paren(other.value), what)
                    break

    def _field(self, node: ast.Constant) -> None:
        field = str(node.value)
        self._edit(node, repr(f"{field}X"), f"field {field!r} -> {field + 'X'!r}")

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
                    self._edit(node, repr(moved), f"regex {pattern!r} -> {moved!r}")
        for match in DIGIT_RANGE.finditer(pattern):
            number = int(match.group(2))
            for step in (1, -1):
                if int(match.group(1)) <= number + step <= 9:
                    start, end = match.span(2)
                    moved = pattern[:start] + str(number + step) + pattern[end:]
                    self._edit(node, repr(moved), f"regex {pattern!r} -> {moved!r}")

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
    scope: str | None = None  # the outermost function it is in, None for code run at import time


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
            yield PythonMutant(line, edit.what, lines[line - 1].strip(), text, edit.scope)


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
