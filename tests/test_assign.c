/*
 * test_assign.c: lm_assign_solve, the dense assignment solver.
 *
 * Oracles: the OR-Library's published optima (tests/data/assignment),
 * exhaustive search over every assignment of small matrices, and on every
 * result the LP certificate of libmatch.h checked here from the costs
 * alone, which proves optimality on instances too large to search.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "internal.h"
#include "libmatch.h"

#define BIG LM_MAX_ASSIGN_COST

/* ------------------------------------------------------------ helpers */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd64(void)
{
  return lmt_xorshift(&rng_state);
}

/* Uniform in [lo, hi]. */
static int64_t rnd_in(int64_t lo, int64_t hi)
{
  return lo + (int64_t)(rnd64() % (uint64_t)(hi - lo + 1));
}

/* A rows x cols matrix with costs in [lo, hi]. */
static int64_t *random_costs(size_t rows, size_t cols, int64_t lo,
                             int64_t hi)
{
  int64_t *c = malloc((rows * cols + 1) * sizeof *c);
  size_t i;

  cr_assert_not_null(c);
  for (i = 0; i < rows * cols; i++)
    c[i] = rnd_in(lo, hi);
  return c;
}

/* A solution, with the outputs of lm_assign_solve. */
typedef struct sol {
  size_t *col; /* col_of_row */
  int64_t *u, *v, total;
} sol;

static sol solve_ok(size_t rows, size_t cols, const int64_t *c,
                    unsigned flags)
{
  sol s;

  s.col = malloc((rows + 1) * sizeof *s.col);
  s.u = malloc((rows + 1) * sizeof *s.u);
  s.v = malloc((cols + 1) * sizeof *s.v);
  cr_assert(s.col && s.u && s.v);
  cr_assert_eq(lm_assign_solve(rows, cols, c, flags, s.col, s.u, s.v,
                               &s.total),
               LM_OK, "%zu x %zu: %s", rows, cols, lm_errmsg(NULL));
  return s;
}

static void sol_free(sol *s)
{
  free(s->col);
  free(s->u);
  free(s->v);
}

/*
 * The assignment is feasible (the smaller side entirely assigned, nobody
 * twice), its cost is the total, and the prices certify it as libmatch.h
 * says: reduced costs of one sign, 0 on the chosen pairs, the larger
 * side's prices of the other sign and 0 on its members left out, and the
 * prices adding up to the total.  All from the costs alone.
 */
static void check_certificate(size_t rows, size_t cols, const int64_t *c,
                              unsigned flags, const sol *s, const char *what)
{
  int64_t sgn = (flags & LM_ASSIGN_MAXIMIZE) ? -1 : 1, sum = 0, dual = 0;
  unsigned char *col_used = calloc(cols + 1, 1);
  size_t i, j, assigned = 0;

  cr_assert_not_null(col_used);
  for (i = 0; i < rows; i++) {
    if (s->col[i] == LM_ASSIGN_NONE) {
      cr_assert_gt(rows, cols, "%s: row %zu unassigned", what, i);
      continue;
    }
    cr_assert_lt(s->col[i], cols, "%s: row %zu column %zu", what, i,
                 s->col[i]);
    cr_assert(!col_used[s->col[i]], "%s: column %zu twice", what,
              s->col[i]);
    col_used[s->col[i]] = 1;
    sum += c[i * cols + s->col[i]];
    assigned++;
  }
  cr_assert_eq(assigned, rows < cols ? rows : cols, "%s: %zu assigned",
               what, assigned);
  cr_assert_eq(sum, s->total, "%s: the pairs cost %lld, total %lld", what,
               (long long)sum, (long long)s->total);
  for (i = 0; i < rows; i++)
    for (j = 0; j < cols; j++) {
      int64_t rc = sgn * (c[i * cols + j] - s->u[i] - s->v[j]);
      cr_assert_geq(rc, 0, "%s: reduced cost (%zu, %zu) = %lld", what, i, j,
                    (long long)rc);
      if (s->col[i] == j)
        cr_assert_eq(rc, 0, "%s: chosen (%zu, %zu) not tight", what, i, j);
    }
  if (rows <= cols)
    for (j = 0; j < cols; j++) {
      cr_assert_leq(sgn * s->v[j], 0, "%s: column price %zu", what, j);
      if (!col_used[j])
        cr_assert_eq(s->v[j], 0, "%s: free column %zu priced", what, j);
    }
  else
    for (i = 0; i < rows; i++) {
      cr_assert_leq(sgn * s->u[i], 0, "%s: row price %zu", what, i);
      if (s->col[i] == LM_ASSIGN_NONE)
        cr_assert_eq(s->u[i], 0, "%s: free row %zu priced", what, i);
    }
  for (i = 0; i < rows; i++)
    dual += s->u[i];
  for (j = 0; j < cols; j++)
    dual += s->v[j];
  cr_assert_eq(dual, s->total, "%s: prices add to %lld, total %lld", what,
               (long long)dual, (long long)s->total);
  free(col_used);
}

