"""Shared fixtures.  The tests import the package from this source tree
(not an installed copy) and find the C library as the package does; run
them through tests/test_python.sh, which sets LIBMATCH_LIBRARY to the
library just built."""

import os
import sys
import xml.etree.ElementTree as ET

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = os.path.dirname(HERE)
SRCDIR = os.environ.get("LM_SRCDIR") or os.path.normpath(
    os.path.join(PACKAGE_DIR, "..", ".."))
sys.path.insert(0, PACKAGE_DIR)

import libmatch  # noqa: E402

SAMPLE = os.path.join(SRCDIR, "examples", "data", "huangshi-sample.xml")
# The sample's reference date (examples/data/README.md): every query of the
# tests fixes it, so that expiry and freshness do not move with the clock.
TODAY = "2026-11-25"


@pytest.fixture(scope="session", autouse=True)
def _skills_dictionary():
    if not os.environ.get("LIBMATCH_SKILLS"):
        os.environ["LIBMATCH_SKILLS"] = os.path.join(
            SRCDIR, "libmatch", "data", "skills.tsv")


@pytest.fixture(scope="session")
def sample():
    """The Huangshi sample, ingested once into a store shared read-only by
    the tests that only query it."""
    eng = libmatch.Engine(":memory:")
    eng.ingest(SAMPLE)
    yield eng
    eng.close()


@pytest.fixture(scope="session")
def sample_ids(sample):
    """{kind: [ids]} of the stored sample, read from its own export (so
    independent of the ranking code)."""
    root = ET.fromstring(sample.export())
    ids = {}
    for el in root:
        ids.setdefault(el.tag, []).append(el.get("id"))
    return ids


@pytest.fixture
def engine():
    """A fresh, empty in-memory engine."""
    eng = libmatch.Engine(":memory:")
    yield eng
    eng.close()


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "store.db")
