/*
 * test_rank.c: the index and rank layers through the public API: exact
 * top-k both ways, the filters, the explanations, writes becoming
 * visible, refresh, ad-hoc profiles, gap advice and threads.
 *
 * Oracles: every ranking is compared with a brute-force scan over all
 * records that asks lm_explain for each pair (it gives the filters that
 * exclude the pair and its score) and sorts by score, then id; the bound
 * the search prunes with is checked on random pairs against lm__score
 * itself; explanations must add up to the score bit for bit.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
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

static int chance(int percent)
{
  return (int)rnd(100) < percent;
}

#define PICK(a) ((a)[rnd(sizeof(a) / sizeof((a)[0]))])

/* Skills in both scripts (the index must meet them as one), dictionary
 * terms and terms it does not know. */
static const char *const SKILLS[] = {
    "数控车床", "數控車床", "CAD制图", "CAD製圖", "电焊", "電焊", "叉车",
    "收银", "Excel", "PLC编程", "养老护理", "月嫂", "钢筋绑扎", "砌墙",
    "普通话", "剪羊毛", "吹玻璃"};
static const char *const CERTS[] = {"车工四级", "車工四級", "焊工四级",
                                    "叉车证", "健康证", "电工证"};
static const char *const OCCS[] = {
    "6-18-01-01", "6-18-01-02", "6-18-02-01", "6-18-02", "6-31-01-01",
    "6-31", "4-02-06-01", "4-02-06-02", "2-02-07-01", "6", "6-18-01"};
static const char *const PREF_OCCS[] = {"6", "6-18", "6-18-01", "4-02",
                                        "6-31-01-01", "2-02-07", "4"};
static const char *const INDUSTRIES[] = {"智能制造", "智能製造", "物流",
                                         "餐饮", "建筑"};
static const char *const DISTRICTS[] = {"420202", "420203", "420204",
                                        "420205", "420222", "420281"};
static const char *const SHIFTS[] = {"day", "night", "rotating", "flexible",
                                     "part-time"};
static const char *const EDUS[] = {"primary", "junior-middle", "senior-high",
                                   "secondary-vocational", "associate",
                                   "bachelor", "master"};
static const char *const GROUPS[] = {"graduate", "returning-migrant",
                                     "retired-fisher", "older-worker",
                                     "veteran", "disabled"};
static const char *const MODES[] = {"walk", "bike", "ebike", "bus", "car"};
static const int MINUTES[] = {5, 10, 15, 20, 30, 45, 60};

/* A date near TODAY, offset in days. */
static void set_date(lm_record *r, lm_field f, int offset)
{
  int32_t today, d;
  char buf[11];
  cr_assert_eq(lm__norm_date(TODAY, &today), LM_OK);
  d = today + offset;
  lm__date_format(d, buf);
  lmt_set(r, f, buf);
}

static void set_place(lm_record *r, int spread)
{
  lmt_setf(r, LM_F_LAT, "%.4f", 30.15 + rnd((uint32_t)spread) / 10000.0);
  lmt_setf(r, LM_F_LON, "%.4f", 114.95 + rnd((uint32_t)spread) / 10000.0);
}

static lm_record *random_job(int i, int spread)
{
  lm_record *r = NULL;
  char id[16];
  int n, k;

  snprintf(id, sizeof id, "J%04d", i);
  cr_assert_eq(lm_record_new(&r, LM_JOB, id), LM_OK);
  lmt_setf(r, LM_F_NAME, "岗位%d", i);
  if (chance(92))
    lmt_set(r, LM_F_OCCUPATION, PICK(OCCS));
  if (chance(80))
    lmt_set(r, LM_F_INDUSTRY, PICK(INDUSTRIES));
  if (chance(88))
    set_place(r, spread);
  if (chance(80))
    lmt_set(r, LM_F_DISTRICT, PICK(DISTRICTS));
  if (chance(70)) {
    int lo = 3000 + (int)rnd(50) * 100;
    lmt_setf(r, LM_F_SALARY_MIN, "%d", lo);
    lmt_setf(r, LM_F_SALARY_MAX, "%d", lo + (int)rnd(40) * 100);
  } else if (chance(30)) {
    lmt_set(r, LM_F_SALARY, "面议");
  }
  if (chance(70))
    lmt_set(r, LM_F_SHIFT, PICK(SHIFTS));
  if (chance(20)) {
    int from = (int)rnd(60) - 20;
    set_date(r, LM_F_WINDOW_FROM, from);
    set_date(r, LM_F_WINDOW_TO, from + 10 + (int)rnd(60));
  }
  if (chance(50))
    lmt_set(r, LM_F_EDUCATION, PICK(EDUS));
  if (chance(40)) {
    lmt_setf(r, LM_F_AGE_MIN, "%d", 18 + (int)rnd(8));
    lmt_setf(r, LM_F_AGE_MAX, "%d", 35 + (int)rnd(25));
  }
  if (chance(35))
    lmt_setf(r, LM_F_EXPERIENCE_YEARS, "%d", 1 + (int)rnd(5));
  n = (int)rnd(4);
  for (k = 0; k < n; k++)
    lm_record_add_skill(r, PICK(SKILLS), LM_SKILL_REQUIRED, -1);
  n = (int)rnd(3);
  for (k = 0; k < n; k++)
    lm_record_add_skill(r, PICK(SKILLS), LM_SKILL_PREFERRED, -1);
  if (chance(20)) {
    lmt_set(r, LM_F_CERTIFICATE, PICK(CERTS));
    if (chance(30))
      lmt_set(r, LM_F_CERTIFICATE, PICK(CERTS));
  }
  if (chance(15))
    lmt_set(r, LM_F_PRIORITY_GROUP, PICK(GROUPS));
  if (chance(90)) {
    int posted = -(int)rnd(90) + (chance(4) ? 10 : 0);
    set_date(r, LM_F_POSTED, posted);
    if (chance(80))
      set_date(r, LM_F_EXPIRES, posted + 20 + (int)rnd(100));
  }
  return r;
}

static lm_record *random_seeker(int i, int spread)
{
  lm_record *r = NULL;
  char id[16];
  int n, k;

  snprintf(id, sizeof id, "S%05d", i);
  cr_assert_eq(lm_record_new(&r, LM_SEEKER, id), LM_OK);
  if (chance(30))
    lmt_set(r, LM_F_GROUP, PICK(GROUPS));
  if (chance(85))
    lmt_setf(r, LM_F_BIRTH_YEAR, "%d", 1962 + (int)rnd(45));
  if (chance(85))
    lmt_set(r, LM_F_EDUCATION, PICK(EDUS));
  if (chance(90))
    set_place(r, spread);
  if (chance(70))
    lmt_set(r, LM_F_DISTRICT, PICK(DISTRICTS));
  if (chance(80))
    lmt_setf(r, LM_F_MOBILITY_MINUTES, "%d", PICK(MINUTES));
  if (chance(80))
    lmt_set(r, LM_F_MOBILITY_MODE, PICK(MODES));
  if (chance(70))
    lmt_setf(r, LM_F_SALARY_MIN, "%d", 2500 + (int)rnd(60) * 100);
  if (chance(60))
    lmt_setf(r, LM_F_EXPERIENCE_YEARS, "%d", (int)rnd(8));
  if (chance(60))
    lmt_set(r, LM_F_EXPERIENCE_OCCUPATION, PICK(OCCS));
  n = (int)rnd(6);
  for (k = 0; k < n; k++)
    lm_record_add_skill(r, PICK(SKILLS), LM_SKILL_HELD, (int)rnd(5));
  if (chance(35)) {
    lmt_set(r, LM_F_CERTIFICATE, PICK(CERTS));
    if (chance(40))
      lmt_set(r, LM_F_CERTIFICATE, PICK(CERTS));
  }
  if (chance(45))
    lmt_set(r, LM_F_PREF_OCCUPATION, PICK(PREF_OCCS));
  if (chance(15))
    lmt_set(r, LM_F_PREF_OCCUPATION, PICK(PREF_OCCS));
  if (chance(30))
    lmt_set(r, LM_F_PREF_INDUSTRY, PICK(INDUSTRIES));
  if (chance(30))
    lmt_set(r, LM_F_PREF_SHIFT, PICK(SHIFTS));
  if (chance(20)) {
    int from = (int)rnd(60) - 20;
    set_date(r, LM_F_WINDOW_FROM, from);
    if (chance(60))
      set_date(r, LM_F_WINDOW_TO, from + 5 + (int)rnd(80));
  }
  return r;
}

