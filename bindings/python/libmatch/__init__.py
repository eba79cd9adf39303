"""libmatch: index job postings and jobseeker profiles, rank matches.

Python bindings (ctypes) of the libmatch C library.  Open an
:class:`Engine` on a store, feed it records (:meth:`Engine.ingest`,
:meth:`Engine.add_job`, :meth:`Engine.add_seeker`, ...), then rank in
either direction (:meth:`Engine.jobs_for`, :meth:`Engine.seekers_for`),
explain a pair (:meth:`Engine.explain`) and advise a seeker
(:meth:`Engine.advise`)::

    import libmatch
    with libmatch.Engine("jobs.db") as eng:
        report = eng.ingest("fair.xml")
        for m in eng.jobs_for("S0000001", k=10, district="420204"):
            print(m.id, round(m.score, 1), m.text)

Every result is copied into Python objects and the C object freed at once,
so nothing needs freeing by hand; an engine closes with ``with``,
:meth:`Engine.close` or when it is garbage collected, exactly once.

Without an engine, :func:`solve_assignment` solves a dense assignment
problem (a cost matrix, each row to its own column) exactly, with the
prices that prove it optimal.

Failures raise :class:`LibmatchError` subclasses carrying the library's
message (see :mod:`libmatch.errors`).

Threads: one engine may be shared by many threads.  Queries run
concurrently (ctypes releases the GIL during each C call) and writes are
serialised inside the library.  Do not close an engine while another
thread is still using it.

The shared library is found through ``$LIBMATCH_LIBRARY``, then a build
tree above this package (``libmatch/.libs/libmatch.so*``), then the
system; :data:`library_path` says which one was loaded.
"""

import array
import contextlib
import datetime
import enum
import os
import weakref
from ctypes import POINTER, byref, c_char_p, c_double, c_int64, c_long, \
    c_size_t, c_void_p, string_at
from ctypes import addressof as ctypes_addressof
from dataclasses import dataclass, field
from typing import (Any, Callable, Dict, FrozenSet, Iterable, Iterator, List,
                    Mapping, Optional, Sequence, Tuple, Union)

from . import _ffi
from .errors import (LM_EINVAL, LM_OK, CancelledError, DatabaseError,
                     EngineClosedError, InvalidInputError, LibmatchError,
                     NotFoundError, OutOfMemoryError, ParseError)

__version__ = "0.1.0"

__all__ = [
    "Engine", "Kind", "Match", "Explanation", "Advice", "Report",
    "ReportEntry", "LibmatchError", "NotFoundError", "InvalidInputError",
    "ParseError", "OutOfMemoryError", "DatabaseError", "EngineClosedError",
    "CancelledError", "Fair", "Assignment", "Pair", "Unmatched",
    "GroupStats", "Change", "version", "version_number", "strerror",
    "commute_minutes", "text_fold", "library_path", "FIELDS", "COMPONENTS",
    "FILTERS", "FAIR_MODES", "solve_assignment", "AssignmentSolution",
    "MAX_ASSIGN_COST",
]

#: The file the C library was loaded from.
library_path: str = _ffi.path
#: Record field names (lm_field, lower case, without ``LM_F_``).
FIELDS: Tuple[str, ...] = tuple(_ffi.FIELDS)
#: Score component names (lm_component), in the order they add up.
COMPONENTS: Tuple[str, ...] = tuple(_ffi.COMPONENTS)
#: Hard filter names (LM_FILTER_...), for ``relax`` and explanations.
FILTERS: Tuple[str, ...] = tuple(_ffi.FILTERS)
#: Fair modes (lm_fair_mode), for :meth:`Fair.run`.
FAIR_MODES: Tuple[str, ...] = tuple(_ffi.FAIR_MODES)
#: The largest cost magnitude :func:`solve_assignment` takes (2**40,
#: LM_MAX_ASSIGN_COST).
MAX_ASSIGN_COST: int = _ffi.LM_MAX_ASSIGN_COST

_lib = _ffi.lib

PathLike = Union[str, "os.PathLike[str]"]
Value = Union[str, int, float, bool, datetime.date, None]


def version() -> str:
    """The C library's version string, "MAJOR.MINOR.PATCH"."""
    return _lib.lm_version().decode("ascii")


def version_number() -> int:
    """The C library's version as major * 10000 + minor * 100 + patch."""
    return _lib.lm_version_number()


def strerror(code: int) -> str:
    """The library's fixed English text for an ``LM_E...`` code."""
    return _lib.lm_strerror(code).decode("utf-8")


def commute_minutes(lat1: float, lon1: float, lat2: float, lon2: float,
                    mode: Optional[str] = None) -> float:
    """Minutes from (lat1, lon1) to (lat2, lon2) by `mode` ("walk",
    "bike", "ebike", "bus", "car" or a Chinese word; None: the bus), by the
    commute model the ranking uses (doc/SCORING.md).

    Raises:
        InvalidInputError: an unknown mode, a coordinate out of range.
    """
    out = c_double()
    m = None if mode is None else _enc(mode, "mode")
    _lib.lm_commute_minutes(m, lat1, lon1, lat2, lon2, byref(out))
    return out.value


def text_fold(text: str) -> str:
    """The key under which the library compares texts: half width,
    simplified script, lower case, white space collapsed ("智能製造" and
    "智能制造" have one key)."""
    out = c_void_p()
    _lib.lm_text_fold(byref(out), _enc(text, "text"))
    try:
        return string_at(out).decode("utf-8")
    finally:
        _lib.lm_free(out)


class Kind(enum.IntEnum):
    """Record kinds, as the elements of the interchange format."""
    JOB = 1
    SEEKER = 2
    EMPLOYER = 3
    SERVICE_POINT = 4
    COMMUNITY = 5


KindLike = Union[Kind, str, int]

# ------------------------------------------------------------- results


