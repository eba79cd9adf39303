"""Results are freed: 10,000 queries in a loop leave the resident memory
flat after a warm-up."""

import os

import pytest

import libmatch
from conftest import TODAY

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def one_round(eng, i):
    """One of each call that returns a C object to free."""
    op = i % 8
    if op == 0:
        eng.jobs_for("S9000001", k=20, today=TODAY)
    elif op == 1:
        eng.seekers_for("J900007", k=20, today=TODAY)
    elif op == 2:
        eng.explain("S9000001", "J000001", today=TODAY)
    elif op == 3:
        eng.advise("S9000004", today=TODAY)
    elif op == 4:
        eng.get("job", "J900007")
    elif op == 5:
        eng.jobs_for_profile({"birth_year": 1990, "skills": ["焊接"]},
                             today=TODAY)
    elif op == 6:
        try:
            eng.jobs_for("S-none", today=TODAY)
        except libmatch.NotFoundError:
            pass
    else:
        eng.count("seeker")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"),
                    reason="needs /proc/self/statm")
def test_ten_thousand_queries_keep_memory_flat(sample):
    for i in range(1000):  # warm-up: caches, allocator arenas
        one_round(sample, i)
    before = rss_bytes()
    for i in range(10000):
        one_round(sample, i)
    growth = rss_bytes() - before
    if os.environ.get("LM_TEST_NO_RSS"):
        pytest.skip("LM_TEST_NO_RSS: memory not measured (grew %d KiB)"
                    % (growth // 1024))
    # A leak of even 200 bytes per query would show as 2 MB.
    assert growth < 2 * 1024 * 1024, "RSS grew %d KiB" % (growth // 1024)
