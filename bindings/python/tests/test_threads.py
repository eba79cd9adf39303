"""Several Python threads query one engine at once; every answer equals
the one the same query gets alone."""

import threading

import libmatch
from conftest import TODAY

QUERIES = [("jobs_for", "S9000001", dict(k=10)),
           ("jobs_for", "S0000042", dict(k=25, relax={"commute"})),
           ("jobs_for", "S0000137", dict(k=5, district="420281",
                                         relax={"commute"})),
           ("seekers_for", "J900007", dict(k=10)),
           ("seekers_for", "J000150", dict(k=40, relax={"commute"})),
           ("advise", "S9000004", dict(k=5))]


def _ask(eng, method, rid, kwargs):
    return getattr(eng, method)(rid, today=TODAY, **kwargs)


def test_threads_query_one_engine_and_agree(sample):
    alone = [_ask(sample, *q) for q in QUERIES]
    assert all(alone[:2]) and alone[3]
    threads, failures, done = [], [], []
    start = threading.Barrier(8)

    def worker(n):
        try:
            start.wait()
            for round_ in range(30):
                i = (n + round_) % len(QUERIES)
                if _ask(sample, *QUERIES[i]) != alone[i]:
                    failures.append((n, QUERIES[i][:2]))
                if round_ % 10 == n % 10:
                    # A failure in this thread reports its own message.
                    try:
                        sample.get("job", "J-none-%d" % n)
                    except libmatch.NotFoundError as exc:
                        if ("J-none-%d" % n) not in str(exc):
                            failures.append((n, "message", str(exc)))
            done.append(n)
        except Exception as exc:  # reported below, not lost in the thread
            failures.append((n, repr(exc)))

    for n in range(8):
        t = threading.Thread(target=worker, args=(n,))
        threads.append(t)
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == []
    assert sorted(done) == list(range(8))


def test_a_writer_and_readers_run_together(tmp_path):
    """Queries stay correct while another thread writes: each answer is
    the one before or after a write, never half of one."""
    with libmatch.Engine(tmp_path / "w.db") as eng:
        eng.add_seeker(id="S1", birth_year=1990, skills=["焊接"])
        eng.add_job(id="J0", name="焊工", skills=["焊接"])
        stop = threading.Event()
        bad = []

        def reader():
            while not stop.is_set():
                ids = [m.id for m in eng.jobs_for("S1", k=100, today=TODAY)]
                # Jobs are added in order, so a consistent index shows a
                # prefix J0..Jn.
                if ids[:1] != ["J0"] or sorted(ids, key=lambda s: int(s[1:])) \
                        != ["J%d" % i for i in range(len(ids))]:
                    bad.append(ids)

        readers = [threading.Thread(target=reader) for _ in range(3)]
        for t in readers:
            t.start()
        for i in range(1, 60):
            eng.add_job(id="J%d" % i, name="焊工", skills=["焊接"])
        stop.set()
        for t in readers:
            t.join(timeout=60)
        assert bad == []
        assert len(eng.jobs_for("S1", k=100, today=TODAY)) == 60


def test_calls_release_the_gil():
    # CDLL calls drop the GIL for the duration of the C call; PyDLL ones
    # would hold it and serialise the threads above.
    import ctypes
    from libmatch import _ffi
    assert type(_ffi.lib) is ctypes.CDLL
    assert not _ffi.lib.lm_rank_jobs._flags_ & ctypes._FUNCFLAG_PYTHONAPI