@dataclass(frozen=True)
class Match:
    """One ranked record.

    Attributes:
        id: the job's id (ranking jobs) or the seeker's (ranking seekers).
        score: 0 to 100 with the default weights.
        components: each component's contribution (weight x fit) by name
            (see :data:`COMPONENTS`); they add up to ``score``.
        reasons: each component's reason in Chinese, "" when it has
            nothing to say.
        text: all the reasons, one per line.
    """
    id: str
    score: float
    components: Dict[str, float]
    reasons: Dict[str, str]
    text: str


@dataclass(frozen=True)
class Explanation(Match):
    """One seeker-job pair explained, whether or not it is excluded.

    Attributes:
        filters: the names of the hard filters that exclude the pair
            (see :data:`FILTERS`; "query" for the query's own filters),
            empty when none does.
        filter_reason: why, in Chinese with the values; "" when none.
    """
    filters: FrozenSet[str] = frozenset()
    filter_reason: str = ""

    @property
    def excluded(self) -> bool:
        """True when a hard filter keeps the pair out of the rankings."""
        return bool(self.filters)


@dataclass(frozen=True)
class Advice:
    """One gap to close: a skill or certificate that unlocks jobs.

    Attributes:
        item: the skill or certificate.
        kind: "skill" or "certificate".
        jobs: how many more jobs within reach it would unlock.
    """
    item: str
    kind: str
    jobs: int


@dataclass(frozen=True)
class ReportEntry:
    """One problem an ingest met.

    Attributes:
        id: the record's id, None where none was known.
        line: the document's line, None where none was known.
        reason: the library's message.
        code: the ``LM_E...`` code of the problem.
    """
    id: Optional[str]
    line: Optional[int]
    reason: str
    code: int


@dataclass(frozen=True)
class Report:
    """What one ingest did: counts of records and the problems met."""
    added: int = 0
    replaced: int = 0
    removed: int = 0
    rejected: int = 0
    errors: List[ReportEntry] = field(default_factory=list)


# ------------------------------------------------------------ helpers


def _enc(value: str, what: str) -> bytes:
    """A str as the UTF-8 C string the library takes."""
    if not isinstance(value, str):
        raise TypeError("%s must be a str, not %s"
                        % (what, type(value).__name__))
    if "\0" in value:
        # ctypes would cut the string at the NUL without a word.
        raise InvalidInputError(LM_EINVAL, "%s contains a NUL character"
                                % what)
    return value.encode("utf-8")


def _kind(kind: KindLike) -> int:
    if isinstance(kind, str):
        code = _ffi.KINDS.get(kind.lower().replace("-", "_"))
        if code is None:
            raise InvalidInputError(LM_EINVAL, "unknown record kind %r; one "
                                    "of %s" % (kind, ", ".join(_ffi.KINDS)))
        return code
    if isinstance(kind, int) and kind in Kind.__members__.values():
        return int(kind)
    raise InvalidInputError(LM_EINVAL, "unknown record kind %r" % (kind,))


def _value_text(name: str, value: Value) -> Optional[bytes]:
    """A field value in the text form lm_record_set reads."""
    if value is None:
        return None
    if isinstance(value, bool):
        return b"1" if value else b"0"
    if isinstance(value, (int, float)):
        return repr(value).encode("ascii")
    if isinstance(value, datetime.date):
        return value.isoformat().encode("ascii")
    return _enc(value, "field " + name)


def _skill_args(kind: int, skill: Any) -> Tuple[bytes, int, int]:
    """(name, level, years) of a skill given as str, tuple or dict."""
    level: Union[str, int] = "required" if kind == Kind.JOB else "held"
    years: Optional[int] = None
    if isinstance(skill, str):
        name = skill
    elif isinstance(skill, Mapping):
        name = skill["name"]
        level = skill.get("level", level)
        years = skill.get("years")
    elif isinstance(skill, (tuple, list)) and 1 <= len(skill) <= 3:
        name = skill[0]
        if len(skill) > 1:
            level = skill[1]
        if len(skill) > 2:
            years = skill[2]
    else:
        raise TypeError("a skill is a name, a (name, level, years) tuple or "
                        "a dict, not %r" % (skill,))
    if isinstance(level, str):
        if level not in _ffi.SKILL_LEVELS:
            raise InvalidInputError(LM_EINVAL, "skill %r: level %r is not "
                                    "one of held, required, preferred"
                                    % (name, level))
        level = _ffi.SKILL_LEVELS[level]
    return _enc(name, "skill"), int(level), -1 if years is None else int(years)


def _is_written_skill(skill: Any) -> bool:
    """False for a skill that get() reports as found in the free text:
    storing the record again finds it there again."""
    return not (isinstance(skill, Mapping) and "found_in" in skill and
                "skill" not in skill["found_in"])


@contextlib.contextmanager
def _record(kind: int, fields: Mapping[str, Any],
            default_id: Optional[str] = None) -> Iterator[Any]:
    """A C record built from `fields`, freed when the block ends."""
    rid = fields.get("id", default_id)
    if rid is None:
        raise InvalidInputError(LM_EINVAL, "a record needs an 'id'")
    rec = POINTER(_ffi.Record)()
    _lib.lm_record_new(byref(rec), kind, _enc(rid, "id"))
    try:
        for name, value in fields.items():
            if name == "id":
                continue
            if name == "skills":
                for skill in value or ():
                    if _is_written_skill(skill):
                        _lib.lm_record_add_skill(rec,
                                                 *_skill_args(kind, skill))
                continue
            code = _ffi.FIELD_CODES.get(name)
            if code is None:
                raise InvalidInputError(LM_EINVAL, "unknown field %r" % name)
            if name in _ffi.LIST_FIELDS and value is not None:
                items = [value] if isinstance(value, str) else list(value)
                for item in items:
                    _lib.lm_record_set(rec, code, _value_text(name, item))
            else:
                _lib.lm_record_set(rec, code, _value_text(name, value))
        yield rec
    finally:
        _lib.lm_record_free(rec)


