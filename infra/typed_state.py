"""An event class's state read back by its type hints (issue 35): stored as orjson writes our types natively
(a date as text, a value object as an object, an enum as its value), and rebuilt by what each field is declared
to be, instead of every value carrying a tag that a recursive walk reads back.

A field is *typed* when its hint is made only of str, int, float, bool, None, Decimal, date, datetime (naive or
UTC), UUID, an enum of str or int values, a value dataclass of ``domain`` built from such fields, ``X | None``,
``tuple[...]``, ``list[X]`` and ``dict[str, X]``; anything else (a union of two value types, ``Any``) is stored
*tagged*, as the first format stores everything (``infra.transcoder``). Each typed field has a check, run before
an event is stored: a value that is not exactly what its hint says (a subclass, a list for a tuple) makes the
whole event stored in the first format, so the typed format never reads back anything but what was written.

A state stored exactly as its class declares it today (every field typed, none missing or unknown) is read back in
one pass by msgspec, in C (``Plan.read``); any other (a field added since, a field stored tagged) by the class's
hints, field by field, as before.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import msgspec

Check = Callable[[Any], bool]
Decode = Callable[[Any], Any] | None  # None: the JSON value is the value
# A check as Python source (issue 35): given the name of a value and the namespace of the function being generated, an
# expression that is true when the value is what its hint says; each class's checks are generated once, in line, so a
# value stored calls no closure per field.
Source = Callable[[str, "Namespace"], str]
_ALLOWED_MODULES = ("domain.",)
_SKIPPED = frozenset({"originator_id", "originator_version"})  # the recorder's columns, not the state


@dataclass(frozen=True)
class Codec:
    check: Check
    decode: Decode
    kinds: tuple[type, ...] = ()  # when given, the check is ``type(v) in kinds``: a value checks it without a call
    checking: Source | None = None  # the check in line, where it is more than its kinds (None: a call of ``check``)
    immutable: bool = False  # a value that checks once checks for good (scalars, enums, tuples and values of them)


class Namespace:
    """The globals of one generated function: each object it uses bound once, under a name of its own."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {}

    def bind(self, obj: Any) -> str:
        for name, bound in self.names.items():
            if bound is obj:
                return name
        name = f"_g{len(self.names)}"
        self.names[name] = obj
        return name


def _checking(codec: Codec) -> Source:
    """The codec's check as an expression."""
    kinds = codec.kinds
    if len(kinds) == 1:
        return lambda x, ns: f"type({x}) is {ns.bind(kinds[0])}"
    if kinds:
        return lambda x, ns: f"type({x}) in {ns.bind(kinds)}"
    if codec.checking is not None:
        return codec.checking
    return lambda x, ns: f"{ns.bind(codec.check)}({x})"


def _checks(ns: Namespace, state: str, codecs: dict[str, Codec]) -> list[str]:
    """Statements returning False from the function when a field of ``state`` fails its check."""
    lines = []
    for name, codec in codecs.items():
        lines += [f"    x = {state}[{name!r}]", f"    if not ({_checking(codec)('x', ns)}):", "        return False"]
    return lines


def _compiled(ns: Namespace, name: str, lines: list[str]) -> Any:
    """The function ``name`` that ``lines`` define, built by ``exec`` as dataclasses builds a class's ``__init__``:
    from type hints, never from stored data."""
    exec("\n".join(lines), ns.names)
    return ns.names[name]


@dataclass(frozen=True)
class Plan:
    """How one event class's state is stored: its typed fields' codecs; every other field is tagged."""

    typed: dict[str, Codec]
    converted: tuple[tuple[str, Callable[[Any], Any]], ...]  # the typed fields whose JSON value needs rebuilding
    declared: frozenset[str] = frozenset()  # every field the class declares (typed or not)
    # The whole state, when every field the class declares is typed: None when it was not stored as the class
    # declares it today, which the hints then read field by field.
    read: Callable[[bytes], dict[str, Any] | None] | None = None
    # Whether a state of exactly the typed fields is stored as it is: True or False; None when some field is not typed
    # (or the state has other fields), which ``typed`` then decides field by field.
    fits: Callable[[dict[str, Any]], bool | None] | None = None


