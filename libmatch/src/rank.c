/*
 * rank.c: exact top-k in both directions over the index, explanations,
 * gap advice, and refreshing the index from another process's writes.
 *
 * Exactness.  A query's answer is what a scan that filters and scores
 * every record would give, ties broken by id (strcmp, ascending).  Two
 * things make it fast without giving that up:
 *
 * 1. The grid.  COMMUTE keeps only pairs within lm__commute_reach_km of
 *    the seeker, so only the cells whose nearest point lies within that
 *    reach can hold a candidate.  cell_min_km is a true lower bound of
 *    the haversine distance to any point of a cell, so a cell it skips
 *    holds no pair the filter would keep.  (A relaxed COMMUTE, or a side
 *    without a location, reads every cell.)
 *
 * 2. The bound.  score.c's model gives a record that shares nothing with
 *    the other side (no skill, no two-level occupation prefix, no
 *    one-level preferred prefix: lm__index_mark_* says exactly what is
 *    shared) a skills fit of 0 when the job names any skill, and an
 *    occupation fit of at most 1/4; a priority fit of 0 when the fixed
 *    side has no key group; every fit is at most 1.  unshared_bound adds
 *    the weights so; every unshared candidate scores at most that (the
 *    same products added in the same order, and rounding is monotone).
 *    So the search scores the shared candidates first, and reads the
 *    unshared ones only while the k-th best kept is not above the bound:
 *    one that cannot pass the k-th (equal score and a smaller id could)
 *    is never needed.  tests/test_rank.c checks the bound on random pairs
 *    and every query against a brute-force scan.
 *
 * Locks: queries hold the engine's index rwlock shared for the whole
 * search and explanation; the vocabularies have their own mutex.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

/* ------------------------------------------------------------ results */

typedef struct lm__result {
  char *id;
  double score;
  double part[LM_C_COUNT_];
  unsigned int filters;
  lm__buf reason[LM_C_COUNT_];
  lm__buf text;
  lm__buf filter_reason;
} lm__result;

struct lm_results {
  lm__result *r;
  size_t n;
};

