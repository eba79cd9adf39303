/*
 * test_batch.c: the batch layer: deferred acceptance, the b-matching and
 * its certificate, and fairs through the public API.
 *
 * Oracles: the published OR-Library optima (tests/data/assignment) and
 * stable matchings (tests/data/stable_matching, converted by its
 * json2txt.py); exhaustive search on random small instances (stability by
 * brute force, optimal and lexicographic totals by enumeration); the
 * ranking's own scores (lm_rank_jobs) and filters (lm_explain) for fairs.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "records.h"
#include "internal.h"
#include "libmatch.h"

#define TODAY "2026-11-25"

/* --------------------------------------------------------------- random */

static uint64_t rng;

static void seed(uint64_t s)
{
  rng = s * 0x9e3779b97f4a7c15ull + 1;
}

static uint32_t rnd(uint32_t n)
{
  return lmt_below(&rng, n);
}

/* ----------------------------------------------------- small instances */

#define MAXA 128
#define MAXB 64

/* An instance held by the test, with lists as arrays. */
typedef struct inst {
  uint32_t na, nb;
  uint32_t cap[MAXB];
  uint32_t alen[MAXA], a[MAXA][MAXB];
  uint32_t blen[MAXB], b[MAXB][MAXA];
  /* CSR for lm__bi */
  uint32_t a_off[MAXA + 1], a_to[MAXA * MAXB];
  uint32_t b_off[MAXB + 1], b_to[MAXA * MAXB];
  int64_t w[MAXA * MAXB]; /* per a-list entry */
  lm__bi bi;
} inst;

static void inst_csr(inst *in)
{
  uint32_t i, k, n = 0;

  for (i = 0; i < in->na; i++) {
    in->a_off[i] = n;
    for (k = 0; k < in->alen[i]; k++)
      in->a_to[n++] = in->a[i][k];
  }
  in->a_off[in->na] = n;
  n = 0;
  for (i = 0; i < in->nb; i++) {
    in->b_off[i] = n;
    for (k = 0; k < in->blen[i]; k++)
      in->b_to[n++] = in->b[i][k];
  }
  in->b_off[in->nb] = n;
  in->bi.na = in->na;
  in->bi.nb = in->nb;
  in->bi.cap = in->cap;
  in->bi.a_off = in->a_off;
  in->bi.a_to = in->a_to;
  in->bi.b_off = in->b_off;
  in->bi.b_to = in->b_to;
}

/* Position of y in x's list, or -1. */
static int pos_in(const uint32_t *list, uint32_t len, uint32_t y)
{
  uint32_t k;
  for (k = 0; k < len; k++)
    if (list[k] == y)
      return (int)k;
  return -1;
}

/* Blocking pairs counted by the definition, pair by pair. */
static size_t brute_blocking(const inst *in, const uint32_t *m)
{
  size_t n = 0;
  uint32_t a, b, x;

  for (a = 0; a < in->na; a++)
    for (b = 0; b < in->nb; b++) {
      int ra = pos_in(in->a[a], in->alen[a], b);
      int rb = pos_in(in->b[b], in->blen[b], a);
      int a_wants, b_wants = 0;
      uint32_t load = 0;
      if (ra < 0 || rb < 0 || m[a] == b)
        continue;
      a_wants = m[a] == LM__NONE ||
                ra < pos_in(in->a[a], in->alen[a], m[a]);
      for (x = 0; x < in->na; x++)
        if (m[x] == b) {
          int rx = pos_in(in->b[b], in->blen[b], x);
          load++;
          if (rx < 0 || rb < rx)
            b_wants = 1;
        }
      if (load < in->cap[b])
        b_wants = 1;
      n += a_wants && b_wants;
    }
  return n;
}

/* ------------------------------------------- the published instances */

typedef struct sm {
  inst in;
  char aname[MAXA][72], bname[MAXB][72];
  uint32_t aopt[MAXA], bopt[MAXA], given[MAXA];
  int has_given;
  long blocking, stable;
} sm;

static uint32_t name_index(char names[][72], uint32_t n, const char *s)
{
  uint32_t i;
  for (i = 0; i < n; i++)
    if (strcmp(names[i], s) == 0)
      return i;
  return LM__NONE;
}

static sm *sm_load(const char *file)
{
  char path[4096], rel[512], *text, *line, *save = NULL;
  sm *p = calloc(1, sizeof *p);
  uint32_t i;

  cr_assert_not_null(p);
  snprintf(rel, sizeof rel, "tests/data/stable_matching/%s", file);
  text = lmt_slurp(LMT_SRCPATH(path, rel), NULL);
  cr_assert_not_null(text, "cannot read %s", path);
  p->blocking = p->stable = -1;
  for (i = 0; i < MAXA; i++)
    p->aopt[i] = p->bopt[i] = p->given[i] = LM__NONE;
  /* Names first, then lists (a list may name an agent defined later). */
  for (int pass = 0; pass < 2; pass++) {
    char *copy = strdup(text);
    for (line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
      char *f[MAXA + 4];
      int nf = 0;
      char *q = line;
      for (;;) {
        char *tab = strchr(q, '\t');
        f[nf++] = q;
        if (tab == NULL)
          break;
        *tab = '\0';
        q = tab + 1;
      }
      if (pass == 0) {
        if (strcmp(f[0], "a") == 0) {
          cr_assert_lt(p->in.na, MAXA);
          snprintf(p->aname[p->in.na++], 72, "%s", f[1]);
        } else if (strcmp(f[0], "b") == 0) {
          cr_assert_lt(p->in.nb, MAXB);
          snprintf(p->bname[p->in.nb++], 72, "%s", f[1]);
        }
        continue;
      }
      if (strcmp(f[0], "a") == 0) {
        uint32_t a = name_index(p->aname, p->in.na, f[1]);
        for (int k = 2; k < nf; k++)
          p->in.a[a][p->in.alen[a]++] = name_index(p->bname, p->in.nb, f[k]);
      } else if (strcmp(f[0], "b") == 0) {
        uint32_t b = name_index(p->bname, p->in.nb, f[1]);
        p->in.cap[b] = (uint32_t)atoi(f[2]);
        for (int k = 3; k < nf; k++)
          p->in.b[b][p->in.blen[b]++] = name_index(p->aname, p->in.na, f[k]);
      } else if (strcmp(f[0], "aopt") == 0 || strcmp(f[0], "bopt") == 0 ||
                 strcmp(f[0], "given") == 0) {
        uint32_t a = name_index(p->aname, p->in.na, f[1]);
        uint32_t b = nf > 2 && *f[2] ? name_index(p->bname, p->in.nb, f[2])
                                     : LM__NONE;
        uint32_t *m = f[0][0] == 'a' ? p->aopt
                      : f[0][0] == 'b' ? p->bopt
                                       : p->given;
        cr_assert_neq(a, LM__NONE, "%s: unknown %s", file, f[1]);
        m[a] = b;
        if (f[0][0] == 'g')
          p->has_given = 1;
      } else if (strcmp(f[0], "blocking") == 0) {
        p->blocking = atol(f[1]);
      } else if (strcmp(f[0], "stable") == 0) {
        p->stable = atol(f[1]);
      }
    }
    free(copy);
  }
  free(text);
  inst_csr(&p->in);
  return p;
}

static void expect_matching(const sm *p, const uint32_t *got,
                            const uint32_t *want, const char *what,
                            const char *file)
{
  uint32_t a;
  for (a = 0; a < p->in.na; a++)
    cr_expect_eq(got[a], want[a], "%s %s: %s got %s, published %s", file,
                 what, p->aname[a],
                 got[a] == LM__NONE ? "-" : p->bname[got[a]],
                 want[a] == LM__NONE ? "-" : p->bname[want[a]]);
}

