"""Every error code becomes its exception, with the library's message, and
every exception type is raised by a real failing call."""

import pytest

import libmatch
from libmatch import errors
from libmatch import _ffi


def test_codes_match_the_library_texts():
    # The constants are repeated from libmatch.h; the library's own text
    # for each one says whether they still mean what the bindings think.
    assert libmatch.strerror(errors.LM_OK) == "success"
    assert libmatch.strerror(errors.LM_ENOMEM) == "out of memory"
    assert libmatch.strerror(errors.LM_EINVAL) == "invalid argument or record"
    assert libmatch.strerror(errors.LM_ENOTFOUND) == "not found"
    assert libmatch.strerror(errors.LM_EPARSE) == "cannot parse the input"
    assert "database" in libmatch.strerror(errors.LM_EDB)
    assert "cancel" in libmatch.strerror(errors.LM_ECANCELED)


@pytest.mark.parametrize("cls, builtin", [
    (libmatch.NotFoundError, LookupError),
    (libmatch.InvalidInputError, ValueError),
    (libmatch.ParseError, ValueError),
    (libmatch.OutOfMemoryError, MemoryError),
    (libmatch.DatabaseError, libmatch.LibmatchError),
    (libmatch.CancelledError, libmatch.LibmatchError),
    (libmatch.EngineClosedError, ValueError),
])
def test_each_exception_is_also_the_natural_builtin(cls, builtin):
    assert issubclass(cls, libmatch.LibmatchError)
    assert issubclass(cls, builtin)


def test_parse_error_is_invalid_input():
    assert issubclass(libmatch.ParseError, libmatch.InvalidInputError)


@pytest.mark.parametrize("code, cls", [
    (errors.LM_ERROR, libmatch.LibmatchError),
    (errors.LM_ENOMEM, libmatch.OutOfMemoryError),
    (errors.LM_EINVAL, libmatch.InvalidInputError),
    (errors.LM_ENOTFOUND, libmatch.NotFoundError),
    (errors.LM_EPARSE, libmatch.ParseError),
    (errors.LM_EDB, libmatch.DatabaseError),
    (errors.LM_ECANCELED, libmatch.CancelledError),
    (-99, libmatch.LibmatchError),  # a code from a newer library
])
def test_raise_for_maps_every_code(code, cls):
    with pytest.raises(libmatch.LibmatchError) as info:
        _ffi.raise_for(code)
    assert type(info.value) is cls
    assert info.value.code == code
    assert str(info.value)


def test_raise_for_ok_raises_nothing():
    _ffi.raise_for(errors.LM_OK)


def test_not_found_carries_the_library_message(engine):
    with pytest.raises(LookupError) as info:
        engine.get("job", "J404")
    assert isinstance(info.value, libmatch.NotFoundError)
    assert info.value.code == errors.LM_ENOTFOUND
    assert str(info.value) == "no job with id J404"


def test_invalid_record_names_the_field(engine):
    with pytest.raises(ValueError) as info:
        engine.add_job(id="J1", openings=0)
    assert isinstance(info.value, libmatch.InvalidInputError)
    assert info.value.code == errors.LM_EINVAL
    assert "openings" in str(info.value)


def test_malformed_document_is_a_parse_error(engine):
    with pytest.raises(libmatch.ParseError) as info:
        engine.ingest(b'<libmatch version="1"><job id="J1"><title>x</job>')
    assert info.value.code == errors.LM_EPARSE
    assert "line 1" in str(info.value)
    assert info.value.report.added == 0


def test_a_file_that_is_no_database_is_a_database_error(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"not a database " * 20)
    with pytest.raises(libmatch.DatabaseError) as info:
        libmatch.Engine(path)
    assert info.value.code == errors.LM_EDB
    assert "not a database" in str(info.value)


def test_an_unreadable_file_is_the_base_error(engine, tmp_path):
    missing = tmp_path / "missing.xml"
    with pytest.raises(libmatch.LibmatchError) as info:
        engine.ingest(missing)
    assert type(info.value) is libmatch.LibmatchError
    assert info.value.code == errors.LM_ERROR
    assert str(missing) in str(info.value)


def test_out_of_memory_is_a_memory_error():
    # The library cannot be made to run out of memory from Python; the C
    # tests inject allocation failures.  Here: the code maps, with the
    # library's text when it left no message.
    exc = errors.error_for(errors.LM_ENOMEM, "out of memory")
    assert isinstance(exc, MemoryError)
    with pytest.raises(MemoryError):
        raise exc


def test_closed_engine_raises_a_clear_error():
    eng = libmatch.Engine()
    eng.close()
    with pytest.raises(libmatch.EngineClosedError) as info:
        eng.count("job")
    assert "closed" in str(info.value)
