"""Exceptions raised by libmatch.

Every C function of libmatch returns ``LM_OK`` (0) or a negative ``LM_E...``
code and leaves a message for the calling thread (``lm_errmsg``).  The
bindings turn a failure into an exception of the class that matches the
code, carrying both.  Each class also derives from the builtin exception a
Python caller would naturally catch, so ``except LookupError`` catches a
missing record and ``except ValueError`` a bad argument.
"""

from typing import Dict, Optional, Type

# The codes of libmatch.h.  ctypes cannot read an enum, so they are repeated
# here; bindings/python/tests/test_errors.py checks them against lm_strerror.
LM_OK = 0
LM_ERROR = -1
LM_ENOMEM = -2
LM_EINVAL = -3
LM_ENOTFOUND = -4
LM_EPARSE = -5
LM_EDB = -6
LM_ECANCELED = -7

__all__ = [
    "LibmatchError",
    "NotFoundError",
    "InvalidInputError",
    "ParseError",
    "OutOfMemoryError",
    "DatabaseError",
    "CancelledError",
    "EngineClosedError",
    "error_for",
]


class LibmatchError(Exception):
    """A libmatch call failed.

    Attributes:
        code: the library's ``LM_E...`` code (a negative int).
        message: the library's message about this failure (``lm_errmsg``),
            or its fixed text for the code when it left none.
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(LibmatchError, LookupError):
    """No record (or skill term) with that kind and id: ``LM_ENOTFOUND``."""


class InvalidInputError(LibmatchError, ValueError):
    """A bad argument, query or record: ``LM_EINVAL``."""


class ParseError(InvalidInputError):
    """The document, or a record in it, cannot be read: ``LM_EPARSE``.

    Raised by :meth:`libmatch.Engine.ingest`, where ``report`` holds what the
    ingest did before it stopped (the records kept, the errors); otherwise
    ``report`` is None.
    """

    def __init__(self, code: int, message: str, report: object = None) -> None:
        super().__init__(code, message)
        self.report = report


class OutOfMemoryError(LibmatchError, MemoryError):
    """The library ran out of memory; nothing was changed: ``LM_ENOMEM``."""


class DatabaseError(LibmatchError):
    """The store failed (busy, corrupt, read-only): ``LM_EDB``."""


class CancelledError(LibmatchError):
    """A progress callback asked to stop; nothing changed: ``LM_ECANCELED``.
    """


class EngineClosedError(InvalidInputError):
    """The engine was used after :meth:`libmatch.Engine.close`."""

    def __init__(self) -> None:
        super().__init__(LM_EINVAL, "the engine is closed")


_BY_CODE: Dict[int, Type[LibmatchError]] = {
    LM_ENOMEM: OutOfMemoryError,
    LM_EINVAL: InvalidInputError,
    LM_ENOTFOUND: NotFoundError,
    LM_EPARSE: ParseError,
    LM_EDB: DatabaseError,
    LM_ECANCELED: CancelledError,
}


def error_for(code: int, message: Optional[str] = None) -> LibmatchError:
    """The exception for ``code`` with ``message``.

    ``LM_ERROR`` and any code this version does not know give the base
    class, so a newer library never makes the bindings fail to report.
    """
    cls = _BY_CODE.get(code, LibmatchError)
    return cls(code, message or "libmatch error %d" % code)
