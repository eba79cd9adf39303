/*
 * test_browse.c: lm_engine_foreach and lm_commute_minutes, the browsing
 * section of libmatch.h.
 *
 * Oracles: foreach must visit exactly the ids put (of its kind only, none
 * removed), in byte order as strcmp sorts them; the commute minutes must
 * be doc/SCORING.md's formula (haversine on a sphere of 6371.0088 km,
 * x 1.3, at walk 5, bike 15, e-bike 20, bus 20, car 35 km/h) evaluated
 * here in long double with libm, independently of geo.c; and the ranking
 * must keep exactly the jobs those minutes put within a seeker's limit.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "libmatch.h"

static lm_engine *open_memory(void)
{
  lm_engine *e = NULL;
  cr_assert_eq(lm_engine_open(&e, ":memory:", NULL), LM_OK, "%s",
               lm_errmsg(NULL));
  return e;
}

static void put_point(lm_engine *e, lm_kind kind, const char *id, double lat,
                      double lon)
{
  lm_record *r = NULL;
  char buf[32];

  cr_assert_eq(lm_record_new(&r, kind, id), LM_OK);
  snprintf(buf, sizeof buf, "%.6f", lat);
  cr_assert_eq(lm_record_set(r, LM_F_LAT, buf), LM_OK);
  snprintf(buf, sizeof buf, "%.6f", lon);
  cr_assert_eq(lm_record_set(r, LM_F_LON, buf), LM_OK);
  cr_assert_eq(lm_engine_put(e, r), LM_OK, "%s", lm_errmsg(e));
  lm_record_free(r);
}

/* ------------------------------------------------------------- foreach */

#define MAXSEEN 64

typedef struct seen {
  lm_engine *e;
  int n;
  char id[MAXSEEN][65];
  lm_kind kind[MAXSEEN];
  int stop_after; /* return 7 after this many visits; 0 never */
  int reads_ok;   /* lm_engine_get and count from the callback worked */
} seen;

static int record_seen(void *ctx, const lm_record *r)
{
  seen *s = ctx;

  cr_assert_lt(s->n, MAXSEEN);
  snprintf(s->id[s->n], sizeof s->id[s->n], "%s", lm_record_id(r));
  s->kind[s->n] = lm_record_kind(r);
  s->n++;
  if (s->e) {
    lm_record *again = NULL;
    size_t count = 0;
    if (lm_engine_get(s->e, lm_record_kind(r), lm_record_id(r), &again) ==
            LM_OK &&
        strcmp(lm_record_id(again), lm_record_id(r)) == 0 &&
        lm_engine_count(s->e, lm_record_kind(r), &count) == LM_OK &&
        count > 0)
      s->reads_ok++;
    lm_record_free(again);
  }
  return s->stop_after && s->n == s->stop_after ? 7 : 0;
}