static const char *const SM_FILES[] = {
    "dw_hr_issue_159.txt", "dw_hr_issue_67.txt", "dw_hr_readme.txt",
    "dw_hr_resident_loses_all_preferences.txt",
    "dw_sm_choose_optimality.txt", "dw_sm_pride_and_prejudice_test.txt",
    "dw_sm_pride_and_prejudice_tutorial.txt", "dw_sm_readme.txt",
    "gale_shapley_1962_example1.txt", "gusfield_irving_p10.txt",
    "gusfield_irving_p6_blocking_pairs.txt", "hcsc_ch14_hr.txt",
    "ilg1987_8x8.txt", "malkevitch_4x4_ten_stable.txt",
    "matchingR_college_college_optimal_swapped.txt",
    "matchingR_college_student_optimal.txt", "matchingR_marriage_3x2.txt",
    "matchingR_vignette_3x3.txt", "rosetta_10x10.txt"};

Test(batch, published_stable_matchings_both_sides)
{
  size_t f;

  for (f = 0; f < sizeof SM_FILES / sizeof SM_FILES[0]; f++) {
    sm *p = sm_load(SM_FILES[f]);
    uint32_t m[MAXA];
    size_t nb;
    cr_assert_eq(lm__stable_a(&p->in.bi, m, NULL, NULL), LM_OK);
    expect_matching(p, m, p->aopt, "a-optimal", SM_FILES[f]);
    cr_assert_eq(lm__blocking_pairs(&p->in.bi, m, &nb), LM_OK);
    cr_expect_eq(nb, 0, "%s: a-optimal has %zu blocking pairs", SM_FILES[f],
                 nb);
    cr_assert_eq(lm__stable_b(&p->in.bi, m, NULL, NULL), LM_OK);
    expect_matching(p, m, p->bopt, "b-optimal", SM_FILES[f]);
    cr_assert_eq(lm__blocking_pairs(&p->in.bi, m, &nb), LM_OK);
    cr_expect_eq(nb, 0);
    free(p);
  }
}

Test(batch, blocking_pair_checker_finds_the_six_of_gusfield_irving)
{
  sm *p = sm_load("gusfield_irving_p6_blocking_pairs.txt");
  size_t n;

  cr_assert(p->has_given);
  cr_assert_eq(p->blocking, 6);
  cr_assert_eq(lm__blocking_pairs(&p->in.bi, p->given, &n), LM_OK);
  cr_expect_eq(n, 6, "found %zu", n);
  cr_expect_eq(brute_blocking(&p->in, p->given), 6);
  free(p);
}

/* ---------------------------------------------------- random stable */

static void random_lists(inst *in, uint32_t na, uint32_t nb, uint32_t maxcap)
{
  uint32_t a, b, k;

  memset(in, 0, sizeof *in);
  in->na = na;
  in->nb = nb;
  for (b = 0; b < nb; b++)
    in->cap[b] = 1 + rnd(maxcap);
  for (a = 0; a < na; a++) {
    uint32_t perm[MAXB];
    for (b = 0; b < nb; b++)
      perm[b] = b;
    for (b = nb; b > 1; b--) {
      uint32_t r = rnd(b), t = perm[b - 1];
      perm[b - 1] = perm[r];
      perm[r] = t;
    }
    for (k = 0; k < nb; k++)
      if (rnd(100) < 75)
        in->a[a][in->alen[a]++] = perm[k];
  }
  for (b = 0; b < nb; b++) {
    uint32_t perm[MAXA];
    for (a = 0; a < na; a++)
      perm[a] = a;
    for (a = na; a > 1; a--) {
      uint32_t r = rnd(a), t = perm[a - 1];
      perm[a - 1] = perm[r];
      perm[r] = t;
    }
    for (k = 0; k < na; k++)
      if (rnd(100) < 75)
        in->b[b][in->blen[b]++] = perm[k];
  }
  inst_csr(in);
}

/* Every matching of mutually acceptable pairs within capacities: calls
 * each(ctx, m) for each. */
typedef void (*each_fn)(void *ctx, const inst *in, const uint32_t *m);

static void enumerate(const inst *in, uint32_t a, uint32_t *m, uint32_t *load,
                      each_fn each, void *ctx)
{
  uint32_t k;

  if (a == in->na) {
    each(ctx, in, m);
    return;
  }
  m[a] = LM__NONE;
  enumerate(in, a + 1, m, load, each, ctx);
  for (k = 0; k < in->alen[a]; k++) {
    uint32_t b = in->a[a][k];
    if (load[b] >= in->cap[b] || pos_in(in->b[b], in->blen[b], a) < 0)
      continue;
    load[b]++;
    m[a] = b;
    enumerate(in, a + 1, m, load, each, ctx);
    load[b]--;
  }
  m[a] = LM__NONE;
}

/* The best rank each a (and, capacities 1, each b) has in any stable
 * matching. */
typedef struct best {
  int a[MAXA], b[MAXB];
  size_t stable;
} best;

static void note_stable(void *ctx, const inst *in, const uint32_t *m)
{
  best *bs = ctx;
  uint32_t a;

  if (brute_blocking(in, m) != 0)
    return;
  bs->stable++;
  for (a = 0; a < in->na; a++) {
    int r = m[a] == LM__NONE ? 1000 : pos_in(in->a[a], in->alen[a], m[a]);
    if (r < bs->a[a])
      bs->a[a] = r;
    if (m[a] != LM__NONE) {
      int rb = pos_in(in->b[m[a]], in->blen[m[a]], a);
      if (rb < bs->b[m[a]])
        bs->b[m[a]] = rb;
    }
  }
}

Test(batch, random_stable_matchings_have_no_blocking_pair_and_are_optimal)
{
  int t;

  seed(11);
  for (t = 0; t < 300; t++) {
    inst in;
    uint32_t ma[MAXA], mb[MAXA], m[MAXA], load[MAXB] = {0}, a, b;
    best bs;
    uint32_t maxcap = t % 2 ? 1 : 3;
    size_t n;
    random_lists(&in, 2 + rnd(5), 1 + rnd(4), maxcap);
    cr_assert_eq(lm__stable_a(&in.bi, ma, NULL, NULL), LM_OK);
    cr_assert_eq(lm__stable_b(&in.bi, mb, NULL, NULL), LM_OK);
    cr_assert_eq(brute_blocking(&in, ma), 0, "instance %d", t);
    cr_assert_eq(brute_blocking(&in, mb), 0, "instance %d", t);
    cr_assert_eq(lm__blocking_pairs(&in.bi, ma, &n), LM_OK);
    cr_assert_eq(n, 0);
    for (a = 0; a < MAXA; a++)
      bs.a[a] = 1000;
    for (b = 0; b < MAXB; b++)
      bs.b[b] = 1000;
    bs.stable = 0;
    enumerate(&in, 0, m, load, note_stable, &bs);
    cr_assert_gt(bs.stable, 0);
    /* a-proposing: every a gets its best stable partner. */
    for (a = 0; a < in.na; a++) {
      int r = ma[a] == LM__NONE ? 1000 : pos_in(in.a[a], in.alen[a], ma[a]);
      cr_assert_eq(r, bs.a[a], "instance %d a %u", t, a);
    }
    /* b-proposing, capacities 1: every b gets its best stable partner. */
    if (maxcap == 1)
      for (b = 0; b < in.nb; b++) {
        int r = 1000;
        for (a = 0; a < in.na; a++)
          if (mb[a] == b)
            r = pos_in(in.b[b], in.blen[b], a);
        cr_assert_eq(r, bs.b[b], "instance %d b %u", t, b);
      }
  }
}

/* -------------------------------------------------- random optimal */