def _scalar(rec: Any, code: int, text: bytes) -> Union[str, int, float]:
    """A scalar field's value: a number when the library holds one and its
    text is one (dates and education words stay text)."""
    s = text.decode("utf-8")
    num = c_double()
    if _lib.lm_record_number(rec, code, byref(num)) != LM_OK:
        return s
    for convert in (int, float):
        try:
            return convert(s)
        except ValueError:
            pass
    return s


def _record_dict(rec: Any) -> Dict[str, Any]:
    """A C record copied into a dict (the form add_job and friends take)."""
    out: Dict[str, Any] = {"id": _ffi.text(_lib.lm_record_id(rec))}
    for name, code in _ffi.FIELD_CODES.items():
        if name in _ffi.LIST_FIELDS:
            n = _lib.lm_record_count(rec, code)
            if n:
                out[name] = [_ffi.text(_lib.lm_record_item(rec, code, i))
                             for i in range(n)]
        else:
            t = _lib.lm_record_get(rec, code)
            if t is not None:
                out[name] = _scalar(rec, code, t)
    skills = []
    levels = {v: k for k, v in _ffi.SKILL_LEVELS.items()}
    sk = _ffi.Skill()
    for i in range(_lib.lm_record_skill_count(rec)):
        _lib.lm_record_skill(rec, i, byref(sk))
        skills.append({
            "name": _ffi.text(sk.name),
            "canonical": _ffi.text(sk.canonical),
            "level": levels.get(sk.level, sk.level),
            "years": None if sk.years < 0 else sk.years,
            "found_in": [w for w, bit in _ffi.FOUND_IN.items()
                         if sk.found_in & bit],
        })
    if skills:
        out["skills"] = skills
    return out


_QUERY_KEYS = ("today", "district", "industry", "occupation_prefix", "shift",
               "salary_floor", "reserved_group", "window_from", "window_to",
               "commute_minutes", "commute_mode", "weights", "relax")


def _date_text(name: str, value: Any) -> bytes:
    if isinstance(value, datetime.date):
        return value.isoformat().encode("ascii")
    return _enc(value, name)


def _query(k: int, filters: Mapping[str, Any]) -> _ffi.Query:
    """An lm_query from keyword arguments.  The strings it points to are
    kept alive by the ctypes structure itself (c_char_p fields hold a
    reference to the bytes assigned)."""
    unknown = set(filters) - set(_QUERY_KEYS)
    if unknown:
        raise TypeError("unknown query argument(s) %s; known: %s"
                        % (", ".join(sorted(unknown)), ", ".join(_QUERY_KEYS)))
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k < 2**32:
        raise InvalidInputError(LM_EINVAL, "k must be a positive int, not %r"
                                % (k,))
    q = _ffi.Query()
    _lib.lm_query_init(byref(q), _ffi.LM_QUERY_VERSION)
    q.k = k
    for name in ("today", "window_from", "window_to"):
        if filters.get(name) is not None:
            setattr(q, name, _date_text(name, filters[name]))
    for name in ("district", "industry", "occupation_prefix", "shift",
                 "commute_mode"):
        if filters.get(name) is not None:
            setattr(q, name, _enc(filters[name], name))
    group = filters.get("reserved_group")
    if group is True:
        q.reserved_group = b"*"
    elif group not in (None, False):
        q.reserved_group = _enc(group, "reserved_group")
    for name in ("salary_floor", "commute_minutes"):
        if filters.get(name) is not None:
            setattr(q, name, int(filters[name]))
    for name, w in (filters.get("weights") or {}).items():
        if name not in _ffi.COMPONENTS:
            raise InvalidInputError(LM_EINVAL, "unknown weight %r; one of %s"
                                    % (name, ", ".join(_ffi.COMPONENTS)))
        q.weights[_ffi.COMPONENTS.index(name)] = float(w)
    relax = filters.get("relax") or ()
    for name in [relax] if isinstance(relax, str) else relax:
        if name not in _ffi.FILTERS:
            raise InvalidInputError(LM_EINVAL, "unknown filter %r; one of %s"
                                    % (name, ", ".join(_ffi.FILTERS)))
        q.relax |= _ffi.FILTERS[name]
    return q


def _matches(res: Any, explained: bool = False) -> List[Match]:
    """lm_results copied into Match (or Explanation) objects."""
    out: List[Match] = []
    for i in range(_lib.lm_results_count(res)):
        comps = {name: _lib.lm_results_component(res, i, c)
                 for c, name in enumerate(_ffi.COMPONENTS)}
        reasons = {name: _ffi.text(_lib.lm_results_reason(res, i, c)) or ""
                   for c, name in enumerate(_ffi.COMPONENTS)}
        args = dict(id=_ffi.text(_lib.lm_results_id(res, i)),
                    score=_lib.lm_results_score(res, i), components=comps,
                    reasons=reasons,
                    text=_ffi.text(_lib.lm_results_text(res, i)) or "")
        if not explained:
            out.append(Match(**args))
            continue
        bits = _lib.lm_results_filters(res, i)
        reason = _lib.lm_results_filter_reason(res, i)
        out.append(Explanation(
            filters=frozenset(n for n, b in _ffi.FILTERS.items() if bits & b),
            filter_reason=_ffi.text(reason) or "", **args))
    return out


def _report(rep: Any) -> Report:
    """An lm_report copied into a Report."""
    errors = []
    rid, reason, line = c_char_p(), c_char_p(), c_long()
    for i in range(_lib.lm_report_error_count(rep)):
        code = _lib.lm_report_error(rep, i, byref(rid), byref(line),
                                    byref(reason))
        errors.append(ReportEntry(id=_ffi.text(rid.value),
                                  line=line.value or None,
                                  reason=_ffi.text(reason.value) or "",
                                  code=code))
    counts = {name: _lib.lm_report_count(rep, c)
              for name, c in _ffi.COUNTS.items()}
    return Report(errors=errors, **counts)


