"""The engine's life cycle and the record calls: open, close, options,
version, add/get/remove/count for every kind, skill terms, refresh."""

import gc
import os
import re

import pytest

import libmatch
from conftest import SRCDIR, TODAY


def test_version_is_the_headers():
    with open(os.path.join(SRCDIR, "libmatch", "include", "libmatch.h"),
              encoding="utf-8") as f:
        header = f.read()
    parts = [int(re.search(r"#define LM_VERSION_%s (\d+)" % p, header)
                 .group(1)) for p in ("MAJOR", "MINOR", "PATCH")]
    assert libmatch.version() == "%d.%d.%d" % tuple(parts)
    assert libmatch.version_number() == (parts[0] * 10000 + parts[1] * 100
                                         + parts[2])
    assert libmatch.__version__ == libmatch.version()


def test_the_library_loaded_is_the_one_named():
    wanted = os.environ.get("LIBMATCH_LIBRARY")
    if wanted:
        assert libmatch.library_path == wanted


def test_with_closes_and_close_is_idempotent(db_path):
    with libmatch.Engine(db_path) as eng:
        assert not eng.closed
        eng.add_employer(id="E1", name="黄石测试有限公司")
    assert eng.closed
    assert not eng._close.alive
    eng.close()  # a second close does nothing
    assert "closed" in repr(eng)
    with pytest.raises(libmatch.EngineClosedError):
        eng.get("employer", "E1")
    with pytest.raises(libmatch.EngineClosedError):
        with eng:
            pass


def test_the_finaliser_closes_a_forgotten_engine(db_path):
    eng = libmatch.Engine(db_path)
    eng.add_employer(id="E1", name="x")
    finaliser = eng._close
    assert finaliser.alive
    del eng
    gc.collect()
    assert not finaliser.alive
    # Closed cleanly: the store opens again and holds the write.
    with libmatch.Engine(db_path) as again:
        assert again.count("employer") == 1


def test_a_store_keeps_its_records_across_opens(db_path):
    with libmatch.Engine(db_path, busy_timeout_ms=1000, batch_size=5) as e:
        e.add_job(id="J1", name="车工", openings=2)
    with libmatch.Engine(db_path) as e:
        assert e.get("job", "J1")["openings"] == 2


def test_readonly_refuses_writes(db_path):
    libmatch.Engine(db_path).close()
    with libmatch.Engine(db_path, readonly=True) as e:
        with pytest.raises(libmatch.InvalidInputError) as info:
            e.add_job(id="J1", name="x")
        assert "read-only" in str(info.value)
        assert e.count(libmatch.Kind.JOB) == 0


def test_a_missing_skills_file_is_refused(tmp_path):
    with pytest.raises(libmatch.LibmatchError):
        libmatch.Engine(skills=tmp_path / "no-such-dictionary.tsv")


JOB = {
    "id": "J000124",
    "name": "数控车床操作工",
    "employer": "E1",
    "openings": 3,
    "posted": "2026-11-01",
    "expires": "2026-12-31",
    "occupation": "6-18-01-01",
    "industry": "智能制造",
    "lat": 30.2012,
    "lon": 115.0383,
    "district": "420204",
    "salary": "5千-8千元/月",
    "shift": "day",
    "education": "中专",
    "age": "18至45周岁",
    "certificate": ["车工四级"],
    "priority_group": "veteran",
    "skills": ["数控车床", ("CAD制图", "preferred")],
}


def test_a_job_reads_back_normalised(engine):
    engine.add_job(JOB)
    got = engine.get("job", "J000124")
    # Normalisations that FORMAT.md promises: 5千-8千元/月 is 5000-8000 a
    # month, 18至45周岁 is 18-45, 中专 is the vocabulary word.
    assert (got["salary_min"], got["salary_max"]) == (5000, 8000)
    assert (got["age_min"], got["age_max"]) == (18, 45)
    assert got["salary"] == "5千-8千元/月"
    assert got["education"] == "secondary-vocational"
    assert got["openings"] == 3 and got["lat"] == 30.2012
    assert got["posted"] == "2026-11-01"
    assert got["certificate"] == ["车工四级"]
    assert got["priority_group"] == ["veteran"]
    named = {s["name"]: s for s in got["skills"] if "skill" in s["found_in"]}
    assert named["数控车床"]["level"] == "required"
    assert named["CAD制图"]["level"] == "preferred"
    # The title names a skill too: found there, not written.
    assert "title" in named["数控车床"]["found_in"]