@functools.cache
def plan(event_class: type) -> Plan:
    # A hint that does not resolve (a name imported only for type checking) is a bug to fix, not a reason to store
    # every field tagged: it raises.
    hints = typing.get_type_hints(event_class)
    stored = {n: h for n, h in hints.items() if n not in _SKIPPED and typing.get_origin(h) is not typing.ClassVar}
    typed = {}
    for name, hint in stored.items():
        codec = _codec(hint, frozenset())
        if codec is not None:
            typed[name] = codec
    converted = tuple((n, c.decode) for n, c in typed.items() if c.decode is not None)
    read = _whole(event_class, stored) if typed.keys() == stored.keys() else None
    return Plan(typed, converted, frozenset(hints), read, _fits(typed))


def _fits(typed: dict[str, Codec]) -> Callable[[dict[str, Any]], bool | None]:
    ns = Namespace()
    lines = ["def fits(state):", f"    if state.keys() != {ns.bind(frozenset(typed))}:", "        return None"]
    return _compiled(ns, "fits", [*lines, *_checks(ns, "state", typed), "    return True"])


def _whole(event_class: type, hints: dict[str, Any]) -> Callable[[bytes], dict[str, Any] | None] | None:
    """msgspec's decoder of a state stored as ``event_class`` declares it today (issue 35): every value rebuilt in C,
    exactly the type its hint says (a frozen dataclass through its fields, a Decimal from its text, a tuple, an
    enum's member), in half the time of the hints read field by field. A field with a default may be absent, and stays
    absent, as the hints leave it; an unknown field (kept for an upcaster), a missing one, a value of another type or
    a tagged field (``_t``) make it answer None. A value class's field no longer declared is dropped, as msgspec
    drops it (the hints' reading refuses such a value: a class loses a field only with an upcaster)."""
    if "_v" in hints or not dataclasses.is_dataclass(event_class) or any(map(_defaults_inside, hints.values())):
        return None
    defaulted = {
        f.name
        for f in dataclasses.fields(event_class)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    }
    fields = [("_v", int), *((n, h, msgspec.UNSET) if n in defaulted else (n, h) for n, h in hints.items())]
    try:
        shape = msgspec.defstruct(f"{event_class.__qualname__}.Stored", fields, forbid_unknown_fields=True, gc=False)
        decode = msgspec.json.Decoder(shape).decode
    except (TypeError, ValueError):  # a hint msgspec does not read: the hints read it, field by field
        return None
    asdict, unset = msgspec.structs.asdict, msgspec.UNSET

    def read(data: bytes) -> dict[str, Any] | None:
        try:
            state = asdict(decode(data))
        except msgspec.ValidationError:
            return None
        del state["_v"]
        if defaulted:
            for name in defaulted:
                if state[name] is unset:
                    del state[name]
        return state

    return read