/* Exhaustive search: the best total over every way of giving each member
 * of the smaller side its own member of the larger. */
typedef struct search {
  size_t rows, cols;
  const int64_t *c;
  int maximize;
  unsigned char used[16];
  int64_t best;
  int found;
} search;

static void search_from(search *x, size_t k, int64_t sum)
{
  size_t n = x->rows < x->cols ? x->rows : x->cols;
  size_t m = x->rows < x->cols ? x->cols : x->rows, t;

  if (k == n) {
    if (!x->found || (x->maximize ? sum > x->best : sum < x->best))
      x->best = sum;
    x->found = 1;
    return;
  }
  for (t = 0; t < m; t++)
    if (!x->used[t]) {
      int64_t cost = x->rows <= x->cols ? x->c[k * x->cols + t]
                                        : x->c[t * x->cols + k];
      x->used[t] = 1;
      search_from(x, k + 1, sum + cost);
      x->used[t] = 0;
    }
}

static int64_t brute_force(size_t rows, size_t cols, const int64_t *c,
                           int maximize)
{
  search x;

  memset(&x, 0, sizeof x);
  x.rows = rows;
  x.cols = cols;
  x.c = c;
  x.maximize = maximize;
  search_from(&x, 0, 0);
  return x.best;
}

static double cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* -------------------------------------------------------- OR-Library */

Test(assign, or_library_assign100_to_800_reach_the_published_optima,
     .timeout = 120)
{
  static const char *const names[] = {"assign100", "assign200", "assign300",
                                      "assign400", "assign500", "assign600",
                                      "assign700", "assign800"};
  size_t f;

  for (f = 0; f < 8; f++) {
    size_t n;
    int64_t *c;
    long opt = lmt_lap_optimum(names[f]);
    sol s;
    double t;

    cr_assert_eq(lmt_lap_read(names[f], &n, &c), 0, "cannot read %s",
                 names[f]);
    cr_assert_gt(opt, 0, "%s not in assignopt.txt", names[f]);
    t = cpu_seconds();
    s = solve_ok(n, n, c, 0);
    t = cpu_seconds() - t;
    cr_expect_eq(s.total, opt, "%s: %lld, published %ld", names[f],
                 (long long)s.total, opt);
    check_certificate(n, n, c, 0, &s, names[f]);
    cr_log_info("%s: optimum %lld in %.1f ms (CPU)", names[f],
                (long long)s.total, t * 1e3);
    sol_free(&s);
    free(c);
  }
}

/* Maximising 101 - c is minimising c: the same optimum, seen the other
 * way (and through the transposed matrix). */
Test(assign, or_library_assign100_maximised_and_transposed)
{
  size_t n, i, j;
  int64_t *c, *w, *t;
  long opt = lmt_lap_optimum("assign100");
  sol s;

  cr_assert_eq(lmt_lap_read("assign100", &n, &c), 0);
  w = malloc(n * n * sizeof *w);
  t = malloc(n * n * sizeof *t);
  for (i = 0; i < n; i++)
    for (j = 0; j < n; j++) {
      w[i * n + j] = 101 - c[i * n + j];
      t[j * n + i] = c[i * n + j];
    }
  s = solve_ok(n, n, w, LM_ASSIGN_MAXIMIZE);
  cr_expect_eq(101 * (int64_t)n - s.total, opt);
  check_certificate(n, n, w, LM_ASSIGN_MAXIMIZE, &s, "assign100 max");
  sol_free(&s);
  s = solve_ok(n, n, t, 0);
  cr_expect_eq(s.total, opt);
  check_certificate(n, n, t, 0, &s, "assign100 transposed");
  sol_free(&s);
  free(c);
  free(w);
  free(t);
}

/* ------------------------------------------------------ brute force */