def _ingest(h: Any, source: Any, all_or_nothing: bool,
            from_buffer: Any, from_file: Any) -> Report:
    """The ingest of an engine or a fair (`h`) through its two C calls:
    the report, or the error raised with the report attached."""
    flags = _ffi.LM_INGEST_ALL_OR_NOTHING if all_or_nothing else 0
    if isinstance(source, str) and source.lstrip().startswith("<"):
        source = source.encode("utf-8")
    rep = POINTER(_ffi.Report)()
    _lib.lm_report_new(byref(rep))
    try:
        if isinstance(source, (bytes, bytearray, memoryview)):
            buf = bytes(source)
            rc = from_buffer(h, buf, len(buf), flags, rep)
        else:
            rc = from_file(h, os.fsencode(source), flags, rep)
        if rc != LM_OK:
            # The message first: the report's calls may clear it.
            try:
                _ffi.raise_for(rc)
            except LibmatchError as exc:
                exc.report = _report(rep)  # type: ignore[attr-defined]
                raise
        return _report(rep)
    finally:
        _lib.lm_report_free(rep)


# ------------------------------------------------------------- the engine


class Engine:
    """An open libmatch store and its skills dictionary.

    ``Engine(path)`` opens (creating if missing) the SQLite store at
    `path`, or an in-memory one for ":memory:".  Close it with ``with``,
    :meth:`close`, or let the garbage collector do it; it is closed once.
    Any method of a closed engine raises :class:`EngineClosedError`.

    One engine can serve many threads: queries run at once, writes are
    serialised by the library.

    Args:
        path: the store's file, or ":memory:".
        skills: the skills dictionary file; None for the installed one
            (or ``$LIBMATCH_SKILLS`` when set).
        readonly: open read-only; writes then raise InvalidInputError.
        busy_timeout_ms: how long to wait for another process's lock.
        batch_size: records per transaction when ingesting.

    Raises:
        InvalidInputError, DatabaseError, OutOfMemoryError: the store
            cannot be opened.
    """

    def __init__(self, path: PathLike = ":memory:", *,
                 skills: Optional[PathLike] = None, readonly: bool = False,
                 busy_timeout_ms: Optional[int] = None,
                 batch_size: Optional[int] = None) -> None:
        self._h: Any = None
        self.path = os.fspath(path)
        opts = _ffi.Options()
        _lib.lm_options_init(byref(opts), _ffi.LM_OPTIONS_VERSION)
        if skills is not None:
            opts.skills_path = os.fsencode(skills)
        if readonly:
            opts.flags |= _ffi.LM_OPEN_READONLY
        if busy_timeout_ms is not None:
            opts.busy_timeout_ms = busy_timeout_ms
        if batch_size is not None:
            opts.batch_size = batch_size
        h = POINTER(_ffi.Engine)()
        _lib.lm_engine_open(byref(h), os.fsencode(self.path), byref(opts))
        self._h = h
        # The finaliser holds the handle, not self, so that it can run when
        # self is collected; calling it twice closes once.
        self._close = weakref.finalize(self, _lib.lm_engine_close, h)

    # -- life cycle

    def close(self) -> None:
        """Closes the engine; closing again does nothing.  No call may be
        under way on this engine in another thread."""
        if self._h is not None:
            self._h = None
            self._close()

    @property
    def closed(self) -> bool:
        """True once the engine is closed."""
        return self._h is None

    def __enter__(self) -> "Engine":
        self._handle()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<libmatch.Engine %r%s>" % (self.path,
                                           " closed" if self.closed else "")

    def _handle(self) -> Any:
        h = self._h
        if h is None:
            raise EngineClosedError()
        return h

    # -- records

    def put(self, kind: KindLike, fields: Optional[Mapping[str, Any]] = None,
            /, **kwargs: Any) -> None:
        """Stores a record of `kind`, replacing the one with the same id.

        The record is given as a dict, as keyword arguments, or both (the
        keywords win).  Keys: ``id``; the field names of :data:`FIELDS`
        (``salary`` and ``age`` take free text that the library normalises,
        list fields take a list or a single str); ``skills``, a list of
        names, ``(name, level, years)`` tuples or dicts with those keys
        (level "required" or "preferred" on a job, "held" on a seeker; a
        bare name is required on a job, held on a seeker).  A dict returned
        by :meth:`get` is accepted as it is.  ``status="closed"`` (or
        "withdrawn") removes the stored record instead.

        Raises:
            InvalidInputError: an unknown field, a value that cannot be
                read, a record that fails validation (the message names
                the field).
            DatabaseError: the store failed; it is unchanged.
        """
        k = _kind(kind)
        h = self._handle()
        merged = dict(fields or {})
        merged.update(kwargs)
        with _record(k, merged) as rec:
            _lib.lm_engine_put(h, rec)

    def add_job(self, fields: Optional[Mapping[str, Any]] = None, /,
                **kwargs: Any) -> None:
        """Stores a job posting; see :meth:`put` for the fields."""
        self.put(Kind.JOB, fields, **kwargs)

    def add_seeker(self, fields: Optional[Mapping[str, Any]] = None, /,
                   **kwargs: Any) -> None:
        """Stores a jobseeker profile; see :meth:`put` for the fields."""
        self.put(Kind.SEEKER, fields, **kwargs)

    def add_employer(self, fields: Optional[Mapping[str, Any]] = None, /,
                     **kwargs: Any) -> None:
        """Stores an employer; see :meth:`put` for the fields."""
        self.put(Kind.EMPLOYER, fields, **kwargs)

    def add_service_point(self, fields: Optional[Mapping[str, Any]] = None,
                          /, **kwargs: Any) -> None:
        """Stores a service point; see :meth:`put` for the fields."""
        self.put(Kind.SERVICE_POINT, fields, **kwargs)

    def add_community(self, fields: Optional[Mapping[str, Any]] = None, /,
                      **kwargs: Any) -> None:
        """Stores a community; see :meth:`put` for the fields."""
        self.put(Kind.COMMUNITY, fields, **kwargs)

    def get(self, kind: KindLike, id: str) -> Dict[str, Any]:
        """A stored record as a dict.

        Keys are ``id``, the fields that are set (text; numbers as int or
        float; dates as "YYYY-MM-DD"), list fields as lists, and
        ``skills``: dicts with ``name``, ``canonical``, ``level``,
        ``years`` (None when unknown) and ``found_in`` (where the skill was
        found: "skill", "text", "description", "title").

        Raises:
            NotFoundError: no record of that kind with that id.
        """
        k = _kind(kind)
        h = self._handle()
        rec = POINTER(_ffi.Record)()
        _lib.lm_engine_get(h, k, _enc(id, "id"), byref(rec))
        try:
            return _record_dict(rec)
        finally:
            _lib.lm_record_free(rec)

    def remove(self, kind: KindLike, id: str) -> None:
        """Removes a stored record.

        Raises:
            NotFoundError: no record of that kind with that id.
        """
        k = _kind(kind)
        _lib.lm_engine_remove(self._handle(), k, _enc(id, "id"))

    def count(self, kind: KindLike) -> int:
        """How many records of `kind` are stored."""
        k = _kind(kind)
        n = c_size_t()
        _lib.lm_engine_count(self._handle(), k, byref(n))
        return n.value

    def add_skill_term(self, canonical: str,
                       alias: Optional[str] = None) -> None:
        """Teaches the skills dictionary a term: `alias` (any script or
        width) is read as the skill `canonical`; without an alias,
        `canonical` alone.  Kept in the store.  Records stored before keep
        the skills they were given."""
        a = None if alias is None else _enc(alias, "alias")
        _lib.lm_engine_add_skill_term(self._handle(),
                                      _enc(canonical, "canonical"), a)

    def skill_lookup(self, text: str) -> str:
        """The canonical skill for `text` (a term or synonym, any script or
        width).

        Raises:
            NotFoundError: the dictionary does not know `text`.
        """
        out = c_char_p()
        _lib.lm_engine_skill_lookup(self._handle(), _enc(text, "text"),
                                    byref(out))
        return _ffi.text(out.value) or ""

    def records(self, kind: KindLike) -> List[Dict[str, Any]]:
        """Every stored record of `kind`, as :meth:`get` gives them, in id
        order, from one snapshot of the store."""
        k = _kind(kind)
        h = self._handle()
        out: List[Dict[str, Any]] = []
        failed: List[BaseException] = []

        def each(ctx: Any, rec: Any) -> int:
            # An exception must not cross the C frames: keep it, stop.
            try:
                out.append(_record_dict(rec))
                return 0
            except BaseException as exc:  # noqa: B902 (re-raised below)
                failed.append(exc)
                return 1

        rc = _lib.lm_engine_foreach(h, k, _ffi.EACH(each), None)
        if failed:
            raise failed[0]
        _ffi.raise_for(rc)
        return out

    # -- ingest and export

    def ingest(self, source: Union[PathLike, bytes, bytearray, memoryview],
               *, all_or_nothing: bool = False) -> Report:
        """Reads an interchange-format document and stores its records.

        Args:
            source: a file name (str or path-like), or the document itself
                as bytes, or as a str that starts with "<".
            all_or_nothing: any error rolls the whole ingest back;
                otherwise a bad record is reported and skipped.

        Returns:
            A :class:`Report` of the records added, replaced, removed and
            rejected, and the problems met.

        Raises:
            ParseError: the document is malformed, or (all or nothing) has
                a bad record.  Its ``report`` says what was done.
            InvalidInputError, DatabaseError, OutOfMemoryError,
            LibmatchError (the file cannot be read): likewise with
                ``report``.
        """
        return _ingest(self._handle(), source, all_or_nothing,
                       _lib.lm_engine_ingest_buffer,
                       _lib.lm_engine_ingest_file)

    def export(self, path: Optional[PathLike] = None, *,
               personal: bool = False) -> Optional[bytes]:
        """Writes every stored record as an interchange-format document.

        Args:
            path: the file to write; None to return the document.
            personal: include personal data (<contact>); off by default.

        Returns:
            The document as UTF-8 bytes when `path` is None, else None.
        """
        flags = _ffi.LM_EXPORT_PERSONAL if personal else 0
        h = self._handle()
        if path is not None:
            _lib.lm_engine_export_file(h, os.fsencode(path), flags)
            return None
        buf, n = c_void_p(), c_size_t()
        _lib.lm_engine_export_buffer(h, flags, byref(buf), byref(n))
        try:
            return string_at(buf, n.value)
        finally:
            _lib.lm_free(buf)

    # -- ranking

    def jobs_for(self, seeker_id: str, k: int = 10,
                 **filters: Any) -> List[Match]:
        """The top `k` jobs for the stored seeker `seeker_id`, best first
        (ties by id).

        Filters and settings (all optional):
            today: the date for expiry and freshness ("YYYY-MM-DD" or a
                date); the current date by default.
            district: six-digit code the job must be in.
            industry: the job's industry.
            occupation_prefix: the job's occupation code starts with it.
            shift: the job's shift.
            salary_floor: the job pays at least this per month.
            reserved_group: only posts favouring this group; True for any.
            window_from, window_to: only records available over this window.
            commute_minutes, commute_mode: override the seeker's mobility.
            weights: {component: weight} overriding the defaults
                (:data:`COMPONENTS`).
            relax: hard filters to switch off (names of :data:`FILTERS`).

        Raises:
            NotFoundError: no such seeker.
            InvalidInputError: a bad filter value (the message says which).
            TypeError: an unknown keyword.
        """
        return self._rank(_lib.lm_rank_jobs, seeker_id, k, filters)

    def seekers_for(self, job_id: str, k: int = 10,
                    **filters: Any) -> List[Match]:
        """The top `k` seekers for the stored job `job_id`; the filters of
        :meth:`jobs_for` apply to the seekers where they have the field."""
        return self._rank(_lib.lm_rank_seekers, job_id, k, filters)

    def jobs_for_profile(self, profile: Mapping[str, Any], k: int = 10,
                         **filters: Any) -> List[Match]:
        """The top `k` jobs for a seeker who is not stored (a walk-in):
        `profile` has the fields :meth:`add_seeker` takes (``id`` may be
        left out).  It is not stored.  Filters as :meth:`jobs_for`."""
        q = _query(k, filters)
        h = self._handle()
        with _record(Kind.SEEKER, profile, default_id="walk-in") as rec:
            res = POINTER(_ffi.Results)()
            _lib.lm_rank_jobs_for_profile(h, rec, byref(q), byref(res))
            try:
                return _matches(res)
            finally:
                _lib.lm_results_free(res)

    def _rank(self, fn: Any, id: str, k: int,
              filters: Mapping[str, Any]) -> List[Match]:
        q = _query(k, filters)
        res = POINTER(_ffi.Results)()
        fn(self._handle(), _enc(id, "id"), byref(q), byref(res))
        try:
            return _matches(res)
        finally:
            _lib.lm_results_free(res)

    def explain(self, seeker_id: str, job_id: str,
                **filters: Any) -> Explanation:
        """One pair scored and explained, whether or not it is excluded:
        ``filters`` of the result names the hard filters that exclude it.
        Takes the settings and filters of :meth:`jobs_for` (not ``k``).

        Raises:
            NotFoundError: no such seeker or job.
        """
        q = _query(1, filters)
        res = POINTER(_ffi.Results)()
        _lib.lm_explain(self._handle(), _enc(seeker_id, "seeker_id"),
                        _enc(job_id, "job_id"), byref(q), byref(res))
        try:
            (explanation,) = _matches(res, explained=True)
            return explanation  # type: ignore[return-value]
        finally:
            _lib.lm_results_free(res)

    def advise(self, seeker_id: str, k: int = 10,
               **filters: Any) -> List[Advice]:
        """Gap advice for a stored seeker: up to `k` skills or
        certificates that would unlock the most more jobs within reach,
        most first.  Filters as :meth:`jobs_for`.

        Raises:
            NotFoundError: no such seeker.
        """
        q = _query(k, filters)
        adv = POINTER(_ffi.Advice)()
        _lib.lm_advise(self._handle(), _enc(seeker_id, "seeker_id"),
                       byref(q), byref(adv))
        try:
            return [Advice(item=_ffi.text(_lib.lm_advice_item(adv, i)) or "",
                           kind=_ffi.ADVICE_KINDS.get(
                               _lib.lm_advice_kind(adv, i), "unknown"),
                           jobs=_lib.lm_advice_jobs(adv, i))
                    for i in range(_lib.lm_advice_count(adv))]
        finally:
            _lib.lm_advice_free(adv)

    def fair(self, seekers: Iterable[str] = (), jobs: Iterable[str] = (),
             **options: Any) -> "Assignment":
        """Runs a recruitment fair over the stored `seekers` and `jobs`
        (ids) in one call; see :meth:`Fair.run` for the options.  For
        withdrawals and repairs, use :class:`Fair` itself."""
        with Fair(self, seekers=seekers, jobs=jobs) as f:
            return f.run(**options)

    def refresh(self) -> None:
        """Makes another process's committed writes visible to this
        engine's queries (its own writes always are)."""
        _lib.lm_engine_refresh(self._handle())


