"""The C side: finds libmatch's shared library and declares every function
of libmatch.h (argtypes, restype, and an errcheck that raises).

This is the only module that knows C signatures; the rest of the package
calls ``lib.lm_...`` as declared here.  Functions that return an LM_E...
code raise the matching :mod:`libmatch.errors` exception, with the
calling thread's ``lm_errmsg``, instead of returning it.
"""

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_int,
                    c_int64, c_long, c_size_t, c_uint, c_void_p)
from typing import List, Optional

from .errors import LM_OK, error_for

__all__ = ["lib", "path", "raise_for"]

# ------------------------------------------------------------- constants
# Macros and enums of libmatch.h (ctypes cannot read a header).

LM_OPTIONS_VERSION = 1
LM_OPEN_READONLY = 0x1
LM_QUERY_VERSION = 1
LM_INGEST_ALL_OR_NOTHING = 0x1
LM_EXPORT_PERSONAL = 0x1

KINDS = {"job": 1, "seeker": 2, "employer": 3, "service_point": 4,
         "community": 5}

# lm_field in declaration order, lower case without LM_F_; LM_F_STATUS = 1.
FIELDS = [
    "status", "name", "employer", "openings", "posted", "expires",
    "registered", "occupation", "industry", "lat", "lon", "district",
    "address", "salary", "salary_min", "salary_max", "negotiable", "shift",
    "window_from", "window_to", "education", "major", "age", "age_min",
    "age_max", "birth_year", "experience_years", "experience_occupation",
    "mobility_minutes", "mobility_mode", "text", "description", "phone",
    "id_number", "alliance", "point_kind", "population", "group",
    "certificate", "priority_group", "pref_occupation", "pref_industry",
    "pref_shift",
]
FIELD_CODES = {name: i + 1 for i, name in enumerate(FIELDS)}
LIST_FIELDS = frozenset(["group", "certificate", "priority_group",
                         "pref_occupation", "pref_industry", "pref_shift"])

SKILL_LEVELS = {"held": 0, "required": 1, "preferred": 2}
FOUND_IN = {"skill": 0x1, "text": 0x2, "description": 0x4, "title": 0x8}

COUNTS = {"added": 0, "replaced": 1, "removed": 2, "rejected": 3}

# lm_component in declaration order.
COMPONENTS = ["skills", "occupation", "commute", "salary", "education",
              "preference", "window", "priority", "freshness"]

FILTERS = {"closed": 0x01, "age": 0x02, "education": 0x04,
           "certificate": 0x08, "commute": 0x10, "salary": 0x20,
           "window": 0x40, "query": 0x80}

ADVICE_KINDS = {1: "skill", 2: "certificate"}

LM_FAIR_OPTIONS_VERSION = 1
FAIR_MODES = {"stable_seeker": 1, "stable_employer": 2, "optimal": 3,
              "priority": 4}
UNMATCHED = {1: "no_acceptable_job", 2: "outside_top_k",
             3: "filled_by_higher", 4: "not_chosen"}
CHANGES = {1: "gained", 2: "lost", 3: "moved"}

LM_ASSIGN_MAXIMIZE = 0x1
LM_ASSIGN_NONE = c_size_t(-1).value  # (size_t)-1
LM_MAX_ASSIGN_COST = 1 << 40
LM_MAX_ASSIGN_SIDE = 1 << 20

# ---------------------------------------------------------------- types


class Engine(Structure):
    """struct lm_engine (opaque)."""


class Record(Structure):
    """struct lm_record (opaque)."""


class Report(Structure):
    """struct lm_report (opaque)."""


class Results(Structure):
    """struct lm_results (opaque)."""


class Advice(Structure):
    """struct lm_advice (opaque)."""


class Fair(Structure):
    """struct lm_fair (opaque)."""


class Assignment(Structure):
    """struct lm_assignment (opaque)."""


EACH = CFUNCTYPE(c_int, c_void_p, POINTER(Record))
PROGRESS = CFUNCTYPE(c_int, c_double, c_void_p)


class FairOptions(Structure):
    """struct lm_fair_options, version 1."""
    _fields_ = [("version", c_uint), ("mode", c_int), ("k", c_uint),
                ("groups", c_char_p), ("query", c_void_p),
                ("progress", PROGRESS), ("progress_ctx", c_void_p)]