static void against_brute_force(int64_t lo, int64_t hi, int count)
{
  int k;

  for (k = 0; k < count; k++) {
    size_t rows = (size_t)rnd_in(1, 7), cols = (size_t)rnd_in(1, 7);
    int64_t *c = random_costs(rows, cols, lo, hi);
    unsigned flags = rnd64() & 1 ? LM_ASSIGN_MAXIMIZE : 0;
    char what[96];
    sol s;

    snprintf(what, sizeof what, "instance %d (%zu x %zu, %s)", k, rows,
             cols, flags ? "max" : "min");
    s = solve_ok(rows, cols, c, flags);
    cr_assert_eq(s.total, brute_force(rows, cols, c, flags != 0), "%s",
                 what);
    check_certificate(rows, cols, c, flags, &s, what);
    sol_free(&s);
    free(c);
  }
}

Test(assign, random_small_matrices_with_many_ties_match_brute_force,
     .timeout = 120)
{
  against_brute_force(-3, 3, 3000);
}

Test(assign, random_small_matrices_match_brute_force, .timeout = 120)
{
  against_brute_force(-1000, 1000, 3000);
}

Test(assign, costs_at_the_limit_match_brute_force, .timeout = 120)
{
  against_brute_force(-BIG, BIG, 2000);
}

/* Costs only at the two extremes: the widest reduced costs there are. */
Test(assign, costs_at_both_extremes_match_brute_force, .timeout = 120)
{
  int k;

  for (k = 0; k < 1000; k++) {
    size_t rows = (size_t)rnd_in(1, 7), cols = (size_t)rnd_in(1, 7), i;
    int64_t *c = random_costs(rows, cols, 0, 1);
    unsigned flags = k & 1 ? LM_ASSIGN_MAXIMIZE : 0;
    sol s;

    for (i = 0; i < rows * cols; i++)
      c[i] = c[i] ? BIG : -BIG;
    s = solve_ok(rows, cols, c, flags);
    cr_assert_eq(s.total, brute_force(rows, cols, c, flags != 0),
                 "instance %d", k);
    check_certificate(rows, cols, c, flags, &s, "extremes");
    sol_free(&s);
    free(c);
  }
}

/* ---------------------------------------------- larger, certified */

Test(assign, random_larger_matrices_carry_a_certificate, .timeout = 120)
{
  static const int64_t range[][2] = {
      {0, 0}, {0, 1}, {-5, 5}, {1, 100}, {-1000000, 1000000}, {-BIG, BIG}};
  int k;

  for (k = 0; k < 120; k++) {
    size_t rows = (size_t)rnd_in(1, 90), cols = (size_t)rnd_in(1, 90);
    const int64_t *r = range[k % 6];
    int64_t *c;
    unsigned flags = (k / 6) & 1 ? LM_ASSIGN_MAXIMIZE : 0;
    char what[96];
    sol s;

    if (k % 3 == 0)
      cols = rows; /* square: the column reduction's path */
    c = random_costs(rows, cols, r[0], r[1]);
    snprintf(what, sizeof what, "instance %d (%zu x %zu in [%lld, %lld])",
             k, rows, cols, (long long)r[0], (long long)r[1]);
    s = solve_ok(rows, cols, c, flags);
    check_certificate(rows, cols, c, flags, &s, what);
    sol_free(&s);
    free(c);
  }
}

/* Structured matrices known to be hard for assignment codes (Machol and
 * Wien's c = i j; sums and differences, which tie everywhere; a modular
 * ramp and products scaled up to the 2^40 limit), square and
 * rectangular both ways, minimised and maximised. */
Test(assign, structured_hard_matrices_carry_a_certificate, .timeout = 120)
{
  static const size_t shapes[][2] = {{200, 200}, {150, 300}, {300, 150}};
  size_t sh, kind, i, j;

  for (sh = 0; sh < 3; sh++)
    for (kind = 0; kind < 5; kind++) {
      size_t rows = shapes[sh][0], cols = shapes[sh][1];
      int64_t *c = malloc(rows * cols * sizeof *c);
      char what[64];
      sol s;

      for (i = 0; i < rows; i++)
        for (j = 0; j < cols; j++) {
          int64_t v;
          switch (kind) {
          case 0: v = (int64_t)(i * j); break;
          case 1: v = (int64_t)(i + j); break;
          case 2: v = (int64_t)i - (int64_t)j; break;
          case 3: v = (BIG / 300) * (int64_t)((i * 7 + j * 13) % 300); break;
          default: v = (int64_t)((i + 1) * (j + 1)) * (BIG / 100000); break;
          }
          c[i * cols + j] = v;
        }
      snprintf(what, sizeof what, "kind %zu, %zu x %zu", kind, rows, cols);
      s = solve_ok(rows, cols, c, 0);
      check_certificate(rows, cols, c, 0, &s, what);
      sol_free(&s);
      s = solve_ok(rows, cols, c, LM_ASSIGN_MAXIMIZE);
      check_certificate(rows, cols, c, LM_ASSIGN_MAXIMIZE, &s, what);
      sol_free(&s);
      free(c);
    }
}