# ------------------------------------------------------------------ fairs


@dataclass(frozen=True)
class Pair:
    """A seeker placed in a job, with the pair's score and reasons."""
    seeker: str
    job: str
    score: float
    text: str


@dataclass(frozen=True)
class Unmatched:
    """A seeker left without a job, and why.

    ``reason`` is one of "no_acceptable_job", "outside_top_k",
    "filled_by_higher", "not_chosen" (doc/BATCH.md); ``text`` says it in
    Chinese with the figures.
    """
    seeker: str
    reason: str
    text: str


@dataclass(frozen=True)
class GroupStats:
    """One key group over the fair's seekers."""
    present: int
    matched: int
    match_rate: float
    mean_score: float


@dataclass(frozen=True)
class Change:
    """What a repair changed for one seeker: "gained", "lost" or "moved",
    with the job before and after (None for none)."""
    seeker: str
    kind: str
    old_job: Optional[str]
    new_job: Optional[str]


@dataclass(frozen=True)
class Assignment:
    """A fair's result.

    Attributes:
        mode: the mode it was made with (:data:`FAIR_MODES`).
        pairs: the pairs, by seeker id.
        total: the sum of the pairs' scores.
        unmatched: the seekers left out, by id, with the reason.
        groups: statistics per key group (every group of the vocabulary).
        prices: the optimal modes' certificate, {"seeker": {id: price},
            "job": {id: price}}; empty dicts for the stable modes.
        changes: what :meth:`Fair.repair` changed; empty after a run.
        xml: the assignment as XML (doc/BATCH.md).
    """
    mode: str
    pairs: List[Pair]
    total: float
    unmatched: List[Unmatched]
    groups: Dict[str, GroupStats]
    prices: Dict[str, Dict[str, float]]
    changes: List[Change]
    xml: bytes