static lm_engine *open_memory(void)
{
  lm_engine *e = NULL;
  cr_assert_eq(lm_engine_open(&e, ":memory:", NULL), LM_OK, "%s",
               lm_errmsg(NULL));
  return e;
}

/* Fills e with nj jobs and ns seekers, living in squares of the given
 * sides (1e-4 degrees). */
static void fill(lm_engine *e, uint64_t s, int nj, int ns, int jspread,
                 int sspread)
{
  int i;

  seed(s);
  for (i = 0; i < nj; i++)
    lmt_put(e, random_job(i, jspread));
  for (i = 0; i < ns; i++)
    lmt_put(e, random_seeker(i, sspread));
}

static lm_engine *random_store(uint64_t s, int nj, int ns, int spread)
{
  lm_engine *e = open_memory();
  fill(e, s, nj, ns, spread, spread);
  return e;
}

static lm_query query(unsigned k)
{
  lm_query q = LM_QUERY_INIT;
  q.k = k;
  q.today = TODAY;
  return q;
}

/* ---------------------------------------------------------- brute force */

typedef struct hit {
  char id[16];
  double score;
  int member; /* ranks first: a member of the group the post favours */
} hit;

static int cmp_hit(const void *a, const void *b)
{
  const hit *x = a, *y = b;
  if (x->member != y->member)
    return x->member ? -1 : 1;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return strcmp(x->id, y->id);
}

/* Every pair asked of lm_explain: the ones no filter excludes, best
 * first.  `jobs` 1: the seeker is fixed and the jobs vary.  A post's
 * seekers rank the members of the groups it favours first (SCORING.md):
 * a pair with a priority contribution is such a member. */
static size_t brute(lm_engine *e, const char *fixed, int jobs, int n,
                    const lm_query *q, hit *out)
{
  size_t m = 0;
  int i;

  for (i = 0; i < n; i++) {
    char other[16];
    lm_results *r = NULL;
    int rc;
    snprintf(other, sizeof other, jobs ? "J%04d" : "S%05d", i);
    rc = jobs ? lm_explain(e, fixed, other, q, &r)
              : lm_explain(e, other, fixed, q, &r);
    if (rc == LM_ENOTFOUND)
      continue;
    cr_assert_eq(rc, LM_OK, "%s", lm_errmsg(e));
    cr_assert_eq(lm_results_count(r), 1);
    if (lm_results_filters(r, 0) == 0) {
      snprintf(out[m].id, sizeof out[m].id, "%s", other);
      out[m].score = lm_results_score(r, 0);
      out[m].member = !jobs && lm_results_component(r, 0, LM_C_PRIORITY) > 0;
      m++;
    }
    lm_results_free(r);
  }
  qsort(out, m, sizeof *out, cmp_hit);
  return m;
}

static void expect_same(const lm_results *r, const hit *want, size_t nwant,
                        unsigned k, const char *what)
{
  size_t n = nwant < k ? nwant : k, i;

  cr_assert_eq(lm_results_count(r), n, "%s: %zu results, brute force %zu",
               what, lm_results_count(r), n);
  for (i = 0; i < n; i++) {
    cr_assert_str_eq(lm_results_id(r, i), want[i].id, "%s: rank %zu", what,
                     i);
    cr_assert_eq(lm_results_score(r, i), want[i].score, "%s: rank %zu",
                 what, i);
  }
}

static void check_jobs(lm_engine *e, int nj, const char *seeker,
                       const lm_query *q)
{
  hit *want = malloc((size_t)nj * sizeof *want);
  lm_results *r = NULL;
  size_t n;

  n = brute(e, seeker, 1, nj, q, want);
  cr_assert_eq(lm_rank_jobs(e, seeker, q, &r), LM_OK, "%s", lm_errmsg(e));
  expect_same(r, want, n, q->k ? q->k : 10, seeker);
  lm_results_free(r);
  free(want);
}

static void check_seekers(lm_engine *e, int ns, const char *job,
                          const lm_query *q)
{
  hit *want = malloc((size_t)ns * sizeof *want);
  lm_results *r = NULL;
  size_t n;

  n = brute(e, job, 0, ns, q, want);
  cr_assert_eq(lm_rank_seekers(e, job, q, &r), LM_OK, "%s", lm_errmsg(e));
  expect_same(r, want, n, q->k ? q->k : 10, job);
  lm_results_free(r);
  free(want);
}

/* ------------------------------------------------------- exact rankings */

Test(rank, jobs_for_seeker_equal_brute_force)
{
  static const unsigned ks[] = {1, 3, 10, 40};
  int store, i;

  for (store = 0; store < 3; store++) {
    lm_engine *e = random_store(100 + store, 160, 120, 1500 + store * 1500);
    for (i = 0; i < 120; i += 3) {
      char id[16];
      lm_query q = query(ks[(i / 3) % 4]);
      snprintf(id, sizeof id, "S%05d", i);
      check_jobs(e, 160, id, &q);
    }
    lm_engine_close(e);
  }
}

Test(rank, seekers_for_job_equal_brute_force)
{
  static const unsigned ks[] = {1, 5, 10, 60};
  int store, i;

  for (store = 0; store < 3; store++) {
    lm_engine *e = random_store(200 + store, 80, 260, 1500 + store * 1500);
    for (i = 0; i < 80; i += 2) {
      char id[16];
      lm_query q = query(ks[(i / 2) % 4]);
      snprintf(id, sizeof id, "J%04d", i);
      check_seekers(e, 260, id, &q);
    }
    lm_engine_close(e);
  }
}

Test(rank, overrides_weights_and_relaxed_filters_stay_exact)
{
  lm_engine *e = random_store(300, 150, 150, 2500);
  int i;

  for (i = 0; i < 40; i++) {
    char sid[16], jid[16];
    lm_query q = query(1 + rnd(15));
    int c;
    if (chance(50))
      q.commute_minutes = 5 + (int)rnd(50);
    if (chance(40))
      q.commute_mode = PICK(MODES);
    q.relax = rnd(0x80);
    for (c = 0; c < LM_C_COUNT_; c++)
      if (chance(30))
        q.weights[c] = chance(20) ? 0.0 : rnd(60);
    snprintf(sid, sizeof sid, "S%05d", (int)rnd(150));
    snprintf(jid, sizeof jid, "J%04d", (int)rnd(150));
    check_jobs(e, 150, sid, &q);
    check_seekers(e, 150, jid, &q);
  }
  lm_engine_close(e);
}

/* Weights that put many scores on the pruning bound itself: with only
 * occupation (and priority) weighed, a job sharing one level with the
 * seeker scores exactly what an unshared job at best can, so a search
 * that stopped at a tie, or bounded the occupation too low, would drop
 * jobs with smaller ids; with skills weighed most, a job naming no skill
 * scores above an unshared one. */
Test(rank, pruning_is_exact_when_scores_sit_on_the_bound)
{
  static const unsigned ks[] = {3, 10, 25, 70};
  lm_engine *e = random_store(350, 150, 150, 3000);
  int i, c, w;

  for (w = 0; w < 5; w++)
    for (i = 0; i < 150; i++) {
      char sid[16], jid[16];
      lm_query q = query(ks[i % 4]);
      for (c = 0; c < LM_C_COUNT_; c++)
        q.weights[c] = 0.0;
      q.weights[w < 3 ? LM_C_OCCUPATION : LM_C_SKILLS] = 100.0;
      if (w == 1 || w == 2)
        q.weights[LM_C_PRIORITY] = 25.0;
      if (w == 2)
        q.weights[LM_C_WINDOW] = 10.0;
      if (w == 4)
        q.weights[LM_C_OCCUPATION] = 40.0;
      /* Without the filters every record is a candidate: the heap fills
       * and the pruning has work to do. */
      if ((i / 4) % 4 != 3)
        q.relax = 0x7fu;
      snprintf(sid, sizeof sid, "S%05d", i);
      snprintf(jid, sizeof jid, "J%04d", i);
      check_jobs(e, 150, sid, &q);
      check_seekers(e, 150, jid, &q);
    }
  lm_engine_close(e);
}