class GroupStats(Structure):
    """struct lm_group_stats; `group` is static."""
    _fields_ = [("group", c_char_p), ("present", c_size_t),
                ("matched", c_size_t), ("match_rate", c_double),
                ("mean_score", c_double)]


class Options(Structure):
    """struct lm_options, version 1."""
    _fields_ = [("version", c_uint), ("flags", c_uint),
                ("skills_path", c_char_p), ("busy_timeout_ms", c_int),
                ("batch_size", c_uint)]


class Skill(Structure):
    """struct lm_skill; its strings are borrowed from the record."""
    _fields_ = [("name", c_char_p), ("canonical", c_char_p),
                ("level", c_int), ("years", c_int), ("found_in", c_uint)]


class Query(Structure):
    """struct lm_query, version 1; its strings are borrowed for the call."""
    _fields_ = [("version", c_uint), ("k", c_uint), ("today", c_char_p),
                ("district", c_char_p), ("industry", c_char_p),
                ("occupation_prefix", c_char_p), ("shift", c_char_p),
                ("salary_floor", c_long), ("reserved_group", c_char_p),
                ("window_from", c_char_p), ("window_to", c_char_p),
                ("commute_minutes", c_int), ("commute_mode", c_char_p),
                ("relax", c_uint), ("weights", c_double * len(COMPONENTS))]


# ------------------------------------------------------ finding the library

_SONAMES = ["libmatch.so.0", "libmatch.so", "libmatch.dylib"]


def _build_tree_candidates(start: str) -> List[str]:
    """libmatch/.libs/libmatch.so* in `start` and every directory above."""
    found = []
    d = os.path.abspath(start)
    while True:
        libs = os.path.join(d, "libmatch", ".libs")
        if os.path.isdir(libs):
            names = sorted(n for n in os.listdir(libs)
                           if n.startswith("libmatch.so"))
            found.extend(os.path.join(libs, n) for n in names)
        parent = os.path.dirname(d)
        if parent == d:
            return found
        d = parent


def _load() -> "tuple[ctypes.CDLL, str]":
    """Loads the library: $LIBMATCH_LIBRARY, the build tree, the system."""
    tried = []
    env = os.environ.get("LIBMATCH_LIBRARY")
    candidates = []
    if env:
        candidates.append(("LIBMATCH_LIBRARY", env))
    here = os.path.dirname(os.path.abspath(__file__))
    candidates += [("build tree", p) for p in _build_tree_candidates(here)]
    system = ctypes.util.find_library("match")
    if system:
        candidates.append(("system (find_library)", system))
    candidates += [("system", name) for name in _SONAMES]
    for where, candidate in candidates:
        try:
            return ctypes.CDLL(candidate), candidate
        except OSError as exc:
            tried.append("%s: %s (%s)" % (where, candidate, exc))
    if not env:
        tried.insert(0, "LIBMATCH_LIBRARY: not set")
    raise ImportError("libmatch: cannot load the C library; tried:\n  " +
                      "\n  ".join(tried))


lib, path = _load()

# ------------------------------------------------------------ declarations


def _errmsg() -> str:
    msg = lib.lm_errmsg(None)
    return msg.decode("utf-8", "replace") if msg else ""


def raise_for(code: int) -> None:
    """Raises the exception for an LM_E... code with this thread's message.

    Must run on the thread that made the failing call, before any other
    libmatch call, as the message is per thread.
    """
    if code != LM_OK:
        message = _errmsg() or lib.lm_strerror(code).decode("utf-8")
        raise error_for(code, message)


def _check(result: int, func: object, args: tuple) -> int:
    raise_for(result)
    return result


def _declare(name: str, restype: object, argtypes: list,
             check: bool = False) -> None:
    try:
        fn = getattr(lib, name)
    except AttributeError:
        raise ImportError("libmatch: %s lacks %s (too old for these "
                          "bindings)" % (path, name)) from None
    fn.restype = restype
    fn.argtypes = argtypes
    if check:
        fn.errcheck = _check


P = POINTER
_PP_ENGINE = P(P(Engine))
_STR_OUT = P(c_char_p)

# version, errors, memory
_declare("lm_version", c_char_p, [])
_declare("lm_version_number", c_int, [])
_declare("lm_strerror", c_char_p, [c_int])
_declare("lm_errmsg", c_char_p, [P(Engine)])
_declare("lm_free", None, [c_void_p])