def _defaults_inside(hint: Any, seen: frozenset[Any] = frozenset()) -> bool:
    """Whether a value class inside ``hint`` has a field with a plain default. msgspec leaves such a field out of the
    value's ``__dict__`` when its state lacks it (a value stored before the field was added): the attribute still
    reads, from the class, but orjson would then store the value without it, and its check would send every later
    event that carries it to the first format. Such a state is read by the hints, whose constructor fills it in."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if hint in seen:
            return False
        fields = dataclasses.fields(hint)
        if any(f.default is not dataclasses.MISSING for f in fields):
            return True
        try:
            inner = typing.get_type_hints(hint)
        except Exception:  # a hint that does not resolve: not read by msgspec either way
            return True
        return any(_defaults_inside(inner[f.name], seen | {hint}) for f in fields)
    return any(_defaults_inside(arg, seen) for arg in typing.get_args(hint))


def _codec(hint: Any, seen: frozenset[Any]) -> Codec | None:
    scalar = _scalar(hint)
    if scalar is not None:
        return scalar
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum(hint) if all(type(m.value) in (str, int) for m in hint) else None
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _value(hint, seen)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        others = [a for a in args if a is not type(None)]
        inner = _codec(others[0], seen) if len(others) == 1 and len(args) == 2 else None
        return None if inner is None else _optional(inner)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _codec(args[0], seen)
        return None if item is None else _sequence(tuple, item)
    if origin is list and len(args) == 1:
        item = _codec(args[0], seen)
        return None if item is None else _sequence(list, item)
    if origin is dict and len(args) == 2 and args[0] is str:
        item = _codec(args[1], seen)
        return None if item is None else _mapping(item)
    return None  # a fixed-length tuple, a union of two value types, Any: tagged


_SCALARS: dict[Any, Codec] = {
    type(None): Codec(lambda v: v is None, None, (type(None),), immutable=True),
    str: Codec(lambda v: type(v) is str, None, (str,), immutable=True),
    int: Codec(lambda v: type(v) is int, None, (int,), immutable=True),
    bool: Codec(lambda v: type(v) is bool, None, (bool,), immutable=True),
    float: Codec(
        lambda v: type(v) is float and math.isfinite(v),
        None,
        (),
        lambda x, ns: f"(type({x}) is {ns.bind(float)} and {ns.bind(math.isfinite)}({x}))",
        immutable=True,
    ),
    Decimal: Codec(
        lambda v: type(v) is Decimal and v.is_finite(),
        Decimal,
        (),
        lambda x, ns: f"(type({x}) is {ns.bind(Decimal)} and {x}.is_finite())",
        immutable=True,
    ),
    datetime: Codec(
        lambda v: type(v) is datetime and v.tzinfo in (None, UTC),
        datetime.fromisoformat,
        (),
        lambda x, ns: f"(type({x}) is {ns.bind(datetime)} and {x}.tzinfo in {ns.bind((None, UTC))})",
        immutable=True,
    ),
    date: Codec(lambda v: type(v) is date, date.fromisoformat, (date,), immutable=True),
    UUID: Codec(lambda v: type(v) is UUID, UUID, (UUID,), immutable=True),
}


def _scalar(hint: Any) -> Codec | None:
    try:
        return _SCALARS.get(hint)
    except TypeError:  # an unhashable hint
        return None


def _enum(kind: type[Enum]) -> Codec:
    members = kind._value2member_map_  # the lookup Enum's own call makes, without the call

    def decode(v: Any) -> Any:
        try:
            return members[v]
        except KeyError:  # not a value of today's members (a missing value, say): Enum decides, as it did
            return kind(v)

    return Codec(lambda v: type(v) is kind, decode, (kind,), immutable=True)


def _optional(inner: Codec) -> Codec:
    check, decode = inner.check, inner.decode
    kinds = (*inner.kinds, type(None)) if inner.kinds else ()
    checking = _checking(inner)

    def source(x: str, ns: Namespace) -> str:
        return f"({x} is None or {checking(x, ns)})"

    if decode is None:
        return Codec(lambda v: v is None or check(v), None, kinds, source, inner.immutable)
    convert = decode
    return Codec(
        lambda v: v is None or check(v), lambda v: None if v is None else convert(v), kinds, source, inner.immutable
    )


def _items(item: Codec) -> Check:
    """Whether every item of an iterable checks ``item``: by the items' types, in C, where its kinds say it all."""
    if item.kinds:
        kinds = frozenset(item.kinds).__contains__
        return lambda v: all(map(kinds, map(type, v)))
    check = item.check
    return lambda v: all(map(check, v))


_KEYS = _items(_SCALARS[str])


def _sequence(kind: type[tuple[Any, ...]] | type[list[Any]], item: Codec) -> Codec:
    decode, items = item.decode, _items(item)
    checked: Check = lambda v: type(v) is kind and items(v)  # noqa: E731

    def source(x: str, ns: Namespace) -> str:
        return f"(type({x}) is {ns.bind(kind)} and {ns.bind(items)}({x}))"

    immutable = kind is tuple and item.immutable
    if decode is None:
        return Codec(checked, None if kind is list else tuple, (), source, immutable)
    convert = decode
    return Codec(checked, lambda v: kind(map(convert, v)), (), source, immutable)