/* ----------------------------------------------------------- shapes */

Test(assign, empty_matrices_are_solved_with_every_price_zero)
{
  size_t col[3] = {7, 7, 7};
  int64_t u[3] = {7, 7, 7}, v[3] = {7, 7, 7}, total = 7;

  cr_assert_eq(lm_assign_solve(0, 0, NULL, 0, NULL, NULL, NULL, &total),
               LM_OK);
  cr_assert_eq(total, 0);
  cr_assert_eq(lm_assign_solve(0, 3, NULL, 0, col, u, v, &total), LM_OK);
  cr_assert(v[0] == 0 && v[1] == 0 && v[2] == 0 && total == 0);
  cr_assert_eq(lm_assign_solve(3, 0, NULL, LM_ASSIGN_MAXIMIZE, col, u, v,
                               &total),
               LM_OK);
  cr_assert(col[0] == LM_ASSIGN_NONE && col[2] == LM_ASSIGN_NONE);
  cr_assert(u[0] == 0 && u[1] == 0 && u[2] == 0 && total == 0);
}

Test(assign, one_row_takes_its_least_column)
{
  static const int64_t c[] = {5, -2, 9, -2, 4};
  sol s = solve_ok(1, 5, c, 0);

  cr_assert_eq(s.total, -2);
  check_certificate(1, 5, c, 0, &s, "1 x 5");
  sol_free(&s);
  s = solve_ok(5, 1, c, LM_ASSIGN_MAXIMIZE);
  cr_assert_eq(s.total, 9);
  cr_assert_eq(s.col[2], 0);
  check_certificate(5, 1, c, LM_ASSIGN_MAXIMIZE, &s, "5 x 1");
  sol_free(&s);
  s = solve_ok(1, 1, c, 0);
  cr_assert_eq(s.total, 5);
  check_certificate(1, 1, c, 0, &s, "1 x 1");
  sol_free(&s);
}

Test(assign, every_output_may_be_null)
{
  static const int64_t c[] = {4, 1, 3, 2, 0, 5, 3, 2, 2};
  int64_t total = 0;
  size_t col[3];

  cr_assert_eq(lm_assign_solve(3, 3, c, 0, NULL, NULL, NULL, NULL), LM_OK);
  cr_assert_eq(lm_assign_solve(3, 3, c, 0, NULL, NULL, NULL, &total),
               LM_OK);
  cr_assert_eq(total, 5); /* 1 + 2 + 2 */
  cr_assert_eq(lm_assign_solve(3, 3, c, 0, col, NULL, NULL, NULL), LM_OK);
  cr_assert_eq(c[col[0]] + c[3 + col[1]] + c[6 + col[2]], 5);
}

Test(assign, the_same_input_gives_the_same_assignment)
{
  int64_t *c = random_costs(40, 60, 0, 3);
  sol a = solve_ok(40, 60, c, 0), b = solve_ok(40, 60, c, 0);

  cr_assert_arr_eq(a.col, b.col, 40 * sizeof *a.col);
  cr_assert_arr_eq(a.v, b.v, 60 * sizeof *a.v);
  sol_free(&a);
  sol_free(&b);
  free(c);
}

/* ----------------------------------------------------------- errors */