static int by_strcmp(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

Test(browse, foreach_visits_exactly_the_ids_put_in_byte_order)
{
  /* Ids chosen so that byte order differs from numeric and insertion
   * order, with a removed one and records of other kinds around. */
  const char *ids[] = {"C10", "C2", "C1", "c0", "C-9", "C_1", "C100",
                       "社区7", "C20"};
  const char *want[sizeof ids / sizeof ids[0]];
  size_t n = sizeof ids / sizeof ids[0], i, k = 0;
  lm_engine *e = open_memory();
  seen s = {0};

  for (i = 0; i < n; i++)
    put_point(e, LM_COMMUNITY, ids[i], 30.2 + 0.001 * (double)i, 115.0);
  put_point(e, LM_SERVICE_POINT, "C3", 30.2, 115.0);
  put_point(e, LM_JOB, "C4", 30.2, 115.0);
  cr_assert_eq(lm_engine_remove(e, LM_COMMUNITY, "C2"), LM_OK);
  for (i = 0; i < n; i++)
    if (strcmp(ids[i], "C2") != 0)
      want[k++] = ids[i];
  qsort(want, k, sizeof want[0], by_strcmp);

  cr_assert_eq(lm_engine_foreach(e, LM_COMMUNITY, record_seen, &s), LM_OK,
               "%s", lm_errmsg(e));
  cr_assert_eq((size_t)s.n, k);
  for (i = 0; i < k; i++) {
    cr_expect_str_eq(s.id[i], want[i], "visit %zu", i);
    cr_expect_eq(s.kind[i], LM_COMMUNITY);
  }
  lm_engine_close(e);
}

typedef struct fields {
  double pop;
  char name[64];
} fields;

static int take_fields(void *ctx, const lm_record *r)
{
  fields *f = ctx;
  const char *name = lm_record_get(r, LM_F_NAME);
  cr_assert_eq(lm_record_number(r, LM_F_POPULATION, &f->pop), LM_OK);
  snprintf(f->name, sizeof f->name, "%s", name ? name : "");
  return 0;
}

Test(browse, foreach_record_has_the_fields_put)
{
  lm_engine *e = open_memory();
  lm_record *r = NULL;
  fields f = {0};

  cr_assert_eq(lm_record_new(&r, LM_COMMUNITY, "C1"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_POPULATION, "14990"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_NAME, "新建社区"), LM_OK);
  cr_assert_eq(lm_engine_put(e, r), LM_OK);
  lm_record_free(r);
  cr_assert_eq(lm_engine_foreach(e, LM_COMMUNITY, take_fields, &f), LM_OK);
  cr_expect_eq(f.pop, 14990.0);
  cr_expect_str_eq(f.name, "新建社区");
  lm_engine_close(e);
}

Test(browse, foreach_stops_with_the_callbacks_value)
{
  lm_engine *e = open_memory();
  seen s = {0};
  int i;
  char id[16];

  for (i = 0; i < 5; i++) {
    snprintf(id, sizeof id, "P%d", i);
    put_point(e, LM_SERVICE_POINT, id, 30.2, 115.0);
  }
  s.stop_after = 3;
  cr_expect_eq(lm_engine_foreach(e, LM_SERVICE_POINT, record_seen, &s), 7);
  cr_expect_eq(s.n, 3);
  cr_expect_str_eq(s.id[2], "P2");
  lm_engine_close(e);
}

Test(browse, foreach_callback_may_read_the_engine)
{
  char path[256];
  lm_engine *e = NULL;
  seen s = {0};

  /* A file store has two connections, a memory store one: both. */
  lmt_tmpname(path, sizeof path, "browse");
  cr_assert_eq(lm_engine_open(&e, path, NULL), LM_OK, "%s", lm_errmsg(NULL));
  put_point(e, LM_JOB, "J1", 30.2, 115.0);
  put_point(e, LM_JOB, "J2", 30.21, 115.0);
  s.e = e;
  cr_expect_eq(lm_engine_foreach(e, LM_JOB, record_seen, &s), LM_OK);
  cr_expect_eq(s.n, 2);
  cr_expect_eq(s.reads_ok, 2);
  lm_engine_close(e);
  lmt_unlink_db(path);

  e = open_memory();
  memset(&s, 0, sizeof s);
  put_point(e, LM_JOB, "J1", 30.2, 115.0);
  s.e = e;
  cr_expect_eq(lm_engine_foreach(e, LM_JOB, record_seen, &s), LM_OK);
  cr_expect_eq(s.reads_ok, 1);
  lm_engine_close(e);
}

static int nested(void *ctx, const lm_record *r)
{
  seen inner = {0};
  (void)r;
  return lm_engine_foreach(ctx, LM_JOB, record_seen, &inner);
}

Test(browse, foreach_refuses_bad_arguments_and_nesting)
{
  lm_engine *e = open_memory();
  seen s = {0};

  cr_expect_eq(lm_engine_foreach(NULL, LM_JOB, record_seen, &s), LM_EINVAL);
  cr_expect_eq(lm_engine_foreach(e, LM_JOB, NULL, &s), LM_EINVAL);
  cr_expect_eq(lm_engine_foreach(e, (lm_kind)0, record_seen, &s), LM_EINVAL);
  cr_expect_eq(lm_engine_foreach(e, (lm_kind)99, record_seen, &s),
               LM_EINVAL);
  cr_expect_neq(lm_errmsg(e)[0], '\0');
  /* An empty store: no visit, and fine. */
  cr_expect_eq(lm_engine_foreach(e, LM_JOB, record_seen, &s), LM_OK);
  cr_expect_eq(s.n, 0);
  put_point(e, LM_JOB, "J1", 30.2, 115.0);
  cr_expect_eq(lm_engine_foreach(e, LM_JOB, nested, e), LM_EINVAL);
  /* The failed nesting left the store usable. */
  cr_expect_eq(lm_engine_foreach(e, LM_JOB, record_seen, &s), LM_OK);
  cr_expect_eq(s.n, 1);
  lm_engine_close(e);
}

/* ------------------------------------------------------------- commute */

/* doc/SCORING.md section 2, written out again here. */
static long double oracle_minutes(long double speed, long double lat1,
                                  long double lon1, long double lat2,
                                  long double lon2)
{
  const long double R = 6371.0088L, rad = 3.14159265358979323846264338L /
                                          180.0L;
  long double p1 = lat1 * rad, p2 = lat2 * rad;
  long double dp = (lat2 - lat1) * rad, dl = (lon2 - lon1) * rad;
  long double h = sinl(dp / 2) * sinl(dp / 2) +
                  cosl(p1) * cosl(p2) * sinl(dl / 2) * sinl(dl / 2);
  long double km = 2 * R * asinl(sqrtl(h));
  return km * 1.3L / speed * 60.0L;
}

static uint64_t rng = 88172645463325252ull;

static double uniform(double lo, double hi)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return lo + (hi - lo) * (double)(rng >> 11) / 9007199254740992.0;
}