Test(rank, ties_are_broken_by_id)
{
  lm_engine *e = open_memory();
  lm_record *s = NULL;
  lm_results *r = NULL;
  lm_query q = query(4);
  static const char *const ids[] = {"Jb", "Ja", "Jd", "Jc", "Je"};
  size_t i;

  for (i = 0; i < 5; i++) {
    lm_record *j = NULL;
    cr_assert_eq(lm_record_new(&j, LM_JOB, ids[i]), LM_OK);
    lmt_set(j, LM_F_NAME, "同一岗位");
    lmt_set(j, LM_F_LAT, "30.2");
    lmt_set(j, LM_F_LON, "115.0");
    lmt_put(e, j);
  }
  cr_assert_eq(lm_record_new(&s, LM_SEEKER, "S1"), LM_OK);
  lmt_set(s, LM_F_LAT, "30.2");
  lmt_set(s, LM_F_LON, "115.0");
  lmt_put(e, s);
  cr_assert_eq(lm_rank_jobs(e, "S1", &q, &r), LM_OK);
  cr_assert_eq(lm_results_count(r), 4);
  cr_expect_str_eq(lm_results_id(r, 0), "Ja");
  cr_expect_str_eq(lm_results_id(r, 1), "Jb");
  cr_expect_str_eq(lm_results_id(r, 2), "Jc");
  cr_expect_str_eq(lm_results_id(r, 3), "Jd");
  cr_expect_eq(lm_results_score(r, 0), lm_results_score(r, 3));
  lm_results_free(r);
  lm_engine_close(e);
}

Test(rank, explanations_sum_to_the_score)
{
  lm_engine *e = random_store(400, 120, 60, 2000);
  int i;

  for (i = 0; i < 60; i++) {
    char id[16];
    lm_query q = query(10);
    lm_results *r = NULL;
    size_t k;
    snprintf(id, sizeof id, "S%05d", i);
    cr_assert_eq(lm_rank_jobs(e, id, &q, &r), LM_OK);
    for (k = 0; k < lm_results_count(r); k++) {
      double sum = lm_results_component(r, k, (lm_component)0);
      int c;
      for (c = 1; c < LM_C_COUNT_; c++)
        sum += lm_results_component(r, k, (lm_component)c);
      cr_expect_eq(sum, lm_results_score(r, k), "%s %s", id,
                   lm_results_id(r, k));
      cr_expect_neq(lm_results_text(r, k)[0], '\0');
      cr_expect_neq(lm_results_reason(r, k, LM_C_COMMUTE)[0], '\0');
      cr_expect_eq(lm_results_filters(r, k), 0u);
    }
    cr_expect_null(lm_results_id(r, lm_results_count(r)));
    lm_results_free(r);
  }
  lm_engine_close(e);
}

Test(rank, a_pair_scores_the_same_both_ways)
{
  lm_engine *e = random_store(500, 60, 200, 2000);
  int i;

  for (i = 0; i < 60; i++) {
    char jid[16];
    lm_query q = query(20);
    lm_results *r = NULL;
    size_t k;
    snprintf(jid, sizeof jid, "J%04d", i);
    cr_assert_eq(lm_rank_seekers(e, jid, &q, &r), LM_OK);
    for (k = 0; k < lm_results_count(r); k++) {
      lm_results *back = NULL, *x = NULL;
      size_t m, found = 0;
      lm_query q2 = query(1000);
      cr_assert_eq(lm_rank_jobs(e, lm_results_id(r, k), &q2, &back), LM_OK);
      for (m = 0; m < lm_results_count(back); m++)
        if (strcmp(lm_results_id(back, m), jid) == 0) {
          cr_expect_eq(lm_results_score(back, m), lm_results_score(r, k));
          found = 1;
        }
      cr_expect(found, "%s not among %s's jobs", jid, lm_results_id(r, k));
      cr_assert_eq(lm_explain(e, lm_results_id(r, k), jid, &q, &x), LM_OK);
      cr_expect_eq(lm_results_score(x, 0), lm_results_score(r, k));
      lm_results_free(x);
      lm_results_free(back);
    }
    lm_results_free(r);
  }
  lm_engine_close(e);
}

/* -------------------------------------------------------------- filters */

/* A seeker and a job that suit each other, side by side in Xialu. */
static lm_record *plain_job(const char *id)
{
  lm_record *j = NULL;
  cr_assert_eq(lm_record_new(&j, LM_JOB, id), LM_OK);
  lmt_set(j, LM_F_NAME, "数控车工");
  lmt_set(j, LM_F_OCCUPATION, "6-18-01-01");
  lmt_set(j, LM_F_INDUSTRY, "智能制造");
  lmt_set(j, LM_F_LAT, "30.2012");
  lmt_set(j, LM_F_LON, "115.0383");
  lmt_set(j, LM_F_DISTRICT, "420204");
  lmt_set(j, LM_F_SALARY_MIN, "5000");
  lmt_set(j, LM_F_SALARY_MAX, "8000");
  lmt_set(j, LM_F_SHIFT, "day");
  lmt_set(j, LM_F_POSTED, "2026-11-01");
  lmt_set(j, LM_F_EXPIRES, "2026-12-31");
  cr_assert_eq(lm_record_add_skill(j, "数控车床", LM_SKILL_REQUIRED, -1),
               LM_OK);
  return j;
}

static lm_record *plain_seeker(const char *id)
{
  lm_record *s = NULL;
  cr_assert_eq(lm_record_new(&s, LM_SEEKER, id), LM_OK);
  lmt_set(s, LM_F_BIRTH_YEAR, "1995");
  lmt_set(s, LM_F_EDUCATION, "bachelor");
  lmt_set(s, LM_F_LAT, "30.2050");
  lmt_set(s, LM_F_LON, "115.0400");
  lmt_set(s, LM_F_DISTRICT, "420204");
  lmt_set(s, LM_F_MOBILITY_MINUTES, "15");
  lmt_set(s, LM_F_MOBILITY_MODE, "bike");
  lmt_set(s, LM_F_SALARY_MIN, "4500");
  lmt_set(s, LM_F_EXPERIENCE_OCCUPATION, "6-18-01-01");
  cr_assert_eq(lm_record_add_skill(s, "數控車床", LM_SKILL_HELD, 2), LM_OK);
  return s;
}

static int ranks(lm_engine *e, const char *seeker, const char *job,
                 const lm_query *q)
{
  lm_results *r = NULL;
  size_t i;
  int found = 0;

  cr_assert_eq(lm_rank_jobs(e, seeker, q, &r), LM_OK, "%s", lm_errmsg(e));
  for (i = 0; i < lm_results_count(r); i++)
    found |= strcmp(lm_results_id(r, i), job) == 0;
  lm_results_free(r);
  return found;
}

static int ranks_seeker(lm_engine *e, const char *job, const char *seeker,
                        const lm_query *q)
{
  lm_results *r = NULL;
  size_t i;
  int found = 0;

  cr_assert_eq(lm_rank_seekers(e, job, q, &r), LM_OK, "%s", lm_errmsg(e));
  for (i = 0; i < lm_results_count(r); i++)
    found |= strcmp(lm_results_id(r, i), seeker) == 0;
  lm_results_free(r);
  return found;
}

/* The job breaks exactly one filter: the pair is out both ways, lm_explain
 * names the filter with a reason, and relaxing it brings the pair back. */
static void excludes(lm_record *j, lm_record *s, unsigned int filter)
{
  lm_engine *e = open_memory();
  lm_query q = query(10);
  lm_results *x = NULL;

  lmt_put(e, j);
  lmt_put(e, s);
  cr_expect_not(ranks(e, "S1", "J1", &q), "filter 0x%x", filter);
  cr_expect_not(ranks_seeker(e, "J1", "S1", &q), "filter 0x%x", filter);
  cr_assert_eq(lm_explain(e, "S1", "J1", &q, &x), LM_OK);
  cr_expect_eq(lm_results_filters(x, 0), filter);
  cr_expect_neq(lm_results_filter_reason(x, 0)[0], '\0');
  lm_results_free(x);
  q.relax = filter;
  cr_expect(ranks(e, "S1", "J1", &q), "relaxed 0x%x", filter);
  cr_expect(ranks_seeker(e, "J1", "S1", &q), "relaxed 0x%x", filter);
  lm_engine_close(e);
}

/* A post for retired fishermen: two seekers share nothing with it but the
 * group and one occupation level, and tie with three who share two
 * levels; their smaller ids must win the tie. */