/* Checks the certificate of lm__bmatch against the instance. */
static void check_certificate(const inst *in, const uint32_t *m,
                              const int64_t *u, const int64_t *v,
                              int64_t total)
{
  int64_t dual = 0, sum = 0;
  uint32_t a, b, e, load[MAXB] = {0};

  for (a = 0; a < in->na; a++) {
    cr_assert_geq(u[a], 0);
    if (m[a] == LM__NONE)
      cr_assert_eq(u[a], 0, "unmatched a %u has price %lld", a,
                   (long long)u[a]);
    else
      load[m[a]]++;
    for (e = in->a_off[a]; e < in->a_off[a + 1]; e++) {
      b = in->a_to[e];
      cr_assert_geq(u[a] + v[b], in->w[e]);
      if (m[a] == b) {
        cr_assert_eq(u[a] + v[b], in->w[e]);
        sum += in->w[e];
      }
    }
    dual += u[a];
  }
  for (b = 0; b < in->nb; b++) {
    cr_assert_geq(v[b], 0);
    cr_assert_leq(load[b], in->cap[b]);
    if (load[b] < in->cap[b])
      cr_assert_eq(v[b], 0);
    dual += (int64_t)in->cap[b] * v[b];
  }
  cr_assert_eq(sum, total);
  cr_assert_eq(dual, total, "duals %lld, total %lld", (long long)dual,
               (long long)total);
}

typedef struct lex {
  const uint8_t *prio;
  int64_t best_w;
  long best_n;
} lex;

static int64_t weight_of(const inst *in, uint32_t a, uint32_t b)
{
  uint32_t e;
  for (e = in->a_off[a]; e < in->a_off[a + 1]; e++)
    if (in->a_to[e] == b)
      return in->w[e];
  return -1;
}

static void note_total(void *ctx, const inst *in, const uint32_t *m)
{
  lex *x = ctx;
  int64_t w = 0;
  long n = 0;
  uint32_t a;

  for (a = 0; a < in->na; a++)
    if (m[a] != LM__NONE) {
      w += weight_of(in, a, m[a]);
      n += x->prio && x->prio[a];
    }
  if (n > x->best_n || (n == x->best_n && w > x->best_w)) {
    x->best_n = n;
    x->best_w = w;
  }
}

/* An instance for the b-matching: every a lists its b's; the b lists
 * mirror them (the b-matching reads only the a side). */
static void random_weighted(inst *in, uint32_t na, uint32_t nb)
{
  uint32_t a, b, e;

  random_lists(in, na, nb, 2);
  for (b = 0; b < nb; b++)
    in->blen[b] = 0;
  for (a = 0; a < na; a++)
    for (e = 0; e < in->alen[a]; e++) {
      b = in->a[a][e];
      in->b[b][in->blen[b]++] = a;
    }
  inst_csr(in);
  for (e = 0; e < in->a_off[na]; e++)
    in->w[e] = rnd(4) == 0 ? 0 : rnd(21);
}

Test(batch, random_optimal_equals_exhaustive_search_with_certificate)
{
  int t;

  seed(23);
  for (t = 0; t < 300; t++) {
    inst in;
    uint32_t m[MAXA], load[MAXB] = {0};
    int64_t u[MAXA], v[MAXB], total;
    lex x = {NULL, -1, -1};
    random_weighted(&in, 1 + rnd(7), 1 + rnd(4));
    cr_assert_eq(lm__bmatch(&in.bi, in.w, m, u, v, &total, NULL, NULL),
                 LM_OK);
    enumerate(&in, 0, m + 0 /* scratch below */, load, note_total, &x);
    cr_assert_eq(lm__bmatch(&in.bi, in.w, m, u, v, &total, NULL, NULL),
                 LM_OK);
    cr_assert_eq(total, x.best_w, "instance %d: %lld, exhaustive %lld", t,
                 (long long)total, (long long)x.best_w);
    check_certificate(&in, m, u, v, total);
  }
}

Test(batch, random_priority_equals_exhaustive_lexicographic_search)
{
  int t;

  seed(37);
  for (t = 0; t < 300; t++) {
    inst in, big;
    uint8_t prio[MAXA];
    uint32_t m[MAXA], scratch[MAXA], load[MAXB] = {0}, a, e;
    int64_t total, mbig = 1;
    long n = 0;
    int64_t w = 0;
    lex x;
    random_weighted(&in, 1 + rnd(7), 1 + rnd(4));
    for (a = 0; a < in.na; a++)
      prio[a] = rnd(3) == 0;
    x.prio = prio;
    x.best_w = x.best_n = -1;
    enumerate(&in, 0, scratch, load, note_total, &x);
    /* The fair's rule (doc/BATCH.md): M above any total. */
    big = in;
    big.bi.a_off = big.a_off;
    big.bi.a_to = big.a_to;
    big.bi.b_off = big.b_off;
    big.bi.b_to = big.b_to;
    big.bi.cap = big.cap;
    for (e = 0; e < in.a_off[in.na]; e++)
      mbig += in.w[e];
    for (a = 0; a < in.na; a++)
      for (e = in.a_off[a]; e < in.a_off[a + 1]; e++)
        big.w[e] = in.w[e] + (prio[a] ? mbig : 0);
    cr_assert_eq(lm__bmatch(&big.bi, big.w, m, NULL, NULL, &total, NULL,
                            NULL),
                 LM_OK);
    for (a = 0; a < in.na; a++)
      if (m[a] != LM__NONE) {
        n += prio[a];
        w += weight_of(&in, a, m[a]);
      }
    cr_assert_eq(n, x.best_n, "instance %d", t);
    cr_assert_eq(w, x.best_w, "instance %d", t);
  }
}

/* ------------------------------------------------------ OR-Library */

typedef struct lap {
  uint32_t n;
  int64_t *c; /* n x n */
} lap;

/* An OR-Library instance, read by tests/helpers.h's reader (shared with
 * tests/test_assign.c). */
static lap lap_load(const char *name)
{
  lap l = {0, NULL};
  size_t n = 0;

  cr_assert_eq(lmt_lap_read(name, &n, &l.c), 0, "cannot read %s", name);
  l.n = (uint32_t)n;
  return l;
}

/* Solves a LAP as the fair's b-matching: weight B - cost with B above
 * 100 n, so that every maximum-weight matching is perfect and of least
 * cost.  Returns the seconds the solver took. */
static double solve_lap(const lap *l, uint32_t *m, int64_t *alpha,
                        int64_t *beta)
{
  uint32_t n = l->n, i, j;
  int64_t big = 100 * (int64_t)n + 1, total;
  uint32_t *a_off = malloc((n + 1) * sizeof *a_off);
  uint32_t *a_to = malloc((size_t)n * n * sizeof *a_to);
  uint32_t *b_off = calloc(n + 1, sizeof *b_off);
  uint32_t *cap = malloc(n * sizeof *cap);
  int64_t *w = malloc((size_t)n * n * sizeof *w);
  int64_t *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v);
  lm__bi bi;
  struct timespec t0, t1;

  for (i = 0; i < n; i++) {
    a_off[i] = i * n;
    cap[i] = 1;
    for (j = 0; j < n; j++) {
      a_to[(size_t)i * n + j] = j;
      cr_assert(l->c[(size_t)i * n + j] >= 1 &&
                l->c[(size_t)i * n + j] <= 100);
      w[(size_t)i * n + j] = big - l->c[(size_t)i * n + j];
    }
  }
  a_off[n] = n * n;
  bi.na = bi.nb = n;
  bi.cap = cap;
  bi.a_off = a_off;
  bi.a_to = a_to;
  bi.b_off = b_off; /* not read */
  bi.b_to = a_to;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cr_assert_eq(lm__bmatch(&bi, w, m, u, v, &total, NULL, NULL), LM_OK);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  /* The duals of the cost form: alpha = B - u, beta = -v. */
  for (i = 0; i < n; i++) {
    alpha[i] = big - u[i];
    beta[i] = -v[i];
  }
  free(a_off);
  free(a_to);
  free(b_off);
  free(cap);
  free(w);
  free(u);
  free(v);
  return (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
}