static const struct {
  const char *mode;
  double speed;
} MODES[] = {{"walk", 5},   {"bike", 15}, {"ebike", 20}, {"e-bike", 20},
             {"bus", 20},   {"car", 35},  {"步行", 5},    {"电动车", 20},
             {"自行车", 15}, {NULL, 20}};

static void check_pairs(double lat0, double lat1, double lon0, double lon1,
                        int n, double tol)
{
  int i;
  size_t m;

  for (i = 0; i < n; i++) {
    double a = uniform(lat0, lat1), b = uniform(lon0, lon1);
    double c = uniform(lat0, lat1), d = uniform(lon0, lon1);
    for (m = 0; m < sizeof MODES / sizeof MODES[0]; m++) {
      double got = -1;
      long double want = oracle_minutes(MODES[m].speed, a, b, c, d);
      cr_assert_eq(lm_commute_minutes(MODES[m].mode, a, b, c, d, &got),
                   LM_OK, "%s", lm_errmsg(NULL));
      cr_assert(fabsl((long double)got - want) <= tol * want + 1e-12L,
                "%s (%.6f,%.6f)-(%.6f,%.6f): %.17g, formula %.17Lg",
                MODES[m].mode ? MODES[m].mode : "NULL", a, b, c, d, got,
                want);
    }
  }
}

Test(browse, commute_minutes_is_the_documented_formula_in_the_city)
{
  check_pairs(29.5, 30.4, 114.6, 115.6, 20000, 1e-13);
}

Test(browse, commute_minutes_is_the_documented_formula_anywhere)
{
  check_pairs(-89.9, 89.9, -180, 180, 20000, 1e-12);
}

Test(browse, commute_minutes_hand_worked_values)
{
  double got;

  /* One degree of latitude is R pi / 180 = 111.19508 km; by bike
   * 111.19508 x 1.3 / 15 x 60 = 578.2144 minutes. */
  cr_assert_eq(lm_commute_minutes("bike", 30.0, 115.0, 31.0, 115.0, &got),
               LM_OK);
  cr_expect(fabs(got - 578.21443) < 1e-4, "%.8f", got);
  cr_assert_eq(lm_commute_minutes("walk", 30.2, 115.0, 30.2, 115.0, &got),
               LM_OK);
  cr_expect_eq(got, 0.0);
  /* Symmetric. */
  double there, back;
  cr_assert_eq(lm_commute_minutes("bus", 30.21, 115.03, 30.17, 114.98,
                                  &there), LM_OK);
  cr_assert_eq(lm_commute_minutes("bus", 30.17, 114.98, 30.21, 115.03,
                                  &back), LM_OK);
  cr_expect_eq(there, back);
}

