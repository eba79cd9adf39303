"""Fairs through the bindings, checked by oracles computed here from
explain(): brute-force optimum on a small fair, the optimal mode's price
certificate, no blocking pair in the stable modes, reasons, group figures,
progress and cancellation, repair.  Also the browsing calls."""

import math

import pytest

import libmatch
from conftest import TODAY

Q = dict(today=TODAY, relax={"commute"})
BIG_K = 1000  # longer than any side: every acceptable pair is in the fair


@pytest.fixture(scope="module")
def fair_members(sample):
    seekers = [r["id"] for r in sample.records("seeker")][:40]
    jobs = [r["id"] for r in sample.records("job")][:30]
    return seekers, jobs


def scores(eng, seekers, jobs):
    """{(seeker, job): score} of the acceptable pairs."""
    out = {}
    for s in seekers:
        for j in jobs:
            ex = eng.explain(s, j, **Q)
            if not ex.excluded:
                out[s, j] = ex.score
    return out


def openings(eng, jobs):
    return {j: eng.get("job", j).get("openings", 1) for j in jobs}


def check_feasible(a, acc, cap):
    used = {}
    seen = set()
    for p in a.pairs:
        assert p.seeker not in seen
        seen.add(p.seeker)
        used[p.job] = used.get(p.job, 0) + 1
        assert (p.seeker, p.job) in acc
        assert p.score == acc[p.seeker, p.job]
    assert all(n <= cap[j] for j, n in used.items())
    assert math.isclose(a.total, sum(p.score for p in a.pairs),
                        abs_tol=1e-6)


def test_every_mode_gives_a_feasible_assignment(sample, fair_members):
    seekers, jobs = fair_members
    acc, cap = scores(sample, seekers, jobs), openings(sample, jobs)
    assert len(acc) > 50
    totals = {}
    for mode in libmatch.FAIR_MODES:
        a = sample.fair(seekers, jobs, mode=mode, k=BIG_K, **Q)
        assert a.mode == mode
        check_feasible(a, acc, cap)
        matched = {p.seeker for p in a.pairs}
        assert {u.seeker for u in a.unmatched} == set(seekers) - matched
        totals[mode] = a.total
    assert totals["optimal"] >= max(totals.values()) - 1e-6


def test_optimal_total_equals_brute_force(sample):
    # A small fair: eight seekers, the jobs they like best, one opening
    # each; the best total by dynamic programming over the jobs used.
    seekers = [s for s in ("S9000001", "S9000002", "S9000003", "S9000004",
                           "S9000005", "S9000006", "S9000007", "S0000042")]
    jobs = sorted({m.id for s in seekers
                   for m in sample.jobs_for(s, k=2, **Q)})
    assert 4 <= len(jobs) <= 16
    acc = scores(sample, seekers, jobs)
    best = {0: 0.0}
    for s in seekers:
        nxt = dict(best)
        for used, total in best.items():
            for b, j in enumerate(jobs):
                if not used >> b & 1 and (s, j) in acc:
                    key = used | 1 << b
                    nxt[key] = max(nxt.get(key, -1.0), total + acc[s, j])
        best = nxt
    with libmatch.Fair(sample, seekers=seekers, jobs=jobs) as fair:
        for j in jobs:
            fair.set_openings(j, 1)
        a = fair.run("optimal", k=BIG_K, **Q)
    assert math.isclose(a.total, max(best.values()), abs_tol=1e-5)


def test_optimal_prices_certify_the_optimum(sample, fair_members):
    seekers, jobs = fair_members
    acc, cap = scores(sample, seekers, jobs), openings(sample, jobs)
    a = sample.fair(seekers, jobs, mode="optimal", k=BIG_K, **Q)
    ps, pj = a.prices["seeker"], a.prices["job"]
    tol = 1e-5  # prices are exact in millionths of a point
    assert all(v >= -tol for v in list(ps.values()) + list(pj.values()))
    for (s, j), sc in acc.items():
        assert ps.get(s, 0) + pj.get(j, 0) >= sc - tol, (s, j)
    for p in a.pairs:
        assert math.isclose(ps[p.seeker] + pj[p.job], p.score, abs_tol=tol)
    dual = sum(ps.values()) + sum(pj.get(j, 0) * cap[j] for j in jobs)
    assert math.isclose(dual, a.total, abs_tol=1e-3)


@pytest.mark.parametrize("mode", ["stable_seeker", "stable_employer"])
def test_stable_modes_leave_no_blocking_pair(sample, fair_members, mode):
    seekers, jobs = fair_members
    acc, cap = scores(sample, seekers, jobs), openings(sample, jobs)
    a = sample.fair(seekers, jobs, mode=mode, k=BIG_K, **Q)
    check_feasible(a, acc, cap)
    job_of = {p.seeker: p.job for p in a.pairs}
    holders = {}
    for p in a.pairs:
        holders.setdefault(p.job, []).append(p.seeker)

    def rank(score, other):  # higher is better; ties by id
        return (score, [-ord(c) for c in other])

    for (s, j), sc in acc.items():
        if job_of.get(s) == j:
            continue
        cur = job_of.get(s)
        seeker_wants = cur is None or rank(sc, j) > rank(acc[s, cur], cur)
        held = holders.get(j, [])
        job_wants = len(held) < cap[j] or any(
            rank(sc, s) > rank(acc[h, j], h) for h in held)
        assert not (seeker_wants and job_wants), (s, j)


