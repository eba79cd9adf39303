/*
 * score.c: the hard filters, the weighted fit of a seeker and a job, and
 * the explanation of both.  doc/SCORING.md is the model in words; keep the
 * two the same.
 *
 * lm__filter and lm__score (and lm__filter_score, both at once) are the
 * hot path: rank.c calls them for every candidate pair of every query;
 * lm__filter_score_jobs is lm__filter_score for one seeker and many jobs
 * (a fair), by the same functions.  They allocate nothing, touch no
 * string and call no libm function (the distance is geo.c's polynomial
 * haversine).  The explanations are for the few results a caller sees and
 * may be as slow as they like.
 *
 * One function, score_parts, computes every score, so a pair scores the
 * same whichever side asked and whichever entry point was used; the score
 * is the sum of the contributions in component order, so adding them up
 * the same way gives the score bit for bit.  This holds under IEEE
 * arithmetic as compiled here: do not build with -ffast-math.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/*
 * Default weights; they sum to 100, so a score reads as a percentage.
 * doc/SCORING.md says why each is what it is.
 */
const double lm__default_weight[LM_C_COUNT_] = {
    [LM_C_SKILLS] = 35.0,     [LM_C_OCCUPATION] = 20.0,
    [LM_C_COMMUTE] = 12.0,    [LM_C_SALARY] = 8.0,
    [LM_C_EDUCATION] = 5.0,   [LM_C_PREFERENCE] = 8.0,
    [LM_C_WINDOW] = 4.0,      [LM_C_PRIORITY] = 5.0,
    [LM_C_FRESHNESS] = 3.0,
};

/* Fits for what the data cannot tell (doc/SCORING.md). */
#define LM__FIT_NEUTRAL 0.5 /* unknown either way: neither for nor against */
#define LM__FIT_NO_SKILLS 0.3 /* a job naming no skill: little evidence */
#define LM__REQ_SHARE 0.8   /* required skills' share when both kinds */
#define LM__FRESH_DAYS 60.0 /* freshness falls to 0 over this many days */

void lm__scorer_init(lm__scorer *sc, int32_t today)
{
  memset(sc, 0, sizeof *sc);
  memcpy(sc->weight, lm__default_weight, sizeof sc->weight);
  sc->today = today;
}

/* --------------------------------------------------------------- dates */

/* The proleptic Gregorian year, month and day of days since 1970-01-01
 * (H. Hinnant's civil_from_days: exact for every day). */