def test_keywords_and_dicts_are_one_record(engine):
    engine.add_seeker({"id": "S1", "birth_year": 1990}, education="本科",
                      skills=[("焊接", "held", 4)], group=["veteran"],
                      pref_shift=["day", "night"], negotiable=True)
    got = engine.get(libmatch.Kind.SEEKER, "S1")
    assert got["birth_year"] == 1990 and got["education"] == "bachelor"
    assert got["group"] == ["veteran"]
    assert got["pref_shift"] == ["day", "night"]
    assert got["negotiable"] == 1
    (skill,) = [s for s in got["skills"] if s["name"] == "焊接"]
    assert skill["years"] == 4 and skill["level"] == "held"


def test_every_kind_is_added_counted_and_removed(engine):
    engine.add_employer(id="E1", name="黄石测试有限公司",
                        alliance="ed-manufacturing")
    engine.add_service_point(id="P1", name="下陆区就业服务站",
                             point_kind="station", district="420204")
    engine.add_community(id="C1", name="团城山社区", population=12000)
    engine.add_job(id="J1", name="焊工", employer="E1")
    engine.add_seeker(id="S1", birth_year=1985)
    for kind in ("employer", "service_point", "community", "job", "seeker"):
        assert engine.count(kind) == 1
    assert engine.get("service-point", "P1")["point_kind"] == "station"
    assert engine.get("community", "C1")["population"] == 12000
    assert engine.get("employer", "E1")["alliance"] == "ed-manufacturing"
    engine.remove("job", "J1")
    assert engine.count("job") == 0
    with pytest.raises(libmatch.NotFoundError):
        engine.get("job", "J1")
    with pytest.raises(libmatch.NotFoundError):
        engine.remove("job", "J1")


def test_a_closed_status_removes_the_stored_record(engine):
    engine.add_job(id="J1", name="焊工")
    engine.add_job(id="J1", status="closed")
    assert engine.count("job") == 0


def test_replacing_keeps_one_record(engine):
    engine.add_job(id="J1", name="焊工", openings=1)
    engine.add_job(id="J1", name="焊工", openings=4)
    assert engine.count("job") == 1
    assert engine.get("job", "J1")["openings"] == 4


def test_a_record_read_back_stores_the_same_record(engine):
    engine.add_job(JOB)
    engine.add_seeker(id="S1", birth_year=1980, phone="13900000000",
                      text="会焊接，持有焊工证", skills=["叉车"],
                      pref_occupation=["6-18"])
    with libmatch.Engine() as other:
        for kind, rid in (("job", "J000124"), ("seeker", "S1")):
            other.put(kind, engine.get(kind, rid))
            # Compared first, so that a failure does not print the phone.
            same = other.get(kind, rid) == engine.get(kind, rid)
            assert same, "%s %s differs after a round trip" % (kind, rid)


@pytest.mark.parametrize("bad, exc", [
    ({"id": "J1", "colour": "red"}, libmatch.InvalidInputError),
    ({"name": "no id"}, libmatch.InvalidInputError),
    ({"id": "J 1"}, libmatch.InvalidInputError),
    ({"id": "J1", "salary_min": "abc"}, libmatch.InvalidInputError),
    ({"id": "J1", "name": "a\0b"}, libmatch.InvalidInputError),
    ({"id": "J1", "skills": [("x", "mastered")]}, libmatch.InvalidInputError),
    ({"id": "J1", "name": object()}, TypeError),
    ({"id": "J1", "skills": [42]}, TypeError),
])
def test_bad_records_are_refused_and_nothing_is_stored(engine, bad, exc):
    with pytest.raises(exc):
        engine.add_job(bad)
    assert engine.count("job") == 0


def test_unknown_kinds_are_refused(engine):
    for kind in ("vacancy", 0, 6):
        with pytest.raises(libmatch.InvalidInputError):
            engine.count(kind)


def test_skill_terms_are_learnt_and_kept(db_path):
    with libmatch.Engine(db_path) as e:
        with pytest.raises(libmatch.NotFoundError):
            e.skill_lookup("塘口巡查")
        e.add_skill_term("鱼塘巡护", "塘口巡查")
        e.add_skill_term("网红直播带货")
        assert e.skill_lookup("塘口巡查") == "鱼塘巡护"
        assert e.skill_lookup("網紅直播帶貨") == "网红直播带货"
    with libmatch.Engine(db_path) as e:
        assert e.skill_lookup("塘口巡查") == "鱼塘巡护"


def test_refresh_shows_another_engines_writes(db_path):
    seeker = {"id": "S1", "birth_year": 1990, "skills": ["焊接"]}
    with libmatch.Engine(db_path) as writer, \
            libmatch.Engine(db_path) as reader:
        writer.add_seeker(seeker)
        writer.add_job(id="J1", name="焊工", skills=["焊接"])
        with pytest.raises(libmatch.NotFoundError):
            reader.explain("S1", "J1", today=TODAY)
        reader.refresh()
        assert [m.id for m in reader.jobs_for("S1", today=TODAY)] == ["J1"]
