"""solve_assignment: the dense assignment solver through the bindings.

Oracles: the OR-Library's published optimum for assign100 (read from
tests/data/assignment/assignopt.txt), exhaustive search over every
assignment of small random matrices, and the certificate of optimality
checked here from the costs alone."""

import itertools
import os
import random

import pytest

import libmatch
from conftest import SRCDIR

DATA = os.path.join(SRCDIR, "tests", "data", "assignment")


def read_instance(name):
    """An OR-Library instance: n, then n x n costs."""
    with open(os.path.join(DATA, name + ".txt")) as f:
        tokens = [int(t) for t in f.read().split()]
    n = tokens[0]
    assert len(tokens) == 1 + n * n
    return [tokens[1 + i * n:1 + (i + 1) * n] for i in range(n)]


def published_optimum(name):
    with open(os.path.join(DATA, "assignopt.txt")) as f:
        for line in f:
            words = line.split()
            if len(words) == 2 and words[0] == name:
                return int(words[1])
    raise LookupError(name)


def check_certificate(costs, sol):
    """Feasible, the total is the pairs' cost, and the prices prove it
    optimal (libmatch.h, lm_assign_solve)."""
    rows = len(costs)
    cols = len(costs[0]) if rows else 0
    sign = -1 if sol.maximize else 1
    u, v = sol.row_prices, sol.col_prices
    assert len(sol.col_of_row) == len(u) == rows and len(v) == cols
    chosen = [j for j in sol.col_of_row if j is not None]
    assert len(chosen) == len(set(chosen)) == min(rows, cols)
    assert all(0 <= j < cols for j in chosen)
    assert sol.total == sum(costs[i][j] for i, j in sol.pairs)
    for i in range(rows):
        for j in range(cols):
            reduced = sign * (costs[i][j] - u[i] - v[j])
            assert reduced >= 0, (i, j)
            if sol.col_of_row[i] == j:
                assert reduced == 0, (i, j)
    if rows <= cols:
        for j in range(cols):
            assert sign * v[j] <= 0
            if j not in chosen:
                assert v[j] == 0
    else:
        for i in range(rows):
            assert sign * u[i] <= 0
            if sol.col_of_row[i] is None:
                assert u[i] == 0
    assert sum(u) + sum(v) == sol.total


def brute_force(costs, maximize):
    rows = len(costs)
    cols = len(costs[0]) if rows else 0
    best = None
    if rows <= cols:
        totals = (sum(costs[i][p[i]] for i in range(rows))
                  for p in itertools.permutations(range(cols), rows))
    else:
        totals = (sum(costs[p[j]][j] for j in range(cols))
                  for p in itertools.permutations(range(rows), cols))
    for t in totals:
        if best is None or (t > best if maximize else t < best):
            best = t
    return best


def test_assign100_reaches_the_published_optimum():
    costs = read_instance("assign100")
    sol = libmatch.solve_assignment(costs)
    assert sol.total == published_optimum("assign100")
    assert not sol.maximize
    check_certificate(costs, sol)


def test_assign100_maximised_is_the_same_optimum_seen_the_other_way():
    costs = read_instance("assign100")
    flipped = [[101 - c for c in row] for row in costs]
    sol = libmatch.solve_assignment(flipped, maximize=True)
    assert 101 * len(costs) - sol.total == published_optimum("assign100")
    check_certificate(flipped, sol)


@pytest.mark.parametrize("maximize", [False, True])
@pytest.mark.parametrize("span", [3, 1000, libmatch.MAX_ASSIGN_COST])
def test_random_small_matrices_match_brute_force(maximize, span):
    rng = random.Random(span * 2 + maximize)
    for _ in range(150):
        rows, cols = rng.randint(1, 6), rng.randint(1, 6)
        costs = [[rng.randint(-span, span) for _ in range(cols)]
                 for _ in range(rows)]
        sol = libmatch.solve_assignment(costs, maximize=maximize)
        assert sol.total == brute_force(costs, maximize), costs
        check_certificate(costs, sol)


def test_more_rows_than_columns_leaves_rows_out():
    costs = [[4, 9], [1, 7], [8, 2], [3, 3]]
    sol = libmatch.solve_assignment(costs)
    assert sol.total == 3  # 1 + 2
    assert sol.col_of_row == [None, 0, 1, None]
    assert sol.pairs == [(1, 0), (2, 1)]
    check_certificate(costs, sol)


def test_accepts_tuples_and_other_sequences():
    costs = ((5, 1, 4), range(3), [2, 2, 0])
    sol = libmatch.solve_assignment(costs)
    assert sol.total == brute_force([list(r) for r in costs], False)
    check_certificate([list(r) for r in costs], sol)


def test_empty_matrices():
    sol = libmatch.solve_assignment([])
    assert (sol.col_of_row, sol.total, sol.row_prices, sol.col_prices) == \
        ([], 0, [], [])
    sol = libmatch.solve_assignment([[], []])
    assert sol.col_of_row == [None, None] and sol.total == 0


def test_the_limit_itself_is_accepted():
    big = libmatch.MAX_ASSIGN_COST
    costs = [[big, -big], [-big, big]]
    sol = libmatch.solve_assignment(costs)
    assert sol.total == -2 * big
    check_certificate(costs, sol)


def test_ragged_rows_are_a_value_error():
    with pytest.raises(ValueError, match="row 2 has 1 costs, row 0 has 2"):
        libmatch.solve_assignment([[1, 2], [3, 4], [5]])
    with pytest.raises(libmatch.InvalidInputError):
        libmatch.solve_assignment([[1, 2], 7])
    with pytest.raises(ValueError):
        libmatch.solve_assignment(["ab", "cd"])


@pytest.mark.parametrize("value", [libmatch.MAX_ASSIGN_COST + 1,
                                   -libmatch.MAX_ASSIGN_COST - 1,
                                   1 << 63, -(1 << 70)])
def test_a_cost_beyond_the_limit_is_a_value_error_naming_its_pair(value):
    costs = [[0, 0, 0], [0, 0, value]]
    with pytest.raises(libmatch.InvalidInputError,
                       match="row 1, column 2") as info:
        libmatch.solve_assignment(costs)
    assert isinstance(info.value, ValueError)
    assert "LM_MAX_ASSIGN_COST" in str(info.value)


def test_non_integer_costs_are_a_type_error():
    with pytest.raises(TypeError):
        libmatch.solve_assignment([[1.5, 2], [3, 4]])
    with pytest.raises(TypeError):
        libmatch.solve_assignment(42)


def test_a_numpy_integer_matrix_is_accepted():
    numpy = pytest.importorskip("numpy")
    costs = read_instance("assign100")
    sol = libmatch.solve_assignment(numpy.array(costs, dtype=numpy.int64))
    assert sol.total == published_optimum("assign100")
    check_certificate(costs, sol)