Test(browse, commute_minutes_refuses_bad_arguments)
{
  double got = 0;

  cr_expect_eq(lm_commute_minutes("teleport", 30, 115, 30.1, 115, &got),
               LM_EINVAL);
  cr_expect(isnan(got));
  cr_expect_neq(lm_errmsg(NULL)[0], '\0');
  cr_expect_eq(lm_commute_minutes("walk", 91, 115, 30.1, 115, &got),
               LM_EINVAL);
  cr_expect_eq(lm_commute_minutes("walk", 30, 181, 30.1, 115, &got),
               LM_EINVAL);
  cr_expect_eq(lm_commute_minutes("walk", 30, 115, NAN, 115, &got),
               LM_EINVAL);
  cr_expect(isnan(got));
  cr_expect_eq(lm_commute_minutes("walk", 30, 115, 30.1, 115, NULL),
               LM_EINVAL);
}

/* The ranking keeps a job for a seeker who accepts 15 minutes by bike
 * exactly when lm_commute_minutes says 15 or less: what a browsing
 * program shows agrees with what the ranking does.  No other filter
 * applies (the records say nothing else). */
Test(browse, ranking_keeps_the_jobs_within_the_commute_minutes)
{
  lm_engine *e = open_memory();
  lm_record *r = NULL;
  lm_results *res = NULL;
  lm_query q = LM_QUERY_INIT;
  const double slat = 30.2, slon = 115.03;
  int i, within = 0, kept = 0;
  char id[16];

  cr_assert_eq(lm_record_new(&r, LM_SEEKER, "S1"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_LAT, "30.2"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_LON, "115.03"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_MOBILITY_MINUTES, "15"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_MOBILITY_MODE, "bike"), LM_OK);
  cr_assert_eq(lm_engine_put(e, r), LM_OK, "%s", lm_errmsg(e));
  lm_record_free(r);
  for (i = 0; i < 200; i++) {
    double lat = slat + uniform(-0.05, 0.05), lon = slon + uniform(-0.05, 0.05);
    double m;
    cr_assert_eq(lm_commute_minutes("bike", slat, slon, lat, lon, &m), LM_OK);
    if (fabs(m - 15.0) < 1e-3) /* too near the edge for float features */
      continue;
    snprintf(id, sizeof id, "J%03d", i);
    put_point(e, LM_JOB, id, lat, lon);
    within += m <= 15.0;
  }
  cr_assert(within > 20 && within < 180, "%d", within);
  q.k = 1000;
  q.today = "2026-11-25";
  cr_assert_eq(lm_rank_jobs(e, "S1", &q, &res), LM_OK, "%s", lm_errmsg(e));
  for (i = 0; (size_t)i < lm_results_count(res); i++) {
    lm_record *job = NULL;
    double lat, lon, m;
    cr_assert_eq(lm_engine_get(e, LM_JOB, lm_results_id(res, (size_t)i),
                               &job), LM_OK);
    lm_record_number(job, LM_F_LAT, &lat);
    lm_record_number(job, LM_F_LON, &lon);
    lm_record_free(job);
    cr_assert_eq(lm_commute_minutes("bike", slat, slon, lat, lon, &m), LM_OK);
    cr_expect_leq(m, 15.0, "%s", lm_results_id(res, (size_t)i));
    kept++;
  }
  cr_expect_eq(kept, within);
  lm_results_free(res);
  lm_engine_close(e);
}

/* ---------------------------------------------------------------- fold */

Test(browse, text_fold_gives_one_key_to_both_scripts_and_widths)
{
  char *a = NULL, *b = NULL, *c = NULL;

  cr_assert_eq(lm_text_fold(&a, "智能製造"), LM_OK);
  cr_assert_eq(lm_text_fold(&b, "智能制造"), LM_OK);
  cr_expect_str_eq(a, b);
  cr_expect_str_eq(b, "智能制造");
  /* Full-width letters, upper case, runs of white space. */
  cr_assert_eq(lm_text_fold(&c, "  ＣＡＤ　 製圖 "), LM_OK);
  cr_expect_str_eq(c, "cad 制图");
  lm_free(a);
  lm_free(b);
  lm_free(c);
  a = (char *)1;
  cr_expect_eq(lm_text_fold(&a, NULL), LM_EINVAL);
  cr_expect_null(a);
  cr_expect_eq(lm_text_fold(NULL, "x"), LM_EINVAL);
  cr_expect_eq(lm_text_fold(&a, "\xff\xfe"), LM_EINVAL);
  cr_expect_null(a);
}