def _assignment(a: Any) -> Assignment:
    """An lm_assignment copied into an Assignment."""
    sid, jid, old = c_char_p(), c_char_p(), c_char_p()
    score = c_double()
    pairs = []
    for i in range(_lib.lm_assignment_pair_count(a)):
        _lib.lm_assignment_pair(a, i, byref(sid), byref(jid), byref(score))
        pairs.append(Pair(_ffi.text(sid.value) or "",
                          _ffi.text(jid.value) or "", score.value,
                          _ffi.text(_lib.lm_assignment_pair_text(a, i))
                          or ""))
    unmatched = []
    for i in range(_lib.lm_assignment_unmatched_count(a)):
        why = _lib.lm_assignment_unmatched(a, i, byref(sid))
        text = _lib.lm_assignment_unmatched_text(a, i)
        unmatched.append(Unmatched(_ffi.text(sid.value) or "",
                                   _ffi.UNMATCHED.get(why, str(why)),
                                   _ffi.text(text) or ""))
    groups = {}
    gs = _ffi.GroupStats()
    for i in range(_lib.lm_assignment_group_count(a)):
        _lib.lm_assignment_group(a, i, byref(gs))
        groups[_ffi.text(gs.group) or ""] = GroupStats(
            gs.present, gs.matched, gs.match_rate, gs.mean_score)
    prices: Dict[str, Dict[str, float]] = {}
    for name, kind in (("seeker", Kind.SEEKER), ("job", Kind.JOB)):
        prices[name] = {}
        for i in range(_lib.lm_assignment_price_count(a, kind)):
            _lib.lm_assignment_price(a, kind, i, byref(sid), byref(score))
            prices[name][_ffi.text(sid.value) or ""] = score.value
    changes = []
    for i in range(_lib.lm_assignment_change_count(a)):
        kind = _lib.lm_assignment_change(a, i, byref(sid), byref(old),
                                         byref(jid))
        changes.append(Change(_ffi.text(sid.value) or "",
                              _ffi.CHANGES.get(kind, str(kind)),
                              _ffi.text(old.value), _ffi.text(jid.value)))
    buf, n = c_void_p(), c_size_t()
    _lib.lm_assignment_write_xml_buffer(a, byref(buf), byref(n))
    try:
        xml = string_at(buf, n.value)
    finally:
        _lib.lm_free(buf)
    modes = {v: k for k, v in _ffi.FAIR_MODES.items()}
    mode = _lib.lm_assignment_mode(a)
    return Assignment(modes.get(mode, str(mode)), pairs,
                      _lib.lm_assignment_total(a), unmatched, groups, prices,
                      changes, xml)