static int results_new(lm_results **out, size_t n)
{
  lm_results *rs = lm__calloc(1, sizeof *rs);

  *out = NULL;
  if (rs == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  rs->r = lm__calloc(n ? n : 1, sizeof *rs->r);
  if (rs->r == NULL) {
    lm__xfree(rs);
    return lm__fail(LM_ENOMEM, "out of memory");
  }
  rs->n = n;
  *out = rs;
  return LM_OK;
}

void lm_results_free(lm_results *rs)
{
  size_t i;
  int c;

  if (rs == NULL)
    return;
  for (i = 0; i < rs->n; i++) {
    lm__xfree(rs->r[i].id);
    for (c = 0; c < LM_C_COUNT_; c++)
      lm__buf_free(&rs->r[i].reason[c]);
    lm__buf_free(&rs->r[i].text);
    lm__buf_free(&rs->r[i].filter_reason);
  }
  lm__xfree(rs->r);
  lm__xfree(rs);
}

size_t lm_results_count(const lm_results *rs)
{
  return rs ? rs->n : 0;
}

static const lm__result *result_at(const lm_results *rs, size_t i)
{
  return rs && i < rs->n ? &rs->r[i] : NULL;
}

const char *lm_results_id(const lm_results *rs, size_t i)
{
  const lm__result *r = result_at(rs, i);
  return r ? r->id : NULL;
}

double lm_results_score(const lm_results *rs, size_t i)
{
  const lm__result *r = result_at(rs, i);
  return r ? r->score : 0.0;
}

double lm_results_component(const lm_results *rs, size_t i, lm_component c)
{
  const lm__result *r = result_at(rs, i);
  if (r == NULL || (int)c < 0 || c >= LM_C_COUNT_)
    return 0.0;
  return r->part[c];
}

/* The buffers are the results' own; lm__buf_cstr only writes the
 * terminator of an empty one, which changes nothing a reader sees. */
static const char *buf_text(const lm__buf *b)
{
  return b->len ? b->data : "";
}

const char *lm_results_reason(const lm_results *rs, size_t i, lm_component c)
{
  const lm__result *r = result_at(rs, i);
  if (r == NULL || (int)c < 0 || c >= LM_C_COUNT_)
    return "";
  return buf_text(&r->reason[c]);
}

const char *lm_results_text(const lm_results *rs, size_t i)
{
  const lm__result *r = result_at(rs, i);
  return r ? buf_text(&r->text) : "";
}

unsigned int lm_results_filters(const lm_results *rs, size_t i)
{
  const lm__result *r = result_at(rs, i);
  return r ? r->filters : 0u;
}

const char *lm_results_filter_reason(const lm_results *rs, size_t i)
{
  const lm__result *r = result_at(rs, i);
  return r ? buf_text(&r->filter_reason) : "";
}

/* ------------------------------------------------------------ the query */

int lm_query_init(lm_query *q, unsigned int version)
{
  static const lm_query defaults = LM_QUERY_INIT;

  if (q == NULL)
    return lm__fail(LM_EINVAL, "lm_query_init: q is NULL");
  if (version == 0 || version > LM_QUERY_VERSION)
    return lm__fail(LM_EINVAL,
                    "lm_query_init: version %u unknown (this library knows "
                    "up to %d)",
                    version, LM_QUERY_VERSION);
  *q = defaults;
  q->version = version;
  return LM_OK;
}

/* The query's own filters (LM_FILTER_QUERY), read once. */
typedef struct lm__qf {
  int district_on, industry_on, occ_on, shift_on, group_on, window_on;
  uint32_t district, industry, group; /* group 0 with group_on: none */
  int group_any;
  lm__occ occ;
  uint8_t shift;
  long salary_floor;
  int32_t win_from, win_to;
} lm__qf;

static int days_of(const char *what, const char *text, int32_t *out)
{
  int rc = lm__norm_date(text, out);
  if (rc == LM_ENOMEM)
    return rc;
  if (rc != LM_OK)
    return lm__fail(LM_EINVAL, "query: %s '%s' is not a date", what, text);
  return LM_OK;
}

/* Today in the local calendar (the service's city), as days. */
static int today_days(int32_t *out)
{
  time_t now = time(NULL);
  struct tm tm;
  char buf[16];

  if (localtime_r(&now, &tm) == NULL ||
      strftime(buf, sizeof buf, "%Y-%m-%d", &tm) == 0)
    return lm__fail(LM_ERROR, "cannot read the current date");
  return lm__norm_date(buf, out);
}

static int district_of(const char *text, uint32_t *out)
{
  size_t i;

  for (i = 0; i < 6; i++)
    if (text[i] < '0' || text[i] > '9')
      break;
  if (i != 6 || text[6] != '\0')
    return lm__fail(LM_EINVAL, "query: district '%s' is not a six-digit "
                               "code", text);
  *out = (uint32_t)strtoul(text, NULL, 10);
  return LM_OK;
}

static int qf_group(const char *text, lm__qf *qf)
{
  const char *word = NULL;
  int rc;

  qf->group_on = 1;
  if (strcmp(text, "*") == 0) {
    qf->group_any = 1;
    return LM_OK;
  }
  rc = lm__norm_group(text, &word);
  if (rc == LM_ENOMEM)
    return rc;
  /* A group the vocabulary does not know has no bit: nothing matches. */
  qf->group = word ? (uint32_t)lm__group_bit(word) : 0;
  return LM_OK;
}

static int qf_take(lm__index *ix, const lm_query *q, lm__qf *qf)
{
  const char *word;
  int rc = LM_OK;

  memset(qf, 0, sizeof *qf);
  if (q->district && (rc = district_of(q->district, &qf->district)) == LM_OK)
    qf->district_on = 1;
  if (rc == LM_OK && q->industry) {
    qf->industry_on = 1;
    qf->industry = lm__index_lookup(ix, LM__VOCAB_INDUSTRY, q->industry);
  }
  if (rc == LM_OK && q->occupation_prefix) {
    qf->occ_on = 1;
    if (!lm__occ_parse(q->occupation_prefix, &qf->occ))
      rc = lm__fail(LM_EINVAL, "query: occupation_prefix '%s' is not an "
                               "occupation code", q->occupation_prefix);
  }
  if (rc == LM_OK && q->shift) {
    qf->shift_on = 1;
    rc = lm__norm_shift(q->shift, &word);
    if (rc == LM_OK)
      qf->shift = (uint8_t)lm__shift_bit(word);
    else if (rc != LM_ENOMEM)
      rc = lm__fail(LM_EINVAL, "query: shift '%s' unknown", q->shift);
  }
  if (rc == LM_OK && q->salary_floor < 0)
    rc = lm__fail(LM_EINVAL, "query: salary_floor is negative");
  qf->salary_floor = q->salary_floor;
  if (rc == LM_OK && q->reserved_group)
    rc = qf_group(q->reserved_group, qf);
  qf->win_from = qf->win_to = LM__NO_DAY;
  if (rc == LM_OK && q->window_from &&
      (rc = days_of("window_from", q->window_from, &qf->win_from)) == LM_OK)
    qf->window_on = 1;
  if (rc == LM_OK && q->window_to &&
      (rc = days_of("window_to", q->window_to, &qf->win_to)) == LM_OK)
    qf->window_on = 1;
  if (rc == LM_OK && qf->win_from != LM__NO_DAY &&
      qf->win_to != LM__NO_DAY && qf->win_from > qf->win_to)
    rc = lm__fail(LM_EINVAL, "query: window_from is after window_to");
  return rc;
}

/* A window [from, to] (open ends unbounded) meets the query's. */
static int window_meets(const lm__qf *qf, int32_t from, int32_t to)
{
  if (from == LM__NO_DAY && to == LM__NO_DAY)
    return 1; /* a standing post or an always available seeker */
  if (qf->win_to != LM__NO_DAY && from != LM__NO_DAY && from > qf->win_to)
    return 0;
  if (qf->win_from != LM__NO_DAY && to != LM__NO_DAY && to < qf->win_from)
    return 0;
  return 1;
}

/* What the job pays at best, -1 when it says nothing. */
static long job_pay(const lm__jobf *j)
{
  if (j->sal_max > 0)
    return j->sal_max;
  return j->sal_min > 0 ? j->sal_min : -1;
}

/* 1 when the job passes the query's filters. */
static int qf_job(const lm__qf *qf, const lm__jobf *j)
{
  if (qf->district_on && j->district != qf->district)
    return 0;
  if (qf->industry_on && (qf->industry == 0 || j->industry != qf->industry))
    return 0;
  if (qf->occ_on && lm__occ_shared(&qf->occ, &j->occ) < qf->occ.len)
    return 0;
  if (qf->shift_on && j->shift != qf->shift)
    return 0;
  if (qf->salary_floor > 0 && job_pay(j) < qf->salary_floor)
    return 0;
  if (qf->group_on && !(qf->group_any ? j->groups != 0
                                      : (j->groups & qf->group) != 0))
    return 0;
  if (qf->window_on && !window_meets(qf, j->win_from, j->win_to))
    return 0;
  return 1;
}

/* The same for a seeker: the filters of fields a seeker has (district,
 * key group, window); the job's own fields do not apply. */
static int qf_seeker(const lm__qf *qf, const lm__seekerf *s)
{
  if (qf->district_on && s->district != qf->district)
    return 0;
  if (qf->group_on && !(qf->group_any ? s->groups != 0
                                      : (s->groups & qf->group) != 0))
    return 0;
  if (qf->window_on && !window_meets(qf, s->win_from, s->win_to))
    return 0;
  return 1;
}

/* How a query scores: weights, today, overrides, relaxed filters. */
static int scorer_take(lm__index *ix, const lm_query *q, lm__scorer *sc)
{
  int32_t today;
  const char *word;
  int c, rc;

  rc = q->today ? days_of("today", q->today, &today) : today_days(&today);
  if (rc != LM_OK)
    return rc;
  lm__scorer_init(sc, today);
  for (c = 0; c < LM_C_COUNT_; c++) {
    double w = q->weights[c];
    if (isnan(w) || isinf(w))
      return lm__fail(LM_EINVAL, "query: weight %d is not a number", c);
    if (w >= 0)
      sc->weight[c] = w;
  }
  if (q->commute_minutes < 0)
    return lm__fail(LM_EINVAL, "query: commute_minutes is negative");
  sc->commute_minutes = q->commute_minutes;
  if (q->commute_mode) {
    rc = lm__norm_mode(q->commute_mode, &word);
    if (rc == LM_ENOMEM)
      return rc;
    if (rc != LM_OK)
      return lm__fail(LM_EINVAL, "query: commute_mode '%s' unknown",
                      q->commute_mode);
    sc->commute_mode = lm__mode_code(word);
  }
  if (q->relax & ~0xffu)
    return lm__fail(LM_EINVAL, "query: unknown filter bits 0x%x in relax",
                    q->relax & ~0xffu);
  sc->relax = q->relax;
  sc->idf = lm__index_idf(ix, &sc->nidf);
  return LM_OK;
}

/* Everything a query needs, read from lm_query (NULL: the defaults). */
typedef struct lm__q {
  lm__scorer sc;
  lm__qf qf;
  int qf_on; /* query filters apply (not relaxed) */
  size_t k;
} lm__q;

static int query_take(lm__index *ix, const lm_query *q, lm__q *out)
{
  lm_query dflt;
  int rc;

  if (q == NULL) {
    lm_query_init(&dflt, LM_QUERY_VERSION);
    q = &dflt;
  }
  if (q->version == 0 || q->version > LM_QUERY_VERSION)
    return lm__fail(LM_EINVAL,
                    "query version %u unknown (initialise it with "
                    "LM_QUERY_INIT or lm_query_init)",
                    q->version);
  rc = scorer_take(ix, q, &out->sc);
  if (rc == LM_OK)
    rc = qf_take(ix, q, &out->qf);
  if (rc != LM_OK)
    return rc;
  out->qf_on = !(q->relax & LM_FILTER_QUERY);
  out->k = q->k ? q->k : 10;
  return LM_OK;
}

/* ------------------------------------------------------------- the heap */

/* A bounded heap of the k best (tier descending, then score descending,
 * id ascending); the root is the worst kept, the one a better candidate
 * evicts.  The tier is 1 for a member of the group a post favours when
 * that group ranks first (group_first), else 0. */
typedef struct lm__hit {
  double score;
  const char *id;
  uint32_t slot;
  int tier;
} lm__hit;

typedef struct lm__heap {
  lm__hit *h;
  size_t n, k;
} lm__heap;

/* 1 when a ranks before b. */
static int better(const lm__hit *a, const lm__hit *b)
{
  if (a->tier != b->tier)
    return a->tier > b->tier;
  if (a->score != b->score)
    return a->score > b->score;
  return strcmp(a->id, b->id) < 0;
}

static void sift_down(lm__heap *hp, size_t i)
{
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, w = i;
    lm__hit t;
    if (l < hp->n && better(&hp->h[w], &hp->h[l]))
      w = l;
    if (r < hp->n && better(&hp->h[w], &hp->h[r]))
      w = r;
    if (w == i)
      return;
    t = hp->h[i];
    hp->h[i] = hp->h[w];
    hp->h[w] = t;
    i = w;
  }
}