# the engine
_declare("lm_options_init", c_int, [P(Options), c_uint], check=True)
_declare("lm_engine_open", c_int, [_PP_ENGINE, c_char_p, P(Options)],
         check=True)
_declare("lm_engine_close", None, [P(Engine)])

# records
_declare("lm_record_new", c_int, [P(P(Record)), c_int, c_char_p], check=True)
_declare("lm_record_free", None, [P(Record)])
_declare("lm_record_set", c_int, [P(Record), c_int, c_char_p], check=True)
_declare("lm_record_add_skill", c_int, [P(Record), c_char_p, c_int, c_int],
         check=True)
_declare("lm_record_kind", c_int, [P(Record)])
_declare("lm_record_id", c_char_p, [P(Record)])
_declare("lm_record_get", c_char_p, [P(Record), c_int])
# LM_ENOTFOUND (unset) is an answer here, not a failure: no errcheck.
_declare("lm_record_number", c_int, [P(Record), c_int, P(c_double)])
_declare("lm_record_count", c_size_t, [P(Record), c_int])
_declare("lm_record_item", c_char_p, [P(Record), c_int, c_size_t])
_declare("lm_record_skill_count", c_size_t, [P(Record)])
_declare("lm_record_skill", c_int, [P(Record), c_size_t, P(Skill)],
         check=True)

# writes
_declare("lm_engine_put", c_int, [P(Engine), P(Record)], check=True)
_declare("lm_engine_remove", c_int, [P(Engine), c_int, c_char_p], check=True)
_declare("lm_engine_get", c_int, [P(Engine), c_int, c_char_p, P(P(Record))],
         check=True)
_declare("lm_engine_count", c_int, [P(Engine), c_int, P(c_size_t)],
         check=True)
_declare("lm_engine_add_skill_term", c_int, [P(Engine), c_char_p, c_char_p],
         check=True)
_declare("lm_engine_skill_lookup", c_int, [P(Engine), c_char_p, _STR_OUT],
         check=True)

# ingest
_declare("lm_report_new", c_int, [P(P(Report))], check=True)
_declare("lm_report_free", None, [P(Report)])
_declare("lm_report_count", c_size_t, [P(Report), c_int])
_declare("lm_report_error_count", c_size_t, [P(Report)])
# Returns the error's own code: no errcheck.
_declare("lm_report_error", c_int,
         [P(Report), c_size_t, _STR_OUT, P(c_long), _STR_OUT])
# Checked by the caller, which keeps the report of a failed ingest.
_declare("lm_engine_ingest_file", c_int,
         [P(Engine), c_char_p, c_uint, P(Report)])
_declare("lm_engine_ingest_buffer", c_int,
         [P(Engine), c_char_p, c_size_t, c_uint, P(Report)])

# export
_declare("lm_engine_export_file", c_int, [P(Engine), c_char_p, c_uint],
         check=True)
_declare("lm_engine_export_buffer", c_int,
         [P(Engine), c_uint, P(c_void_p), P(c_size_t)], check=True)

# ranking
_declare("lm_query_init", c_int, [P(Query), c_uint], check=True)
_RANK = [P(Engine), c_char_p, P(Query), P(P(Results))]
_declare("lm_rank_jobs", c_int, _RANK, check=True)
_declare("lm_rank_seekers", c_int, _RANK, check=True)
_declare("lm_rank_jobs_for_profile", c_int,
         [P(Engine), P(Record), P(Query), P(P(Results))], check=True)
_declare("lm_explain", c_int,
         [P(Engine), c_char_p, c_char_p, P(Query), P(P(Results))], check=True)
_declare("lm_results_count", c_size_t, [P(Results)])
_declare("lm_results_id", c_char_p, [P(Results), c_size_t])
_declare("lm_results_score", c_double, [P(Results), c_size_t])
_declare("lm_results_component", c_double, [P(Results), c_size_t, c_int])
_declare("lm_results_reason", c_char_p, [P(Results), c_size_t, c_int])
_declare("lm_results_text", c_char_p, [P(Results), c_size_t])
_declare("lm_results_filters", c_uint, [P(Results), c_size_t])
_declare("lm_results_filter_reason", c_char_p, [P(Results), c_size_t])
_declare("lm_results_free", None, [P(Results)])