Test(batch, or_library_assign100_to_800_reach_the_published_optima,
     .timeout = 600)
{
  static const char *const names[] = {"assign100", "assign200", "assign300",
                                      "assign400", "assign500", "assign600",
                                      "assign700", "assign800"};
  size_t f;

  for (f = 0; f < 8; f++) {
    lap l;
    uint32_t *m, i, j;
    int64_t *alpha, *beta, cost = 0, dual = 0;
    uint8_t *used;
    long opt = lmt_lap_optimum(names[f]);
    double secs;

    cr_assert_gt(opt, 0, "%s not in assignopt.txt", names[f]);
    l = lap_load(names[f]);
    m = malloc(l.n * sizeof *m);
    alpha = malloc(l.n * sizeof *alpha);
    beta = malloc(l.n * sizeof *beta);
    used = calloc(l.n, 1);
    secs = solve_lap(&l, m, alpha, beta);
    for (i = 0; i < l.n; i++) {
      cr_assert_neq(m[i], LM__NONE, "%s: row %u unassigned", names[f], i);
      cr_assert(!used[m[i]], "%s: column %u twice", names[f], m[i]);
      used[m[i]] = 1;
      cost += l.c[(size_t)i * l.n + m[i]];
    }
    cr_expect_eq(cost, opt, "%s: cost %lld, published %ld", names[f],
                 (long long)cost, opt);
    /* The certificate: reduced costs >= 0, 0 on the assignment, and the
     * duals add up to the optimum. */
    for (i = 0; i < l.n; i++) {
      dual += alpha[i] + beta[i];
      for (j = 0; j < l.n; j++) {
        int64_t rc = l.c[(size_t)i * l.n + j] - alpha[i] - beta[j];
        cr_assert_geq(rc, 0, "%s: reduced cost (%u,%u) = %lld", names[f],
                      i, j, (long long)rc);
        if (m[i] == j)
          cr_assert_eq(rc, 0, "%s: assigned (%u,%u) not tight", names[f], i,
                       j);
      }
    }
    cr_expect_eq(dual, opt, "%s: duals add to %lld", names[f],
                 (long long)dual);
    cr_log_info("%s: optimum %lld in %.3f s", names[f], (long long)cost,
                secs);
    free(m);
    free(alpha);
    free(beta);
    free(used);
    free(l.c);
  }
}

/* ------------------------------------------------------------ fairs */

#define PICK(a) ((a)[rnd(sizeof(a) / sizeof((a)[0]))])

static const char *const SKILLS[] = {"数控车床", "CAD制图", "电焊", "叉车",
                                     "收银", "Excel", "养老护理"};
static const char *const OCCS[] = {"6-18-01-01", "6-18-01-02", "6-31-01-01",
                                   "4-02-06-01", "2-02-07-01"};
static const char *const GROUPS[] = {"graduate", "returning-migrant",
                                     "retired-fisher", "older-worker",
                                     "veteran", "disabled"};
static const char *const EDUS[] = {"junior-middle", "senior-high",
                                   "associate", "bachelor"};

static void place(lm_record *r, int spread)
{
  lmt_setf(r, LM_F_LAT, "%.4f", 30.20 + rnd((uint32_t)spread) / 10000.0);
  lmt_setf(r, LM_F_LON, "%.4f", 115.03 + rnd((uint32_t)spread) / 10000.0);
}

static void fair_job(lm_engine *e, int i, int spread)
{
  lm_record *r = NULL;
  char id[16];

  snprintf(id, sizeof id, "J%03d", i);
  cr_assert_eq(lm_record_new(&r, LM_JOB, id), LM_OK);
  lmt_setf(r, LM_F_NAME, "岗位%d", i);
  lmt_set(r, LM_F_OCCUPATION, PICK(OCCS));
  place(r, spread);
  lmt_setf(r, LM_F_OPENINGS, "%u", 1 + rnd(3));
  lmt_set(r, LM_F_POSTED, "2026-11-01");
  if (rnd(3) == 0)
    lmt_setf(r, LM_F_AGE_MAX, "%u", 40 + rnd(15));
  if (rnd(3) == 0)
    lmt_set(r, LM_F_EDUCATION, PICK(EDUS));
  if (rnd(4) == 0)
    lmt_set(r, LM_F_PRIORITY_GROUP, PICK(GROUPS));
  lm_record_add_skill(r, PICK(SKILLS), LM_SKILL_REQUIRED, -1);
  if (rnd(2))
    lm_record_add_skill(r, PICK(SKILLS), LM_SKILL_PREFERRED, -1);
  lmt_put(e, r);
}

static void fair_seeker(lm_engine *e, int i, int spread)
{
  lm_record *r = NULL;
  char id[16];
  uint32_t n, k;

  snprintf(id, sizeof id, "S%03d", i);
  cr_assert_eq(lm_record_new(&r, LM_SEEKER, id), LM_OK);
  if (rnd(2))
    lmt_set(r, LM_F_GROUP, PICK(GROUPS));
  lmt_setf(r, LM_F_BIRTH_YEAR, "%u", 1965 + rnd(40));
  lmt_set(r, LM_F_EDUCATION, PICK(EDUS));
  place(r, spread);
  lmt_setf(r, LM_F_MOBILITY_MINUTES, "%u", 20 + rnd(40));
  lmt_set(r, LM_F_MOBILITY_MODE, rnd(2) ? "ebike" : "bus");
  if (rnd(2))
    lmt_set(r, LM_F_EXPERIENCE_OCCUPATION, PICK(OCCS));
  n = 1 + rnd(3);
  for (k = 0; k < n; k++)
    lm_record_add_skill(r, PICK(SKILLS), LM_SKILL_HELD, (int)rnd(5));
  lmt_put(e, r);
}

/* A store of nj jobs and ns seekers, all in one fair. */
static lm_engine *fair_store(uint64_t s, int nj, int ns, int spread,
                             lm_fair **fair)
{
  lm_engine *e = NULL;
  char id[16];
  int i;

  seed(s);
  cr_assert_eq(lm_engine_open(&e, ":memory:", NULL), LM_OK, "%s",
               lm_errmsg(NULL));
  for (i = 0; i < nj; i++)
    fair_job(e, i, spread);
  for (i = 0; i < ns; i++)
    fair_seeker(e, i, spread);
  cr_assert_eq(lm_fair_new(fair, e), LM_OK);
  for (i = 0; i < nj; i++) {
    snprintf(id, sizeof id, "J%03d", i);
    cr_assert_eq(lm_fair_add(*fair, LM_JOB, id), LM_OK);
  }
  for (i = 0; i < ns; i++) {
    snprintf(id, sizeof id, "S%03d", i);
    cr_assert_eq(lm_fair_add(*fair, LM_SEEKER, id), LM_OK);
  }
  return e;
}

static lm_query today_query(void)
{
  lm_query q = LM_QUERY_INIT;
  q.today = TODAY;
  return q;
}

static lm_fair_options fair_opts(int mode, const lm_query *q, unsigned k)
{
  lm_fair_options o;
  cr_assert_eq(lm_fair_options_init(&o, LM_FAIR_OPTIONS_VERSION), LM_OK);
  o.mode = mode;
  o.query = q;
  o.k = k;
  return o;
}

static lm_assignment *run(lm_fair *f, int mode, const lm_query *q,
                          unsigned k)
{
  lm_fair_options o = fair_opts(mode, q, k);
  lm_assignment *a = NULL;
  cr_assert_eq(lm_fair_run(f, &o, &a), LM_OK, "%s", lm_errmsg(NULL));
  cr_assert_not_null(a);
  return a;
}