static void sift_up(lm__heap *hp, size_t i)
{
  while (i > 0) {
    size_t p = (i - 1) / 2;
    lm__hit t;
    if (!better(&hp->h[p], &hp->h[i]))
      return;
    t = hp->h[i];
    hp->h[i] = hp->h[p];
    hp->h[p] = t;
    i = p;
  }
}

static void heap_offer(lm__heap *hp, double score, const char *id,
                       uint32_t slot)
{
  lm__hit c = {score, id, slot, 0};

  if (hp->n < hp->k) {
    hp->h[hp->n++] = c;
    sift_up(hp, hp->n - 1);
  } else if (better(&c, &hp->h[0])) {
    hp->h[0] = c;
    sift_down(hp, 0);
  }
}

/* 1 when no record scoring at most `bound` can enter any more. */
static int heap_beats(const lm__heap *hp, double bound)
{
  return hp->n == hp->k && hp->h[0].score > bound;
}

static int cmp_hit(const void *a, const void *b)
{
  return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

static int heap_new(lm__heap *hp, size_t k, size_t records)
{
  hp->k = k < records ? k : records;
  hp->n = 0;
  hp->h = lm__malloc((hp->k ? hp->k : 1) * sizeof *hp->h);
  return hp->h ? LM_OK : lm__fail(LM_ENOMEM, "out of memory");
}

/* ------------------------------------------------------------ geometry */

#define LM__DEG (3.14159265358979323846 / 180.0)

/* Degrees of longitude apart, on the circle: 0..180. */
static double lon_gap(double a, double b)
{
  double d = fmod(fabs(a - b), 360.0);
  return d > 180.0 ? 360.0 - d : d;
}

/* A lower bound of sin x for 0 <= x <= pi (Taylor, alternating). */
static double sin_low(double x)
{
  return x - x * x * x / 6.0;
}

/*
 * What a query measures cells from: its point, and for a box the cosine
 * of the largest latitude of the cells it reads (any latitude of the
 * point or of a reachable point of such a cell has at least that cosine:
 * a cell outside the box holds nothing within reach), so that a cell
 * costs no trigonometry; and the km per radian of geo.c's sphere,
 * shortened by a part in 10^9 for rounding.
 */
typedef struct lm__from {
  double lat, lon;
  double cos_box; /* < 0: no box, take each cell's */
  double km_per_rad;
} lm__from;

static void from_init(lm__from *f, double lat, double lon, const lm__box *box)
{
  double latmax;

  f->lat = lat;
  f->lon = lon;
  f->cos_box = -1.0;
  if (box) {
    /* The cells read for a box may reach one cell beyond it. */
    latmax = fmax(fabs(box->lat0), fabs(box->lat1)) + LM__CELL_DEG;
    f->cos_box = latmax < 90.0 ? cos(latmax * LM__DEG) : 0.0;
  }
  f->km_per_rad = lm__distance_km(0.0, 0.0, 1.0, 0.0) / LM__DEG * (1.0 - 1e-9);
}

/*
 * A lower bound of the haversine distance from the point to any point of
 * cell b.  With the smallest latitude and longitude gaps dlat, dlon and a
 * latitude phi at least as far from the equator as any involved, the
 * haversine value of every pair is at least
 *   h = sin^2(dlat/2) + cos^2(phi) sin^2(dlon/2)
 * (each term is monotone in its gap, and both cosines of the formula are
 * at least cos phi), and the arc 2 asin(sqrt h) is at least 2 sqrt(h);
 * sin_low keeps every step a lower bound.  A cell of the box takes the
 * box's phi: it bounds every cell in it and costs no cosine.
 */
static double cell_min_km(const lm__from *f, const lm__box *b)
{
  double dlat = 0.0, dlon = 0.0, c, s1, s2;

  if (f->lat < b->lat0)
    dlat = b->lat0 - f->lat;
  else if (f->lat > b->lat1)
    dlat = f->lat - b->lat1;
  if (!(f->lon >= b->lon0 && f->lon <= b->lon1)) {
    double g0 = lon_gap(f->lon, b->lon0), g1 = lon_gap(f->lon, b->lon1);
    dlon = g0 < g1 ? g0 : g1;
  }
  c = f->cos_box;
  if (c < 0.0 || fabs(b->lat0) > 90.0 || fabs(b->lat1) > 90.0) {
    double latmax = fmax(fabs(f->lat), fmax(fabs(b->lat0), fabs(b->lat1)));
    c = latmax < 90.0 ? cos(latmax * LM__DEG) : 0.0;
  }
  s1 = sin_low(dlat * LM__DEG / 2.0);
  s2 = sin_low(dlon * LM__DEG / 2.0) * c;
  return 2.0 * sqrt(s1 * s1 + s2 * s2) * f->km_per_rad;
}

/* The box of cells that can hold a point within km of (lat, lon); 0 when
 * that is more than a box can say (near a pole, or the whole world). */
static int reach_box(double lat, double lon, double km, lm__box *b)
{
  /* 6371 km, a little under geo.c's radius: the box comes out larger. */
  double ang = km / 6371.0, dlat, dlon, latmax, s;

  if (!(ang < 1.0))
    return 0;
  dlat = ang / LM__DEG * 1.0001 + 1e-6;
  latmax = fabs(lat) + dlat;
  if (latmax >= 89.0)
    return 0;
  s = sin(ang / 2.0) / cos(latmax * LM__DEG);
  if (s >= 1.0)
    return 0;
  dlon = 2.0 * asin(s) / LM__DEG * 1.0001 + 1e-6;
  if (dlon >= 180.0)
    return 0;
  b->lat0 = lat - dlat;
  b->lat1 = lat + dlat;
  b->lon0 = lon - dlon;
  b->lon1 = lon + dlon;
  return 1;
}

/* ------------------------------------------------------------- bounds */

/* The best an unshared pair can score: the weights of the components,
 * each times the largest fit it can have (see the top of this file). */
static double unshared_bound(const lm__scorer *sc, double skills_fit,
                             double occ_fit, double priority_fit)
{
  double fit[LM_C_COUNT_], bound;
  int c;

  for (c = 0; c < LM_C_COUNT_; c++)
    fit[c] = 1.0;
  fit[LM_C_SKILLS] = skills_fit;
  fit[LM_C_OCCUPATION] = occ_fit;
  fit[LM_C_PRIORITY] = priority_fit;
  bound = sc->weight[0] * fit[0];
  for (c = 1; c < LM_C_COUNT_; c++)
    bound += sc->weight[c] * fit[c];
  return bound;
}

/* For the jobs a seeker shares nothing with: every job naming no skill is
 * marked, so the skills fit is 0. */
static double jobs_bound(const lm__scorer *sc, const lm__seekerf *s)
{
  double occ = s->occ.len || s->npref_occ ? 0.25 : 0.0;
  return unshared_bound(sc, 0.0, occ, s->groups ? 1.0 : 0.0);
}

static double seekers_bound(const lm__scorer *sc, const lm__jobf *j)
{
  double skills = j->nreq + j->npref ? 0.0 : 1.0;
  return unshared_bound(sc, skills, j->occ.len ? 0.25 : 0.0,
                        j->groups ? 1.0 : 0.0);
}

/* ------------------------------------------------------- shared marks */

static uint64_t *marks_new(uint32_t nslots)
{
  return lm__calloc((size_t)nslots / 64 + 1, sizeof(uint64_t));
}

static int marked(const uint64_t *m, uint32_t slot)
{
  return (int)((m[slot >> 6] >> (slot & 63)) & 1u);
}

/* -------------------------------------------------- jobs for a seeker */

typedef struct lm__jsearch {
  const lm__index *ix;
  const lm__q *q;
  const lm__seekerf *s;
  const uint64_t *marks;
  double reach; /* km; INFINITY: no limit */
  lm__from from;
  lm__heap heap;
  double bound;
  int pass;     /* 1: the shared jobs; 2: the others */
  size_t others; /* unshared jobs pass 1 saw */
} lm__jsearch;

static void consider_job(lm__jsearch *js, uint32_t slot)
{
  const lm__jobf *j = lm__index_job(js->ix, slot);
  double score;

  if (j == NULL || (js->q->qf_on && !qf_job(&js->q->qf, j)))
    return;
  if (lm__filter_score(&js->q->sc, js->s, j, &score, NULL) == 0)
    heap_offer(&js->heap, score, j->id, slot);
}

static void jobs_cell(void *ctx, const uint32_t *slot, size_t n,
                      const lm__box *bounds)
{
  lm__jsearch *js = ctx;
  size_t i;

  if (js->pass == 2 && heap_beats(&js->heap, js->bound))
    return;
  if (bounds && isfinite(js->reach) &&
      cell_min_km(&js->from, bounds) > js->reach)
    return;
  for (i = 0; i < n; i++) {
    int shared = marked(js->marks, slot[i]);
    if (js->pass == 1) {
      if (shared)
        consider_job(js, slot[i]);
      else
        js->others++;
    } else if (!shared) {
      if (heap_beats(&js->heap, js->bound))
        return; /* no unshared job can enter any more */
      consider_job(js, slot[i]);
    }
  }
}

/* The top k jobs for seeker features s (stored or ad hoc). */
static int search_jobs(const lm__index *ix, const lm__q *q,
                       const lm__seekerf *s, lm__heap *out)
{
  lm__jsearch js;
  lm__box box, *pbox = NULL;
  uint64_t *marks;
  int rc;

  memset(&js, 0, sizeof js);
  js.ix = ix;
  js.q = q;
  js.s = s;
  js.reach = INFINITY;
  if (!(q->sc.relax & LM_FILTER_COMMUTE) && s->has_loc) {
    js.reach = lm__commute_reach_km(&q->sc, s);
    if (reach_box(s->lat, s->lon, js.reach, &box))
      pbox = &box;
    from_init(&js.from, s->lat, s->lon, pbox);
  }
  marks = marks_new(lm__index_nslots(ix, LM_JOB));
  if (marks == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  rc = heap_new(&js.heap, q->k, lm__index_live(ix, LM_JOB));
  if (rc != LM_OK) {
    lm__xfree(marks);
    return rc;
  }
  lm__index_mark_jobs(ix, s, marks);
  js.marks = marks;
  js.bound = jobs_bound(&q->sc, s);
  js.pass = 1;
  lm__index_jobs_near(ix, pbox, jobs_cell, &js);
  if (js.others > 0 && !heap_beats(&js.heap, js.bound)) {
    js.pass = 2;
    lm__index_jobs_near(ix, pbox, jobs_cell, &js);
  }
  lm__xfree(marks);
  *out = js.heap;
  return LM_OK;
}

/* -------------------------------------------------- seekers for a job */

typedef struct lm__ssearch {
  const lm__index *ix;
  const lm__q *q;
  const lm__jobf *j;
  const uint64_t *marks;
  int everywhere; /* COMMUTE relaxed or the job has no place */
  int override;   /* the query overrides minutes or mode */
  lm__from from;
  lm__heap heap;
  double bound;
  int pass;
  size_t others;
  int members; /* -1: every seeker; 1: only the job's favoured groups;
                  0: only the others */
} lm__ssearch;

static void consider_seeker(lm__ssearch *ss, uint32_t slot)
{
  const lm__seekerf *s = lm__index_seeker(ss->ix, slot);
  double score;

  if (s == NULL || (ss->q->qf_on && !qf_seeker(&ss->q->qf, s)))
    return;
  if (ss->members >= 0 && ((s->groups & ss->j->groups) != 0) != ss->members)
    return;
  if (lm__filter_score(&ss->q->sc, s, ss->j, &score, NULL) == 0)
    heap_offer(&ss->heap, score, s->id, slot);
}

/* The entry's reach under the query's override. */
static double entry_reach(const lm__ssearch *ss, const lm__sentry *e)
{
  lm__seekerf f;

  memset(&f, 0, sizeof f);
  f.minutes = e->minutes;
  f.mode = e->mode;
  return lm__commute_reach_km(&ss->q->sc, &f);
}

/* 1 when the entry's seeker may reach a point dmin km away. */
static int may_reach(const lm__ssearch *ss, const lm__sentry *e,
                     double dmin)
{
  if (ss->override)
    return entry_reach(ss, e) >= dmin;
  return (double)e->reach >= dmin;
}

static void seekers_cell(void *ctx, const lm__sentry *e, size_t n,
                         const lm__box *bounds)
{
  lm__ssearch *ss = ctx;
  double dmin = 0.0;
  size_t i;

  if (ss->pass == 2 && heap_beats(&ss->heap, ss->bound))
    return;
  if (bounds && !ss->everywhere)
    dmin = cell_min_km(&ss->from, bounds);
  for (i = 0; i < n; i++) {
    int shared;
    if (dmin > 0.0 && !may_reach(ss, &e[i], dmin)) {
      if (!ss->override)
        return; /* sorted by reach: the rest reach less */
      continue;
    }
    shared = marked(ss->marks, e[i].slot);
    if (ss->pass == 1) {
      if (shared)
        consider_seeker(ss, e[i].slot);
      else
        ss->others++;
    } else if (!shared) {
      if (heap_beats(&ss->heap, ss->bound))
        return; /* no unshared seeker can enter any more */
      consider_seeker(ss, e[i].slot);
    }
  }
}

/* The farthest any seeker may live from the job under the query. */
static double seekers_reach(const lm__index *ix, const lm__q *q)
{
  lm__seekerf f;
  unsigned minutes = lm__index_max_minutes(ix);
  int m, fastest = LM__MODE_NONE;

  if (q->sc.commute_minutes <= 0 && q->sc.commute_mode <= 0)
    return lm__index_max_reach(ix);
  for (m = LM__MODE_NONE; m <= LM__MODE_CAR; m++)
    if (lm__mode_speed(m) > lm__mode_speed(fastest))
      fastest = m;
  memset(&f, 0, sizeof f);
  f.minutes = (uint16_t)(minutes > LM__MINUTES_DEFAULT ? minutes
                                                       : LM__MINUTES_DEFAULT);
  f.mode = (uint8_t)fastest;
  return lm__commute_reach_km(&q->sc, &f);
}

/* The best k seekers for the job among `members` (see lm__ssearch). */
static int search_seekers_of(const lm__index *ix, const lm__q *q,
                             const lm__jobf *j, int members, size_t k,
                             lm__heap *out)
{
  lm__ssearch ss;
  lm__box box, *pbox = NULL;
  uint64_t *marks;
  int rc;

  memset(&ss, 0, sizeof ss);
  ss.ix = ix;
  ss.q = q;
  ss.j = j;
  ss.members = members;
  ss.everywhere = (q->sc.relax & LM_FILTER_COMMUTE) || !j->has_loc;
  ss.override = q->sc.commute_minutes > 0 || q->sc.commute_mode > 0;
  if (!ss.everywhere && reach_box(j->lat, j->lon, seekers_reach(ix, q), &box))
    pbox = &box;
  if (!ss.everywhere)
    from_init(&ss.from, j->lat, j->lon, pbox);
  marks = marks_new(lm__index_nslots(ix, LM_SEEKER));
  if (marks == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  rc = heap_new(&ss.heap, k, lm__index_live(ix, LM_SEEKER));
  if (rc != LM_OK) {
    lm__xfree(marks);
    return rc;
  }
  lm__index_mark_seekers(ix, j, marks);
  ss.marks = marks;
  ss.bound = seekers_bound(&q->sc, j);
  ss.pass = 1;
  lm__index_seekers_near(ix, pbox, seekers_cell, &ss);
  if (ss.others > 0 && !heap_beats(&ss.heap, ss.bound)) {
    ss.pass = 2;
    lm__index_seekers_near(ix, pbox, seekers_cell, &ss);
  }
  lm__xfree(marks);
  *out = ss.heap;
  return LM_OK;
}

/*
 * A post that favours key groups ranks their members first (DESIGN:
 * "a post reserved for a group ranks that group first"), unless the
 * query weighs priority at 0.  Each tier is searched with the ordinary
 * exact bound, so the order is exact within and across tiers.
 */
static int group_first(const lm__q *q, const lm__jobf *j)
{
  return j->groups != 0 && q->sc.weight[LM_C_PRIORITY] > 0.0;
}

static int search_seekers(const lm__index *ix, const lm__q *q,
                          const lm__jobf *j, lm__heap *out)
{
  lm__heap first, rest = {NULL, 0, 0};
  lm__hit *h;
  size_t i;
  int rc;

  if (!group_first(q, j))
    return search_seekers_of(ix, q, j, -1, q->k, out);
  rc = search_seekers_of(ix, q, j, 1, q->k, &first);
  if (rc != LM_OK)
    return rc;
  for (i = 0; i < first.n; i++)
    first.h[i].tier = 1;
  if (first.n == first.k && first.k == q->k) {
    *out = first;
    return LM_OK;
  }
  rc = search_seekers_of(ix, q, j, 0, q->k - first.n, &rest);
  h = rc == LM_OK ? lm__realloc(first.h, (first.n + rest.n + 1) * sizeof *h)
                  : NULL;
  if (h == NULL) {
    lm__xfree(first.h);
    lm__xfree(rest.h);
    return rc != LM_OK ? rc : lm__fail(LM_ENOMEM, "out of memory");
  }
  memcpy(h + first.n, rest.h, rest.n * sizeof *h);
  out->h = h;
  out->n = out->k = first.n + rest.n;
  lm__xfree(rest.h);
  return LM_OK;
}

/* -------------------------------------------------------- explanations */

static const char *vocab_name(void *ctx, int vocab, uint32_t id)
{
  return lm__index_name(ctx, vocab, id);
}

/* Why the query's own filters exclude a job, with the values. */
static int why_query(const lm__qf *qf, const lm__jobf *j, lm__buf *out)
{
  int rc = LM_OK;
  const char *sep = out->len ? "；" : "";

  if (qf->district_on && j->district != qf->district)
    rc = lm__buf_printf(out, "%s不在所选区县 %06u", sep,
                        (unsigned)qf->district);
  else if (qf->industry_on &&
           (qf->industry == 0 || j->industry != qf->industry))
    rc = lm__buf_printf(out, "%s不属所选行业", sep);
  else if (qf->occ_on && lm__occ_shared(&qf->occ, &j->occ) < qf->occ.len)
    rc = lm__buf_printf(out, "%s不属所选职业类别", sep);
  else if (qf->shift_on && j->shift != qf->shift)
    rc = lm__buf_printf(out, "%s不是所选班次", sep);
  else if (qf->salary_floor > 0 && job_pay(j) < qf->salary_floor)
    rc = lm__buf_printf(out, "%s薪资低于 %ld", sep, qf->salary_floor);
  else if (qf->group_on)
    rc = lm__buf_printf(out, "%s不是所选群体的专设岗位", sep);
  else
    rc = lm__buf_printf(out, "%s用工期不在所选时段", sep);
  return rc;
}

/* Fills result r for the pair: parts, score, reasons; filters when
 * asked (lm_explain). */
static int explain_pair(lm__index *ix, const lm__q *q, const lm__seekerf *s,
                        const lm__jobf *j, const char *id, int filters,
                        lm__result *r)
{
  int rc;

  r->id = lm__strdup(id);
  if (r->id == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  r->score = lm__score(&q->sc, s, j, r->part);
  rc = lm__explain(&q->sc, s, j, r->part, vocab_name, ix, r->reason);
  if (rc == LM_OK)
    rc = lm__explain_join(r->reason, &r->text);
  if (rc != LM_OK || !filters)
    return rc;
  r->filters = lm__filter(&q->sc, s, j);
  if (q->qf_on && !qf_job(&q->qf, j))
    r->filters |= LM_FILTER_QUERY;
  rc = lm__explain_filters(&q->sc, s, j, r->filters & ~LM_FILTER_QUERY,
                           vocab_name, ix, &r->filter_reason);
  if (rc == LM_OK && (r->filters & LM_FILTER_QUERY))
    rc = why_query(&q->qf, j, &r->filter_reason);
  return rc;
}

/* The heap's hits, best first, explained. */
static int results_of(lm__index *ix, const lm__q *q, lm__heap *hp,
                      const lm__seekerf *s, const lm__jobf *j,
                      lm_results **out)
{
  lm_results *rs;
  size_t i;
  int rc;

  qsort(hp->h, hp->n, sizeof *hp->h, cmp_hit);
  rc = results_new(&rs, hp->n);
  for (i = 0; i < hp->n && rc == LM_OK; i++) {
    const lm__seekerf *si = s ? s : lm__index_seeker(ix, hp->h[i].slot);
    const lm__jobf *ji = j ? j : lm__index_job(ix, hp->h[i].slot);
    rc = explain_pair(ix, q, si, ji, hp->h[i].id, 0, &rs->r[i]);
  }
  if (rc != LM_OK) {
    lm_results_free(rs);
    return rc;
  }
  *out = rs;
  return LM_OK;
}

/* ------------------------------------------------------- the engine side */


/* The shared start of every query: arguments, the index, the query. */
static int query_enter(lm_engine *e, const lm_query *q, lm__q *qq,
                       lm__index **ix)
{
  int rc = lm__engine_index_enter(e, ix);

  if (rc != LM_OK)
    return rc;
  rc = query_take(*ix, q, qq);
  if (rc != LM_OK)
    lm__engine_index_leave(e);
  return rc;
}

int lm_rank_jobs(lm_engine *e, const char *seeker_id, const lm_query *q,
                 lm_results **out)
{
  lm__index *ix;
  lm__heap hp = {NULL, 0, 0};
  lm__q qq;
  uint32_t slot;
  int rc;

  lm__clear_error();
  if (out)
    *out = NULL;
  if (e == NULL || seeker_id == NULL || out == NULL)
    return lm__fail(LM_EINVAL, "lm_rank_jobs: NULL argument");
  rc = query_enter(e, q, &qq, &ix);
  if (rc != LM_OK)
    return rc;
  if (!lm__index_find(ix, LM_SEEKER, seeker_id, &slot))
    rc = lm__fail(LM_ENOTFOUND, "no seeker with id %s", seeker_id);
  else
    rc = search_jobs(ix, &qq, lm__index_seeker(ix, slot), &hp);
  if (rc == LM_OK)
    rc = results_of(ix, &qq, &hp, lm__index_seeker(ix, slot), NULL, out);
  lm__engine_index_leave(e);
  lm__xfree(hp.h);
  return rc;
}

int lm_rank_seekers(lm_engine *e, const char *job_id, const lm_query *q,
                    lm_results **out)
{
  lm__index *ix;
  lm__heap hp = {NULL, 0, 0};
  lm__q qq;
  uint32_t slot;
  int rc;

  lm__clear_error();
  if (out)
    *out = NULL;
  if (e == NULL || job_id == NULL || out == NULL)
    return lm__fail(LM_EINVAL, "lm_rank_seekers: NULL argument");
  rc = query_enter(e, q, &qq, &ix);
  if (rc != LM_OK)
    return rc;
  if (!lm__index_find(ix, LM_JOB, job_id, &slot))
    rc = lm__fail(LM_ENOTFOUND, "no job with id %s", job_id);
  else
    rc = search_seekers(ix, &qq, lm__index_job(ix, slot), &hp);
  if (rc == LM_OK)
    rc = results_of(ix, &qq, &hp, NULL, lm__index_job(ix, slot), out);
  lm__engine_index_leave(e);
  lm__xfree(hp.h);
  return rc;
}

/* A walk-in's record prepared as a stored one would be (skills made
 * canonical, skills found in its text), so that it ranks the same. */
static int profile_prepare(lm_engine *e, const lm_record *profile,
                           lm_record **out)
{
  int rc;

  *out = NULL;
  if (profile->kind != LM_SEEKER || profile->removal)
    return lm__fail(LM_EINVAL, "the profile must be an open seeker record");
  rc = lm__engine_prepare(e, profile, out);
  if (rc == LM_EINVAL)
    return lm__fail_prefix(rc, "seeker %s: ", profile->id);
  return rc;
}

int lm_rank_jobs_for_profile(lm_engine *e, const lm_record *profile,
                             const lm_query *q, lm_results **out)
{
  lm__index *ix;
  lm__heap hp = {NULL, 0, 0};
  lm__seekerf f;
  lm_record *p = NULL;
  lm__q qq;
  int rc;

  lm__clear_error();
  if (out)
    *out = NULL;
  if (e == NULL || profile == NULL || out == NULL)
    return lm__fail(LM_EINVAL, "lm_rank_jobs_for_profile: NULL argument");
  rc = profile_prepare(e, profile, &p);
  if (rc != LM_OK)
    return rc;
  rc = query_enter(e, q, &qq, &ix);
  if (rc != LM_OK) {
    lm_record_free(p);
    return rc;
  }
  rc = lm__index_seekerf(ix, p, 0, &f);
  if (rc == LM_OK) {
    rc = search_jobs(ix, &qq, &f, &hp);
    if (rc == LM_OK)
      rc = results_of(ix, &qq, &hp, &f, NULL, out);
    lm__index_drop_seekerf(ix, &f, 0);
  }
  lm__engine_index_leave(e);
  lm__xfree(hp.h);
  lm_record_free(p);
  return rc;
}

int lm_explain(lm_engine *e, const char *seeker_id, const char *job_id,
               const lm_query *q, lm_results **out)
{
  lm__index *ix;
  lm_results *rs = NULL;
  uint32_t ss, js;
  lm__q qq;
  int rc;

  lm__clear_error();
  if (out)
    *out = NULL;
  if (e == NULL || seeker_id == NULL || job_id == NULL || out == NULL)
    return lm__fail(LM_EINVAL, "lm_explain: NULL argument");
  rc = query_enter(e, q, &qq, &ix);
  if (rc != LM_OK)
    return rc;
  if (!lm__index_find(ix, LM_SEEKER, seeker_id, &ss))
    rc = lm__fail(LM_ENOTFOUND, "no seeker with id %s", seeker_id);
  else if (!lm__index_find(ix, LM_JOB, job_id, &js))
    rc = lm__fail(LM_ENOTFOUND, "no job with id %s", job_id);
  else
    rc = results_new(&rs, 1);
  if (rc == LM_OK)
    rc = explain_pair(ix, &qq, lm__index_seeker(ix, ss), lm__index_job(ix, js),
                      job_id, 1, &rs->r[0]);
  lm__engine_index_leave(e);
  if (rc != LM_OK) {
    lm_results_free(rs);
    return rc;
  }
  *out = rs;
  return LM_OK;
}

/* ------------------------------------------------------------- advice */

typedef struct lm__advice_item {
  const char *name; /* the index's name, borrowed while building */
  char *copy;
  int kind;
  uint32_t id;
  size_t jobs;
} lm__advice_item;

struct lm_advice {
  lm__advice_item *it;
  size_t n;
};

/* The gaps found: one (kind << 32 | id) per job a single item unlocks. */
typedef struct lm__gaps {
  const lm__index *ix;
  const lm__q *q;
  const lm__seekerf *s;
  double reach;
  lm__from from;
  uint64_t *gap;
  size_t n, cap;
  int rc;
} lm__gaps;

static int gaps_add(lm__gaps *g, int kind, uint32_t id)
{
  if (g->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 64;
    uint64_t *v = lm__realloc(g->gap, cap * sizeof *v);
    if (v == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    g->gap = v;
    g->cap = cap;
  }
  g->gap[g->n++] = ((uint64_t)kind << 32) | id;
  return LM_OK;
}

/* The one id of need[0..nn) that have[0..nh) lacks, or 0 when none or
 * more than one is missing. */
static uint32_t sole_missing(const uint32_t *have, size_t nh,
                             const uint32_t *need, size_t nn)
{
  size_t i = 0, k;
  uint32_t miss = 0;

  for (k = 0; k < nn; k++) {
    while (i < nh && have[i] < need[k])
      i++;
    if (i < nh && have[i] == need[k])
      continue;
    if (miss != 0)
      return 0;
    miss = need[k];
  }
  return miss;
}

static void gap_job(lm__gaps *g, uint32_t slot)
{
  const lm__jobf *j = lm__index_job(g->ix, slot);
  const lm__seekerf *s = g->s;
  unsigned int bits;
  uint32_t miss;

  if (j == NULL || g->rc != LM_OK ||
      (g->q->qf_on && !qf_job(&g->q->qf, j)))
    return;
  bits = lm__filter(&g->q->sc, s, j);
  if (bits == LM_FILTER_CERTIFICATE) {
    miss = sole_missing(s->certs, s->ncerts, j->certs, j->ncerts);
    if (miss != 0)
      g->rc = gaps_add(g, LM_ADVICE_CERTIFICATE, miss);
  } else if (bits == 0) {
    miss = sole_missing(s->skills, s->nskills, j->skills, j->nreq);
    if (miss != 0)
      g->rc = gaps_add(g, LM_ADVICE_SKILL, miss);
  }
}

static void gaps_cell(void *ctx, const uint32_t *slot, size_t n,
                      const lm__box *bounds)
{
  lm__gaps *g = ctx;
  size_t i;

  if (bounds && isfinite(g->reach) &&
      cell_min_km(&g->from, bounds) > g->reach)
    return;
  for (i = 0; i < n; i++)
    gap_job(g, slot[i]);
}

static int cmp_u64_gap(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static int cmp_advice(const void *a, const void *b)
{
  const lm__advice_item *x = a, *y = b;
  if (x->jobs != y->jobs)
    return x->jobs > y->jobs ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* Counts the gaps per item and keeps the k most useful, named. */
static int advice_of(lm__index *ix, lm__gaps *g, size_t k, lm_advice **out)
{
  lm_advice *a = lm__calloc(1, sizeof *a);
  size_t i, n = 0;

  if (a == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  if (g->n > 0)
    qsort(g->gap, g->n, sizeof *g->gap, cmp_u64_gap);
  a->it = lm__calloc(g->n ? g->n : 1, sizeof *a->it);
  if (a->it == NULL) {
    lm__xfree(a);
    return lm__fail(LM_ENOMEM, "out of memory");
  }
  for (i = 0; i < g->n; i++) {
    if (i > 0 && g->gap[i] == g->gap[i - 1]) {
      a->it[n - 1].jobs++;
      continue;
    }
    a->it[n].kind = (int)(g->gap[i] >> 32);
    a->it[n].id = (uint32_t)g->gap[i];
    a->it[n].name = lm__index_name(ix, a->it[n].kind == LM_ADVICE_SKILL
                                           ? LM__VOCAB_SKILL
                                           : LM__VOCAB_CERT,
                                   a->it[n].id);
    if (a->it[n].name == NULL)
      a->it[n].name = "";
    a->it[n].jobs = 1;
    n++;
  }
  qsort(a->it, n, sizeof *a->it, cmp_advice);
  a->n = n < k ? n : k;
  for (i = 0; i < a->n; i++)
    if ((a->it[i].copy = lm__strdup(a->it[i].name)) == NULL) {
      lm_advice_free(a);
      return lm__fail(LM_ENOMEM, "out of memory");
    }
  *out = a;
  return LM_OK;
}

int lm_advise(lm_engine *e, const char *seeker_id, const lm_query *q,
              lm_advice **out)
{
  lm__index *ix;
  lm__gaps g;
  lm__box box, *pbox = NULL;
  lm__q qq;
  uint32_t slot;
  int rc;

  lm__clear_error();
  if (out)
    *out = NULL;
  if (e == NULL || seeker_id == NULL || out == NULL)
    return lm__fail(LM_EINVAL, "lm_advise: NULL argument");
  rc = query_enter(e, q, &qq, &ix);
  if (rc != LM_OK)
    return rc;
  memset(&g, 0, sizeof g);
  if (!lm__index_find(ix, LM_SEEKER, seeker_id, &slot)) {
    lm__engine_index_leave(e);
    return lm__fail(LM_ENOTFOUND, "no seeker with id %s", seeker_id);
  }
  g.ix = ix;
  g.q = &qq;
  g.s = lm__index_seeker(ix, slot);
  g.reach = INFINITY;
  if (!(qq.sc.relax & LM_FILTER_COMMUTE) && g.s->has_loc) {
    g.reach = lm__commute_reach_km(&qq.sc, g.s);
    if (reach_box(g.s->lat, g.s->lon, g.reach, &box))
      pbox = &box;
    from_init(&g.from, g.s->lat, g.s->lon, pbox);
  }
  lm__index_jobs_near(ix, pbox, gaps_cell, &g);
  rc = g.rc;
  if (rc == LM_OK)
    rc = advice_of(ix, &g, qq.k, out);
  lm__engine_index_leave(e);
  lm__xfree(g.gap);
  return rc;
}

size_t lm_advice_count(const lm_advice *a)
{
  return a ? a->n : 0;
}

const char *lm_advice_item(const lm_advice *a, size_t i)
{
  return a && i < a->n ? a->it[i].copy : NULL;
}

int lm_advice_kind(const lm_advice *a, size_t i)
{
  return a && i < a->n ? a->it[i].kind : 0;
}

size_t lm_advice_jobs(const lm_advice *a, size_t i)
{
  return a && i < a->n ? a->it[i].jobs : 0;
}

void lm_advice_free(lm_advice *a)
{
  size_t i;

  if (a == NULL)
    return;
  for (i = 0; i < a->n; i++)
    lm__xfree(a->it[i].copy);
  lm__xfree(a->it);
  lm__xfree(a);
}

/* ------------------------------------------------------------ refresh */

double lm__rank_reach(const lm__seekerf *s)
{
  lm__scorer sc;

  lm__scorer_init(&sc, LM__NO_DAY);
  return lm__commute_reach_km(&sc, s);
}

int lm_engine_refresh(lm_engine *e)
{
  lm__clear_error();
  if (e == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_refresh: engine is NULL");
  return lm__engine_index_refresh(e, 0);
}

/* ------------------------------------------------------------- batch */

int lm__rank_scorer(lm__index *ix, const lm_query *q, lm__scorer *sc)
{
  lm__q qq;
  int rc = query_take(ix, q, &qq);

  if (rc == LM_OK)
    *sc = qq.sc;
  return rc;
}