class Fair:
    """A recruitment fair: stored seekers and jobs matched in one run, each
    seeker to at most one job and each job to at most its openings.

    The fair keeps its last run, so that after :meth:`withdraw` and
    :meth:`set_openings`, :meth:`repair` gives the new assignment without
    scoring again.  A fair belongs to one thread at a time; its engine must
    stay open while it is used.  Close it with ``with``, :meth:`close` or
    let the garbage collector do it.

    Args:
        engine: the engine holding the records.
        seekers, jobs: ids of stored records to add at once.
    """

    def __init__(self, engine: Engine, seekers: Iterable[str] = (),
                 jobs: Iterable[str] = ()) -> None:
        self._h: Any = None
        self.engine = engine
        h = POINTER(_ffi.Fair)()
        _lib.lm_fair_new(byref(h), engine._handle())
        self._h = h
        self._close = weakref.finalize(self, _lib.lm_fair_free, h)
        for sid in seekers:
            self.add("seeker", sid)
        for jid in jobs:
            self.add("job", jid)

    def close(self) -> None:
        """Frees the fair (not its engine); again does nothing."""
        if self._h is not None:
            self._h = None
            self._close()

    def __enter__(self) -> "Fair":
        self._handle()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handle(self) -> Any:
        if self._h is None:
            raise InvalidInputError(LM_EINVAL, "the fair is closed")
        self.engine._handle()  # the fair reads the engine
        return self._h

    def add(self, kind: KindLike, id: str) -> None:
        """Adds the stored seeker or job `id`; twice adds it once.

        Raises:
            NotFoundError: no such stored record.
        """
        _lib.lm_fair_add(self._handle(), _kind(kind), _enc(id, "id"))

    def ingest(self, source: Union[PathLike, bytes, bytearray, memoryview],
               *, all_or_nothing: bool = False) -> Report:
        """Ingests a document into the engine, as :meth:`Engine.ingest`,
        and adds its seekers and jobs to the fair."""
        return _ingest(self._handle(), source, all_or_nothing,
                       _lib.lm_fair_ingest_buffer, _lib.lm_fair_ingest_file)

    def count(self, kind: KindLike) -> int:
        """How many seekers (not withdrawn) or jobs the fair has."""
        return _lib.lm_fair_count(self._handle(), _kind(kind))

    def run(self, mode: str = "stable_seeker", *, k: int = 50,
            groups: Union[None, str, Iterable[str]] = None,
            progress: Optional[Callable[[float], Any]] = None,
            **query: Any) -> Assignment:
        """Runs the fair.

        Args:
            mode: "stable_seeker" (seekers propose), "stable_employer"
                (jobs propose), "optimal" (the largest total score) or
                "priority" (the most seekers of the priority groups, then
                the largest total).
            k: each side's preference list: its top k acceptable partners.
            groups: the priority groups (words or Chinese names) for
                "priority"; None for every key group.
            progress: called with the fraction done (0 to 1); a true
                return cancels the run (:class:`CancelledError`), and an
                exception it raises cancels the run and is raised again.
            query: scoring settings as :meth:`Engine.jobs_for` takes
                (today, weights, commute_minutes, relax, ...).

        Raises:
            CancelledError: `progress` asked to stop; the fair is as it was.
            NotFoundError: a member is no longer stored.
            InvalidInputError: bad options (the message says which).
        """
        if mode not in _ffi.FAIR_MODES:
            raise InvalidInputError(LM_EINVAL, "unknown fair mode %r; one "
                                    "of %s" % (mode, ", ".join(FAIR_MODES)))
        h = self._handle()
        opts = _ffi.FairOptions()
        _lib.lm_fair_options_init(byref(opts), _ffi.LM_FAIR_OPTIONS_VERSION)
        opts.mode = _ffi.FAIR_MODES[mode]
        q = _query(1, query)
        opts.k = _query(k, {}).k
        opts.query = ctypes_addressof(q)
        if groups is not None:
            words = [groups] if isinstance(groups, str) else list(groups)
            opts.groups = _enc(",".join(words), "groups")
        failed: List[BaseException] = []
        if progress is not None:
            def call(fraction: float, ctx: Any) -> int:
                # An exception must not cross the C frames: keep it, stop.
                try:
                    return 1 if progress(fraction) else 0
                except BaseException as exc:  # noqa: B902 (re-raised)
                    failed.append(exc)
                    return 1
            # Kept alive by opts for the call.
            opts.progress = _ffi.PROGRESS(call)
        out = POINTER(_ffi.Assignment)()
        rc = _lib.lm_fair_run(h, byref(opts), byref(out))
        if failed:
            raise failed[0]
        _ffi.raise_for(rc)
        try:
            return _assignment(out)
        finally:
            _lib.lm_assignment_free(out)

    def withdraw(self, seeker_id: str) -> None:
        """A seeker leaves the fair.

        Raises:
            NotFoundError: the seeker is not in the fair.
        """
        _lib.lm_fair_withdraw(self._handle(), _enc(seeker_id, "seeker_id"))

    def set_openings(self, job_id: str, openings: int) -> None:
        """The job now has `openings` openings in the fair (0 closes it)."""
        _lib.lm_fair_set_openings(self._handle(), _enc(job_id, "job_id"),
                                  openings)

    def repair(self) -> Assignment:
        """The last run's assignment repaired after withdrawals and changed
        openings, without scoring again; ``changes`` says who gained, lost
        or changed a job.

        Raises:
            InvalidInputError: no run yet.
        """
        out = POINTER(_ffi.Assignment)()
        _lib.lm_fair_repair(self._handle(), byref(out))
        try:
            return _assignment(out)
        finally:
            _lib.lm_assignment_free(out)