# advice
_declare("lm_advise", c_int, [P(Engine), c_char_p, P(Query), P(P(Advice))],
         check=True)
_declare("lm_advice_count", c_size_t, [P(Advice)])
_declare("lm_advice_item", c_char_p, [P(Advice), c_size_t])
_declare("lm_advice_kind", c_int, [P(Advice), c_size_t])
_declare("lm_advice_jobs", c_size_t, [P(Advice), c_size_t])
_declare("lm_advice_free", None, [P(Advice)])

_declare("lm_engine_refresh", c_int, [P(Engine)], check=True)

# browsing.  Checked by the caller: the callback's own return passes
# through lm_engine_foreach.
_declare("lm_engine_foreach", c_int, [P(Engine), c_int, EACH, c_void_p])
_declare("lm_commute_minutes", c_int,
         [c_char_p, c_double, c_double, c_double, c_double, P(c_double)],
         check=True)
_declare("lm_text_fold", c_int, [P(c_void_p), c_char_p], check=True)

# fairs
_declare("lm_fair_options_init", c_int, [P(FairOptions), c_uint],
         check=True)
_declare("lm_fair_new", c_int, [P(P(Fair)), P(Engine)], check=True)
_declare("lm_fair_free", None, [P(Fair)])
_declare("lm_fair_add", c_int, [P(Fair), c_int, c_char_p], check=True)
_declare("lm_fair_ingest_file", c_int,
         [P(Fair), c_char_p, c_uint, P(Report)])
_declare("lm_fair_ingest_buffer", c_int,
         [P(Fair), c_char_p, c_size_t, c_uint, P(Report)])
_declare("lm_fair_count", c_size_t, [P(Fair), c_int])
# Checked by the caller, which first raises what a progress callback did.
_declare("lm_fair_run", c_int,
         [P(Fair), P(FairOptions), P(P(Assignment))])
_declare("lm_fair_withdraw", c_int, [P(Fair), c_char_p], check=True)
_declare("lm_fair_set_openings", c_int, [P(Fair), c_char_p, c_uint],
         check=True)
_declare("lm_fair_repair", c_int, [P(Fair), P(P(Assignment))], check=True)
_declare("lm_assignment_free", None, [P(Assignment)])
_declare("lm_assignment_mode", c_int, [P(Assignment)])
_declare("lm_assignment_pair_count", c_size_t, [P(Assignment)])
_declare("lm_assignment_pair", c_int,
         [P(Assignment), c_size_t, _STR_OUT, _STR_OUT, P(c_double)],
         check=True)
_declare("lm_assignment_pair_text", c_char_p, [P(Assignment), c_size_t])
_declare("lm_assignment_total", c_double, [P(Assignment)])
_declare("lm_assignment_unmatched_count", c_size_t, [P(Assignment)])
# Returns the reason: no errcheck.
_declare("lm_assignment_unmatched", c_int,
         [P(Assignment), c_size_t, _STR_OUT])
_declare("lm_assignment_unmatched_text", c_char_p,
         [P(Assignment), c_size_t])
_declare("lm_assignment_group_count", c_size_t, [P(Assignment)])
_declare("lm_assignment_group", c_int,
         [P(Assignment), c_size_t, P(GroupStats)], check=True)
_declare("lm_assignment_price_count", c_size_t, [P(Assignment), c_int])
_declare("lm_assignment_price", c_int,
         [P(Assignment), c_int, c_size_t, _STR_OUT, P(c_double)],
         check=True)
_declare("lm_assignment_change_count", c_size_t, [P(Assignment)])
# Returns the change's kind: no errcheck.
_declare("lm_assignment_change", c_int,
         [P(Assignment), c_size_t, _STR_OUT, _STR_OUT, _STR_OUT])
_declare("lm_assignment_write_xml", c_int, [P(Assignment), c_char_p],
         check=True)
_declare("lm_assignment_write_xml_buffer", c_int,
         [P(Assignment), P(c_void_p), P(c_size_t)], check=True)

# the dense assignment problem
_declare("lm_assign_solve", c_int,
         [c_size_t, c_size_t, P(c_int64), c_uint, P(c_size_t), P(c_int64),
          P(c_int64), P(c_int64)], check=True)


def text(b: Optional[bytes]) -> Optional[str]:
    """A C string borrowed from the library, copied into a str."""
    return None if b is None else b.decode("utf-8")