/* The score lm_rank_jobs gives the pair, or -1 when it does not list it. */
static double rank_score(lm_engine *e, const char *sid, const char *jid,
                         const lm_query *q0)
{
  lm_query q = *q0;
  lm_results *rs = NULL;
  double score = -1;
  size_t i;

  q.k = 1000;
  cr_assert_eq(lm_rank_jobs(e, sid, &q, &rs), LM_OK);
  for (i = 0; i < lm_results_count(rs); i++)
    if (strcmp(lm_results_id(rs, i), jid) == 0)
      score = lm_results_score(rs, i);
  lm_results_free(rs);
  return score;
}

static const int MODES[] = {LM_FAIR_STABLE_SEEKER, LM_FAIR_STABLE_EMPLOYER,
                            LM_FAIR_OPTIMAL, LM_FAIR_PRIORITY};

Test(batch, every_mode_scores_as_the_ranking_and_adds_up)
{
  lm_fair *f = NULL;
  lm_engine *e = fair_store(5, 12, 60, 300, &f);
  lm_query q = today_query();
  size_t m;

  cr_assert_eq(lm_fair_count(f, LM_SEEKER), 60);
  cr_assert_eq(lm_fair_count(f, LM_JOB), 12);
  for (m = 0; m < 4; m++) {
    lm_assignment *a = run(f, MODES[m], &q, 50);
    size_t i, g, n = lm_assignment_pair_count(a);
    size_t present[LM__NGROUPS] = {0}, matched[LM__NGROUPS] = {0};
    double sum[LM__NGROUPS] = {0}, total = 0;
    char *xml = NULL;
    size_t len;
    xmlDocPtr doc;
    xmlNodePtr node;
    size_t npair = 0, nun = 0;

    cr_assert_gt(n, 0);
    cr_assert_eq(n + lm_assignment_unmatched_count(a), 60);
    for (i = 0; i < n; i++) {
      const char *sid, *jid;
      double score;
      lm_record *r = NULL;
      cr_assert_eq(lm_assignment_pair(a, i, &sid, &jid, &score), LM_OK);
      cr_assert_eq(score, rank_score(e, sid, jid, &q), "%s-%s", sid, jid);
      cr_assert_neq(lm_assignment_pair_text(a, i)[0], '\0');
      total += score;
      cr_assert_eq(lm_engine_get(e, LM_SEEKER, sid, &r), LM_OK);
      for (g = 0; g < lm_record_count(r, LM_F_GROUP); g++) {
        int bit = lm__group_bit(lm_record_item(r, LM_F_GROUP, g));
        int k = bit ? __builtin_ctz((unsigned)bit) : -1;
        cr_assert_geq(k, 0);
        matched[k]++;
        sum[k] += score;
      }
      lm_record_free(r);
    }
    cr_assert_float_eq(lm_assignment_total(a), total, 1e-9);
    /* Every seeker of the fair, counted by group from the store. */
    for (i = 0; i < 60; i++) {
      char id[16];
      lm_record *r = NULL;
      snprintf(id, sizeof id, "S%03d", (int)i);
      cr_assert_eq(lm_engine_get(e, LM_SEEKER, id, &r), LM_OK);
      for (g = 0; g < lm_record_count(r, LM_F_GROUP); g++)
        present[__builtin_ctz(
            (unsigned)lm__group_bit(lm_record_item(r, LM_F_GROUP, g)))]++;
      lm_record_free(r);
    }
    cr_assert_eq(lm_assignment_group_count(a), LM__NGROUPS);
    for (g = 0; g < LM__NGROUPS; g++) {
      lm_group_stats st;
      cr_assert_eq(lm_assignment_group(a, g, &st), LM_OK);
      cr_assert_eq(lm__group_bit(st.group), 1 << g, "%s", st.group);
      cr_assert_eq(st.present, present[g], "%s", st.group);
      cr_assert_eq(st.matched, matched[g], "%s", st.group);
      if (st.matched)
        cr_assert_float_eq(st.mean_score, sum[g] / matched[g], 1e-9);
      if (st.present)
        cr_assert_float_eq(st.match_rate, (double)matched[g] / present[g],
                           1e-12);
    }
    /* The XML names every pair. */
    cr_assert_eq(lm_assignment_write_xml_buffer(a, &xml, &len), LM_OK);
    doc = xmlReadMemory(xml, (int)len, "a.xml", NULL, XML_PARSE_NONET);
    cr_assert_not_null(doc, "the XML does not parse");
    for (node = xmlDocGetRootElement(doc)->children; node;
         node = node->next) {
      xmlChar *sid, *jid;
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (xmlStrcmp(node->name, BAD_CAST "unmatched") == 0)
        nun++;
      if (xmlStrcmp(node->name, BAD_CAST "pair") != 0)
        continue;
      sid = xmlGetProp(node, BAD_CAST "seeker");
      jid = xmlGetProp(node, BAD_CAST "job");
      {
        const char *ws, *wj;
        cr_assert_eq(lm_assignment_pair(a, npair, &ws, &wj, NULL), LM_OK);
        cr_assert_str_eq((char *)sid, ws);
        cr_assert_str_eq((char *)jid, wj);
      }
      npair++;
      xmlFree(sid);
      xmlFree(jid);
    }
    cr_assert_eq(npair, n);
    cr_assert_eq(nun, lm_assignment_unmatched_count(a));
    xmlFreeDoc(doc);
    lm_free(xml);
    lm_assignment_free(a);
  }
  lm_fair_free(f);
  lm_engine_close(e);
}

/* ------------------------------- small fairs against exhaustive search */

typedef struct fpair {
  int s, j;
  double score;
} fpair;

typedef struct fbrute {
  fpair p[512];
  int np;
  int cap[16];
  int prio[16]; /* seeker is in the priority groups */
  int ns;
  long best_n;
  double best_w;
} fbrute;

static void fb_search(fbrute *b, int s, int *load, long n, double w)
{
  int i;

  if (s == b->ns) {
    if (n > b->best_n || (n == b->best_n && w > b->best_w + 1e-9)) {
      b->best_n = n;
      b->best_w = w;
    }
    return;
  }
  fb_search(b, s + 1, load, n, w);
  for (i = 0; i < b->np; i++)
    if (b->p[i].s == s && load[b->p[i].j] < b->cap[b->p[i].j]) {
      load[b->p[i].j]++;
      fb_search(b, s + 1, load, n + b->prio[s], w + b->p[i].score);
      load[b->p[i].j]--;
    }
}