def test_unmatched_reasons_are_true(sample, fair_members):
    seekers, jobs = fair_members
    acc = scores(sample, seekers, jobs)
    a = sample.fair(seekers, jobs, mode="stable_seeker", k=BIG_K, **Q)
    assert a.unmatched
    for u in a.unmatched:
        has_job = any(s == u.seeker for s, _ in acc)
        assert (u.reason == "no_acceptable_job") == (not has_job)
        assert u.text


def test_group_figures_count_the_fair(sample, fair_members):
    seekers, jobs = fair_members
    a = sample.fair(seekers, jobs, mode="priority", k=BIG_K, **Q)
    matched = {p.seeker: p.score for p in a.pairs}
    for group, st in a.groups.items():
        members = [s for s in seekers
                   if group in sample.get("seeker", s).get("group", [])]
        assert st.present == len(members), group
        assert st.matched == sum(s in matched for s in members), group
        if st.present:
            assert math.isclose(st.match_rate, st.matched / st.present)


def test_progress_reports_and_cancels(sample, fair_members):
    seekers, jobs = fair_members
    seen = []
    with libmatch.Fair(sample, seekers, jobs) as fair:
        first = fair.run("optimal", progress=seen.append, **Q)
        assert seen and all(0 <= f <= 1 for f in seen)
        assert seen == sorted(seen)
        with pytest.raises(libmatch.CancelledError):
            fair.run("optimal", progress=lambda f: f > 0.3, **Q)

        class Stop(Exception):
            pass

        def boom(fraction):
            raise Stop()

        with pytest.raises(Stop):
            fair.run("optimal", progress=boom, **Q)
        # Cancelled runs changed nothing.
        assert fair.run("optimal", **Q) == first


def test_repair_after_a_withdrawal(sample, fair_members):
    seekers, jobs = fair_members
    with libmatch.Fair(sample, seekers, jobs) as fair:
        with pytest.raises(libmatch.InvalidInputError):
            fair.repair()
        a = fair.run("stable_seeker", k=BIG_K, **Q)
        gone = a.pairs[0].seeker
        fair.withdraw(gone)
        assert fair.count("seeker") == len(seekers) - 1
        b = fair.repair()
        assert any(c.seeker == gone and c.kind == "lost" for c in b.changes)
        assert b.pairs == fair.run("stable_seeker", k=BIG_K, **Q).pairs
        with pytest.raises(libmatch.NotFoundError):
            fair.withdraw("S-not-in-fair")


def test_a_fair_refuses_unknown_records_and_modes(sample):
    with libmatch.Fair(sample) as fair:
        with pytest.raises(libmatch.NotFoundError):
            fair.add("seeker", "S-none")
        with pytest.raises(libmatch.InvalidInputError):
            fair.run("lottery")
    with pytest.raises(libmatch.InvalidInputError):
        fair.count("job")  # closed


def test_a_fair_ingests_its_members(engine):
    doc = ('<libmatch version="1"><job id="J1"><title>焊工</title>'
           '<requirements><skill level="required">焊接</skill></requirements>'
           '</job><seeker id="S1"><birth year="1990"/>'
           '<skill>焊接</skill></seeker></libmatch>')
    with libmatch.Fair(engine) as fair:
        report = fair.ingest(doc)
        assert report.added == 2
        assert fair.count("job") == 1 and fair.count("seeker") == 1
        a = fair.run("optimal", today=TODAY)
        assert [(p.seeker, p.job) for p in a.pairs] == [("S1", "J1")]
        assert a.xml.startswith(b"<?xml")


# ---------------------------------------------------------------- browsing


def test_records_lists_every_stored_record(sample, sample_ids):
    jobs = sample.records("job")
    assert [r["id"] for r in jobs] == sorted(sample_ids["job"],
                                             key=lambda s: s.encode())
    assert jobs[5] == sample.get("job", jobs[5]["id"])


@pytest.mark.parametrize("mode, kmh", [("walk", 5), ("bike", 15),
                                       ("ebike", 20), (None, 20),
                                       ("car", 35)])
def test_commute_minutes_is_the_documented_model(mode, kmh):
    # doc/SCORING.md: haversine on a 6371.0088 km sphere, x 1.3, at the
    # mode's speed.
    lat1, lon1, lat2, lon2 = 30.2012, 115.0383, 30.0965, 114.9965
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2)
         * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    km = 2 * 6371.0088 * math.asin(math.sqrt(h))
    want = km * 1.3 / kmh * 60
    got = libmatch.commute_minutes(lat1, lon1, lat2, lon2, mode)
    assert math.isclose(got, want, rel_tol=1e-9)
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.commute_minutes(lat1, lon1, 91.0, lon2)


def test_text_fold_makes_one_key():
    assert libmatch.text_fold("智能製造") == libmatch.text_fold("智能制造")
    assert libmatch.text_fold("  ＣＡＤ  製圖 ") == "cad 制图"