static void civil(int32_t days, int *y, int *m, int *d)
{
  long z = (long)days + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;

  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* The age filter needs the year of `today` for every pair, and `today`
 * is the same for a whole query: the last answer is kept, the day (offset
 * to be non-zero) in the high half and the year in the low half of one
 * atomic word, so that threads asking about different days never read a
 * torn pair. */
static _Atomic uint64_t lm__year_memo;

static int year_of(int32_t days)
{
  uint32_t key = (uint32_t)days ^ 0x80000000u;
  uint64_t memo = atomic_load_explicit(&lm__year_memo, memory_order_relaxed);
  int y, m, d;

  if (memo != 0 && (uint32_t)(memo >> 32) == key)
    return (int)(int32_t)(uint32_t)memo;
  civil(days, &y, &m, &d);
  atomic_store_explicit(&lm__year_memo,
                        (uint64_t)key << 32 | (uint32_t)(int32_t)y,
                        memory_order_relaxed);
  return y;
}

/* -------------------------------------------------------------- pieces */

/* The pair's commute as the filter, the fit and the reasons all see it. */
typedef struct lm__trip {
  int known;      /* both sides located */
  int mode;       /* the mode travelled (override, seeker's, default) */
  double limit;   /* minutes accepted */
  double minutes; /* minutes by that mode, when known */
} lm__trip;

static int trip_mode(const lm__scorer *sc, const lm__seekerf *s)
{
  if (sc->commute_mode > LM__MODE_NONE && sc->commute_mode <= LM__MODE_CAR)
    return sc->commute_mode;
  if (s->mode > LM__MODE_NONE && s->mode <= LM__MODE_CAR)
    return s->mode;
  return LM__MODE_DEFAULT;
}

static double trip_limit(const lm__scorer *sc, const lm__seekerf *s)
{
  if (sc->commute_minutes > 0)
    return sc->commute_minutes;
  return s->minutes ? s->minutes : LM__MINUTES_DEFAULT;
}

/* The trip by `mode` with `limit` minutes (trip_mode and trip_limit of
 * the seeker: a batch works them out once per seeker). */
static void trip_by(int mode, double limit, const lm__seekerf *s,
                    const lm__jobf *j, lm__trip *t)
{
  t->mode = mode;
  t->limit = limit;
  t->known = s->has_loc && j->has_loc;
  t->minutes = t->known ? lm__commute_minutes(lm__distance_km(s->lat, s->lon,
                                                              j->lat, j->lon),
                                              t->mode)
                        : 0.0;
}

static void trip(const lm__scorer *sc, const lm__seekerf *s,
                 const lm__jobf *j, lm__trip *t)
{
  trip_by(trip_mode(sc, s), trip_limit(sc, s), s, j, t);
}

double lm__commute_reach_km(const lm__scorer *sc, const lm__seekerf *s)
{
  /* Padded by a part in 10^9: minutes and reach are computed along
   * different roundings, and the grid must never be the tighter one. */
  return lm__reach_km(trip_limit(sc, s), trip_mode(sc, s)) * (1.0 + 1e-9);
}

static int has_window(int32_t from, int32_t to)
{
  return from != LM__NO_DAY || to != LM__NO_DAY;
}

/* Window ends as numbers, an open end as far out as it goes. */
static int64_t win_lo(int32_t from)
{
  return from == LM__NO_DAY ? INT64_MIN / 4 : from;
}
static int64_t win_hi(int32_t to)
{
  return to == LM__NO_DAY ? INT64_MAX / 4 : to;
}

static int windows_overlap(const lm__seekerf *s, const lm__jobf *j)
{
  int64_t lo = win_lo(s->win_from) > win_lo(j->win_from) ? win_lo(s->win_from)
                                                          : win_lo(j->win_from);
  int64_t hi = win_hi(s->win_to) < win_hi(j->win_to) ? win_hi(s->win_to)
                                                     : win_hi(j->win_to);
  return lo <= hi;
}

/* 1 when every id of need[0..nn) is in have[0..nh) (both ascending). */
static int covers(const uint32_t *have, size_t nh, const uint32_t *need,
                  size_t nn)
{
  size_t i = 0, k;

  for (k = 0; k < nn; k++) {
    while (i < nh && have[i] < need[k])
      i++;
    if (i == nh || have[i] != need[k])
      return 0;
  }
  return 1;
}

/* 1 when id is in a[0..n) (any order).  Scans it all rather than stop at
 * the hit: the lists are short and the loop then runs the same number of
 * times for every job. */
static int contains(const uint32_t *a, size_t n, uint32_t id)
{
  size_t i;
  int hit = 0;

  for (i = 0; i < n; i++)
    hit |= a[i] == id;
  return hit;
}

/* A removed record (a tombstone the index keeps until compaction) is out
 * whatever the query relaxes: relaxing CLOSED shows expired jobs, never
 * deleted ones. */
static int removed(const lm__seekerf *s, const lm__jobf *j)
{
  return (s->closed | j->closed) != 0;
}

/* ------------------------------------------------------------- filters */

/* bit when cond (0 or 1), else 0, without a branch. */
#define LM__IF(cond, bit) ((bit) & (0u - (unsigned int)(cond)))

static int age_of(const lm__scorer *sc, const lm__seekerf *s)
{
  return year_of(sc->today != LM__NO_DAY ? sc->today : 0) - s->birth_year;
}

/* Certificates and windows (not relaxed yet).  They are rare: these
 * branches go one way. */
static unsigned int rare_filters(const lm__seekerf *s, const lm__jobf *j)
{
  unsigned int bits = 0;

  if (j->ncerts && !covers(s->certs, s->ncerts, j->certs, j->ncerts))
    bits |= LM_FILTER_CERTIFICATE;
  if (has_window(j->win_from, j->win_to) &&
      has_window(s->win_from, s->win_to) && !windows_overlap(s, j))
    bits |= LM_FILTER_WINDOW;
  return bits;
}

/* Every filter but COMMUTE (the only one that needs the distance), less
 * the relaxed ones.  The conditions are combined with & and | rather than
 * && and || on purpose: they vary from job to job, so each branch would
 * be mispredicted often, and evaluating them all costs less.
 * lm__jgate_init has the date, age, education and salary filters as
 * bounds: keep the two the same. */
static unsigned int cheap_filters(const lm__scorer *sc, const lm__seekerf *s,
                                  const lm__jobf *j)
{
  int32_t today = sc->today;
  int dated = today != LM__NO_DAY;
  int age = age_of(sc, s);
  unsigned int bits = 0;

  bits |= LM__IF(dated & (j->expires != LM__NO_DAY) & (j->expires < today),
                 LM_FILTER_CLOSED);
  bits |= LM__IF(dated & (j->posted != LM__NO_DAY) & (j->posted > today),
                 LM_FILTER_CLOSED);
  bits |= LM__IF(dated & (s->birth_year != 0) &
                     (((j->age_min != 0) & (age < j->age_min)) |
                      ((j->age_max != 0) & (age > j->age_max))),
                 LM_FILTER_AGE);
  /* edu_min 1 is the level "none": no requirement.  An unknown seeker
   * (0) fails any real one. */
  bits |= LM__IF((j->edu_min > 1) & (s->edu < j->edu_min),
                 LM_FILTER_EDUCATION);
  bits |= LM__IF((j->negotiable == 0) & (j->sal_max > 0) & (s->sal_min > 0) &
                     (j->sal_max < s->sal_min),
                 LM_FILTER_SALARY);
  bits |= rare_filters(s, j);
  bits &= ~sc->relax;
  return bits | LM__IF(removed(s, j), LM_FILTER_CLOSED);
}

static unsigned int commute_filter(const lm__scorer *sc, const lm__trip *t)
{
  if ((sc->relax & LM_FILTER_COMMUTE) || !t->known)
    return 0;
  return t->minutes > t->limit ? LM_FILTER_COMMUTE : 0;
}

unsigned int lm__filter(const lm__scorer *sc, const lm__seekerf *s,
                        const lm__jobf *j)
{
  unsigned int bits = cheap_filters(sc, s, j);
  lm__trip t;

  if (!(sc->relax & LM_FILTER_COMMUTE) && s->has_loc && j->has_loc) {
    trip(sc, s, j, &t);
    bits |= commute_filter(sc, &t);
  }
  return bits;
}

/* ----------------------------------------------------------------- fit */

/* 1 when x is in a[0..n) (ascending).  A binary search whose steps are
 * conditional moves: the loop runs a number of times that depends on n
 * alone, which is the same for every job a seeker is ranked against, so
 * nothing here is mispredicted (a merge of the two lists was, at every
 * step, and cost more than the rest of the score). */
static int has_id(const uint32_t *a, size_t n, uint32_t x)
{
  if (n == 0)
    return 0;
  while (n > 1) {
    size_t half = n / 2;

    a = a[half] <= x ? a + half : a;
    n -= half;
  }
  return *a == x;
}

/* f within [0, 1]; compiles to maxsd/minsd, no branch. */
static double clamp01(double f)
{
  f = f > 0.0 ? f : 0.0;
  return f < 1.0 ? f : 1.0;
}

/* How many ids of need[0..nn) have[0..nh) holds (have ascending). */
static size_t covered(const uint32_t *have, size_t nh, const uint32_t *need,
                      size_t nn)
{
  size_t k, c = 0;

  for (k = 0; k < nn; k++)
    c += (size_t)has_id(have, nh, need[k]);
  return c;
}

/* The seeker's skills as a set of nheld bits, for a batch (NULL: none;
 * has_id searches the list).  The bit and the search give the same hit:
 * the list is sorted and every id in it is below nheld. */
typedef struct lm__held {
  const uint64_t *bit;
  uint32_t n;
} lm__held;

static int holds(const lm__seekerf *s, const lm__held *held, uint32_t id)
{
  if (held->bit == NULL)
    return has_id(s->skills, s->nskills, id);
  return id < held->n && (int)(held->bit[id >> 6] >> (id & 63) & 1u);
}

/* Required and preferred coverage in one pass over the job's skills (one
 * loop, so one mispredicted exit), then the mix of doc/SCORING.md chosen
 * by table rather than by branches. */
static double fit_skills(const lm__scorer *sc, const lm__seekerf *s,
                         const lm__jobf *j, const lm__held *held)
{
  /* share[has required][has preferred] of required, then preferred. */
  static const double share[2][2][2] = {
      {{0.0, 0.0}, {0.0, 1.0}},
      {{1.0, 0.0}, {LM__REQ_SHARE, 1.0 - LM__REQ_SHARE}},
  };
  const float *idf = sc->idf;
  size_t nidf = idf ? sc->nidf : 0, n = (size_t)j->nreq + j->npref, k;
  double got[2] = {0.0, 0.0}, all[2] = {0.0, 0.0}, cov[2];
  size_t hits[2] = {0, 0};
  int hr = j->nreq != 0, hp = j->npref != 0, i;

  for (k = 0; k < n; k++) {
    uint32_t id = j->skills[k];
    double w = id < nidf ? (double)idf[id] : 1.0;
    int hit = holds(s, held, id), pref = k >= j->nreq;

    all[pref] += w;
    got[pref] += w * (double)hit;
    hits[pref] += (size_t)hit;
  }
  for (i = 0; i < 2; i++) {
    size_t len = i ? j->npref : j->nreq;
    /* Rarities of 0 (an empty index): count instead. */
    cov[i] = all[i] > 0.0 ? got[i] / all[i]
             : len        ? (double)hits[i] / (double)len
                          : 0.0;
  }
  if (!(hr | hp))
    return LM__FIT_NO_SKILLS;
  return share[hr][hp][0] * cov[0] + share[hr][hp][1] * cov[1];
}

/* How close a preferred prefix p is to the job's code: 1 when the code is
 * under it, else half the share of its levels the code shares. */
static double prefix_fit(const lm__occ *p, const lm__occ *job)
{
  int shared = lm__occ_shared(p, job);

  if (p->len == 0)
    return 0.0;
  if (shared == p->len)
    return 1.0;
  return 0.5 * (double)shared / (double)p->len;
}

static double fit_occupation(const lm__seekerf *s, const lm__jobf *j,
                             int *best_pref)
{
  double best = 0.0, f;
  int k;

  if (best_pref)
    *best_pref = -1;
  if (j->occ.len == 0)
    return 0.0;
  if (s->occ.len)
    best = (double)lm__occ_shared(&s->occ, &j->occ) / 4.0;
  for (k = 0; k < s->npref_occ; k++) {
    f = prefix_fit(&s->pref_occ[k], &j->occ);
    if (f > best) {
      best = f;
      if (best_pref)
        *best_pref = k;
    }
  }
  return best;
}

static double fit_commute(const lm__trip *t)
{
  if (!t->known)
    return LM__FIT_NEUTRAL;
  return clamp01(1.0 - t->minutes / t->limit);
}

/* What the job pays for comparison: its maximum, else its minimum; -1
 * when it says nothing usable. */
static long salary_ref(const lm__jobf *j)
{
  if (j->negotiable)
    return -1;
  if (j->sal_max > 0)
    return j->sal_max;
  if (j->sal_min > 0)
    return j->sal_min;
  return -1;
}

static double fit_salary(const lm__seekerf *s, const lm__jobf *j)
{
  long ref = salary_ref(j);

  if (ref < 0 || s->sal_min <= 0)
    return LM__FIT_NEUTRAL;
  /* 0.5 at the seeker's minimum, 1 at twice it, 0 at nothing. */
  return clamp01(0.5 + (double)(ref - s->sal_min) /
                           (2.0 * (double)s->sal_min));
}

static double fit_education(const lm__seekerf *s, const lm__jobf *j)
{
  double meets = (double)((j->edu_min <= 1) | (s->edu >= j->edu_min));
  /* min(1, years / years asked), and 1 when none is asked: the "+ none"
   * makes that case 1/1 with no branch. */
  int none = j->exp_years == 0;
  double exp = (double)(s->exp_years + none) / (double)(j->exp_years + none);

  return 0.5 * meets + 0.5 * (exp < 1.0 ? exp : 1.0);
}

/* A stated kind's fit: 1 or 0 as the job matches, neutral when the job
 * does not say.  Arithmetic, not branches: matches vary job to job. */
static double kind_fit(int job_says, int match)
{
  static const double fit[2][2] = {{LM__FIT_NEUTRAL, LM__FIT_NEUTRAL},
                                   {0.0, 1.0}};
  return fit[job_says][match];
}

static double fit_preference(const lm__seekerf *s, const lm__jobf *j)
{
  int ki = s->npref_ind != 0, ks = s->pref_shifts != 0, none = !(ki | ks);
  double fi = kind_fit(j->industry != 0,
                       contains(s->pref_ind, s->npref_ind, j->industry));
  double fs = kind_fit(j->shift != 0, (j->shift & s->pref_shifts) != 0);

  /* The mean over the kinds stated; none stated: neutral (0.5 / 1). */
  return ((double)ki * fi + (double)ks * fs + none * LM__FIT_NEUTRAL) /
         (double)(ki + ks + none);
}

/* The share of the job's window the seeker is available for.  An open
 * end of the job's window is closed by the seeker's bound on that side;
 * open on both sides of the pair, the share is whole. */
static double fit_window(const lm__seekerf *s, const lm__jobf *j)
{
  int64_t jlo, jhi, lo, hi;

  if (!has_window(j->win_from, j->win_to) ||
      !has_window(s->win_from, s->win_to))
    return 1.0;
  jlo = j->win_from != LM__NO_DAY ? j->win_from : win_lo(s->win_from);
  jhi = j->win_to != LM__NO_DAY ? j->win_to : win_hi(s->win_to);
  lo = jlo > win_lo(s->win_from) ? jlo : win_lo(s->win_from);
  hi = jhi < win_hi(s->win_to) ? jhi : win_hi(s->win_to);
  if (lo > hi)
    return 0.0;
  if (jlo == win_lo(LM__NO_DAY) || jhi == win_hi(LM__NO_DAY))
    return 1.0;
  return (double)(hi - lo + 1) / (double)(jhi - jlo + 1);
}

static double fit_priority(const lm__seekerf *s, const lm__jobf *j)
{
  return (j->groups & s->groups) ? 1.0 : 0.0;
}

static double fit_freshness(const lm__scorer *sc, const lm__jobf *j)
{
  double f;

  if (j->posted == LM__NO_DAY || sc->today == LM__NO_DAY)
    return LM__FIT_NEUTRAL;
  f = 1.0 - (double)((int64_t)sc->today - j->posted) / LM__FRESH_DAYS;
  return f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
}

/* The one place a score is made. */
static double score_parts(const lm__scorer *sc, const lm__seekerf *s,
                          const lm__jobf *j, const lm__trip *t,
                          const lm__held *held, double *part)
{
  double p[LM_C_COUNT_], score;
  const double *w = sc->weight;
  int c;

  p[LM_C_SKILLS] = w[LM_C_SKILLS] * fit_skills(sc, s, j, held);
  p[LM_C_OCCUPATION] = w[LM_C_OCCUPATION] * fit_occupation(s, j, NULL);
  p[LM_C_COMMUTE] = w[LM_C_COMMUTE] * fit_commute(t);
  p[LM_C_SALARY] = w[LM_C_SALARY] * fit_salary(s, j);
  p[LM_C_EDUCATION] = w[LM_C_EDUCATION] * fit_education(s, j);
  p[LM_C_PREFERENCE] = w[LM_C_PREFERENCE] * fit_preference(s, j);
  p[LM_C_WINDOW] = w[LM_C_WINDOW] * fit_window(s, j);
  p[LM_C_PRIORITY] = w[LM_C_PRIORITY] * fit_priority(s, j);
  p[LM_C_FRESHNESS] = w[LM_C_FRESHNESS] * fit_freshness(sc, j);
  /* The score is the parts added in component order, nothing else, so
   * that whoever adds the explained parts the same way gets it exactly. */
  score = p[0];
  for (c = 1; c < LM_C_COUNT_; c++)
    score += p[c];
  if (part)
    memcpy(part, p, sizeof p);
  return score;
}

double lm__score(const lm__scorer *sc, const lm__seekerf *s,
                 const lm__jobf *j, double *part)
{
  lm__held none = {NULL, 0};
  lm__trip t;

  trip(sc, s, j, &t);
  return score_parts(sc, s, j, &t, &none, part);
}

unsigned int lm__filter_score(const lm__scorer *sc, const lm__seekerf *s,
                              const lm__jobf *j, double *score, double *part)
{
  unsigned int bits = cheap_filters(sc, s, j);
  lm__held none = {NULL, 0};
  lm__trip t;

  if (bits)
    return bits;
  trip(sc, s, j, &t);
  bits = commute_filter(sc, &t);
  if (bits)
    return bits;
  *score = score_parts(sc, s, j, &t, &none, part);
  return 0;
}

void lm__jgate_init(const lm__scorer *sc, const lm__jobf *j, lm__jgate *g)
{
  int32_t today = sc->today;
  int dated = today != LM__NO_DAY;

  /* cheap_filters' conditions, each as the bound a seeker must
   * meet (one that does not apply, or is relaxed, lets every seeker
   * through): the gate shuts exactly the pairs those filters exclude. */
  g->shut = j->closed ||
            (!(sc->relax & LM_FILTER_CLOSED) && dated &&
             ((j->expires != LM__NO_DAY && j->expires < today) ||
              (j->posted != LM__NO_DAY && j->posted > today)));
  g->age_lo = INT32_MIN;
  g->age_hi = INT32_MAX;
  if (dated && !(sc->relax & LM_FILTER_AGE)) {
    if (j->age_min != 0)
      g->age_lo = j->age_min;
    if (j->age_max != 0)
      g->age_hi = j->age_max;
  }
  g->edu_min = j->edu_min > 1 && !(sc->relax & LM_FILTER_EDUCATION)
                   ? j->edu_min
                   : 0;
  g->sal_max = j->negotiable == 0 && j->sal_max > 0 &&
                       !(sc->relax & LM_FILTER_SALARY)
                   ? j->sal_max
                   : INT32_MAX;
}

size_t lm__filter_score_jobs(const lm__scorer *sc, const lm__seekerf *s,
                             const lm__jobf *const *jf,
                             const lm__jgate *gate, const uint32_t *job,
                             size_t n, uint64_t *bits, uint32_t nbits,
                             uint32_t *ok, double *score)
{
  int age = age_of(sc, s), mode = trip_mode(sc, s);
  double limit = trip_limit(sc, s);
  /* The gate's view of the seeker: with no birth year (or no date) the
   * age bounds do not apply, and with no pay asked (0) every job pays. */
  int aged = sc->today != LM__NO_DAY && s->birth_year != 0;
  int32_t gsal = s->sal_min > 0 ? s->sal_min : 0;
  lm__held held = {NULL, 0};
  size_t i, m = 0;

  if (bits && (s->nskills == 0 || s->skills[s->nskills - 1] < nbits)) {
    for (i = 0; i < s->nskills; i++)
      bits[s->skills[i] >> 6] |= (uint64_t)1 << (s->skills[i] & 63);
    held.bit = bits;
    held.n = nbits;
  }
  /* lm__filter_score's steps for each job, in three passes, each a loop
   * with no branch that goes one way or the other at random: cheap_filters
   * is the gate (its date, age, education and salary filters and the
   * job's removal), which shuts about half the jobs, and the rest of it;
   * then the trip and COMMUTE; then the score.  The distance and the
   * score are long chains of arithmetic: in a loop of their own, one
   * pair's overlaps the next's.  Each pass keeps the jobs that pass,
   * moving them down ok[]. */
  for (i = 0; i < n; i++) {
    const lm__jgate *g = &gate[job[i]];

    ok[m] = job[i];
    m += !(g->shut | (g->sal_max < gsal) | (s->edu < g->edu_min) |
           (aged & ((age < g->age_lo) | (age > g->age_hi))));
  }
  for (n = m, m = i = 0; i < n; i++) {
    uint32_t x = ok[i];
    const lm__jobf *j = jf[x];
    lm__trip t;

    trip_by(mode, limit, s, j, &t);
    ok[m] = x;
    score[m] = t.minutes; /* for now */
    m += !(((rare_filters(s, j) & ~sc->relax) | s->closed) |
           commute_filter(sc, &t));
  }
  for (i = 0; i < m; i++) {
    const lm__jobf *j = jf[ok[i]];
    lm__trip t;

    /* trip_by's trip, its minutes kept. */
    t.mode = mode;
    t.limit = limit;
    t.known = s->has_loc && j->has_loc;
    t.minutes = score[i];
    score[i] = score_parts(sc, s, j, &t, &held, NULL);
  }
  if (held.bit)
    for (i = 0; i < s->nskills; i++)
      bits[s->skills[i] >> 6] = 0;
  return m;
}

/* -------------------------------------------------------- explanations */

/* Writing into a reason: the first failure sticks and the rest is
 * skipped, so a reason is built without a test after every piece. */
typedef struct lm__out {
  lm__buf *b;
  int rc;
} lm__out;

static void put(lm__out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(lm__out *o, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (o->rc != LM_OK)
    return;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    o->rc = lm__fail(LM_ERROR, "explanation: bad format");
    return;
  }
  o->rc = lm__buf_reserve(o->b, (size_t)n);
  if (o->rc != LM_OK)
    return;
  va_start(ap, fmt);
  vsnprintf(o->b->data + o->b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  o->b->len += (size_t)n;
}

/* Reasons are in simplified Chinese, the dictionary's canonical script. */
static const char *const lm__edu_zh[] = {"无", "小学", "初中", "高中/中专",
                                         "大专", "本科", "硕士", "博士"};
static const char *const lm__mode_zh[] = {
    [LM__MODE_NONE] = "公交", [LM__MODE_WALK] = "步行",
    [LM__MODE_BIKE] = "自行车", [LM__MODE_EBIKE] = "电动车",
    [LM__MODE_BUS] = "公交", [LM__MODE_CAR] = "驾车",
};
static const char *const lm__group_zh[LM__NGROUPS] = {
    "高校毕业生", "返乡农民工", "退捕渔民", "大龄劳动者", "退役军人",
    "残疾人", "脱贫劳动力", "零就业家庭", "新市民",
};
static const struct {
  int bit;
  const char *zh;
} lm__shift_zh[] = {
    {LM__SHIFT_DAY, "白班"},      {LM__SHIFT_NIGHT, "夜班"},
    {LM__SHIFT_ROTATING, "倒班"}, {LM__SHIFT_FLEXIBLE, "弹性"},
    {LM__SHIFT_PART_TIME, "兼职"},
};

/* An education feature (rank + 1) in words; NULL for none or a bad one. */
static const char *edu_zh(int feature)
{
  if (feature < 1 || feature > (int)(sizeof lm__edu_zh / sizeof *lm__edu_zh))
    return NULL;
  return lm__edu_zh[feature - 1];
}

static void put_shifts(lm__out *o, unsigned int bits)
{
  size_t i;
  int first = 1;

  for (i = 0; i < sizeof lm__shift_zh / sizeof *lm__shift_zh; i++)
    if (bits & (unsigned int)lm__shift_zh[i].bit) {
      put(o, "%s%s", first ? "" : "、", lm__shift_zh[i].zh);
      first = 0;
    }
}

static void put_date(lm__out *o, int32_t days)
{
  int y, m, d;

  civil(days, &y, &m, &d);
  put(o, "%04d-%02d-%02d", y, m, d);
}

static void put_occ(lm__out *o, const lm__occ *c)
{
  int i;

  for (i = 0; i < c->len; i++)
    put(o, i ? "-%02u" : "%u", (unsigned)c->level[i]);
}

/* Minutes as a person says them: "约12分钟", "不到1分钟". */
static void put_minutes(lm__out *o, double minutes)
{
  if (minutes < 0.5)
    put(o, "不到1分钟");
  else
    put(o, "约%.0f分钟", minutes);
}

static void put_salary(lm__out *o, const lm__jobf *j)
{
  if (j->sal_min > 0 && j->sal_max > 0 && j->sal_min != j->sal_max)
    put(o, "%ld–%ld", (long)j->sal_min, (long)j->sal_max);
  else if (j->sal_max > 0)
    put(o, "%ld", (long)j->sal_max);
  else
    put(o, "%ld起", (long)j->sal_min);
}

typedef const char *(*lm__namefn)(void *ctx, int vocab, uint32_t id);

/* The names of ids in need[0..nn) that have[0..nh) holds (covered true)
 * or lacks (false), "、"-separated, at most 5 and then "…". */
static size_t put_names(lm__out *o, lm__namefn name, void *ctx, int vocab,
                        const uint32_t *have, size_t nh,
                        const uint32_t *need, size_t nn, int covered)
{
  size_t k, shown = 0;

  for (k = 0; k < nn; k++) {
    const char *n;

    if (contains(have, nh, need[k]) != covered)
      continue;
    if (shown == 5) {
      put(o, "…");
      return shown;
    }
    n = name ? name(ctx, vocab, need[k]) : NULL;
    if (n == NULL || *n == '\0')
      continue;
    put(o, "%s%s", shown ? "、" : "", n);
    shown++;
  }
  return shown;
}

static void why_skills(lm__out *o, const lm__seekerf *s, const lm__jobf *j,
                       lm__namefn name, void *ctx)
{
  const uint32_t *pref = j->skills + j->nreq;
  size_t c;

  if (j->nreq == 0 && j->npref == 0) {
    put(o, "岗位未列技能要求");
    return;
  }
  if (j->nreq) {
    c = covered(s->skills, s->nskills, j->skills, j->nreq);
    put(o, "技能 %zu/%u", c, (unsigned)j->nreq);
    if (c) {
      put(o, "：");
      put_names(o, name, ctx, LM__VOCAB_SKILL, s->skills, s->nskills,
                j->skills, j->nreq, 1);
    }
  }
  if (j->npref) {
    c = covered(s->skills, s->nskills, pref, j->npref);
    put(o, "%s加分技能 %zu/%u", j->nreq ? "；" : "", c, (unsigned)j->npref);
    if (c) {
      put(o, "：");
      put_names(o, name, ctx, LM__VOCAB_SKILL, s->skills, s->nskills, pref,
                j->npref, 1);
    }
  }
}

static void why_occupation(lm__out *o, const lm__seekerf *s,
                           const lm__jobf *j)
{
  int k;
  double f;

  if (j->occ.len == 0) {
    put(o, "岗位未标职业代码");
    return;
  }
  f = fit_occupation(s, j, &k);
  if (k >= 0) {
    const lm__occ *p = &s->pref_occ[k];
    put(o, "职业 ");
    put_occ(o, &j->occ);
    put(o, f == 1.0 ? "，属意向职业 " : "，接近意向职业 ");
    put_occ(o, p);
  } else if (s->occ.len && f > 0.0) {
    put(o, "职业 ");
    put_occ(o, &j->occ);
    put(o, "，与从业经历 ");
    put_occ(o, &s->occ);
    put(o, " 前%d级相同", lm__occ_shared(&s->occ, &j->occ));
  } else {
    put(o, "职业 ");
    put_occ(o, &j->occ);
    put(o, "，与经历和意向无交集");
  }
}

static void why_commute(lm__out *o, const lm__trip *t)
{
  if (!t->known) {
    put(o, "位置未知，通勤时间不详");
    return;
  }
  put(o, "通勤");
  put_minutes(o, t->minutes);
  put(o, "（%s）", lm__mode_zh[t->mode]);
  if (t->minutes > t->limit)
    put(o, "，超出 %.0f 分钟", t->limit);
}

static void why_salary(lm__out *o, const lm__seekerf *s, const lm__jobf *j)
{
  long ref = salary_ref(j);

  if (j->negotiable) {
    put(o, "薪资面议");
    return;
  }
  if (ref < 0) {
    put(o, "薪资未标明");
    return;
  }
  put(o, "薪资 ");
  put_salary(o, j);
  if (s->sal_min <= 0)
    return;
  if (ref > s->sal_min)
    put(o, "，高于期望 %ld", (long)s->sal_min);
  else if (ref == s->sal_min)
    put(o, "，持平期望 %ld", (long)s->sal_min);
  else
    put(o, "，低于期望 %ld", (long)s->sal_min);
}

static void put_edu(lm__out *o, const lm__seekerf *s, const lm__jobf *j)
{
  const char *have = edu_zh(s->edu), *need = edu_zh(j->edu_min);

  if (j->edu_min <= 1 || need == NULL) {
    if (have)
      put(o, "学历 %s，岗位不限", have);
    else
      put(o, "学历不限");
  } else if (have == NULL)
    put(o, "学历未知，要求 %s及以上", need);
  else
    put(o, "学历 %s，%s %s及以上", have,
        s->edu >= j->edu_min ? "满足" : "低于", need);
}

static void why_education(lm__out *o, const lm__seekerf *s,
                          const lm__jobf *j)
{
  put_edu(o, s, j);
  if (j->exp_years)
    put(o, "；经验 %u年，要求 %u年", (unsigned)s->exp_years,
        (unsigned)j->exp_years);
  else
    put(o, "；不要求经验");
}

static void why_preference(lm__out *o, const lm__seekerf *s,
                           const lm__jobf *j, lm__namefn name, void *ctx)
{
  const char *ind = j->industry && name ? name(ctx, LM__VOCAB_INDUSTRY,
                                               j->industry)
                                        : NULL;

  if (s->npref_ind == 0 && s->pref_shifts == 0) {
    put(o, "未填写行业、班次意向");
    return;
  }
  if (s->npref_ind) {
    if (j->industry == 0)
      put(o, "岗位行业未标明");
    else {
      put(o, "行业");
      if (ind)
        put(o, " %s ", ind);
      put(o, contains(s->pref_ind, s->npref_ind, j->industry) ? "符合意向"
                                                              : "不在意向内");
    }
  }
  if (s->pref_shifts) {
    put(o, "%s", s->npref_ind ? "；" : "");
    if (j->shift == 0)
      put(o, "岗位班次未标明");
    else {
      put(o, "班次 ");
      put_shifts(o, j->shift);
      put(o, (j->shift & s->pref_shifts) ? " 符合意向" : " 不在意向内");
    }
  }
}

static void put_window(lm__out *o, int32_t from, int32_t to)
{
  if (from != LM__NO_DAY)
    put_date(o, from);
  put(o, from != LM__NO_DAY && to != LM__NO_DAY ? "至"
         : from != LM__NO_DAY                    ? "起"
                                                 : "截至");
  if (to != LM__NO_DAY)
    put_date(o, to);
}

static void why_window(lm__out *o, const lm__seekerf *s, const lm__jobf *j)
{
  if (!has_window(j->win_from, j->win_to))
    return; /* a standing job: nothing to say */
  put(o, "用工期 ");
  put_window(o, j->win_from, j->win_to);
  if (has_window(s->win_from, s->win_to))
    put(o, "，可到岗时间覆盖 %.0f%%", 100.0 * fit_window(s, j));
}

static void why_priority(lm__out *o, const lm__seekerf *s, const lm__jobf *j)
{
  uint32_t both = j->groups & s->groups;
  int i, first = 1;

  if (both == 0)
    return;
  put(o, "岗位优先：");
  for (i = 0; i < LM__NGROUPS; i++)
    if (both & (1u << i)) {
      put(o, "%s%s", first ? "" : "、", lm__group_zh[i]);
      first = 0;
    }
}

static void why_freshness(lm__out *o, const lm__scorer *sc, const lm__jobf *j)
{
  long days;

  if (j->posted == LM__NO_DAY || sc->today == LM__NO_DAY) {
    put(o, "发布日期不详");
    return;
  }
  days = (long)((int64_t)sc->today - j->posted);
  if (days == 0)
    put(o, "今天发布");
  else if (days > 0)
    put(o, "发布 %ld天前", days);
  else
    put(o, "尚未发布（%ld天后）", -days);
}

int lm__explain(const lm__scorer *sc, const lm__seekerf *s, const lm__jobf *j,
                const double *part,
                const char *(*name)(void *ctx, int vocab, uint32_t id),
                void *ctx, lm__buf reason[LM_C_COUNT_])
{
  lm__trip t;
  int c;

  (void)part; /* the reasons follow from the features, as the parts do */
  trip(sc, s, j, &t);
  for (c = 0; c < LM_C_COUNT_; c++) {
    lm__out o = {&reason[c], LM_OK};

    lm__buf_reset(&reason[c]);
    /* A component the query weighs at nothing has nothing to say. */
    if (sc->weight[c] == 0.0)
      continue;
    switch (c) {
    case LM_C_SKILLS:
      why_skills(&o, s, j, name, ctx);
      break;
    case LM_C_OCCUPATION:
      why_occupation(&o, s, j);
      break;
    case LM_C_COMMUTE:
      why_commute(&o, &t);
      break;
    case LM_C_SALARY:
      why_salary(&o, s, j);
      break;
    case LM_C_EDUCATION:
      why_education(&o, s, j);
      break;
    case LM_C_PREFERENCE:
      why_preference(&o, s, j, name, ctx);
      break;
    case LM_C_WINDOW:
      why_window(&o, s, j);
      break;
    case LM_C_PRIORITY:
      why_priority(&o, s, j);
      break;
    default:
      why_freshness(&o, sc, j);
      break;
    }
    if (o.rc != LM_OK)
      return o.rc;
  }
  return LM_OK;
}

/* ----------------------------------------------- why a pair is excluded */

static void why_closed(lm__out *o, const lm__scorer *sc, const lm__seekerf *s,
                       const lm__jobf *j)
{
  if (j->closed)
    put(o, "岗位已撤下");
  else if (s->closed)
    put(o, "求职登记已撤销");
  else if (sc->today != LM__NO_DAY && j->expires != LM__NO_DAY &&
           j->expires < sc->today) {
    put(o, "岗位已于 ");
    put_date(o, j->expires);
    put(o, " 截止");
  } else if (j->posted != LM__NO_DAY) {
    put(o, "岗位 ");
    put_date(o, j->posted);
    put(o, " 才发布");
  } else
    put(o, "岗位已关闭");
}

static void why_age(lm__out *o, const lm__scorer *sc, const lm__seekerf *s,
                    const lm__jobf *j)
{
  if (sc->today == LM__NO_DAY || s->birth_year == 0)
    put(o, "年龄不详，");
  else
    put(o, "年龄 %d 岁，", year_of(sc->today) - s->birth_year);
  if (j->age_min && j->age_max)
    put(o, "超出 %u–%u", (unsigned)j->age_min, (unsigned)j->age_max);
  else if (j->age_max)
    put(o, "超过上限 %u 岁", (unsigned)j->age_max);
  else
    put(o, "低于下限 %u 岁", (unsigned)j->age_min);
}

static void why_certs(lm__out *o, const lm__seekerf *s, const lm__jobf *j,
                      lm__namefn name, void *ctx)
{
  lm__buf names = {NULL, 0, 0};
  lm__out n = {&names, LM_OK};
  size_t k, missing = 0;

  for (k = 0; k < j->ncerts; k++)
    missing += !contains(s->certs, s->ncerts, j->certs[k]);
  if (put_names(&n, name, ctx, LM__VOCAB_CERT, s->certs, s->ncerts, j->certs,
                j->ncerts, 0) > 0)
    put(o, "：%s", lm__buf_cstr(&names));
  else
    put(o, " %zu 项", missing); /* the index could not name them */
  if (n.rc != LM_OK && o->rc == LM_OK)
    o->rc = n.rc;
  lm__buf_free(&names);
}

static void why_too_far(lm__out *o, const lm__trip *t)
{
  put(o, "通勤");
  put_minutes(o, t->minutes);
  put(o, "（%s），超出 %.0f 分钟", lm__mode_zh[t->mode], t->limit);
}

static void why_pay(lm__out *o, const lm__seekerf *s, const lm__jobf *j)
{
  put(o, "最高薪资 %ld，低于期望 %ld", (long)j->sal_max, (long)s->sal_min);
}

static void why_no_overlap(lm__out *o, const lm__seekerf *s,
                           const lm__jobf *j)
{
  put(o, "用工期 ");
  put_window(o, j->win_from, j->win_to);
  put(o, "，与可到岗时间 ");
  put_window(o, s->win_from, s->win_to);
  put(o, " 不重叠");
}

int lm__explain_filters(const lm__scorer *sc, const lm__seekerf *s,
                        const lm__jobf *j, unsigned int bits,
                        const char *(*name)(void *ctx, int vocab,
                                            uint32_t id),
                        void *ctx, lm__buf *out)
{
  lm__out o = {out, LM_OK};
  unsigned int bit;
  lm__trip t;

  lm__buf_reset(out);
  trip(sc, s, j, &t);
  for (bit = 1; bit <= LM_FILTER_QUERY; bit <<= 1) {
    if (!(bits & bit))
      continue;
    if (out->len)
      put(&o, "；");
    switch (bit) {
    case LM_FILTER_CLOSED:
      why_closed(&o, sc, s, j);
      break;
    case LM_FILTER_AGE:
      why_age(&o, sc, s, j);
      break;
    case LM_FILTER_EDUCATION:
      put_edu(&o, s, j);
      break;
    case LM_FILTER_CERTIFICATE:
      put(&o, "缺少证书");
      why_certs(&o, s, j, name, ctx);
      break;
    case LM_FILTER_COMMUTE:
      why_too_far(&o, &t);
      break;
    case LM_FILTER_SALARY:
      why_pay(&o, s, j);
      break;
    case LM_FILTER_WINDOW:
      why_no_overlap(&o, s, j);
      break;
    default:
      put(&o, "不符合查询条件");
      break;
    }
  }
  return o.rc;
}

int lm__explain_join(const lm__buf reason[LM_C_COUNT_], lm__buf *out)
{
  int c, rc = LM_OK;

  for (c = 0; c < LM_C_COUNT_ && rc == LM_OK; c++) {
    if (reason[c].len == 0)
      continue;
    if (out->len)
      rc = lm__buf_adds(out, "\n");
    if (rc == LM_OK)
      rc = lm__buf_add(out, reason[c].data, reason[c].len);
  }
  return rc;
}