# ------------------------------------------------ the assignment problem


@dataclass(frozen=True)
class AssignmentSolution:
    """An optimal assignment of a cost matrix, from :func:`solve_assignment`.

    The smaller side is assigned entirely: every row when there are no
    more rows than columns, every column otherwise.

    Attributes:
        col_of_row: row i's column, or None for a row left out (only when
            there are more rows than columns).
        total: the sum of the chosen costs, least (or largest when
            maximising) of all assignments.
        row_prices, col_prices: the certificate of optimality (LP duals,
            libmatch.h's lm_assign_solve).  Minimising: ``row_prices[i] +
            col_prices[j] <= costs[i][j]`` for every pair, with equality
            for the chosen pairs; the larger side's prices (the columns',
            for a square matrix too) are <= 0, and 0 for those left out;
            and ``sum(row_prices) + sum(col_prices) == total``.
            Maximising: the same with ``>=`` for both inequalities.
        maximize: whether the total was maximised.
    """
    col_of_row: List[Optional[int]]
    total: int
    row_prices: List[int]
    col_prices: List[int]
    maximize: bool = False

    @property
    def pairs(self) -> List[Tuple[int, int]]:
        """The chosen (row, column) pairs, by row."""
        return [(i, j) for i, j in enumerate(self.col_of_row)
                if j is not None]


def _cost_error(i: int, row: Sequence[int]) -> InvalidInputError:
    """The error for row i, one of whose costs is beyond int64."""
    for j, c in enumerate(row):
        if abs(int(c)) > MAX_ASSIGN_COST:
            return InvalidInputError(
                LM_EINVAL, "lm_assign_solve: cost of row %d, column %d is "
                "%d, beyond LM_MAX_ASSIGN_COST (2^40) in magnitude"
                % (i, j, int(c)))
    return InvalidInputError(LM_EINVAL, "costs: row %d: a cost out of "
                             "range" % i)


def solve_assignment(costs: Sequence[Sequence[int]],
                     maximize: bool = False) -> AssignmentSolution:
    """Assigns rows to columns, each at most once, with the least total
    cost (the largest with `maximize`), exactly.

    The C library's Jonker-Volgenant solver (lm_assign_solve); no engine
    is needed.  800 x 800 takes about 3 ms in C, and about 20 ms more
    to copy the costs out of Python lists.

    Args:
        costs: the matrix as a sequence of rows, each a sequence of ints
            of the same length (lists of lists, tuples, a 2-D integer
            NumPy array); ``costs[i][j]`` is row i's cost for column j,
            at most :data:`MAX_ASSIGN_COST` in magnitude.  Rows may
            outnumber columns or the reverse.
        maximize: the largest total instead of the least.

    Returns:
        The assignment, its total and the prices that certify it.

    Raises:
        InvalidInputError: (a ValueError) rows of different lengths, a
            row that is not a sequence, a cost beyond
            :data:`MAX_ASSIGN_COST` (the message names its row and
            column).
        TypeError: `costs` is not a sequence, or a cost is not an int.
        OutOfMemoryError: the library ran out of memory.
    """
    try:
        rows = len(costs)
    except TypeError:
        raise TypeError("costs: a sequence of rows of ints, not %s"
                        % type(costs).__name__) from None
    cols = 0
    flat = array.array("q")
    for i, row in enumerate(costs):
        if isinstance(row, (str, bytes)):
            raise InvalidInputError(LM_EINVAL, "costs: row %d is a string, "
                                    "not a sequence of ints" % i)
        try:
            n = len(row)
        except TypeError:
            raise InvalidInputError(LM_EINVAL, "costs: row %d is not a "
                                    "sequence (%s)"
                                    % (i, type(row).__name__)) from None
        if i == 0:
            cols = n
        elif n != cols:
            raise InvalidInputError(LM_EINVAL, "costs: row %d has %d costs, "
                                    "row 0 has %d" % (i, n, cols))
        try:
            flat.extend(row)
        except OverflowError:
            raise _cost_error(i, row) from None
        except TypeError as exc:
            raise TypeError("costs: row %d: %s" % (i, exc)) from None
    if len(flat) != rows * cols:  # an iterable whose len() lied
        raise InvalidInputError(LM_EINVAL, "costs: %d costs for %d x %d"
                                % (len(flat), rows, cols))
    cost = (c_int64 * len(flat)).from_buffer(flat) if len(flat) else None
    col = (c_size_t * rows)()
    u = (c_int64 * rows)()
    v = (c_int64 * cols)()
    total = c_int64()
    flags = _ffi.LM_ASSIGN_MAXIMIZE if maximize else 0
    _lib.lm_assign_solve(rows, cols, cost, flags, col, u, v, byref(total))
    none = _ffi.LM_ASSIGN_NONE
    return AssignmentSolution([None if j == none else j for j in col],
                              total.value, list(u), list(v), bool(maximize))