Test(assign, a_cost_beyond_the_limit_is_rejected_naming_its_pair)
{
  int64_t c[12], total = 42;
  size_t col[4] = {9, 9, 9, 9};
  int sign;

  for (sign = -1; sign <= 1; sign += 2) {
    memset(c, 0, sizeof c);
    c[0] = -BIG; /* the limits themselves are in */
    c[1] = BIG;
    c[2 * 4 + 3] = sign * (BIG + 1);
    cr_assert_eq(lm_assign_solve(3, 4, c, 0, col, NULL, NULL, &total),
                 LM_EINVAL);
    cr_assert(strstr(lm_errmsg(NULL), "row 2, column 3") != NULL, "%s",
              lm_errmsg(NULL));
    cr_assert(strstr(lm_errmsg(NULL), "LM_MAX_ASSIGN_COST") != NULL);
    cr_assert_eq(total, 42, "outputs untouched on failure");
    cr_assert_eq(col[0], 9);
    /* Transposed and maximised, the caller's row and column still. */
    cr_assert_eq(lm_assign_solve(4, 3, c, LM_ASSIGN_MAXIMIZE, col, NULL,
                                 NULL, &total),
                 LM_EINVAL);
    cr_assert(strstr(lm_errmsg(NULL), "row 3, column 2") != NULL, "%s",
              lm_errmsg(NULL));
  }
  c[11] = INT64_MIN;
  cr_assert_eq(lm_assign_solve(3, 4, c, 0, NULL, NULL, NULL, NULL),
               LM_EINVAL);
  c[11] = BIG;
  cr_assert_eq(lm_assign_solve(3, 4, c, 0, NULL, NULL, NULL, &total),
               LM_OK);
}

Test(assign, a_null_matrix_is_rejected)
{
  cr_assert_eq(lm_assign_solve(2, 3, NULL, 0, NULL, NULL, NULL, NULL),
               LM_EINVAL);
  cr_assert_neq(lm_errmsg(NULL)[0], '\0');
  cr_assert(strstr(lm_errmsg(NULL), "NULL") != NULL, "%s", lm_errmsg(NULL));
}

/* The sizes are checked before a cost is read: the matrix here is one
 * int64_t, which the solver must not read past. */
Test(assign, sizes_that_overflow_or_exceed_the_limit_are_rejected)
{
  int64_t one = 1;

  cr_assert_eq(lm_assign_solve(SIZE_MAX / 2, 3, &one, 0, NULL, NULL, NULL,
                               NULL),
               LM_EINVAL);
  cr_assert(strstr(lm_errmsg(NULL), "overflow") != NULL, "%s",
            lm_errmsg(NULL));
  cr_assert_eq(lm_assign_solve(3, SIZE_MAX, &one, 0, NULL, NULL, NULL, NULL),
               LM_EINVAL);
  cr_assert_eq(lm_assign_solve((size_t)1 << 32, (size_t)1 << 31, &one, 0,
                               NULL, NULL, NULL, NULL),
               LM_EINVAL);
  cr_assert_eq(lm_assign_solve(LM_MAX_ASSIGN_SIDE + 1,
                               LM_MAX_ASSIGN_SIDE + 1, &one, 0, NULL, NULL,
                               NULL, NULL),
               LM_EINVAL);
  cr_assert(strstr(lm_errmsg(NULL), "LM_MAX_ASSIGN_SIDE") != NULL, "%s",
            lm_errmsg(NULL));
}

Test(assign, unknown_flags_are_rejected)
{
  int64_t one = 1;

  cr_assert_eq(lm_assign_solve(1, 1, &one, 0x2u, NULL, NULL, NULL, NULL),
               LM_EINVAL);
  cr_assert_neq(lm_errmsg(NULL)[0], '\0');
}

/* Every allocation made to fail in turn: LM_ENOMEM with the outputs
 * untouched, until the call needs no more than it is given; then the
 * clean result. */
Test(assign, out_of_memory_at_any_allocation_fails_cleanly)
{
  static const unsigned flags[] = {0, LM_ASSIGN_MAXIMIZE, 0};
  static const size_t shape[][2] = {{6, 6}, {5, 7}, {7, 5}};
  size_t t;

  for (t = 0; t < 3; t++) {
    size_t rows = shape[t][0], cols = shape[t][1];
    int64_t *c = random_costs(rows, cols, -50, 50), total = 42;
    long n;
    int rc = LM_ENOMEM;

    for (n = 0; rc == LM_ENOMEM; n++) {
      cr_assert_lt(n, 100);
      lm__alloc_fail_after(n);
      rc = lm_assign_solve(rows, cols, c, flags[t], NULL, NULL, NULL,
                           &total);
      lm__alloc_fail_after(-1);
      if (rc == LM_ENOMEM) {
        cr_assert_eq(total, 42, "allocation %ld: total written", n);
        cr_assert_neq(lm_errmsg(NULL)[0], '\0');
      }
    }
    cr_assert_eq(rc, LM_OK);
    cr_assert_gt(n, 1, "no allocation was made to fail");
    cr_assert_eq(total, brute_force(rows, cols, c, flags[t] != 0));
    free(c);
  }
}