Test(batch, small_fairs_optimal_and_priority_equal_exhaustive_search)
{
  int t;

  for (t = 0; t < 6; t++) {
    lm_fair *f = NULL;
    lm_engine *e = fair_store(100 + t, 4, 8, 150, &f);
    lm_query q = today_query();
    fbrute b;
    int s, j, load[16] = {0};
    lm_assignment *a;
    lm_fair_options o;
    size_t i;
    long n = 0;

    memset(&b, 0, sizeof b);
    b.ns = 8;
    for (j = 0; j < 4; j++) {
      char id[16];
      lm_record *r = NULL;
      double v;
      snprintf(id, sizeof id, "J%03d", j);
      cr_assert_eq(lm_engine_get(e, LM_JOB, id, &r), LM_OK);
      cr_assert_eq(lm_record_number(r, LM_F_OPENINGS, &v), LM_OK);
      b.cap[j] = (int)v;
      lm_record_free(r);
    }
    /* The acceptable pairs, asked of lm_explain; K = 50 keeps them all. */
    for (s = 0; s < 8; s++)
      for (j = 0; j < 4; j++) {
        char sid[16], jid[16];
        lm_results *rs = NULL;
        snprintf(sid, sizeof sid, "S%03d", s);
        snprintf(jid, sizeof jid, "J%03d", j);
        cr_assert_eq(lm_explain(e, sid, jid, &q, &rs), LM_OK);
        if (lm_results_filters(rs, 0) == 0) {
          b.p[b.np].s = s;
          b.p[b.np].j = j;
          b.p[b.np++].score = lm_results_score(rs, 0);
        }
        lm_results_free(rs);
      }
    for (s = 0; s < 8; s++) {
      char sid[16];
      lm_record *r = NULL;
      snprintf(sid, sizeof sid, "S%03d", s);
      cr_assert_eq(lm_engine_get(e, LM_SEEKER, sid, &r), LM_OK);
      for (i = 0; i < lm_record_count(r, LM_F_GROUP); i++)
        if (strcmp(lm_record_item(r, LM_F_GROUP, i), "veteran") == 0 ||
            strcmp(lm_record_item(r, LM_F_GROUP, i), "graduate") == 0)
          b.prio[s] = 1;
      lm_record_free(r);
    }
    /* Optimal: the largest total. */
    b.best_n = b.best_w = -1;
    {
      int keep[16];
      memcpy(keep, b.prio, sizeof keep);
      memset(b.prio, 0, sizeof b.prio);
      fb_search(&b, 0, load, 0, 0.0);
      memcpy(b.prio, keep, sizeof keep);
    }
    a = run(f, LM_FAIR_OPTIMAL, &q, 50);
    cr_assert_float_eq(lm_assignment_total(a), b.best_w, 1e-4,
                       "fair %d: %f, exhaustive %f", t,
                       lm_assignment_total(a), b.best_w);
    lm_assignment_free(a);
    /* Priority: the most priority seekers, then the largest total. */
    b.best_n = b.best_w = -1;
    fb_search(&b, 0, load, 0, 0.0);
    o = fair_opts(LM_FAIR_PRIORITY, &q, 50);
    o.groups = "veteran,毕业生";
    cr_assert_eq(lm_fair_run(f, &o, &a), LM_OK, "%s", lm_errmsg(NULL));
    for (i = 0; i < lm_assignment_pair_count(a); i++) {
      const char *sid;
      cr_assert_eq(lm_assignment_pair(a, i, &sid, NULL, NULL), LM_OK);
      n += b.prio[atoi(sid + 1)];
    }
    cr_assert_eq(n, b.best_n, "fair %d", t);
    cr_assert_float_eq(lm_assignment_total(a), b.best_w, 1e-4);
    lm_assignment_free(a);
    lm_fair_free(f);
    lm_engine_close(e);
  }
}

Test(batch, optimal_prices_certify_the_total)
{
  lm_fair *f = NULL;
  lm_engine *e = fair_store(7, 10, 50, 300, &f);
  lm_query q = today_query();
  lm_assignment *a = run(f, LM_FAIR_OPTIMAL, &q, 50);
  size_t i, ns = lm_assignment_price_count(a, LM_SEEKER);
  size_t nj = lm_assignment_price_count(a, LM_JOB);
  double dual = 0;

  cr_assert_eq(ns, 50);
  cr_assert_eq(nj, 10);
  for (i = 0; i < ns; i++) {
    double p;
    cr_assert_eq(lm_assignment_price(a, LM_SEEKER, i, NULL, &p), LM_OK);
    cr_assert_geq(p, 0);
    dual += p;
  }
  for (i = 0; i < nj; i++) {
    const char *id;
    double p, v;
    lm_record *r = NULL;
    cr_assert_eq(lm_assignment_price(a, LM_JOB, i, &id, &p), LM_OK);
    cr_assert_geq(p, 0);
    cr_assert_eq(lm_engine_get(e, LM_JOB, id, &r), LM_OK);
    cr_assert_eq(lm_record_number(r, LM_F_OPENINGS, &v), LM_OK);
    dual += p * v;
    lm_record_free(r);
  }
  /* Weights are millionths of a point: the total of the rounded scores. */
  cr_assert_float_eq(dual, lm_assignment_total(a), 1e-6 * 50);
  /* Every matched pair is tight: seeker's + job's price = its score. */
  for (i = 0; i < lm_assignment_pair_count(a); i++) {
    const char *sid, *jid, *x;
    double score, ps = -1, pj = -1, p;
    size_t k;
    cr_assert_eq(lm_assignment_pair(a, i, &sid, &jid, &score), LM_OK);
    for (k = 0; k < ns; k++) {
      lm_assignment_price(a, LM_SEEKER, k, &x, &p);
      if (strcmp(x, sid) == 0)
        ps = p;
    }
    for (k = 0; k < nj; k++) {
      lm_assignment_price(a, LM_JOB, k, &x, &p);
      if (strcmp(x, jid) == 0)
        pj = p;
    }
    cr_assert_float_eq(ps + pj, score, 1e-6);
  }
  lm_assignment_free(a);
  lm_fair_free(f);
  lm_engine_close(e);
}

/* --------------------------------------------- reasons, hand-built */

static lm_record *plain_job(const char *id, const char *openings)
{
  lm_record *j = NULL;
  cr_assert_eq(lm_record_new(&j, LM_JOB, id), LM_OK);
  lmt_set(j, LM_F_NAME, "数控车工");
  lmt_set(j, LM_F_OCCUPATION, "6-18-01-01");
  lmt_set(j, LM_F_LAT, "30.2012");
  lmt_set(j, LM_F_LON, "115.0383");
  lmt_set(j, LM_F_OPENINGS, openings);
  lmt_set(j, LM_F_AGE_MIN, "18");
  lmt_set(j, LM_F_AGE_MAX, "45");
  lmt_set(j, LM_F_POSTED, "2026-11-01");
  cr_assert_eq(lm_record_add_skill(j, "数控车床", LM_SKILL_REQUIRED, -1),
               LM_OK);
  return j;
}

static lm_record *plain_seeker(const char *id, const char *born, int skilled)
{
  lm_record *s = NULL;
  cr_assert_eq(lm_record_new(&s, LM_SEEKER, id), LM_OK);
  lmt_set(s, LM_F_BIRTH_YEAR, born);
  lmt_set(s, LM_F_LAT, "30.2050");
  lmt_set(s, LM_F_LON, "115.0400");
  lmt_set(s, LM_F_MOBILITY_MINUTES, "30");
  lmt_set(s, LM_F_MOBILITY_MODE, "bike");
  lmt_set(s, LM_F_EXPERIENCE_OCCUPATION, "6-18-01-01");
  if (skilled)
    cr_assert_eq(lm_record_add_skill(s, "數控車床", LM_SKILL_HELD, 2), LM_OK);
  return s;
}

static int reason_of(const lm_assignment *a, const char *id,
                     const char **text)
{
  size_t i;
  for (i = 0; i < lm_assignment_unmatched_count(a); i++) {
    const char *sid;
    int r = lm_assignment_unmatched(a, i, &sid);
    if (strcmp(sid, id) == 0) {
      if (text)
        *text = lm_assignment_unmatched_text(a, i);
      return r;
    }
  }
  return 0;
}

static lm_engine *reasons_store(lm_fair **f)
{
  lm_engine *e = NULL;

  cr_assert_eq(lm_engine_open(&e, ":memory:", NULL), LM_OK);
  lmt_put(e, plain_job("J1", "1"));
  lmt_put(e, plain_seeker("A", "1995", 1)); /* the best for J1 */
  lmt_put(e, plain_seeker("B", "1996", 0)); /* acceptable, lower */
  lmt_put(e, plain_seeker("C", "1950", 1)); /* too old */
  cr_assert_eq(lm_fair_new(f, e), LM_OK);
  cr_assert_eq(lm_fair_add(*f, LM_JOB, "J1"), LM_OK);
  cr_assert_eq(lm_fair_add(*f, LM_SEEKER, "A"), LM_OK);
  cr_assert_eq(lm_fair_add(*f, LM_SEEKER, "B"), LM_OK);
  cr_assert_eq(lm_fair_add(*f, LM_SEEKER, "C"), LM_OK);
  cr_assert_eq(lm_fair_add(*f, LM_SEEKER, "B"), LM_OK); /* once only */
  return e;
}