def _mapping(item: Codec) -> Codec:
    decode, items = item.decode, _items(item)
    checked: Check = lambda v: type(v) is dict and _KEYS(v) and items(v.values())  # noqa: E731

    def source(x: str, ns: Namespace) -> str:
        return f"(type({x}) is dict and {ns.bind(_KEYS)}({x}) and {ns.bind(items)}({x}.values()))"

    if decode is None:
        return Codec(checked, None, (), source)
    convert = decode
    return Codec(checked, lambda v: {k: convert(x) for k, x in v.items()}, (), source)


def _value(cls: type, seen: frozenset[Any]) -> Codec | None:
    """A value dataclass of ours: an object of its fields, rebuilt with its constructor."""
    if cls in seen or not cls.__module__.startswith(_ALLOWED_MODULES):
        return None
    fields = dataclasses.fields(cls)
    if any(not f.init or f.name.startswith("_") for f in fields):  # orjson writes no "_" attribute: it would be lost
        return None
    try:
        hints = typing.get_type_hints(cls)
    except Exception:
        return None
    codecs = {f.name: _codec(hints[f.name], seen | {cls}) for f in fields}
    if any(c is None for c in codecs.values()):
        return None
    checks = [(name, c.check) for name, c in codecs.items() if c]
    converted = [(name, c.decode) for name, c in codecs.items() if c and c.decode is not None]
    names_set = frozenset(codecs)

    def by_attribute(v: Any) -> bool:  # a value without a __dict__ (a slotted class)
        return all(c(getattr(v, name)) for name, c in checks)

    # orjson writes the instance's __dict__: an attribute beyond the fields (a cached property) would not load
    ns = Namespace()
    # A frozen value of immutable fields that declares nothing that could add to its __dict__ (a cached property)
    # checks the same each time: the last one to pass is kept, and that same object passes again without its fields
    # read (issue 35: every event of an import names one actor, and its reports a few periods).
    immutable = _unchanging(cls) and all(c.immutable for c in codecs.values() if c)
    last = ns.bind([None])
    lines = [
        "def check(v):",
        *([f"    if v is {last}[0]:", "        return True"] if immutable else []),
        f"    if type(v) is not {ns.bind(cls)}:",
        "        return False",
        "    state = getattr(v, '__dict__', None)",
        "    if state is None:",
        f"        return {ns.bind(by_attribute)}(v)",
        f"    if state.keys() != {ns.bind(names_set)}:",
        "        return False",
    ]
    fields_checked = _checks(ns, "state", {n: c for n, c in codecs.items() if c})
    kept = [f"    {last}[0] = v"] if immutable else []
    check = _compiled(ns, "check", [*lines, *fields_checked, *kept, "    return True"])

    # Without a __post_init__ the constructor only assigns: when the stored fields are exactly today's, they are set
    # as a frozen dataclass's __init__ sets them, in a fraction of the time; else the constructor fills defaults.
    plain = not hasattr(cls, "__post_init__") and not hasattr(cls, "__slots__")
    names = tuple(codecs)  # in the order orjson writes them
    new, set_state = object.__new__, object.__setattr__  # looked up once, not per value read

    def decode(v: dict[str, Any]) -> Any:
        if plain and tuple(v) == names:  # what this class writes: every field there, so none is looked for
            for name, convert in converted:
                v[name] = convert(v[name])
            value: Any = new(cls)
            set_state(value, "__dict__", v)
            return value
        for name, convert in converted:
            if name in v:
                v[name] = convert(v[name])
        return cls(**v)

    return Codec(check, decode, immutable=immutable)


def _unchanging(cls: type) -> bool:
    """A frozen dataclass none of whose classes declares a cached property (which writes the instance's __dict__)."""
    params = getattr(cls, "__dataclass_params__", None)
    return (
        params is not None
        and params.frozen
        and not any(isinstance(a, functools.cached_property) for k in cls.__mro__ for a in vars(k).values())
    )