Test(rank, unshared_seekers_of_the_favoured_group_are_not_pruned)
{
  lm_engine *e = open_memory();
  static const char *const ids[] = {"S5", "S6", "S7", "S1", "S2"};
  lm_query q = query(3);
  lm_results *r = NULL;
  lm_record *j = plain_job("J1");
  int i, c;

  lmt_set(j, LM_F_OCCUPATION, "6-31-01-01");
  lmt_set(j, LM_F_PRIORITY_GROUP, "retired-fisher");
  lmt_put(e, j);
  for (i = 0; i < 5; i++) {
    lm_record *s = NULL;
    cr_assert_eq(lm_record_new(&s, LM_SEEKER, ids[i]), LM_OK);
    lmt_set(s, LM_F_LAT, "30.2050");
    lmt_set(s, LM_F_LON, "115.0400");
    lmt_set(s, LM_F_EXPERIENCE_OCCUPATION, i < 3 ? "6-31-02-01" : "6-18-01-01");
    if (i >= 3)
      lmt_set(s, LM_F_GROUP, "retired-fisher");
    lmt_put(e, s);
  }
  for (c = 0; c < LM_C_COUNT_; c++)
    q.weights[c] = 0.0;
  q.weights[LM_C_OCCUPATION] = 100.0;
  q.weights[LM_C_PRIORITY] = 25.0;
  cr_assert_eq(lm_rank_seekers(e, "J1", &q, &r), LM_OK);
  cr_assert_eq(lm_results_count(r), 3);
  cr_expect_str_eq(lm_results_id(r, 0), "S1");
  cr_expect_str_eq(lm_results_id(r, 1), "S2");
  cr_expect_str_eq(lm_results_id(r, 2), "S5");
  cr_expect_eq(lm_results_score(r, 0), 50.0);
  cr_expect_eq(lm_results_score(r, 2), 50.0);
  lm_results_free(r);
  lm_engine_close(e);
}

/* A post reserved for retired fishermen lists them first, even the one
 * who fits least; a member whom a hard filter excludes stays out; with
 * the priority weight at 0 the list is in plain score order. */
Test(rank, a_post_for_a_group_ranks_its_members_first)
{
  lm_engine *e = open_memory();
  lm_query q = query(4);
  lm_results *r = NULL;
  lm_record *j = plain_job("J1");
  static const char *const ids[] = {"S1", "S2", "S3", "S4"};
  int i;

  lmt_set(j, LM_F_PRIORITY_GROUP, "retired-fisher");
  lmt_put(e, j);
  for (i = 0; i < 4; i++) {
    lm_record *s = plain_seeker(ids[i]);
    if (i >= 2) { /* members: S3 lacks the skill, S4 is too far */
      lmt_set(s, LM_F_GROUP, "retired-fisher");
      if (i == 2)
        cr_assert_eq(lm_record_set(s, LM_F_EXPERIENCE_OCCUPATION,
                                   "1-01-01-01"), LM_OK);
    }
    if (i == 3) {
      lmt_set(s, LM_F_LAT, "30.4000");
      lmt_set(s, LM_F_MOBILITY_MINUTES, "5");
    }
    lmt_put(e, s);
  }
  cr_assert_eq(lm_rank_seekers(e, "J1", &q, &r), LM_OK, "%s", lm_errmsg(e));
  cr_assert_eq(lm_results_count(r), 3);
  cr_expect_str_eq(lm_results_id(r, 0), "S3");
  cr_expect_str_eq(lm_results_id(r, 1), "S1");
  cr_expect_str_eq(lm_results_id(r, 2), "S2");
  cr_expect_lt(lm_results_score(r, 0), lm_results_score(r, 1),
               "the member fits less, yet ranks first");
  lm_results_free(r);
  q.weights[LM_C_PRIORITY] = 0.0;
  cr_assert_eq(lm_rank_seekers(e, "J1", &q, &r), LM_OK);
  cr_assert_eq(lm_results_count(r), 3);
  cr_expect_str_eq(lm_results_id(r, 0), "S1");
  cr_expect_str_eq(lm_results_id(r, 2), "S3");
  lm_results_free(r);
  lm_engine_close(e);
}

Test(rank, a_suitable_pair_ranks_both_ways)
{
  lm_engine *e = open_memory();
  lm_query q = query(10);
  lm_results *x = NULL;

  lmt_put(e, plain_job("J1"));
  lmt_put(e, plain_seeker("S1"));
  cr_expect(ranks(e, "S1", "J1", &q));
  cr_expect(ranks_seeker(e, "J1", "S1", &q));
  cr_assert_eq(lm_explain(e, "S1", "J1", &q, &x), LM_OK);
  cr_expect_eq(lm_results_filters(x, 0), 0u);
  cr_expect_str_eq(lm_results_filter_reason(x, 0), "");
  cr_expect(strstr(lm_results_reason(x, 0, LM_C_SKILLS), "数控车床") != NULL,
            "%s", lm_results_reason(x, 0, LM_C_SKILLS));
  lm_results_free(x);
  lm_engine_close(e);
}

Test(rank, expired_job_is_excluded)
{
  lm_record *j = plain_job("J1");
  lmt_set(j, LM_F_POSTED, "2026-09-01");
  lmt_set(j, LM_F_EXPIRES, "2026-10-31");
  excludes(j, plain_seeker("S1"), LM_FILTER_CLOSED);
}

Test(rank, age_outside_range_is_excluded)
{
  lm_record *j = plain_job("J1");
  lmt_set(j, LM_F_AGE, "18至25周岁");
  excludes(j, plain_seeker("S1"), LM_FILTER_AGE);
}

Test(rank, education_below_minimum_is_excluded)
{
  lm_record *s = plain_seeker("S1");
  lm_record *j = plain_job("J1");
  lmt_set(s, LM_F_EDUCATION, "初中");
  lmt_set(j, LM_F_EDUCATION, "中专");
  excludes(j, s, LM_FILTER_EDUCATION);
}

Test(rank, missing_certificate_is_excluded)
{
  lm_record *j = plain_job("J1");
  lmt_set(j, LM_F_CERTIFICATE, "车工四级");
  excludes(j, plain_seeker("S1"), LM_FILTER_CERTIFICATE);
}

Test(rank, certificate_in_other_script_counts)
{
  lm_engine *e = open_memory();
  lm_record *j = plain_job("J1"), *s = plain_seeker("S1");
  lm_query q = query(10);

  lmt_set(j, LM_F_CERTIFICATE, "车工四级");
  lmt_set(s, LM_F_CERTIFICATE, "車工四級");
  lmt_put(e, j);
  lmt_put(e, s);
  cr_expect(ranks(e, "S1", "J1", &q));
  lm_engine_close(e);
}

Test(rank, commute_beyond_reach_is_excluded)
{
  lm_record *j = plain_job("J1");
  lmt_set(j, LM_F_LAT, "30.2900"); /* about 9.5 km north: 50 min by bike */
  excludes(j, plain_seeker("S1"), LM_FILTER_COMMUTE);
}

Test(rank, commute_override_widens_and_narrows)
{
  lm_engine *e = open_memory();
  lm_record *j = plain_job("J1");
  lm_query q = query(10);

  lmt_set(j, LM_F_LAT, "30.2900");
  lmt_put(e, j);
  lmt_put(e, plain_seeker("S1"));
  cr_expect_not(ranks(e, "S1", "J1", &q));
  q.commute_mode = "car";
  q.commute_minutes = 30;
  cr_expect(ranks(e, "S1", "J1", &q));
  cr_expect(ranks_seeker(e, "J1", "S1", &q));
  q.commute_minutes = 5;
  cr_expect_not(ranks(e, "S1", "J1", &q));
  cr_expect_not(ranks_seeker(e, "J1", "S1", &q));
  lm_engine_close(e);
}

Test(rank, pay_below_minimum_is_excluded)
{
  lm_record *s = plain_seeker("S1");
  lmt_set(s, LM_F_SALARY_MIN, "9000");
  excludes(plain_job("J1"), s, LM_FILTER_SALARY);
}

Test(rank, windows_apart_are_excluded)
{
  lm_record *s = plain_seeker("S1"), *j = plain_job("J1");
  lmt_set(j, LM_F_WINDOW_FROM, "2026-12-01");
  lmt_set(j, LM_F_WINDOW_TO, "2026-12-31");
  lmt_set(s, LM_F_WINDOW_FROM, "2027-03-01");
  excludes(j, s, LM_FILTER_WINDOW);
}

/* Every query filter keeps exactly the jobs the brute force keeps, and
 * every job kept has the value asked for. */
Test(rank, query_filters_exclude_what_they_should)
{
  lm_engine *e = random_store(600, 200, 40, 2000);
  int i, f;

  for (f = 0; f < 7; f++)
    for (i = 0; i < 40; i += 4) {
      char id[16];
      lm_query q = query(200);
      snprintf(id, sizeof id, "S%05d", i);
      switch (f) {
      case 0:
        q.district = PICK(DISTRICTS);
        break;
      case 1:
        q.industry = "智能製造"; /* either script */
        break;
      case 2:
        q.occupation_prefix = chance(50) ? "6-18" : "6-18-01";
        break;
      case 3:
        q.shift = "夜班";
        break;
      case 4:
        q.salary_floor = 6000;
        break;
      case 5:
        q.reserved_group = chance(50) ? "*" : "retired-fisher";
        break;
      default:
        q.window_from = "2026-12-20";
        q.window_to = "2027-01-10";
        break;
      }
      check_jobs(e, 200, id, &q);
    }
  lm_engine_close(e);
}