Test(batch, unmatched_reasons_are_right_on_a_hand_built_fair)
{
  lm_fair *f = NULL;
  lm_engine *e = reasons_store(&f);
  lm_query q = today_query();
  lm_assignment *a;
  const char *sid, *jid, *text;
  size_t m;

  cr_assert_eq(lm_fair_count(f, LM_SEEKER), 3);
  cr_assert_gt(rank_score(e, "A", "J1", &q), rank_score(e, "B", "J1", &q));
  for (m = 0; m < 4; m++) {
    a = run(f, MODES[m], &q, 50);
    cr_assert_eq(lm_assignment_pair_count(a), 1);
    cr_assert_eq(lm_assignment_pair(a, 0, &sid, &jid, NULL), LM_OK);
    cr_assert_str_eq(sid, "A");
    cr_assert_str_eq(jid, "J1");
    cr_assert_eq(reason_of(a, "C", &text), LM_UNMATCHED_NO_ACCEPTABLE_JOB);
    cr_assert(strstr(text, "年龄") != NULL, "%s", text);
    cr_assert_eq(reason_of(a, "B", NULL),
                 MODES[m] <= LM_FAIR_STABLE_EMPLOYER
                     ? LM_UNMATCHED_FILLED_BY_HIGHER
                     : LM_UNMATCHED_NOT_CHOSEN);
    lm_assignment_free(a);
  }
  /* K = 1: J1 lists only A, so B is outside its top K. */
  a = run(f, LM_FAIR_STABLE_SEEKER, &q, 1);
  cr_assert_eq(reason_of(a, "B", NULL), LM_UNMATCHED_OUTSIDE_TOP_K);
  lm_assignment_free(a);
  lm_fair_free(f);
  lm_engine_close(e);
}

/* ------------------------------------------ progress and cancellation */

typedef struct ticks {
  int calls, stop_at;
  double last;
  int backwards;
} ticks;

static int on_progress(double fraction, void *ctx)
{
  ticks *t = ctx;
  if (fraction < t->last || fraction < 0 || fraction > 1)
    t->backwards = 1;
  t->last = fraction;
  return ++t->calls == t->stop_at;
}

static void same_pairs(const lm_assignment *x, const lm_assignment *y)
{
  size_t i;
  cr_assert_eq(lm_assignment_pair_count(x), lm_assignment_pair_count(y));
  for (i = 0; i < lm_assignment_pair_count(x); i++) {
    const char *s1, *j1, *s2, *j2;
    lm_assignment_pair(x, i, &s1, &j1, NULL);
    lm_assignment_pair(y, i, &s2, &j2, NULL);
    cr_assert_str_eq(s1, s2);
    cr_assert_str_eq(j1, j2);
  }
}

Test(batch, cancelling_leaves_the_fair_rerunnable_with_the_same_result)
{
  lm_fair *f = NULL;
  lm_engine *e = fair_store(9, 12, 200, 300, &f);
  lm_query q = today_query();
  size_t m;

  for (m = 0; m < 4; m++) {
    lm_fair_options o = fair_opts(MODES[m], &q, 50);
    lm_assignment *before = NULL, *a = NULL, *after = NULL;
    ticks t = {0, 0, 0.0, 0};
    o.progress = on_progress;
    o.progress_ctx = &t;
    cr_assert_eq(lm_fair_run(f, &o, &before), LM_OK);
    cr_assert_gt(t.calls, 2);
    cr_assert_leq(t.calls, 250, "%d calls", t.calls);
    cr_assert_not(t.backwards);
    cr_assert_float_eq(t.last, 1.0, 1e-12);
    /* Stop at every call in turn. */
    for (int stop = 1; stop <= t.calls; stop += 7) {
      ticks c = {0, stop, 0.0, 0};
      o.progress_ctx = &c;
      cr_assert_eq(lm_fair_run(f, &o, &a), LM_ECANCELED);
      cr_assert_null(a);
    }
    o.progress = NULL;
    cr_assert_eq(lm_fair_run(f, &o, &after), LM_OK);
    same_pairs(before, after);
    lm_assignment_free(before);
    lm_assignment_free(after);
  }
  lm_fair_free(f);
  lm_engine_close(e);
}

/* ---------------------------------------------------------- repair */

Test(batch, repair_equals_a_run_from_scratch)
{
  lm_fair *f = NULL;
  lm_engine *e = fair_store(13, 12, 120, 300, &f);
  lm_query q = today_query();
  size_t m;

  for (m = 0; m < 4; m++) {
    lm_assignment *a0 = run(f, MODES[m], &q, 5), *a1 = NULL, *a2;
    const char *sid, *jid;
    size_t i, lost = 0;
    char *withdrawn;
    /* A matched seeker withdraws; a job adds two openings. */
    cr_assert_eq(lm_assignment_pair(a0, m, &sid, &jid, NULL), LM_OK);
    withdrawn = strdup(sid);
    cr_assert_eq(lm_fair_withdraw(f, withdrawn), LM_OK);
    cr_assert_eq(lm_fair_withdraw(f, withdrawn), LM_ENOTFOUND);
    cr_assert_eq(lm_fair_set_openings(f, "J003", 5), LM_OK);
    cr_assert_eq(lm_fair_repair(f, &a1), LM_OK, "%s", lm_errmsg(NULL));
    a2 = run(f, MODES[m], &q, 5);
    if (MODES[m] <= LM_FAIR_STABLE_EMPLOYER)
      same_pairs(a1, a2);
    cr_assert_float_eq(lm_assignment_total(a1), lm_assignment_total(a2),
                       1e-9);
    /* The changes are the difference of the two assignments. */
    for (i = 0; i < lm_assignment_change_count(a1); i++) {
      const char *s, *from, *to;
      int kind = lm_assignment_change(a1, i, &s, &from, &to);
      size_t k;
      const char *was = NULL, *now = NULL;
      for (k = 0; k < lm_assignment_pair_count(a0); k++) {
        const char *x, *y;
        lm_assignment_pair(a0, k, &x, &y, NULL);
        if (strcmp(x, s) == 0)
          was = y;
      }
      for (k = 0; k < lm_assignment_pair_count(a1); k++) {
        const char *x, *y;
        lm_assignment_pair(a1, k, &x, &y, NULL);
        if (strcmp(x, s) == 0)
          now = y;
      }
      cr_assert((was == NULL) == (from == NULL) &&
                (!was || strcmp(was, from) == 0));
      cr_assert((now == NULL) == (to == NULL) &&
                (!now || strcmp(now, to) == 0));
      cr_assert_eq(kind, !from ? LM_CHANGE_GAINED
                         : !to ? LM_CHANGE_LOST
                               : LM_CHANGE_MOVED);
      if (strcmp(s, withdrawn) == 0)
        lost = kind == LM_CHANGE_LOST;
    }
    cr_assert(lost, "the withdrawn seeker is not reported");
    /* Back to the full fair for the next mode. */
    cr_assert_eq(lm_fair_add(f, LM_SEEKER, withdrawn), LM_OK);
    free(withdrawn);
    lm_assignment_free(a0);
    lm_assignment_free(a1);
    lm_assignment_free(a2);
  }
  lm_fair_free(f);
  lm_engine_close(e);
}

/* ------------------------------------------------------- documents */

