"""Ingest and export: every form of input, the report, all or nothing,
round trips, and agreement with the C example program lm-ingest."""

import os
import pathlib
import re
import subprocess

import pytest

import libmatch
from conftest import SAMPLE

GOOD_AND_BAD = """<?xml version="1.0" encoding="UTF-8"?>
<libmatch version="1">
  <job id="J1"><title>焊工</title></job>
  <job id="J2"><title>车工</title><salary>好多钱</salary></job>
  <seeker id="S1"><birth year="1990"/></seeker>
</libmatch>
"""


def test_the_sample_is_read_whole(sample, sample_ids):
    # examples/data/README.md: 48 employers, 310 postings of which 5 are
    # then closed, 409 seekers of which 2 then withdraw, 15 service points,
    # 30 communities.
    assert sample.count("employer") == 48
    assert sample.count("job") == 305
    assert sample.count("seeker") == 407
    assert sample.count("service_point") == 15
    assert sample.count("community") == 30
    assert len(sample_ids["job"]) == 305


def test_a_report_counts_what_was_done(engine):
    report = engine.ingest(SAMPLE)
    assert (report.added, report.replaced, report.removed,
            report.rejected) == (48 + 310 + 409 + 15 + 30, 0, 7, 0)
    assert report.errors == []
    # Read again: the 805 stored records are replaced; the 7 the document
    # removes are added back by their open element, then removed again.
    again = engine.ingest(pathlib.Path(SAMPLE))
    assert (again.added, again.replaced, again.removed,
            again.rejected) == (7, 805, 7, 0)


@pytest.mark.parametrize("form", ["str", "bytes", "bytearray", "memoryview",
                                  "path", "pathlike"])
def test_every_input_form_reads_the_same(engine, tmp_path, form):
    doc = GOOD_AND_BAD
    if form in ("path", "pathlike"):
        f = tmp_path / "doc.xml"
        f.write_text(doc, encoding="utf-8")
        source = str(f) if form == "path" else f
    else:
        source = {"str": doc, "bytes": doc.encode(),
                  "bytearray": bytearray(doc.encode()),
                  "memoryview": memoryview(doc.encode())}[form]
    report = engine.ingest(source)
    assert (report.added, report.rejected) == (2, 1)
    (err,) = report.errors
    assert err.id == "J2" and err.line == 4
    assert "salary" in err.reason
    assert err.code == libmatch.errors.LM_EINVAL
    assert engine.count("job") == 1 and engine.count("seeker") == 1


def test_all_or_nothing_rolls_back(engine):
    with pytest.raises(libmatch.ParseError) as info:
        engine.ingest(GOOD_AND_BAD, all_or_nothing=True)
    assert info.value.report.rejected == 1
    assert info.value.report.errors[0].id == "J2"
    assert engine.count("job") == 0 and engine.count("seeker") == 0


def test_a_broken_document_keeps_what_came_before(engine):
    doc = GOOD_AND_BAD.replace("</libmatch>", "<job id=")
    with pytest.raises(libmatch.ParseError) as info:
        engine.ingest(doc)
    assert info.value.report.added == 2
    assert engine.count("job") == 1


def test_export_round_trip_gives_the_same_store(sample, tmp_path):
    first = sample.export()
    assert first.startswith(b"<?xml")
    with libmatch.Engine() as copy:
        report = copy.ingest(first)
        assert report.rejected == 0
        assert copy.export() == first
        out = tmp_path / "out.xml"
        assert copy.export(out) is None
        assert out.read_bytes() == first


def test_personal_data_is_exported_only_when_asked(sample):
    plain = sample.export()
    personal = sample.export(personal=True)
    assert b"<contact" not in plain
    assert personal.count(b"<contact") > 0
    with libmatch.Engine() as copy:
        copy.ingest(personal)
        same = (copy.get("seeker", "S9000001")
                == sample.get("seeker", "S9000001"))
        assert same, "personal fields lost in the round trip"
        assert copy.export(personal=True) == personal


def _lm_ingest():
    builddir = os.environ.get("LM_BUILDDIR")
    prog = builddir and os.path.join(builddir, "examples", "ingest",
                                     "lm-ingest")
    if not prog or not os.access(prog, os.X_OK):
        pytest.skip("LM_BUILDDIR/examples/ingest/lm-ingest not built")
    return prog


def test_python_and_lm_ingest_agree(tmp_path, sample):
    """The C example and the bindings read the sample into the same store,
    report the same counts, and export the same document."""
    db, xml = tmp_path / "c.db", tmp_path / "c.xml"
    out = subprocess.run([_lm_ingest(), "--export", str(xml), str(db),
                          SAMPLE], capture_output=True, text=True, check=True)
    counts = dict(re.findall(r"^(added|replaced|removed|rejected) +(\d+)$",
                             out.stdout, re.M))
    with libmatch.Engine() as eng:
        report = eng.ingest(SAMPLE)
    assert {k: int(v) for k, v in counts.items()} == {
        "added": report.added, "replaced": report.replaced,
        "removed": report.removed, "rejected": report.rejected}
    assert xml.read_bytes() == sample.export()
    with libmatch.Engine(db) as c_store:
        assert c_store.export() == sample.export()
        for sid in ("S9000001", "S0000042"):
            assert (c_store.jobs_for(sid, k=20, today="2026-11-25")
                    == sample.jobs_for(sid, k=20, today="2026-11-25"))