Test(rank, query_filter_values_are_checked)
{
  lm_engine *e = open_memory();
  lm_record *j = plain_job("J1"), *other = plain_job("J2");
  lm_query q = query(10);
  lm_results *r = NULL;

  lmt_set(other, LM_F_DISTRICT, "420222");
  lmt_set(other, LM_F_SHIFT, "night");
  lmt_set(other, LM_F_SALARY_MAX, "5500");
  lmt_set(other, LM_F_INDUSTRY, "物流");
  lmt_put(e, j);
  lmt_put(e, other);
  lmt_put(e, plain_seeker("S1"));
  q.district = "420222";
  cr_assert_eq(lm_rank_jobs(e, "S1", &q, &r), LM_OK);
  cr_assert_eq(lm_results_count(r), 1);
  cr_expect_str_eq(lm_results_id(r, 0), "J2");
  lm_results_free(r);
  q.district = NULL;
  q.shift = "day";
  q.industry = "智能制造";
  q.salary_floor = 7000;
  cr_assert_eq(lm_rank_jobs(e, "S1", &q, &r), LM_OK);
  cr_assert_eq(lm_results_count(r), 1);
  cr_expect_str_eq(lm_results_id(r, 0), "J1");
  lm_results_free(r);
  q.relax = LM_FILTER_QUERY;
  cr_assert_eq(lm_rank_jobs(e, "S1", &q, &r), LM_OK);
  cr_expect_eq(lm_results_count(r), 2);
  lm_results_free(r);
  q = query(10);
  q.district = "420222";
  cr_assert_eq(lm_explain(e, "S1", "J1", &q, &r), LM_OK);
  cr_expect_eq(lm_results_filters(r, 0), LM_FILTER_QUERY);
  cr_expect(strstr(lm_results_filter_reason(r, 0), "420222") != NULL);
  lm_results_free(r);
  q = query(10);
  q.shift = "graveyard";
  cr_expect_eq(lm_rank_jobs(e, "S1", &q, &r), LM_EINVAL);
  cr_expect_null(r);
  q = query(10);
  q.district = "4202";
  cr_expect_eq(lm_rank_jobs(e, "S1", &q, &r), LM_EINVAL);
  q = query(10);
  q.today = "not a date";
  cr_expect_eq(lm_rank_jobs(e, "S1", &q, &r), LM_EINVAL);
  q = query(10);
  q.version = 0;
  cr_expect_eq(lm_rank_jobs(e, "S1", &q, &r), LM_EINVAL);
  cr_expect_eq(lm_rank_jobs(e, "S9", NULL, &r), LM_ENOTFOUND);
  cr_expect_eq(lm_rank_seekers(e, "J9", NULL, &r), LM_ENOTFOUND);
  cr_expect_eq(lm_explain(e, "S1", "J9", NULL, &r), LM_ENOTFOUND);
  cr_expect_eq(lm_rank_jobs(NULL, "S1", NULL, &r), LM_EINVAL);
  lm_engine_close(e);
}

Test(rank, seeker_query_filters_apply_to_seekers)
{
  lm_engine *e = open_memory();
  lm_record *a = plain_seeker("S1"), *b = plain_seeker("S2");
  lm_query q = query(10);
  lm_results *r = NULL;

  lmt_set(b, LM_F_DISTRICT, "420202");
  lmt_set(b, LM_F_GROUP, "退捕渔民");
  lmt_put(e, plain_job("J1"));
  lmt_put(e, a);
  lmt_put(e, b);
  q.reserved_group = "retired-fisher";
  cr_assert_eq(lm_rank_seekers(e, "J1", &q, &r), LM_OK);
  cr_assert_eq(lm_results_count(r), 1);
  cr_expect_str_eq(lm_results_id(r, 0), "S2");
  lm_results_free(r);
  q = query(10);
  q.district = "420204";
  cr_assert_eq(lm_rank_seekers(e, "J1", &q, &r), LM_OK);
  cr_assert_eq(lm_results_count(r), 1);
  cr_expect_str_eq(lm_results_id(r, 0), "S1");
  lm_results_free(r);
  lm_engine_close(e);
}

/* --------------------------------------------------------------- writes */

static int stored(lm_engine *e, lm_kind kind, const char *id)
{
  lm_record *r = NULL;
  int rc = lm_engine_get(e, kind, id, &r);
  lm_record_free(r);
  return rc == LM_OK;
}

static size_t count_jobs(lm_engine *e, const char *seeker)
{
  lm_query q = query(1000);
  lm_results *r = NULL;
  size_t n;
  cr_assert_eq(lm_rank_jobs(e, seeker, &q, &r), LM_OK, "%s", lm_errmsg(e));
  n = lm_results_count(r);
  lm_results_free(r);
  return n;
}

Test(rank, put_replace_and_remove_are_visible_at_once)
{
  lm_engine *e = open_memory();
  lm_query q = query(10);
  lm_record *j;

  lmt_put(e, plain_seeker("S1"));
  cr_expect_eq(count_jobs(e, "S1"), 0);
  lmt_put(e, plain_job("J1"));
  cr_expect(ranks(e, "S1", "J1", &q));
  j = plain_job("J1");
  lmt_set(j, LM_F_LAT, "30.40"); /* moved out of reach */
  lmt_put(e, j);
  cr_expect_not(ranks(e, "S1", "J1", &q));
  lmt_put(e, plain_job("J1"));
  cr_expect(ranks(e, "S1", "J1", &q));
  cr_expect_eq(lm_engine_remove(e, LM_JOB, "J1"), LM_OK);
  cr_expect_not(ranks(e, "S1", "J1", &q));
  cr_expect_eq(lm_engine_remove(e, LM_JOB, "J1"), LM_ENOTFOUND);
  lmt_put(e, plain_job("J1"));
  j = plain_job("J1");
  lmt_set(j, LM_F_STATUS, "closed");
  lmt_put(e, j);
  cr_expect_not(ranks(e, "S1", "J1", &q));
  cr_expect_eq(lm_engine_remove(e, LM_SEEKER, "S1"), LM_OK);
  cr_expect_not(stored(e, LM_SEEKER, "S1"));
  cr_expect_eq(lm_rank_jobs(e, "S1", &q, &(lm_results *){NULL}),
               LM_ENOTFOUND);
  lm_engine_close(e);
}

/* The same rankings, ids and scores, from two engines. */
static void expect_agree(lm_engine *a, lm_engine *b, const char *id,
                         int jobs)
{
  lm_query q = query(12);
  lm_results *x = NULL, *y = NULL;
  size_t i;

  cr_assert_eq(jobs ? lm_rank_jobs(a, id, &q, &x)
                    : lm_rank_seekers(a, id, &q, &x),
               LM_OK);
  cr_assert_eq(jobs ? lm_rank_jobs(b, id, &q, &y)
                    : lm_rank_seekers(b, id, &q, &y),
               LM_OK);
  cr_assert_eq(lm_results_count(x), lm_results_count(y), "%s", id);
  for (i = 0; i < lm_results_count(x); i++) {
    cr_expect_str_eq(lm_results_id(x, i), lm_results_id(y, i), "%s", id);
    cr_expect_eq(lm_results_score(x, i), lm_results_score(y, i), "%s", id);
  }
  lm_results_free(x);
  lm_results_free(y);
}

/* Many replacements and removals through the same slots: the index stays
 * exact, and what a fresh one built from the store would be (down to the
 * skills' rarities, which the brute force shares and cannot check). */