Test(batch, a_fair_document_becomes_the_fair)
{
  static const char doc[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<libmatch version=\"1\">\n"
      "<job id=\"FJ1\" openings=\"2\" posted=\"2026-11-01\"><title>车工</title>"
      "<occupation code=\"6-18-01-01\"/>"
      "<location lat=\"30.2012\" lon=\"115.0383\"/></job>\n"
      "<seeker id=\"FS1\"><location lat=\"30.2050\" lon=\"115.0400\"/>"
      "</seeker>\n"
      "<seeker id=\"FS2\"><location lat=\"30.2050\" lon=\"115.0400\"/>"
      "</seeker>\n"
      "<seeker id=\"FS2\" status=\"withdrawn\"/>\n"
      "</libmatch>\n";
  lm_engine *e = NULL;
  lm_fair *f = NULL;
  lm_query q = today_query();
  lm_assignment *a;
  const char *sid;

  cr_assert_eq(lm_engine_open(&e, ":memory:", NULL), LM_OK);
  cr_assert_eq(lm_fair_new(&f, e), LM_OK);
  cr_assert_eq(lm_fair_ingest_buffer(f, doc, sizeof doc - 1, 0, NULL), LM_OK,
               "%s", lm_errmsg(NULL));
  cr_assert_eq(lm_fair_count(f, LM_JOB), 1);
  cr_assert_eq(lm_fair_count(f, LM_SEEKER), 1);
  a = run(f, LM_FAIR_OPTIMAL, &q, 0);
  cr_assert_eq(lm_assignment_pair_count(a), 1);
  lm_assignment_pair(a, 0, &sid, NULL, NULL);
  cr_assert_str_eq(sid, "FS1");
  lm_assignment_free(a);
  lm_fair_free(f);
  lm_engine_close(e);
}

Test(batch, bad_arguments_are_refused)
{
  lm_engine *e = NULL;
  lm_fair *f = NULL;
  lm_fair_options o = LM_FAIR_OPTIONS_INIT;
  lm_assignment *a = (lm_assignment *)&o;

  cr_assert_eq(lm_engine_open(&e, ":memory:", NULL), LM_OK);
  cr_assert_eq(lm_fair_new(&f, e), LM_OK);
  cr_assert_eq(lm_fair_add(f, LM_SEEKER, "nobody"), LM_ENOTFOUND);
  cr_assert_eq(lm_fair_add(f, LM_EMPLOYER, "E1"), LM_EINVAL);
  o.mode = 9;
  cr_assert_eq(lm_fair_run(f, &o, &a), LM_EINVAL);
  cr_assert_null(a);
  o.mode = LM_FAIR_PRIORITY;
  o.groups = "astronaut";
  cr_assert_eq(lm_fair_run(f, &o, &a), LM_EINVAL);
  cr_assert_eq(lm_fair_repair(f, &a), LM_EINVAL);
  cr_assert_str_eq(lm_strerror(LM_ECANCELED), "cancelled by the caller");
  lm_fair_free(f);
  lm_engine_close(e);
}

/* The run sorts each seeker's list only as far as its top K can reach
 * with the openings of the run; a repair that closes jobs reaches
 * further (and one that opens them starts from such a run).  Both still
 * give what a run from scratch gives: pairs, totals, reasons. */
static void same_result(const lm_assignment *x, const lm_assignment *y,
                        int stable)
{
  size_t i;

  if (stable)
    same_pairs(x, y);
  cr_assert_float_eq(lm_assignment_total(x), lm_assignment_total(y), 1e-9);
  cr_assert_eq(lm_assignment_unmatched_count(x),
               lm_assignment_unmatched_count(y));
  for (i = 0; i < lm_assignment_unmatched_count(x); i++) {
    const char *s1, *s2;
    int r1 = lm_assignment_unmatched(x, i, &s1);
    int r2 = lm_assignment_unmatched(y, i, &s2);
    cr_assert_str_eq(s1, s2);
    if (stable || (r1 != LM_UNMATCHED_NOT_CHOSEN &&
                   r2 != LM_UNMATCHED_NOT_CHOSEN)) {
      cr_assert_eq(r1, r2, "%s: %d, %d", s1, r1, r2);
      cr_assert_str_eq(lm_assignment_unmatched_text(x, i),
                       lm_assignment_unmatched_text(y, i));
    }
  }
}

Test(batch, repair_closing_and_opening_jobs_equals_a_run_from_scratch)
{
  lm_fair *f = NULL;
  /* Seekers' lists well past a sort's short run (16). */
  lm_engine *e = fair_store(17, 60, 40, 300, &f);
  lm_query q = today_query();
  char id[16];
  size_t m;
  int i;

  for (m = 0; m < 4; m++) {
    int stable = MODES[m] <= LM_FAIR_STABLE_EMPLOYER;
    lm_assignment *a0, *a1 = NULL, *a2, *a3 = NULL, *a4;
    /* J001 closed for the run, seven jobs in eight after it: the top K
     * with openings then lies deep in the lists. */
    cr_assert_eq(lm_fair_set_openings(f, "J001", 0), LM_OK);
    a0 = run(f, MODES[m], &q, 4);
    for (i = 0; i < 60; i++) {
      snprintf(id, sizeof id, "J%03d", i);
      if (i % 8)
        cr_assert_eq(lm_fair_set_openings(f, id, 0), LM_OK);
    }
    cr_assert_eq(lm_fair_repair(f, &a1), LM_OK, "%s", lm_errmsg(NULL));
    a2 = run(f, MODES[m], &q, 4);
    same_result(a1, a2, stable);
    /* From that run, every job open again. */
    for (i = 0; i < 60; i++) {
      snprintf(id, sizeof id, "J%03d", i);
      cr_assert_eq(lm_fair_set_openings(f, id, 1 + (unsigned)i % 2), LM_OK);
    }
    cr_assert_eq(lm_fair_repair(f, &a3), LM_OK, "%s", lm_errmsg(NULL));
    a4 = run(f, MODES[m], &q, 4);
    same_result(a3, a4, stable);
    /* The records' openings again for the next mode. */
    for (i = 0; i < 60; i++) {
      snprintf(id, sizeof id, "J%03d", i);
      cr_assert_eq(lm_fair_add(f, LM_JOB, id), LM_OK);
    }
    lm_assignment_free(a0);
    lm_assignment_free(a1);
    lm_assignment_free(a2);
    lm_assignment_free(a3);
    lm_assignment_free(a4);
  }
  lm_fair_free(f);
  lm_engine_close(e);
}

/* A job whose openings were set before the run and that is added again
 * has its record's openings back: a repair takes them as a run would. */
Test(batch, repair_takes_the_records_openings_of_a_job_added_again)
{
  lm_fair *f = NULL;
  lm_engine *e = fair_store(23, 30, 20, 300, &f);
  lm_query q = today_query();
  char id[16];
  size_t m;
  int i;

  for (m = 0; m < 4; m++) {
    int stable = MODES[m] <= LM_FAIR_STABLE_EMPLOYER;
    lm_assignment *a0, *a1 = NULL, *a2;
    for (i = 0; i < 30; i += 2) {
      snprintf(id, sizeof id, "J%03d", i);
      cr_assert_eq(lm_fair_set_openings(f, id, 0), LM_OK);
    }
    a0 = run(f, MODES[m], &q, 6);
    for (i = 0; i < 30; i += 2) {
      snprintf(id, sizeof id, "J%03d", i);
      cr_assert_eq(lm_fair_add(f, LM_JOB, id), LM_OK);
    }
    cr_assert_eq(lm_fair_repair(f, &a1), LM_OK, "%s", lm_errmsg(NULL));
    a2 = run(f, MODES[m], &q, 6);
    same_result(a1, a2, stable);
    /* The closed jobs took no one in the run, and some now do. */
    cr_assert_gt(lm_assignment_pair_count(a1), lm_assignment_pair_count(a0));
    lm_assignment_free(a0);
    lm_assignment_free(a1);
    lm_assignment_free(a2);
  }
  lm_fair_free(f);
  lm_engine_close(e);
}