Test(rank, churn_keeps_the_index_exact)
{
  char path[256];
  lm_engine *e = NULL, *fresh = NULL;
  int round, i;

  lmt_tmpname(path, sizeof path, "rank-churn");
  cr_assert_eq(lm_engine_open(&e, path, NULL), LM_OK);
  fill(e, 700, 100, 100, 2000, 600);
  for (round = 0; round < 4; round++) {
    for (i = 0; i < 60; i++) {
      int which = (int)rnd(100);
      if (chance(30)) {
        char id[16];
        snprintf(id, sizeof id, chance(50) ? "J%04d" : "S%05d", which);
        lm_engine_remove(e, id[0] == 'J' ? LM_JOB : LM_SEEKER, id);
      } else if (chance(50)) {
        lmt_put(e, random_job(which, 2000));
      } else {
        lmt_put(e, random_seeker(which, 600));
      }
    }
    for (i = 0; i < 100; i += 7) {
      char id[16];
      lm_query q = query(5);
      snprintf(id, sizeof id, "S%05d", i);
      if (stored(e, LM_SEEKER, id))
        check_jobs(e, 100, id, &q);
      snprintf(id, sizeof id, "J%04d", i);
      if (stored(e, LM_JOB, id))
        check_seekers(e, 100, id, &q);
    }
  }
  cr_assert_eq(lm_engine_open(&fresh, path, NULL), LM_OK);
  for (i = 0; i < 100; i++) {
    char id[16];
    snprintf(id, sizeof id, "S%05d", i);
    if (stored(e, LM_SEEKER, id))
      expect_agree(e, fresh, id, 1);
    snprintf(id, sizeof id, "J%04d", i);
    if (stored(e, LM_JOB, id))
      expect_agree(e, fresh, id, 0);
  }
  lm_engine_close(fresh);
  lm_engine_close(e);
  lmt_unlink_db(path);
}

/* Seekers crowded into a few cells, the index built at open (cells
 * sorted once) and then grown by puts (merged in): a job's search stops
 * in each cell at the first seeker who cannot reach it, so the order
 * must hold. */
Test(rank, crowded_cells_rank_seekers_exactly)
{
  char path[256];
  lm_engine *e = NULL;
  int i;

  lmt_tmpname(path, sizeof path, "rank-crowd");
  cr_assert_eq(lm_engine_open(&e, path, NULL), LM_OK);
  fill(e, 750, 60, 300, 4000, 250);
  lm_engine_close(e);
  cr_assert_eq(lm_engine_open(&e, path, NULL), LM_OK);
  for (i = 0; i < 60; i += 2) {
    char id[16];
    lm_query q = query(i % 3 ? 10 : 100);
    snprintf(id, sizeof id, "J%04d", i);
    check_seekers(e, 400, id, &q);
  }
  seed(751);
  for (i = 300; i < 400; i++)
    lmt_put(e, random_seeker(i, 250));
  for (i = 1; i < 60; i += 2) {
    char id[16];
    lm_query q = query(i % 3 ? 10 : 100);
    snprintf(id, sizeof id, "J%04d", i);
    check_seekers(e, 400, id, &q);
  }
  lm_engine_close(e);
  lmt_unlink_db(path);
}

static const char DOC_JOB[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<libmatch version=\"1\">\n"
    "<job id=\"J7\" posted=\"2026-11-01\" expires=\"2026-12-31\">"
    "<title>数控车工</title><occupation code=\"6-18-01-01\"/>"
    "<location lat=\"30.2012\" lon=\"115.0383\" district=\"420204\"/>"
    "<salary min=\"5000\" max=\"8000\" period=\"month\"/>"
    "<requirements><skill level=\"required\">数控车床</skill>"
    "</requirements></job>\n"
    "%s"
    "</libmatch>\n";

static int ingest(lm_engine *e, const char *extra, unsigned flags)
{
  char doc[4096];
  snprintf(doc, sizeof doc, DOC_JOB, extra);
  return lm_engine_ingest_buffer(e, doc, strlen(doc), flags, NULL);
}

Test(rank, ingest_is_visible_and_a_rollback_is_not)
{
  lm_engine *e = open_memory();
  lm_query q = query(10);

  lmt_put(e, plain_seeker("S1"));
  cr_assert_eq(ingest(e, "<job id=\"J8\"><title>x</title>"
                         "<location lat=\"99\" lon=\"1\"/></job>\n",
                      LM_INGEST_ALL_OR_NOTHING),
               LM_EPARSE);
  cr_expect_not(ranks(e, "S1", "J7", &q));
  cr_assert_eq(ingest(e, "", 0), LM_OK, "%s", lm_errmsg(e));
  cr_expect(ranks(e, "S1", "J7", &q));
  cr_assert_eq(ingest(e, "<job id=\"J7\" status=\"closed\"/>\n", 0), LM_OK);
  cr_expect_not(ranks(e, "S1", "J7", &q));
  lm_engine_close(e);
}

Test(rank, batches_commit_into_the_index_as_they_go)
{
  lm_engine *e = NULL;
  lm_options o = LM_OPTIONS_INIT;
  char doc[65536], *p = doc;
  lm_query q = query(100);
  int i;

  o.batch_size = 7;
  cr_assert_eq(lm_engine_open(&e, ":memory:", &o), LM_OK);
  lmt_put(e, plain_seeker("S1"));
  p += sprintf(p, "<libmatch version=\"1\">");
  for (i = 0; i < 50; i++)
    p += sprintf(p, "<job id=\"B%02d\"><title>t</title>"
                    "<location lat=\"30.2012\" lon=\"115.0383\"/>"
                    "<requirements><skill level=\"required\">数控车床"
                    "</skill></requirements></job>",
                 i);
  p += sprintf(p, "</libmatch>");
  cr_assert_eq(lm_engine_ingest_buffer(e, doc, strlen(doc), 0, NULL), LM_OK);
  cr_expect_eq(count_jobs(e, "S1"), 50);
  cr_expect(ranks(e, "S1", "B49", &q));
  lm_engine_close(e);
}

Test(rank, refresh_sees_another_engines_commits)
{
  char path[256];
  lm_engine *a = NULL, *b = NULL;
  lm_query q = query(10);

  lmt_tmpname(path, sizeof path, "rank-refresh");
  cr_assert_eq(lm_engine_open(&a, path, NULL), LM_OK, "%s", lm_errmsg(NULL));
  lmt_put(a, plain_seeker("S1"));
  cr_assert_eq(lm_engine_open(&b, path, NULL), LM_OK, "%s", lm_errmsg(NULL));
  cr_expect_eq(count_jobs(b, "S1"), 0);
  lmt_put(a, plain_job("J1"));
  cr_expect(ranks(a, "S1", "J1", &q));
  cr_expect_not(ranks(b, "S1", "J1", &q), "before refresh");
  cr_assert_eq(lm_engine_refresh(b), LM_OK, "%s", lm_errmsg(b));
  cr_expect(ranks(b, "S1", "J1", &q), "after refresh");
  /* Its own writes are visible without a refresh, and a refresh with
   * nothing new changes nothing. */
  cr_expect_eq(lm_engine_remove(b, LM_JOB, "J1"), LM_OK);
  cr_expect_not(ranks(b, "S1", "J1", &q));
  cr_assert_eq(lm_engine_refresh(b), LM_OK);
  cr_expect_not(ranks(b, "S1", "J1", &q));
  cr_assert_eq(lm_engine_refresh(a), LM_OK);
  cr_expect_not(ranks(a, "S1", "J1", &q));
  lm_engine_close(a);
  lm_engine_close(b);
  lmt_unlink_db(path);
}

Test(rank, reopening_builds_the_same_index)
{
  char path[256];
  lm_engine *a = NULL;
  int i;

  lmt_tmpname(path, sizeof path, "rank-reopen");
  cr_assert_eq(lm_engine_open(&a, path, NULL), LM_OK);
  seed(800);
  for (i = 0; i < 80; i++)
    lmt_put(a, random_job(i, 2000));
  for (i = 0; i < 60; i++)
    lmt_put(a, random_seeker(i, 2000));
  lm_engine_close(a);
  cr_assert_eq(lm_engine_open(&a, path, NULL), LM_OK);
  for (i = 0; i < 60; i += 5) {
    char id[16];
    lm_query q = query(7);
    snprintf(id, sizeof id, "S%05d", i);
    check_jobs(a, 80, id, &q);
  }
  lm_engine_close(a);
  lmt_unlink_db(path);
}

/* A bulk loader's engine (LM_OPEN_LAZY_INDEX) builds no index at open
 * and keeps none while it writes; its first query builds it, and from
 * then on writes are kept in step: every answer equals the brute force. */
Test(rank, a_lazy_index_answers_as_an_eager_one)
{
  char path[256];
  lm_engine *a = NULL;
  lm_options o;
  int i;

  lmt_tmpname(path, sizeof path, "rank-lazy");
  cr_assert_eq(lm_options_init(&o, LM_OPTIONS_VERSION), LM_OK);
  o.flags = LM_OPEN_LAZY_INDEX;
  cr_assert_eq(lm_engine_open(&a, path, &o), LM_OK, "%s", lm_errmsg(NULL));
  seed(900);
  for (i = 0; i < 80; i++)
    lmt_put(a, random_job(i, 2000));
  for (i = 0; i < 60; i++)
    lmt_put(a, random_seeker(i, 2000));
  cr_assert_eq(lm_engine_remove(a, LM_JOB, "J0003"), LM_OK);
  lm_engine_close(a);

  cr_assert_eq(lm_engine_open(&a, path, &o), LM_OK, "%s", lm_errmsg(NULL));
  lmt_put(a, random_job(3, 2000)); /* back, before any query */
  for (i = 0; i < 60; i += 6) {
    char id[16];
    lm_query q = query(7);
    snprintf(id, sizeof id, "S%05d", i);
    check_jobs(a, 80, id, &q);
  }
  /* built now: a write must reach it */
  cr_assert_eq(lm_engine_remove(a, LM_JOB, "J0007"), LM_OK);
  lmt_put(a, random_seeker(61, 2000));
  for (i = 0; i < 80; i += 9) {
    char id[16];
    lm_query q = query(5);
    snprintf(id, sizeof id, "J%04d", i);
    check_seekers(a, 62, id, &q);
  }
  check_jobs(a, 80, "S00061", &(lm_query)LM_QUERY_INIT);
  lm_engine_close(a);
  o.flags = 0x80u;
  cr_assert_eq(lm_engine_open(&a, path, &o), LM_EINVAL, "unknown flag");
  cr_assert_null(a);
  lmt_unlink_db(path);
}

/* ------------------------------------------------------------ profiles */

static lm_record *copy_as(const lm_record *r, const char *id)
{
  lm_record *c = NULL;
  cr_assert_eq(lm__record_clone(r, &c), LM_OK);
  snprintf(c->id, sizeof c->id, "%s", id);
  return c;
}

Test(rank, ad_hoc_profile_ranks_as_a_stored_twin)
{
  lm_engine *e = random_store(900, 150, 0, 2000);
  int i;

  seed(901);
  for (i = 0; i < 40; i++) {
    lm_record *s = random_seeker(i, 2000);
    lm_record *twin = copy_as(s, "TWIN");
    lm_results *a = NULL, *b = NULL;
    lm_query q = query(8);
    size_t k;
    int c;

    /* A skill no stored record has: still the same scores. */
    if (i % 3 == 0) {
      lm_record_add_skill(s, "从未见过的技能", LM_SKILL_HELD, 1);
      lm_record_add_skill(twin, "从未见过的技能", LM_SKILL_HELD, 1);
    }
    cr_assert_eq(lm_rank_jobs_for_profile(e, s, &q, &a), LM_OK, "%s",
                 lm_errmsg(e));
    lmt_put(e, twin);
    cr_assert_eq(lm_rank_jobs(e, "TWIN", &q, &b), LM_OK);
    cr_assert_eq(lm_results_count(a), lm_results_count(b));
    for (k = 0; k < lm_results_count(a); k++) {
      cr_expect_str_eq(lm_results_id(a, k), lm_results_id(b, k));
      cr_expect_eq(lm_results_score(a, k), lm_results_score(b, k));
      for (c = 0; c < LM_C_COUNT_; c++)
        cr_expect_str_eq(lm_results_reason(a, k, (lm_component)c),
                         lm_results_reason(b, k, (lm_component)c));
    }
    lm_results_free(a);
    lm_results_free(b);
    lm_record_free(s);
  }
  {
    lm_record *j = plain_job("X");
    lm_results *r = NULL;
    cr_expect_eq(lm_rank_jobs_for_profile(e, j, NULL, &r), LM_EINVAL);
    cr_expect_null(r);
    lm_record_free(j);
  }
  lm_engine_close(e);
}

/* --------------------------------------------------------------- advice */

Test(rank, advice_finds_a_planted_certificate_gap)
{
  lm_engine *e = open_memory();
  lm_advice *a = NULL;
  lm_query q = query(5);
  int i;

  lmt_put(e, plain_seeker("S1"));
  for (i = 0; i < 6; i++) { /* unlocked by the forklift licence alone */
    char id[16];
    lm_record *j;
    snprintf(id, sizeof id, "C%d", i);
    j = plain_job(id);
    lmt_set(j, LM_F_CERTIFICATE, "叉车证");
    lmt_put(e, j);
  }
  for (i = 0; i < 2; i++) { /* need two certificates: no single unlock */
    char id[16];
    lm_record *j;
    snprintf(id, sizeof id, "D%d", i);
    j = plain_job(id);
    lmt_set(j, LM_F_CERTIFICATE, "叉车证");
    lmt_set(j, LM_F_CERTIFICATE, "焊工四级");
    lmt_put(e, j);
  }
  for (i = 0; i < 3; i++) { /* one required skill short */
    char id[16];
    lm_record *j;
    snprintf(id, sizeof id, "K%d", i);
    j = plain_job(id);
    lm_record_add_skill(j, "CAD制图", LM_SKILL_REQUIRED, -1);
    lmt_put(e, j);
  }
  { /* out of reach: does not count */
    lm_record *j = plain_job("FAR");
    lmt_set(j, LM_F_CERTIFICATE, "叉车证");
    lmt_set(j, LM_F_LAT, "30.40");
    lmt_put(e, j);
  }
  cr_assert_eq(lm_advise(e, "S1", &q, &a), LM_OK, "%s", lm_errmsg(e));
  cr_assert_eq(lm_advice_count(a), 2);
  cr_expect_str_eq(lm_advice_item(a, 0), "叉车证");
  cr_expect_eq(lm_advice_kind(a, 0), LM_ADVICE_CERTIFICATE);
  cr_expect_eq(lm_advice_jobs(a, 0), 6);
  cr_expect_str_eq(lm_advice_item(a, 1), "CAD制图");
  cr_expect_eq(lm_advice_kind(a, 1), LM_ADVICE_SKILL);
  cr_expect_eq(lm_advice_jobs(a, 1), 3);
  cr_expect_null(lm_advice_item(a, 2));
  lm_advice_free(a);
  cr_expect_eq(lm_advise(e, "nobody", &q, &a), LM_ENOTFOUND);
  cr_expect_null(a);
  lm_engine_close(e);
}

/* ------------------------------------------------------- out of memory */

/*
 * Every allocation a query, a put, a removal, an ingest or a refresh
 * makes is failed in turn: the call says LM_ENOMEM (or succeeds), and the
 * engine goes on answering exactly (an index a committed write could not
 * reach is rebuilt before the next query).
 */
Test(rank, out_of_memory_anywhere_is_reported_and_survived)
{
  char path[256];
  lm_engine *e = NULL, *other = NULL;
  static const char doc[] =
      "<libmatch version=\"1\"><job id=\"J0001\"><title>t</title>"
      "<location lat=\"30.2\" lon=\"115.0\"/><requirements>"
      "<skill level=\"required\">电焊</skill></requirements></job>"
      "<seeker id=\"NEW\"><skill>电焊</skill></seeker></libmatch>";
  int n, step, ok, tries[6];

  lmt_tmpname(path, sizeof path, "rank-oom");
  cr_assert_eq(lm_engine_open(&e, path, NULL), LM_OK);
  cr_assert_eq(lm_engine_open(&other, path, NULL), LM_OK);
  fill(e, 1200, 40, 40, 1500, 1500);
  for (step = 0; step < 6; step++) {
    /* One by one at first, then in strides: a rebuild allocates per
     * record. */
    for (n = 0, ok = 0; !ok && n < 100000; n += n < 300 ? 1 : 29) {
      lm_results *r = NULL;
      lm_advice *a = NULL;
      lm_record *rec = NULL;
      lm_query q = query(5);
      int rc;
      if (step == 1 || step == 5)
        rec = random_job((int)rnd(40), 1500);
      if (step == 5) /* another connection commits: refresh must build */
        cr_assert_eq(lm_engine_put(other, rec), LM_OK);
      lm__alloc_fail_after(n);
      switch (step) {
      case 0:
        rc = lm_rank_jobs(e, "S00003", &q, &r);
        break;
      case 1:
        rc = lm_engine_put(e, rec);
        break;
      case 2:
        rc = lm_rank_seekers(e, "J0003", &q, &r);
        if (rc == LM_OK)
          rc = lm_advise(e, "S00004", &q, &a);
        break;
      case 3:
        rc = lm_engine_ingest_buffer(e, doc, strlen(doc), 0, NULL);
        break;
      case 4:
        rc = lm_engine_remove(e, LM_SEEKER, "NEW");
        if (rc == LM_ENOTFOUND)
          rc = LM_OK; /* removed by an earlier round that failed after */
        break;
      default:
        rc = lm_engine_refresh(e);
        break;
      }
      lm__alloc_fail_after(-1);
      cr_assert(rc == LM_OK || rc == LM_ENOMEM, "step %d, n %d: %d %s", step,
                n, rc, lm_errmsg(e));
      ok = rc == LM_OK;
      lm_results_free(r);
      lm_advice_free(a);
      lm_record_free(rec);
      if (step != 0 && step != 2) {
        lm_query all = query(8);
        check_jobs(e, 40, "S00001", &all);
        check_seekers(e, 40, "J0002", &all);
      }
    }
    cr_expect(ok, "step %d never succeeded", step);
    tries[step] = n;
  }
  /* Every step but the removal (which has nothing new to allocate) met
   * failures before it succeeded. */
  for (step = 0; step < 6; step++)
    cr_expect(step == 4 || tries[step] > 1, "step %d: %d tries", step,
              tries[step]);
  lm_engine_close(other);
  lm_engine_close(e);
  lmt_unlink_db(path);
}

/* ------------------------------------------------------------ the bound */

/*
 * rank.c skips a record that shares nothing with the other side once the
 * k-th best beats what such a record can score.  Here, on random pairs
 * and the score layer itself: a pair that shares no skill, no two-level
 * occupation prefix and no one-level preferred prefix (and whose job names
 * a skill) scores at most the weights with skills 0, occupation 1/4 and
 * priority 0 without a shared group.
 */
static int shares_skill(const lm__seekerf *s, const lm__jobf *j)
{
  size_t a, b;
  for (a = 0; a < s->nskills; a++)
    for (b = 0; b < (size_t)j->nreq + j->npref; b++)
      if (s->skills[a] == j->skills[b])
        return 1;
  return 0;
}

static int same_prefix(const lm__occ *a, const lm__occ *b, int depth)
{
  int i;
  if (a->len < depth || b->len < depth)
    return 0;
  for (i = 0; i < depth; i++)
    if (a->level[i] != b->level[i])
      return 0;
  return 1;
}

static int shares_occupation(const lm__seekerf *s, const lm__jobf *j)
{
  int k;
  if (same_prefix(&s->occ, &j->occ, 2))
    return 1;
  for (k = 0; k < s->npref_occ; k++)
    if (same_prefix(&s->pref_occ[k], &j->occ,
                    s->pref_occ[k].len == 1 ? 1 : 2))
      return 1;
  return 0;
}

static double bound_of(const lm__scorer *sc, const lm__seekerf *s,
                       const lm__jobf *j)
{
  double fit[LM_C_COUNT_], b;
  int c;
  for (c = 0; c < LM_C_COUNT_; c++)
    fit[c] = 1.0;
  fit[LM_C_SKILLS] = 0.0;
  fit[LM_C_OCCUPATION] = 0.25;
  fit[LM_C_PRIORITY] = (s->groups & j->groups) ? 1.0 : 0.0;
  b = sc->weight[0] * fit[0];
  for (c = 1; c < LM_C_COUNT_; c++)
    b += sc->weight[c] * fit[c];
  return b;
}

Test(rank, unshared_pairs_score_within_the_bound)
{
  lm__index *ix = NULL;
  lm__jobf jf[200];
  lm__seekerf sf[200];
  lm__scorer sc;
  int32_t today;
  int i, k, checked = 0;

  cr_assert_eq(lm__norm_init(), LM_OK);
  cr_assert_eq(lm__index_new(&ix, lm__rank_reach), LM_OK);
  cr_assert_eq(lm__norm_date(TODAY, &today), LM_OK);
  seed(1000);
  for (i = 0; i < 200; i++) {
    lm_record *j = random_job(i, 3000), *s = random_seeker(i, 3000);
    cr_assert_eq(lm__index_jobf(ix, j, &jf[i]), LM_OK);
    cr_assert_eq(lm__index_seekerf(ix, s, 1, &sf[i]), LM_OK);
    lm_record_free(j);
    lm_record_free(s);
  }
  for (k = 0; k < 4; k++) {
    int c;
    lm__scorer_init(&sc, today);
    sc.relax = k == 3 ? 0xffu : 0u;
    for (c = 0; c < LM_C_COUNT_ && k > 0; c++)
      sc.weight[c] = rnd(50);
    for (i = 0; i < 200; i++) {
      int m;
      for (m = 0; m < 200; m++) {
        const lm__seekerf *s = &sf[i];
        const lm__jobf *j = &jf[m];
        if (j->nreq + j->npref == 0 || shares_skill(s, j) ||
            shares_occupation(s, j))
          continue;
        cr_assert(lm__score(&sc, s, j, NULL) <= bound_of(&sc, s, j),
                  "%s %s", s->id, j->id);
        checked++;
      }
    }
  }
  cr_expect_gt(checked, 10000);
  for (i = 0; i < 200; i++) {
    lm__index_drop_jobf(ix, &jf[i]);
    lm__index_drop_seekerf(ix, &sf[i], 1);
  }
  lm__index_free(ix);
}

/* -------------------------------------------------------------- threads */

typedef struct stress {
  lm_engine *e;
  atomic_int stop;
  int errors;
  pthread_mutex_t lock;
} stress;

static void *reader(void *arg)
{
  stress *st = arg;
  unsigned n = 0;

  while (!st->stop) {
    char id[16];
    lm_query q = query(10);
    lm_results *r = NULL;
    lm_advice *a = NULL;
    int rc;
    snprintf(id, sizeof id, n % 2 ? "S%05d" : "J%04d", (int)(n * 7919u % 150));
    rc = n % 2 ? lm_rank_jobs(st->e, id, &q, &r)
               : lm_rank_seekers(st->e, id, &q, &r);
    if (rc == LM_OK && n % 5 == 0 && n % 2)
      rc = lm_advise(st->e, id, &q, &a);
    if (rc != LM_OK && rc != LM_ENOTFOUND) {
      pthread_mutex_lock(&st->lock);
      st->errors++;
      pthread_mutex_unlock(&st->lock);
    }
    lm_results_free(r);
    lm_advice_free(a);
    n++;
  }
  return NULL;
}

static void *writer(void *arg)
{
  stress *st = arg;
  uint64_t x = 12345;
  unsigned n = 0;

  while (!st->stop) {
    lm_record *r = NULL;
    char id[16];
    int rc;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    if (n % 3 == 0) {
      snprintf(id, sizeof id, "J%04d", (int)(x % 150));
      rc = lm_engine_remove(st->e, LM_JOB, id);
      if (rc == LM_ENOTFOUND)
        rc = LM_OK;
    } else {
      snprintf(id, sizeof id, "%c%0*d", n % 3 == 1 ? 'J' : 'S',
               n % 3 == 1 ? 4 : 5, (int)(x % 150));
      rc = lm_record_new(&r, id[0] == 'J' ? LM_JOB : LM_SEEKER, id);
      if (rc == LM_OK) {
        lm_record_set(r, LM_F_LAT, "30.2");
        lm_record_set(r, LM_F_LON, "115.0");
        lm_record_add_skill(r, "数控车床",
                            id[0] == 'J' ? LM_SKILL_REQUIRED : LM_SKILL_HELD,
                            -1);
        rc = lm_engine_put(st->e, r);
      }
      lm_record_free(r);
    }
    if (rc != LM_OK) {
      pthread_mutex_lock(&st->lock);
      st->errors++;
      pthread_mutex_unlock(&st->lock);
    }
    n++;
  }
  return NULL;
}

Test(rank, queries_and_a_writer_run_together, .timeout = 120)
{
  stress st;
  pthread_t t[9];
  struct timespec d = {1, 500000000};
  char path[256];
  int i;

  /* A file store: readers and the writer on separate connections. */
  lmt_tmpname(path, sizeof path, "rank-stress");
  memset(&st, 0, sizeof st);
  pthread_mutex_init(&st.lock, NULL);
  cr_assert_eq(lm_engine_open(&st.e, path, NULL), LM_OK);
  seed(1100);
  for (i = 0; i < 150; i++) {
    lmt_put(st.e, random_job(i, 2000));
    lmt_put(st.e, random_seeker(i, 2000));
  }
  for (i = 0; i < 8; i++)
    pthread_create(&t[i], NULL, reader, &st);
  pthread_create(&t[8], NULL, writer, &st);
  nanosleep(&d, NULL);
  st.stop = 1;
  for (i = 0; i < 9; i++)
    pthread_join(t[i], NULL);
  cr_expect_eq(st.errors, 0);
  for (i = 0; i < 150; i += 10) {
    char id[16];
    lm_query q = query(5);
    snprintf(id, sizeof id, "S%05d", i);
    check_jobs(st.e, 150, id, &q);
  }
  lm_engine_close(st.e);
  pthread_mutex_destroy(&st.lock);
  lmt_unlink_db(path);
}
