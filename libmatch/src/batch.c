/*
 * batch.c: recruitment fairs.  A fair's seekers and jobs, scored as the
 * ranking scores them, become preference lists (each side's top K); the
 * lists go to batch_algo.c's deferred acceptance or b-matching; the answer
 * comes back with explanations, reasons for the unmatched, statistics of
 * the key groups, and XML.  doc/BATCH.md is the user's account.
 *
 * Scoring.  A run scores every pair the hard filters could keep, once,
 * with lm__filter_score_jobs (lm__filter_score, seeker by seeker) and the
 * scorer lm_rank_jobs would build from the same query (lm__rank_scorer):
 * the same filters, the same doubles.  A grid over the fair's jobs skips,
 * exactly, the jobs beyond a seeker's commute reach (COMMUTE would
 * exclude them).  The seekers are scored in blocks by as many threads as
 * there are processors, and the blocks put together in order: the same
 * pairs whatever the threads did.  Every acceptable pair is kept with the
 * run, so that a repair after a withdrawal or changed openings builds the
 * lists again without scoring; each seeker's list is sorted as far as the
 * top K needs.
 *
 * Locks: a run holds the engine's index shared while it scores and
 * explains, as a query does; its threads read the index under that.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "api.h"

/* Scores become integers in millionths of a point for the b-matching. */
#define LM__SCALE 1e6
/* Side of a cell of the fair's job grid, degrees. */
#define LM__FAIR_CELL 0.02
/* Threads that score a fair, at most. */
#define LM__FAIR_THREADS 8
/* Pairs a run makes room for at once, at most (192 MB). */
#define LM__FAIR_ROOM ((size_t)1 << 24)

/* ------------------------------------------------------------ members */

typedef struct lm__member {
  char *id;
  long flag; /* seekers: withdrawn; jobs: openings set, -1 none */
  size_t seq; /* order of adding */
} lm__member;

typedef struct lm__members {
  lm__member *m;
  size_t n, cap, seq;
  int dirty; /* appended since the last sort */
} lm__members;

/* What a run keeps for repairs: members, scored pairs, the matching. */
typedef struct lm__frun {
  int mode;
  unsigned int k;
  uint32_t prio; /* group bits of the priority groups */
  lm__scorer sc;
  size_t ns, nj;
  char **sid, **jid; /* sorted by id: index order is id order */
  uint32_t *sgroups;
  uint8_t *gone;     /* withdrawn since */
  uint32_t *cap;
  uint32_t *poff;    /* acceptable pairs by seeker; of each seeker's, */
  uint32_t *psort;   /* the first so many best first, the rest worse */
  uint32_t *pjob;
  double *pscore;
  size_t npairs;
  uint32_t *match;   /* seeker -> job, LM__NONE */
} lm__frun;

struct lm_fair {
  lm_engine *e;
  lm__members seekers, jobs;
  lm__frun *last;
};

typedef struct lm__apair {
  uint32_t s, j;
  double score;
  lm__buf text;
} lm__apair;

typedef struct lm__aun {
  uint32_t s;
  int reason;
  lm__buf text;
} lm__aun;

typedef struct lm__achange {
  uint32_t s, from, to;
  int kind;
} lm__achange;

struct lm_assignment {
  int mode;
  size_t ns, nj;
  char **sid, **jid;
  lm__apair *pair;
  size_t npair;
  lm__aun *un;
  size_t nun;
  lm_group_stats group[LM__NGROUPS];
  double total;
  double *price[2]; /* seekers, jobs; NULL but for the optimal mode */
  lm__achange *chg;
  size_t nchg;
};

static int oom(void)
{
  return lm__fail(LM_ENOMEM, "out of memory");
}

static int cmp_member(const void *a, const void *b)
{
  const lm__member *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  /* Equal ids in the order they were added: the later one wins. */
  if (c == 0)
    return (x->seq > y->seq) - (x->seq < y->seq);
  return c;
}

/* Sorts by id and keeps the last of each id (adding again resets it). */
static void members_settle(lm__members *ms)
{
  size_t i, n = 0;

  if (!ms->dirty)
    return;
  qsort(ms->m, ms->n, sizeof *ms->m, cmp_member);
  for (i = 0; i < ms->n; i++) {
    if (n > 0 && strcmp(ms->m[n - 1].id, ms->m[i].id) == 0) {
      lm__xfree(ms->m[n - 1].id);
      ms->m[n - 1] = ms->m[i];
      continue;
    }
    ms->m[n++] = ms->m[i];
  }
  ms->n = n;
  ms->dirty = 0;
}

static lm__member *members_find(lm__members *ms, const char *id)
{
  size_t lo = 0, hi;

  members_settle(ms);
  hi = ms->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(ms->m[mid].id, id);
    if (c == 0)
      return &ms->m[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

static int members_add(lm__members *ms, const char *id, long flag)
{
  if (ms->n == ms->cap) {
    size_t cap = ms->cap ? ms->cap * 2 : 64;
    lm__member *m = lm__realloc(ms->m, cap * sizeof *m);
    if (m == NULL)
      return oom();
    ms->m = m;
    ms->cap = cap;
  }
  ms->m[ms->n].id = lm__strdup(id);
  if (ms->m[ms->n].id == NULL)
    return oom();
  ms->m[ms->n].seq = ms->seq++;
  ms->m[ms->n++].flag = flag;
  ms->dirty = 1;
  return LM_OK;
}

static void members_free(lm__members *ms)
{
  size_t i;

  for (i = 0; i < ms->n; i++)
    lm__xfree(ms->m[i].id);
  lm__xfree(ms->m);
}

/* ------------------------------------------------------------- engine */


/* ---------------------------------------------------------- the fair */

int lm_fair_options_init(lm_fair_options *o, unsigned int version)
{
  static const lm_fair_options defaults = LM_FAIR_OPTIONS_INIT;

  if (o == NULL)
    return lm__fail(LM_EINVAL, "lm_fair_options_init: o is NULL");
  if (version == 0 || version > LM_FAIR_OPTIONS_VERSION)
    return lm__fail(LM_EINVAL, "lm_fair_options_init: version %u unknown",
                    version);
  *o = defaults;
  o->version = version;
  return LM_OK;
}

int lm_fair_new(lm_fair **out, lm_engine *e)
{
  lm_fair *f;

  lm__clear_error();
  if (out == NULL || e == NULL) {
    if (out)
      *out = NULL;
    return lm__fail(LM_EINVAL, "lm_fair_new: NULL argument");
  }
  *out = NULL;
  f = lm__calloc(1, sizeof *f);
  if (f == NULL)
    return oom();
  f->e = e;
  *out = f;
  return LM_OK;
}

static void frun_free(lm__frun *r)
{
  size_t i;

  if (r == NULL)
    return;
  /* Ids not copied (out of memory) are NULL; so are the arrays. */
  for (i = 0; r->sid && i < r->ns; i++)
    lm__xfree(r->sid[i]);
  for (i = 0; r->jid && i < r->nj; i++)
    lm__xfree(r->jid[i]);
  lm__xfree(r->sid);
  lm__xfree(r->jid);
  lm__xfree(r->sgroups);
  lm__xfree(r->gone);
  lm__xfree(r->cap);
  lm__xfree(r->poff);
  lm__xfree(r->psort);
  lm__xfree(r->pjob);
  lm__xfree(r->pscore);
  lm__xfree(r->match);
  lm__xfree(r);
}

void lm_fair_free(lm_fair *f)
{
  if (f == NULL)
    return;
  members_free(&f->seekers);
  members_free(&f->jobs);
  frun_free(f->last);
  lm__xfree(f);
}

static int fair_add(lm_fair *f, lm_kind kind, const char *id)
{
  lm__index *ix;
  uint32_t slot;
  int rc, found;

  rc = lm__engine_index_enter(f->e, &ix);
  if (rc != LM_OK)
    return rc;
  found = lm__index_find(ix, kind, id, &slot);
  lm__engine_index_leave(f->e);
  if (!found)
    return lm__fail(LM_ENOTFOUND, "no %s with id %s", lm__kind_name(kind),
                    id);
  return members_add(kind == LM_SEEKER ? &f->seekers : &f->jobs, id,
                     kind == LM_SEEKER ? 0 : -1);
}

int lm_fair_add(lm_fair *f, lm_kind kind, const char *id)
{
  lm__clear_error();
  if (f == NULL || id == NULL)
    return lm__fail(LM_EINVAL, "lm_fair_add: NULL argument");
  if (kind != LM_SEEKER && kind != LM_JOB)
    return lm__fail(LM_EINVAL, "lm_fair_add: only seekers and jobs");
  return fair_add(f, kind, id);
}

size_t lm_fair_count(const lm_fair *f, lm_kind kind)
{
  lm__members *ms;
  size_t i, n = 0;

  if (f == NULL || (kind != LM_SEEKER && kind != LM_JOB))
    return 0;
  ms = kind == LM_SEEKER ? (lm__members *)&f->seekers
                         : (lm__members *)&f->jobs;
  members_settle(ms);
  for (i = 0; i < ms->n; i++)
    n += kind == LM_JOB || !ms->m[i].flag;
  return n;
}

int lm_fair_withdraw(lm_fair *f, const char *seeker_id)
{
  lm__member *m;

  lm__clear_error();
  if (f == NULL || seeker_id == NULL)
    return lm__fail(LM_EINVAL, "lm_fair_withdraw: NULL argument");
  m = members_find(&f->seekers, seeker_id);
  if (m == NULL || m->flag)
    return lm__fail(LM_ENOTFOUND, "seeker %s is not in the fair",
                    seeker_id);
  m->flag = 1;
  return LM_OK;
}

int lm_fair_set_openings(lm_fair *f, const char *job_id,
                         unsigned int openings)
{
  lm__member *m;

  lm__clear_error();
  if (f == NULL || job_id == NULL)
    return lm__fail(LM_EINVAL, "lm_fair_set_openings: NULL argument");
  if (openings > 65535u)
    return lm__fail(LM_EINVAL, "openings %u: at most 65535", openings);
  m = members_find(&f->jobs, job_id);
  if (m == NULL)
    return lm__fail(LM_ENOTFOUND, "job %s is not in the fair", job_id);
  m->flag = (long)openings;
  return LM_OK;
}

/* ------------------------------------------------------ fair documents */

typedef struct lm__collect {
  lm__members ids[2]; /* seekers, jobs */
  int rc;
} lm__collect;

static int collect_record(void *ctx, lm_record *r)
{
  lm__collect *c = ctx;

  if (r->removal || (r->kind != LM_SEEKER && r->kind != LM_JOB))
    return LM_OK;
  return members_add(&c->ids[r->kind == LM_JOB], r->id, 0);
}

static int collect_bad(void *ctx, const char *id, long line, int code,
                       const char *reason)
{
  (void)ctx;
  (void)id;
  (void)line;
  (void)code;
  (void)reason;
  return LM_OK; /* the ingest reported it */
}

/* After the ingest, a second reading names the document's records; those
 * the store holds (not rejected, not removed further on) join the fair. */
static int fair_ingest(lm_fair *f, const char *path, const char *buf,
                       size_t len, unsigned int flags, lm_report *report)
{
  lm__collect c;
  lm__xml_sink sink;
  int rc, irc, k;
  size_t i;

  lm__clear_error();
  if (f == NULL || (path == NULL && buf == NULL))
    return lm__fail(LM_EINVAL, "fair ingest: NULL argument");
  irc = path ? lm_engine_ingest_file(f->e, path, flags, report)
             : lm_engine_ingest_buffer(f->e, buf, len, flags, report);
  if (irc != LM_OK && irc != LM_EPARSE)
    return irc;
  memset(&c, 0, sizeof c);
  sink.record = collect_record;
  sink.bad = collect_bad;
  sink.ctx = &c;
  rc = path ? lm__xml_read_file(path, &sink)
            : lm__xml_read_memory(buf, len, &sink);
  if (rc == LM_EPARSE)
    rc = LM_OK; /* records before the break were kept */
  for (k = 0; k < 2 && rc == LM_OK; k++) {
    members_settle(&c.ids[k]);
    for (i = 0; i < c.ids[k].n && rc == LM_OK; i++) {
      rc = fair_add(f, k ? LM_JOB : LM_SEEKER, c.ids[k].m[i].id);
      if (rc == LM_ENOTFOUND)
        rc = LM_OK;
    }
  }
  members_free(&c.ids[0]);
  members_free(&c.ids[1]);
  if (rc != LM_OK)
    return rc;
  if (irc != LM_OK)
    return lm__fail(irc, "the document is malformed; the records before "
                         "the break joined the fair");
  lm__clear_error();
  return LM_OK;
}

int lm_fair_ingest_file(lm_fair *f, const char *path, unsigned int flags,
                        lm_report *report)
{
  if (path == NULL)
    return lm__fail(LM_EINVAL, "lm_fair_ingest_file: path is NULL");
  return fair_ingest(f, path, NULL, 0, flags, report);
}

int lm_fair_ingest_buffer(lm_fair *f, const char *buf, size_t len,
                          unsigned int flags, lm_report *report)
{
  if (buf == NULL)
    return lm__fail(LM_EINVAL, "lm_fair_ingest_buffer: buf is NULL");
  return fair_ingest(f, NULL, buf, len, flags, report);
}

/* ------------------------------------------------------------ progress */

/* The caller's callback over a part [lo, hi] of the run. */
typedef struct lm__prog {
  int (*fn)(double fraction, void *ctx);
  void *ctx;
  double lo, hi;
} lm__prog;

static int prog_tick(void *ctx, double fraction)
{
  lm__prog *p = ctx;
  return p->fn(p->lo + (p->hi - p->lo) * fraction, p->ctx);
}

static int prog_at(lm__prog *p, double fraction)
{
  if (p->fn && p->fn(fraction, p->ctx) != 0)
    return lm__fail(LM_ECANCELED, "cancelled by the progress callback");
  return LM_OK;
}

/* --------------------------------------------------------- the options */

static int groups_of(const char *text, uint32_t *out)
{
  const char *p = text;
  char word[128];
  int rc;

  if (text == NULL) {
    *out = (1u << LM__NGROUPS) - 1;
    return LM_OK;
  }
  *out = 0;
  while (*p) {
    size_t n = strcspn(p, ",，");
    const char *w = NULL;
    size_t a = 0, b = n;
    while (a < b && p[a] == ' ')
      a++;
    while (b > a && p[b - 1] == ' ')
      b--;
    if (b - a >= sizeof word)
      return lm__fail(LM_EINVAL, "groups: a group name is too long");
    if (b > a) {
      memcpy(word, p + a, b - a);
      word[b - a] = '\0';
      rc = lm__norm_group(word, &w);
      if (rc == LM_ENOMEM)
        return rc;
      if (rc != LM_OK || w == NULL || lm__group_bit(w) == 0)
        return lm__fail(LM_EINVAL, "groups: '%s' is not a key group", word);
      *out |= (uint32_t)lm__group_bit(w);
    }
    p += n;
    if (*p == ',')
      p++;
    else if (*p)
      p += strlen("，");
  }
  if (*out == 0)
    return lm__fail(LM_EINVAL, "groups: no group named");
  return LM_OK;
}

static int options_take(const lm_fair_options *o, lm__frun *r)
{
  if (o->version == 0 || o->version > LM_FAIR_OPTIONS_VERSION)
    return lm__fail(LM_EINVAL, "fair options version %u unknown (initialise "
                               "with LM_FAIR_OPTIONS_INIT)", o->version);
  if (o->mode < LM_FAIR_STABLE_SEEKER || o->mode > LM_FAIR_PRIORITY)
    return lm__fail(LM_EINVAL, "fair options: mode %d unknown", o->mode);
  r->mode = o->mode;
  r->k = o->k ? o->k : 50u;
  r->prio = 0;
  if (o->mode == LM_FAIR_PRIORITY)
    return groups_of(o->groups, &r->prio);
  return LM_OK;
}

/* -------------------------------------------------------------- orders */

/* A pair as a list ranks it: who is the other side (the job in a
 * seeker's list, the seeker in a job's), e the run's pair.  Better is a
 * higher score, then the smaller index (id order): a total order, so a
 * list sorts one way only, and a top K is one set whatever the order the
 * pairs come in. */
typedef struct lm__top {
  double score;
  uint32_t who, e;
} lm__top;

static int top_worse(const lm__top *a, const lm__top *b)
{
  if (a->score != b->score)
    return a->score < b->score;
  return a->who > b->who;
}

/* top_worse without a branch, for sorting, where which way a comparison
 * goes is anyone's guess and a branch would be mispredicted half the
 * time. */
static int top_below(const lm__top *a, const lm__top *b)
{
  return (a->score < b->score) |
         ((a->score == b->score) & (a->who > b->who));
}

static void top_swap(lm__top *a, lm__top *b)
{
  lm__top t = *a;
  *a = *b;
  *b = t;
}

/* A top K is kept in a heap whose root is the worst kept. */
static void top_down(lm__top *h, uint32_t n, uint32_t i)
{
  for (;;) {
    uint32_t l = 2 * i + 1, r = l + 1, w = i;
    if (l < n && top_worse(&h[l], &h[w]))
      w = l;
    if (r < n && top_worse(&h[r], &h[w]))
      w = r;
    if (w == i)
      return;
    top_swap(&h[i], &h[w]);
    i = w;
  }
}

static void top_up(lm__top *h, uint32_t i)
{
  while (i > 0) {
    uint32_t p = (i - 1) / 2;
    if (!top_worse(&h[i], &h[p]))
      return;
    top_swap(&h[i], &h[p]);
    i = p;
  }
}

/* Offers c to the heap h of *n entries, at most k. */
static void top_offer(lm__top *h, uint32_t *n, uint32_t k, const lm__top *c)
{
  if (*n < k) {
    h[*n] = *c;
    top_up(h, (*n)++);
  } else if (top_worse(&h[0], c)) {
    h[0] = *c;
    top_down(h, k, 0);
  }
}

/* Sorts a heap of n best first: the worst goes last, and so on. */
static void top_unheap(lm__top *h, uint32_t n)
{
  while (n > 1) {
    top_swap(&h[0], &h[n - 1]);
    top_down(h, --n, 0);
  }
}

/* Partitions c[0..n), n >= 3, about the median of its first, middle and
 * last: returns p, where that pivot now is, with c[0..p) better and
 * c[p + 1..n) worse.  No branch but the loop (Lomuto's, every element
 * swapped: one not better than the pivot goes where another that is not
 * either was). */
static uint32_t top_partition(lm__top *c, uint32_t n)
{
  uint32_t i, p, mid = n / 2;

  if (top_worse(&c[0], &c[mid]))
    top_swap(&c[0], &c[mid]);
  if (top_worse(&c[mid], &c[n - 1]))
    top_swap(&c[mid], &c[n - 1]);
  if (top_worse(&c[0], &c[mid]))
    top_swap(&c[0], &c[mid]);
  top_swap(&c[mid], &c[n - 1]);
  for (i = p = 0; i < n - 1; i++) {
    lm__top t = c[i];
    int better = top_below(&c[n - 1], &t);
    c[i] = c[p];
    c[p] = t;
    p += (uint32_t)better;
  }
  top_swap(&c[p], &c[n - 1]);
  return p;
}

/* Sorts c[0..n) best first: quicksort down to short runs, which insertion
 * sorts; past `depth` levels heapsort, so there is no quadratic case.
 * (qsort, with a comparison function, took several times as long.) */
static void top_sort(lm__top *c, uint32_t n, int depth)
{
  uint32_t i, j, p;

  while (n > 16) {
    if (depth-- == 0) {
      for (i = n / 2; i > 0; i--)
        top_down(c, n, i - 1);
      top_unheap(c, n);
      return;
    }
    p = top_partition(c, n);
    /* The shorter side by recursion, the longer by the loop. */
    if (p < n - p - 1) {
      top_sort(c, p, depth);
      c += p + 1;
      n -= p + 1;
    } else {
      top_sort(c + p + 1, n - p - 1, depth);
      n = p;
    }
  }
  for (i = 1; i < n; i++) {
    lm__top t = c[i];
    for (j = i; j > 0 && top_worse(&c[j - 1], &t); j--)
      c[j] = c[j - 1];
    c[j] = t;
  }
}

/* Puts the m best of c[0..n) first, best first, and the rest after them
 * in no order (quickselect, then a sort of the m). */
static void top_first(lm__top *c, uint32_t n, uint32_t m)
{
  uint32_t lo = 0, hi = n, p, rounds = 0;

  /* c[0..lo) is better than the rest, c[hi..n) worse than c[0..hi), and
   * lo <= m <= hi.  Past 64 rounds (never for a fair's scores), sort. */
  while (lo < m && m < hi) {
    if (hi - lo <= 16 || ++rounds > 64) {
      top_sort(c + lo, hi - lo, 64);
      break;
    }
    p = lo + top_partition(c + lo, hi - lo);
    if (p < m)
      lo = p + 1;
    else
      hi = p;
  }
  top_sort(c, m, 64);
}

/* ------------------------------------------------------ scoring pairs */

/* The fair's jobs in cells, and those without a place. */
typedef struct lm__jgrid {
  double lat0, lon0;
  uint32_t nlat, nlon;
  uint32_t *off; /* nlat * nlon + 1 */
  uint32_t *job;
  uint32_t *loose;
  uint32_t nloose;
} lm__jgrid;

static void jgrid_free(lm__jgrid *g)
{
  lm__xfree(g->off);
  lm__xfree(g->job);
  lm__xfree(g->loose);
}

static uint32_t cell_of(double v, double v0, uint32_t n)
{
  double c = floor((v - v0) / LM__FAIR_CELL);
  if (c < 0)
    return 0;
  return c >= n ? n - 1 : (uint32_t)c;
}

static int jgrid_build(lm__jgrid *g, const lm__jobf *const *jf, size_t nj)
{
  double lat1 = -1e9, lon1 = -1e9;
  size_t i, ncell;

  memset(g, 0, sizeof *g);
  g->lat0 = g->lon0 = 1e9;
  for (i = 0; i < nj; i++)
    if (jf[i]->has_loc) {
      g->lat0 = fmin(g->lat0, jf[i]->lat);
      g->lon0 = fmin(g->lon0, jf[i]->lon);
      lat1 = fmax(lat1, jf[i]->lat);
      lon1 = fmax(lon1, jf[i]->lon);
    }
  if (lat1 < g->lat0) {
    g->nlat = g->nlon = 1;
    g->lat0 = g->lon0 = 0;
  } else {
    /* A fair is one city: a few hundred cells; a country-wide one gets
     * coarse cells rather than a huge grid. */
    g->nlat = (uint32_t)fmin(512, floor((lat1 - g->lat0) / LM__FAIR_CELL) + 1);
    g->nlon = (uint32_t)fmin(512, floor((lon1 - g->lon0) / LM__FAIR_CELL) + 1);
  }
  ncell = (size_t)g->nlat * g->nlon;
  g->off = lm__calloc(ncell + 2, sizeof *g->off);
  g->job = lm__malloc((nj + 1) * sizeof *g->job);
  g->loose = lm__malloc((nj + 1) * sizeof *g->loose);
  if (g->off == NULL || g->job == NULL || g->loose == NULL)
    return oom();
  for (i = 0; i < nj; i++)
    if (jf[i]->has_loc)
      g->off[cell_of(jf[i]->lat, g->lat0, g->nlat) * g->nlon +
             cell_of(jf[i]->lon, g->lon0, g->nlon) + 1]++;
  for (i = 0; i < ncell; i++)
    g->off[i + 1] += g->off[i];
  for (i = 0; i < nj; i++) {
    if (!jf[i]->has_loc) {
      g->loose[g->nloose++] = (uint32_t)i;
      continue;
    }
    g->job[g->off[cell_of(jf[i]->lat, g->lat0, g->nlat) * g->nlon +
                  cell_of(jf[i]->lon, g->lon0, g->nlon)]++] = (uint32_t)i;
  }
  for (i = ncell; i > 0; i--)
    g->off[i] = g->off[i - 1];
  g->off[0] = 0;
  return LM_OK;
}

/* Growable pairs: a thread's, for a block. */
typedef struct lm__pairs {
  uint32_t *job;
  double *score;
  size_t n, cap;
} lm__pairs;

/* Room for `more` pairs.  No lm__fail: a thread's message is its own. */
static int pairs_reserve(lm__pairs *p, size_t more)
{
  size_t cap = p->cap ? p->cap : 4096;
  uint32_t *jj;
  double *ss;

  while (cap - p->n < more)
    cap *= 2;
  if (cap == p->cap)
    return LM_OK;
  jj = lm__realloc(p->job, cap * sizeof *jj);
  if (jj == NULL)
    return LM_ENOMEM;
  p->job = jj;
  ss = lm__realloc(p->score, cap * sizeof *ss);
  if (ss == NULL)
    return LM_ENOMEM;
  p->score = ss;
  p->cap = cap;
  return LM_OK;
}

/*
 * The scoring of a run, shared by its threads.  The seekers go in blocks
 * of consecutive ones, taken in turn (`next`); a thread scores a block
 * into its own room, by the same steps whichever thread it is, then
 * appends it to the run's pairs when every earlier block is in
 * (`appended`, under `lock`).  So the pairs are the same, in the same
 * order, however many threads there are and however they are scheduled,
 * and each is written once where it stays.
 */
typedef struct lm__work {
  const lm__scorer *sc;
  const lm__seekerf *const *sf;
  const lm__jobf *const *jf;
  lm__frun *r;       /* gets poff, pjob, pscore, npairs */
  size_t cap;        /* of r->pjob and r->pscore */
  lm__jgrid g;
  lm__jgate *gate;   /* per job */
  uint32_t nbits;    /* skill ids below this have a bit */
  size_t nblock, bsize;
  atomic_size_t next; /* the next block to take */
  atomic_int stop;    /* take no more: cancelled or failed */
  pthread_mutex_t lock;
  pthread_cond_t turn;
  size_t appended;    /* blocks appended; under lock */
  int rc;             /* the first failure of a block; under lock */
  size_t pct;         /* progress reported, in %: the caller's thread's */
} lm__work;

/* A thread's room: candidates, a seeker's skills as bits, a sort, and
 * the pairs of its block (off: where each seeker's begin). */
typedef struct lm__scan {
  lm__work *w;
  uint32_t *cand;
  uint64_t *bits;
  lm__top *c;
  lm__pairs p;
  uint32_t *off;
} lm__scan;

static void scan_free(lm__scan *sn)
{
  lm__xfree(sn->cand);
  lm__xfree(sn->bits);
  lm__xfree(sn->c);
  lm__xfree(sn->p.job);
  lm__xfree(sn->p.score);
  lm__xfree(sn->off);
}

static int scan_init(lm__scan *sn, lm__work *w)
{
  sn->w = w;
  sn->cand = lm__malloc((w->r->nj + 1) * sizeof *sn->cand);
  sn->bits = lm__calloc(w->nbits / 64 + 1, sizeof *sn->bits);
  sn->c = lm__malloc((w->r->nj + 1) * sizeof *sn->c);
  sn->off = lm__malloc((w->bsize + 1) * sizeof *sn->off);
  if (sn->cand == NULL || sn->bits == NULL || sn->c == NULL ||
      sn->off == NULL)
    return oom();
  return LM_OK;
}

/* The cells, rows cell[0] to cell[1] and columns cell[2] to cell[3],
 * that hold the jobs within the seeker's commute reach: every cell when
 * it has no place or the commute is relaxed (COMMUTE would exclude the
 * jobs of the others). */
static void seeker_cells(const lm__scorer *sc, const lm__jgrid *g,
                         const lm__seekerf *s, uint32_t cell[4])
{
  double reach = INFINITY;

  cell[0] = 0;
  cell[1] = g->nlat - 1;
  cell[2] = 0;
  cell[3] = g->nlon - 1;
  if (s->has_loc && !(sc->relax & LM_FILTER_COMMUTE))
    reach = lm__commute_reach_km(sc, s);
  if (isfinite(reach)) {
    /* A point within reach km lies within dlat degrees of latitude (111.19
     * km a degree on geo.c's sphere; 111 and 1% pad it) and within dlon of
     * longitude, measured at the far latitude. */
    double dlat = reach / 111.0 * 1.01 + 1e-6;
    double far = fabs(s->lat) + dlat;
    if (dlat < 5.0 && far < 85.0) {
      double dlon = dlat / cos(far * 3.14159265358979323846 / 180.0);
      cell[0] = cell_of(s->lat - dlat, g->lat0, g->nlat);
      cell[1] = cell_of(s->lat + dlat, g->lat0, g->nlat);
      cell[2] = cell_of(s->lon - dlon, g->lon0, g->nlon);
      cell[3] = cell_of(s->lon + dlon, g->lon0, g->nlon);
    }
  }
}

/* The jobs the seeker is scored against: those of its cells (the cells
 * of a row are one run of g->job) and those without a place.  To cand
 * when not NULL; returns their number. */
static size_t seeker_jobs(const lm__scorer *sc, const lm__jgrid *g,
                          const lm__seekerf *s, uint32_t *cand)
{
  uint32_t cell[4], r;
  size_t n = 0;

  seeker_cells(sc, g, s, cell);
  for (r = cell[0]; r <= cell[1]; r++) {
    uint32_t lo = g->off[(size_t)r * g->nlon + cell[2]];
    uint32_t hi = g->off[(size_t)r * g->nlon + cell[3] + 1];
    if (cand)
      memcpy(cand + n, g->job + lo, (hi - lo) * sizeof *cand);
    n += hi - lo;
  }
  if (cand)
    memcpy(cand + n, g->loose, g->nloose * sizeof *cand);
  return n + g->nloose;
}

/* Scores seeker s against its jobs and appends its acceptable pairs to
 * p, which has room for them: the seeker's list, of which it returns the
 * length sorted (r->psort).  Only as much is sorted as the run's top K
 * can reach: mark_tops takes the first K pairs with openings, and among
 * the best K + z pairs, z the pairs of jobs with no openings, there are K
 * with openings (or all the seeker has).  The rest follow, all worse, in
 * no order: the run never reads their order, and a repair that does
 * sorts them first (lists_sort_more). */
static uint32_t scan_seeker(lm__scan *sn, const lm__seekerf *s,
                            lm__pairs *p)
{
  const lm__work *w = sn->w;
  uint32_t *job = p->job + p->n, i, n, m;
  double *score = p->score + p->n;

  n = (uint32_t)seeker_jobs(w->sc, &w->g, s, sn->cand);
  n = (uint32_t)lm__filter_score_jobs(w->sc, s, w->jf, w->gate, sn->cand, n,
                                      sn->bits, w->nbits, job, score);
  for (i = 0, m = w->r->k; i < n; i++) {
    sn->c[i].score = score[i];
    sn->c[i].who = job[i];
    m += m < n && w->r->cap[job[i]] == 0;
  }
  m = m < n ? m : n;
  top_first(sn->c, n, m);
  for (i = 0; i < n; i++) {
    job[i] = sn->c[i].who;
    score[i] = sn->c[i].score;
  }
  p->n += n;
  return m;
}

/* The seekers of block b: [*s0, *s1). */
static void block_range(const lm__work *w, size_t b, size_t *s0, size_t *s1)
{
  *s0 = b * w->bsize;
  *s1 = *s0 + w->bsize < w->r->ns ? *s0 + w->bsize : w->r->ns;
}

/* Scores block b into the thread's room. */
static int block_score(lm__scan *sn, size_t b)
{
  lm__work *w = sn->w;
  size_t s0, s1, s;

  block_range(w, b, &s0, &s1);
  sn->p.n = 0;
  for (s = s0; s < s1; s++) {
    if (atomic_load(&w->stop))
      return LM_ECANCELED; /* someone failed or cancelled: no matter */
    if (sn->p.n > UINT32_MAX - 1 - w->r->nj)
      return LM_EINVAL;
    if (pairs_reserve(&sn->p, w->r->nj) != LM_OK)
      return LM_ENOMEM;
    sn->off[s - s0] = (uint32_t)sn->p.n;
    w->r->psort[s] = scan_seeker(sn, w->sf[s], &sn->p);
  }
  return LM_OK;
}

/* Appends the thread's block b to the run's pairs (its turn, under the
 * lock). */
static int block_append(lm__work *w, const lm__scan *sn, size_t b)
{
  lm__frun *r = w->r;
  size_t s0, s1, s, need = r->npairs + sn->p.n;

  if (need > UINT32_MAX - 1)
    return LM_EINVAL;
  if (need > w->cap) {
    size_t cap = w->cap * 2 > need ? w->cap * 2 : need;
    uint32_t *jj = lm__realloc(r->pjob, cap * sizeof *jj);
    double *ss;
    if (jj == NULL)
      return LM_ENOMEM;
    r->pjob = jj;
    ss = lm__realloc(r->pscore, cap * sizeof *ss);
    if (ss == NULL)
      return LM_ENOMEM;
    r->pscore = ss;
    w->cap = cap;
  }
  memcpy(r->pjob + r->npairs, sn->p.job, sn->p.n * sizeof *r->pjob);
  memcpy(r->pscore + r->npairs, sn->p.score, sn->p.n * sizeof *r->pscore);
  block_range(w, b, &s0, &s1);
  for (s = s0; s < s1; s++)
    r->poff[s] = (uint32_t)(r->npairs + sn->off[s - s0]);
  r->npairs = need;
  return LM_OK;
}

/* Scores block b and appends it in its turn.  A block taken is always
 * let through, failed or not, so that no later one waits for ever. */
static void block_run(lm__scan *sn, size_t b)
{
  lm__work *w = sn->w;
  int rc = block_score(sn, b);

  pthread_mutex_lock(&w->lock);
  while (w->appended != b)
    pthread_cond_wait(&w->turn, &w->lock);
  if (rc == LM_OK && w->rc == LM_OK)
    rc = block_append(w, sn, b);
  if (rc != LM_OK && w->rc == LM_OK) {
    w->rc = rc;
    atomic_store(&w->stop, 1);
  }
  w->appended++;
  pthread_cond_broadcast(&w->turn);
  pthread_mutex_unlock(&w->lock);
}

/* Reports each 1% of the blocks appended, up to `upto`, not reported
 * yet: always the same calls (1% to 99%; 100% is for when the lists
 * exist), however the threads went. */
static int work_report(lm__work *w, lm__prog *pg, size_t upto)
{
  int rc = LM_OK;

  while (w->pct < upto && w->pct < 99 && rc == LM_OK) {
    w->pct++;
    rc = prog_at(pg, pg->lo + (pg->hi - pg->lo) * (double)w->pct / 100.0);
  }
  return rc;
}

/* Takes blocks until there are none or `stop`; the caller's thread (pg
 * not NULL) reports progress after each of its blocks. */
static int work_blocks(lm__scan *sn, lm__prog *pg)
{
  lm__work *w = sn->w;
  size_t b;
  int rc = LM_OK;

  while (!atomic_load(&w->stop)) {
    b = atomic_fetch_add(&w->next, 1);
    if (b >= w->nblock)
      break;
    block_run(sn, b);
    /* Blocks 0 to b are in. */
    if (pg)
      rc = work_report(w, pg, (b + 1) * 100 / w->nblock);
    if (rc != LM_OK) {
      atomic_store(&w->stop, 1);
      break;
    }
  }
  return rc;
}

static void *work_thread(void *arg)
{
  work_blocks(arg, NULL);
  return NULL;
}

/* The run's pairs are tens of megabytes written once: taking their pages
 * in one by one cost more than scoring them (a page fault each 4 KB).
 * Where the system has huge pages on request (Linux's madvise), ask for
 * them: 2 MB a fault.  Advice only: nothing else changes. */
static void advise_huge(void *p, size_t n)
{
#if defined(MADV_HUGEPAGE)
  const uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
  uintptr_t b = ((uintptr_t)p + n) & ~(huge - 1);

  if (b > a)
    (void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

static int work_init(lm__work *w, lm__frun *r, const lm__seekerf *const *sf,
                     const lm__jobf *const *jf, size_t nt)
{
  uint32_t most = 0;
  size_t i;
  int rc;

  w->sc = &r->sc;
  w->sf = sf;
  w->jf = jf;
  w->r = r;
  /* The caller's thread takes about every nt-th block and reports
   * progress after it: 200 blocks a thread, for a report about each 1%
   * as the blocks go in. */
  w->bsize = r->ns / (200 * nt) ? r->ns / (200 * nt) : 1;
  w->nblock = (r->ns + w->bsize - 1) / w->bsize;
  atomic_init(&w->next, 0);
  atomic_init(&w->stop, 0);
  rc = jgrid_build(&w->g, jf, r->nj);
  w->gate = lm__malloc((r->nj + 1) * sizeof *w->gate);
  r->poff = lm__malloc((r->ns + 1) * sizeof *r->poff);
  r->psort = lm__malloc((r->ns + 1) * sizeof *r->psort);
  if (rc != LM_OK || w->gate == NULL || r->poff == NULL || r->psort == NULL)
    return rc != LM_OK ? rc : oom();
  r->poff[0] = 0;
  for (i = 0; i < r->nj; i++)
    lm__jgate_init(&r->sc, jf[i], &w->gate[i]);
  /* Skill ids are the vocabulary's, small: a bit each (a seeker with an
   * id beyond a bound that keeps the set small is searched instead). */
  for (i = 0; i < r->ns; i++)
    if (sf[i]->nskills && sf[i]->skills[sf[i]->nskills - 1] >= most)
      most = sf[i]->skills[sf[i]->nskills - 1] + 1;
  w->nbits = most < (1u << 22) ? most : 1u << 22;
  /* Room at once for every pair that could be scored, up to a bound: a
   * page costs only when it is written, and growing by copies cost more
   * than all the rest of keeping the pairs.  What is left over goes back
   * at the end (pairs_fit). */
  for (i = 0, w->cap = 0; i < r->ns && w->cap < LM__FAIR_ROOM; i++)
    w->cap += seeker_jobs(&r->sc, &w->g, sf[i], NULL);
  w->cap = w->cap < LM__FAIR_ROOM ? w->cap : LM__FAIR_ROOM;
  r->pjob = lm__malloc((w->cap + 1) * sizeof *r->pjob);
  r->pscore = lm__malloc((w->cap + 1) * sizeof *r->pscore);
  if (r->pjob == NULL || r->pscore == NULL)
    return oom();
  advise_huge(r->pjob, (w->cap + 1) * sizeof *r->pjob);
  advise_huge(r->pscore, (w->cap + 1) * sizeof *r->pscore);
  return LM_OK;
}

/* Gives back the room the run's pairs do not use (should shrinking
 * fail, the room stays). */
static void pairs_fit(lm__frun *r)
{
  uint32_t *jj = lm__realloc(r->pjob, (r->npairs + 1) * sizeof *jj);
  double *ss = lm__realloc(r->pscore, (r->npairs + 1) * sizeof *ss);

  if (jj)
    r->pjob = jj;
  if (ss)
    r->pscore = ss;
}

/* How many threads score: the processors, at most LM__FAIR_THREADS; one
 * for a tiny fair, where starting a thread would cost more than all the
 * scoring. */
static size_t work_threads(const lm__frun *r)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);

  if (r->ns * (r->nj + 1) < 1000 || n < 2)
    return 1;
  return n < LM__FAIR_THREADS ? (size_t)n : LM__FAIR_THREADS;
}

/* Every acceptable pair of the run's seekers and jobs, scored, each
 * seeker's best first (r->poff, r->pjob, r->pscore, r->npairs). */
static int score_pairs(lm__frun *r, const lm__seekerf *const *sf,
                       const lm__jobf *const *jf, lm__prog *pg)
{
  lm__work w;
  lm__scan sn[LM__FAIR_THREADS];
  pthread_t tid[LM__FAIR_THREADS];
  size_t nt = work_threads(r), started = 0, t;
  int rc, locks = 0;

  memset(&w, 0, sizeof w);
  memset(sn, 0, sizeof sn);
  rc = work_init(&w, r, sf, jf, nt);
  for (t = 0; t < nt && rc == LM_OK; t++)
    rc = scan_init(&sn[t], &w);
  if (rc == LM_OK) {
    if (pthread_mutex_init(&w.lock, NULL) != 0)
      rc = oom();
    else if (pthread_cond_init(&w.turn, NULL) != 0) {
      pthread_mutex_destroy(&w.lock);
      rc = oom();
    } else
      locks = 1;
  }
  if (rc == LM_OK)
    rc = prog_at(pg, pg->lo);
  /* The other threads help; if one cannot start, those there do all. */
  for (t = 1; t < nt && rc == LM_OK; t++, started++)
    if (pthread_create(&tid[t], NULL, work_thread, &sn[t]) != 0)
      break;
  if (rc == LM_OK)
    rc = work_blocks(&sn[0], pg);
  for (t = 1; t <= started; t++)
    pthread_join(tid[t], NULL);
  if (rc == LM_OK && w.rc == LM_OK && w.nblock)
    rc = work_report(&w, pg, 99);
  if (rc == LM_OK && w.rc == LM_EINVAL)
    rc = lm__fail(LM_EINVAL, "the fair has too many acceptable pairs");
  else if (rc == LM_OK && w.rc != LM_OK)
    rc = oom();
  if (rc == LM_OK) {
    r->poff[r->ns] = (uint32_t)r->npairs;
    pairs_fit(r);
  }
  if (locks) {
    pthread_cond_destroy(&w.turn);
    pthread_mutex_destroy(&w.lock);
  }
  for (t = 0; t < nt; t++)
    scan_free(&sn[t]);
  lm__xfree(w.gate);
  jgrid_free(&w.g);
  return rc;
}

/* ----------------------------------------------------------- the run */

static int ids_copy(char ***out, const lm__members *ms, size_t n, int seekers)
{
  size_t i, k = 0;
  char **v = lm__calloc(n + 1, sizeof *v);

  *out = v;
  if (v == NULL)
    return oom();
  for (i = 0; i < ms->n; i++) {
    if (seekers && ms->m[i].flag)
      continue;
    if ((v[k++] = lm__strdup(ms->m[i].id)) == NULL)
      return oom();
  }
  return LM_OK;
}

/* Members, features and openings; then the scored pairs.  Under the
 * index lock. */
static int frun_build(lm_fair *f, lm__index *ix, const lm_fair_options *o,
                      lm__frun *r, lm__prog *pg)
{
  const lm__seekerf **sf = NULL;
  const lm__jobf **jf = NULL;
  size_t i, k;
  uint32_t slot;
  int rc;

  rc = lm__rank_scorer(ix, o->query, &r->sc);
  if (rc != LM_OK)
    return rc;
  members_settle(&f->seekers);
  members_settle(&f->jobs);
  r->ns = lm_fair_count(f, LM_SEEKER);
  r->nj = f->jobs.n;
  if (r->ns >= LM__NONE / 2 || r->nj >= LM__NONE / 2)
    return lm__fail(LM_EINVAL, "the fair is too large");
  rc = ids_copy(&r->sid, &f->seekers, r->ns, 1);
  if (rc == LM_OK)
    rc = ids_copy(&r->jid, &f->jobs, r->nj, 0);
  if (rc != LM_OK)
    return rc;
  r->sgroups = lm__calloc(r->ns + 1, sizeof *r->sgroups);
  r->gone = lm__calloc(r->ns + 1, 1);
  r->cap = lm__calloc(r->nj + 1, sizeof *r->cap);
  r->match = lm__malloc((r->ns + 1) * sizeof *r->match);
  sf = lm__malloc((r->ns + 1) * sizeof *sf);
  jf = lm__malloc((r->nj + 1) * sizeof *jf);
  if (r->sgroups == NULL || r->gone == NULL || r->cap == NULL ||
      r->match == NULL || sf == NULL || jf == NULL) {
    rc = oom();
    goto cleanup;
  }
  for (i = 0; i < r->ns && rc == LM_OK; i++) {
    if (!lm__index_find(ix, LM_SEEKER, r->sid[i], &slot))
      rc = lm__fail(LM_ENOTFOUND, "seeker %s of the fair is no longer "
                                  "stored", r->sid[i]);
    else {
      sf[i] = lm__index_seeker(ix, slot);
      r->sgroups[i] = sf[i]->groups;
    }
  }
  for (i = 0, k = 0; i < r->nj && rc == LM_OK; i++) {
    if (!lm__index_find(ix, LM_JOB, r->jid[i], &slot))
      rc = lm__fail(LM_ENOTFOUND, "job %s of the fair is no longer stored",
                    r->jid[i]);
    else {
      jf[i] = lm__index_job(ix, slot);
      r->cap[i] = f->jobs.m[i].flag >= 0 ? (uint32_t)f->jobs.m[i].flag
                                         : jf[i]->openings;
    }
  }
  (void)k;
  if (rc == LM_OK)
    rc = score_pairs(r, sf, jf, pg);
cleanup:
  lm__xfree(sf);
  lm__xfree(jf);
  return rc;
}

/* --------------------------------------------------- preference lists */

/* The instance of a run: lists, weights (a side), and per seeker the
 * acceptable jobs it has and the pairs it is in. */
typedef struct lm__inst {
  lm__bi bi;
  uint32_t *a_off, *a_to, *b_off, *b_to;
  uint32_t *a_pair; /* a-list entry -> the run's pair */
  int64_t *w;
  uint32_t *nacc;   /* acceptable jobs with openings, per seeker */
} lm__inst;

static void inst_free(lm__inst *in)
{
  lm__xfree(in->a_off);
  lm__xfree(in->a_to);
  lm__xfree(in->b_off);
  lm__xfree(in->b_to);
  lm__xfree(in->a_pair);
  lm__xfree(in->w);
  lm__xfree(in->nacc);
}

/* Marks each pair in its seeker's top K (bit 1) and its job's (bit 2),
 * among the pairs of seekers present and jobs with openings: a seeker's
 * are the first K of its list with openings, all in the sorted part of
 * the list (scan_seeker and lists_sort_more see to it), so they are the
 * K that sorting the whole list would give, in the same order; a job's
 * are kept in a heap (heap, K per job). */
static int mark_tops(const lm__frun *r, uint8_t *mark, lm__top *heap,
                     uint32_t *hn, uint32_t *nacc)
{
  uint32_t k = r->k;
  size_t s, e, j;

  for (s = 0; s < r->ns; s++) {
    uint32_t n = 0;
    if (r->gone[s])
      continue;
    for (e = r->poff[s]; e < r->poff[s + 1]; e++) {
      lm__top c;
      j = r->pjob[e];
      if (r->cap[j] == 0)
        continue;
      if (n++ < k)
        mark[e] |= 1;
      c.score = r->pscore[e];
      c.who = (uint32_t)s;
      c.e = (uint32_t)e;
      /* Most pairs lose to a full heap's root: that test first. */
      if (hn[j] < k || top_worse(&heap[j * k], &c))
        top_offer(heap + j * k, &hn[j], k, &c);
    }
    nacc[s] = n;
  }
  for (j = 0; j < r->nj; j++)
    for (e = 0; e < hn[j]; e++)
      mark[heap[j * k + e].e] |= 2;
  return LM_OK;
}

static int inst_build(const lm__frun *r, lm__inst *in)
{
  size_t k = r->k, s, e, j, ne = 0, nb = 0;
  uint8_t *mark = lm__calloc(r->npairs + 1, 1);
  lm__top *heap = lm__malloc((r->nj * k + 1) * sizeof *heap);
  uint32_t *hn = lm__calloc(r->nj + 1, sizeof *hn);
  int rc = LM_OK;

  memset(in, 0, sizeof *in);
  in->nacc = lm__calloc(r->ns + 1, sizeof *in->nacc);
  in->a_off = lm__malloc((r->ns + 1) * sizeof *in->a_off);
  in->b_off = lm__malloc((r->nj + 1) * sizeof *in->b_off);
  if (mark == NULL || heap == NULL || hn == NULL || in->nacc == NULL ||
      in->a_off == NULL || in->b_off == NULL) {
    rc = oom();
    goto cleanup;
  }
  mark_tops(r, mark, heap, hn, in->nacc);
  for (e = 0; e < r->npairs; e++)
    ne += mark[e] == 3;
  in->a_to = lm__malloc((ne + 1) * sizeof *in->a_to);
  in->a_pair = lm__malloc((ne + 1) * sizeof *in->a_pair);
  in->b_to = lm__malloc((ne + 1) * sizeof *in->b_to);
  in->w = lm__malloc((ne + 1) * sizeof *in->w);
  if (in->a_to == NULL || in->a_pair == NULL || in->b_to == NULL ||
      in->w == NULL) {
    rc = oom();
    goto cleanup;
  }
  ne = 0;
  for (s = 0; s < r->ns; s++) {
    in->a_off[s] = (uint32_t)ne;
    if (r->gone[s])
      continue;
    for (e = r->poff[s]; e < r->poff[s + 1]; e++)
      if (mark[e] == 3) {
        in->a_to[ne] = r->pjob[e];
        in->a_pair[ne] = (uint32_t)e;
        in->w[ne++] = llround(r->pscore[e] * LM__SCALE);
      }
  }
  in->a_off[r->ns] = (uint32_t)ne;
  for (j = 0; j < r->nj; j++) {
    lm__top *h = heap + j * k;
    in->b_off[j] = (uint32_t)nb;
    top_unheap(h, hn[j]);
    for (e = 0; e < hn[j]; e++)
      if (mark[h[e].e] == 3)
        in->b_to[nb++] = h[e].who;
  }
  in->b_off[r->nj] = (uint32_t)nb;
  in->bi.na = (uint32_t)r->ns;
  in->bi.nb = (uint32_t)r->nj;
  in->bi.cap = r->cap;
  in->bi.a_off = in->a_off;
  in->bi.a_to = in->a_to;
  in->bi.b_off = in->b_off;
  in->bi.b_to = in->b_to;
cleanup:
  lm__xfree(mark);
  lm__xfree(heap);
  lm__xfree(hn);
  return rc;
}

/* Priority: a pair of a priority seeker weighs M more, M above any total
 * of the plain weights, so the optimum first matches the most priority
 * seekers, then has the largest total (doc/BATCH.md). */
static int priority_weights(const lm__frun *r, lm__inst *in)
{
  int64_t m = 1, top;
  size_t s, e, nprio = 0;

  for (s = 0; s < r->ns; s++) {
    top = 0;
    for (e = in->a_off[s]; e < in->a_off[s + 1]; e++)
      if (in->w[e] > top)
        top = in->w[e];
    m += top;
    nprio += (r->sgroups[s] & r->prio) != 0;
  }
  if ((double)m * (double)(nprio + 2) > 2e18)
    return lm__fail(LM_EINVAL, "the fair is too large for the priority "
                               "mode's weights");
  for (s = 0; s < r->ns; s++)
    if (r->sgroups[s] & r->prio)
      for (e = in->a_off[s]; e < in->a_off[s + 1]; e++)
        in->w[e] += m;
  return LM_OK;
}

/* Solves the run's instance into match (and the prices when optimal). */
static int frun_solve(const lm__frun *r, lm__inst *in, uint32_t *match,
                      int64_t *u, int64_t *v, lm__prog *pg)
{
  int64_t total;
  lm__tick_fn tick = pg->fn ? prog_tick : NULL;
  int rc;

  switch (r->mode) {
  case LM_FAIR_STABLE_SEEKER:
    return lm__stable_a(&in->bi, match, tick, pg);
  case LM_FAIR_STABLE_EMPLOYER:
    return lm__stable_b(&in->bi, match, tick, pg);
  case LM_FAIR_PRIORITY:
    rc = priority_weights(r, in);
    if (rc != LM_OK)
      return rc;
    return lm__bmatch(&in->bi, in->w, match, NULL, NULL, &total, tick, pg);
  default:
    return lm__bmatch(&in->bi, in->w, match, u, v, &total, tick, pg);
  }
}

/* ------------------------------------------------------ the assignment */

void lm_assignment_free(lm_assignment *a)
{
  size_t i;

  if (a == NULL)
    return;
  for (i = 0; i < a->ns; i++)
    lm__xfree(a->sid[i]);
  for (i = 0; i < a->nj; i++)
    lm__xfree(a->jid[i]);
  lm__xfree(a->sid);
  lm__xfree(a->jid);
  for (i = 0; i < a->npair; i++)
    lm__buf_free(&a->pair[i].text);
  lm__xfree(a->pair);
  for (i = 0; i < a->nun; i++)
    lm__buf_free(&a->un[i].text);
  lm__xfree(a->un);
  lm__xfree(a->price[0]);
  lm__xfree(a->price[1]);
  lm__xfree(a->chg);
  lm__xfree(a);
}

static const char *vocab_name(void *ctx, int vocab, uint32_t id)
{
  return lm__index_name(ctx, vocab, id);
}

/* The pair's reasons, one per line, as lm_results_text. */
static int explain_pair(lm__index *ix, const lm__scorer *sc,
                        const lm__seekerf *s, const lm__jobf *j,
                        lm__buf *out)
{
  lm__buf reason[LM_C_COUNT_];
  double part[LM_C_COUNT_];
  int c, rc;

  memset(reason, 0, sizeof reason);
  lm__score(sc, s, j, part);
  rc = lm__explain(sc, s, j, part, vocab_name, ix, reason);
  if (rc == LM_OK)
    rc = lm__explain_join(reason, out);
  for (c = 0; c < LM_C_COUNT_; c++)
    lm__buf_free(&reason[c]);
  return rc;
}

static const char *filter_word(unsigned int bit)
{
  switch (bit) {
  case LM_FILTER_CLOSED:
    return "岗位已截止";
  case LM_FILTER_AGE:
    return "年龄";
  case LM_FILTER_EDUCATION:
    return "学历";
  case LM_FILTER_CERTIFICATE:
    return "证书";
  case LM_FILTER_COMMUTE:
    return "通勤";
  case LM_FILTER_SALARY:
    return "薪资";
  default:
    return "用工期";
  }
}

/* No acceptable job: the filter that excluded the most of the fair's
 * jobs, with one job it excluded as the example. */
static int why_no_job(lm__index *ix, const lm__frun *r,
                      const lm__seekerf *s, const lm__jobf *const *jf,
                      lm__buf *out)
{
  size_t count[8] = {0}, j, open = 0, best = 0;
  uint32_t example = LM__NONE;
  unsigned int bit;
  int b, rc;

  for (j = 0; j < r->nj; j++) {
    unsigned int bits;
    if (r->cap[j] == 0)
      continue;
    open++;
    bits = lm__filter(&r->sc, s, jf[j]);
    for (b = 0; b < 7; b++)
      count[b] += (bits >> b) & 1u;
  }
  if (open == 0)
    return lm__buf_adds(out, "没有可接受的岗位：本场没有空缺岗位");
  for (b = 1; b < 7; b++)
    if (count[b] > count[best])
      best = (size_t)b;
  bit = 1u << best;
  for (j = 0; j < r->nj && example == LM__NONE; j++)
    if (r->cap[j] && (lm__filter(&r->sc, s, jf[j]) & bit))
      example = (uint32_t)j;
  rc = lm__buf_printf(out, "没有可接受的岗位：本场 %zu 个岗位中 %zu 个因%s"
                           "不符被排除",
                      open, count[best], filter_word(bit));
  if (rc == LM_OK && example != LM__NONE) {
    lm__buf why = {NULL, 0, 0};
    rc = lm__explain_filters(&r->sc, s, jf[example], bit, vocab_name, ix,
                             &why);
    if (rc == LM_OK && why.len)
      rc = lm__buf_printf(out, "（如岗位 %s：%s）", r->jid[example],
                          lm__buf_cstr(&why));
    lm__buf_free(&why);
  }
  return rc;
}

static int why_unmatched(lm__index *ix, const lm__frun *r,
                         const lm__inst *in, size_t s,
                         const lm__seekerf *sf, const lm__jobf *const *jf,
                         lm__aun *u)
{
  uint32_t deg = in->a_off[s + 1] - in->a_off[s];

  if (in->nacc[s] == 0) {
    u->reason = LM_UNMATCHED_NO_ACCEPTABLE_JOB;
    return why_no_job(ix, r, sf, jf, &u->text);
  }
  if (deg == 0) {
    u->reason = LM_UNMATCHED_OUTSIDE_TOP_K;
    return lm__buf_printf(&u->text,
                          "有 %u 个可接受的岗位，但其前 %u 个岗位都未把其排"
                          "进本岗位候选人的前 %u 名",
                          in->nacc[s], r->k, r->k);
  }
  if (r->mode == LM_FAIR_STABLE_SEEKER || r->mode == LM_FAIR_STABLE_EMPLOYER) {
    u->reason = LM_UNMATCHED_FILLED_BY_HIGHER;
    return lm__buf_printf(&u->text,
                          "列表中的 %u 个岗位都已由用人单位排名更靠前的求职者"
                          "占满",
                          deg);
  }
  u->reason = LM_UNMATCHED_NOT_CHOSEN;
  if (r->mode == LM_FAIR_PRIORITY)
    return lm__buf_printf(&u->text,
                          "未被选中：列表中的 %u 个岗位在优先安排重点群体、"
                          "再求总匹配度最高时分给了他人",
                          deg);
  return lm__buf_printf(&u->text,
                        "未被选中：列表中的 %u 个岗位分给他人时总匹配度更高",
                        deg);
}

/* The score of s's pair with job j (it is one of the run's pairs). */
static double pair_score(const lm__frun *r, size_t s, uint32_t j)
{
  size_t e;

  for (e = r->poff[s]; e < r->poff[s + 1]; e++)
    if (r->pjob[e] == j)
      return r->pscore[e];
  return 0.0;
}

static void group_stats(const lm__frun *r, const uint32_t *match,
                        lm_assignment *a)
{
  size_t s;
  int g;

  for (g = 0; g < LM__NGROUPS; g++) {
    lm_group_stats *st = &a->group[g];
    double sum = 0.0;
    memset(st, 0, sizeof *st);
    st->group = lm__group_word(g);
    for (s = 0; s < r->ns; s++) {
      if (r->gone[s] || !(r->sgroups[s] & (1u << g)))
        continue;
      st->present++;
      if (match[s] != LM__NONE) {
        st->matched++;
        sum += pair_score(r, s, match[s]);
      }
    }
    st->match_rate = st->present ? (double)st->matched / st->present : 0.0;
    st->mean_score = st->matched ? sum / st->matched : 0.0;
  }
}

static int prices_of(const lm__frun *r, const int64_t *u, const int64_t *v,
                     const lm__inst *in, lm_assignment *a)
{
  size_t i;

  a->price[0] = lm__calloc(r->ns + 1, sizeof(double));
  a->price[1] = lm__calloc(r->nj + 1, sizeof(double));
  if (a->price[0] == NULL || a->price[1] == NULL)
    return oom();
  /* A seeker or job in no pair has no price of its own to keep: 0. */
  for (i = 0; i < r->ns; i++)
    if (in->a_off[i + 1] > in->a_off[i])
      a->price[0][i] = (double)u[i] / LM__SCALE;
  for (i = 0; i < r->nj; i++)
    if (in->b_off[i + 1] > in->b_off[i])
      a->price[1][i] = (double)v[i] / LM__SCALE;
  return LM_OK;
}

static int changes_of(const lm__frun *r, const uint32_t *old,
                      const uint32_t *now, lm_assignment *a)
{
  size_t s, n = 0;

  a->chg = lm__calloc(r->ns + 1, sizeof *a->chg);
  if (a->chg == NULL)
    return oom();
  for (s = 0; s < r->ns; s++) {
    uint32_t to = r->gone[s] ? LM__NONE : now[s];
    if (old[s] == to)
      continue;
    a->chg[n].s = (uint32_t)s;
    a->chg[n].from = old[s];
    a->chg[n].to = to;
    a->chg[n++].kind = old[s] == LM__NONE ? LM_CHANGE_GAINED
                       : to == LM__NONE   ? LM_CHANGE_LOST
                                          : LM_CHANGE_MOVED;
  }
  a->nchg = n;
  return LM_OK;
}

/* Looks the run's records up again (a repair comes after the run's lock
 * was let go). */
static int features_of(lm__index *ix, const lm__frun *r,
                       const lm__seekerf ***sf, const lm__jobf ***jf)
{
  size_t i;
  uint32_t slot;

  *sf = lm__malloc((r->ns + 1) * sizeof **sf);
  *jf = lm__malloc((r->nj + 1) * sizeof **jf);
  if (*sf == NULL || *jf == NULL)
    return oom();
  for (i = 0; i < r->ns; i++) {
    if (!lm__index_find(ix, LM_SEEKER, r->sid[i], &slot))
      return lm__fail(LM_ENOTFOUND, "seeker %s of the fair is no longer "
                                    "stored", r->sid[i]);
    (*sf)[i] = lm__index_seeker(ix, slot);
  }
  for (i = 0; i < r->nj; i++) {
    if (!lm__index_find(ix, LM_JOB, r->jid[i], &slot))
      return lm__fail(LM_ENOTFOUND, "job %s of the fair is no longer stored",
                      r->jid[i]);
    (*jf)[i] = lm__index_job(ix, slot);
  }
  return LM_OK;
}

static int assignment_build(lm__index *ix, const lm__frun *r,
                            const lm__inst *in, const uint32_t *match,
                            const int64_t *u, const int64_t *v,
                            const uint32_t *old, lm_assignment **out)
{
  const lm__seekerf **sf = NULL;
  const lm__jobf **jf = NULL;
  lm_assignment *a = lm__calloc(1, sizeof *a);
  size_t s, i;
  int rc;

  *out = NULL;
  if (a == NULL)
    return oom();
  a->mode = r->mode;
  a->sid = lm__calloc(r->ns + 1, sizeof *a->sid);
  a->jid = lm__calloc(r->nj + 1, sizeof *a->jid);
  a->pair = lm__calloc(r->ns + 1, sizeof *a->pair);
  a->un = lm__calloc(r->ns + 1, sizeof *a->un);
  rc = a->sid && a->jid && a->pair && a->un ? LM_OK : oom();
  for (s = 0; s < r->ns && rc == LM_OK; s++, a->ns++)
    if ((a->sid[s] = lm__strdup(r->sid[s])) == NULL)
      rc = oom();
  for (i = 0; i < r->nj && rc == LM_OK; i++, a->nj++)
    if ((a->jid[i] = lm__strdup(r->jid[i])) == NULL)
      rc = oom();
  if (rc == LM_OK)
    rc = features_of(ix, r, &sf, &jf);
  for (s = 0; s < r->ns && rc == LM_OK; s++) {
    if (r->gone[s])
      continue;
    if (match[s] != LM__NONE) {
      lm__apair *p = &a->pair[a->npair++];
      p->s = (uint32_t)s;
      p->j = match[s];
      p->score = pair_score(r, s, match[s]);
      a->total += p->score;
      rc = explain_pair(ix, &r->sc, sf[s], jf[p->j], &p->text);
    } else {
      lm__aun *un = &a->un[a->nun++];
      un->s = (uint32_t)s;
      rc = why_unmatched(ix, r, in, s, sf[s], jf, un);
    }
  }
  if (rc == LM_OK)
    group_stats(r, match, a);
  if (rc == LM_OK && r->mode == LM_FAIR_OPTIMAL && u && v)
    rc = prices_of(r, u, v, in, a);
  if (rc == LM_OK && old)
    rc = changes_of(r, old, match, a);
  lm__xfree(sf);
  lm__xfree(jf);
  if (rc != LM_OK) {
    lm_assignment_free(a);
    return rc;
  }
  *out = a;
  return LM_OK;
}

/* Lists, solution and assignment of a run whose pairs are scored. */
static int frun_finish(lm__index *ix, const lm__frun *r, uint32_t *match,
                       const uint32_t *old, lm__prog *pg,
                       lm_assignment **out)
{
  lm__inst in;
  int64_t *u = NULL, *v = NULL;
  int rc;

  rc = inst_build(r, &in);
  if (rc == LM_OK) /* the lists exist: bench/fair times the phases so */
    rc = prog_at(pg, pg->lo);
  if (rc == LM_OK && r->mode == LM_FAIR_OPTIMAL) {
    u = lm__calloc(r->ns + 1, sizeof *u);
    v = lm__calloc(r->nj + 1, sizeof *v);
    if (u == NULL || v == NULL)
      rc = oom();
  }
  if (rc == LM_OK)
    rc = frun_solve(r, &in, match, u, v, pg);
  if (rc == LM_OK)
    rc = prog_at(pg, pg->hi);
  if (rc == LM_OK)
    rc = assignment_build(ix, r, &in, match, u, v, old, out);
  inst_free(&in);
  lm__xfree(u);
  lm__xfree(v);
  return rc;
}

int lm_fair_run(lm_fair *f, const lm_fair_options *opts, lm_assignment **out)
{
  lm__index *ix;
  lm__frun *r;
  lm__prog pg;
  int rc;

  lm__clear_error();
  if (out)
    *out = NULL;
  if (f == NULL || opts == NULL || out == NULL)
    return lm__fail(LM_EINVAL, "lm_fair_run: NULL argument");
  r = lm__calloc(1, sizeof *r);
  if (r == NULL)
    return oom();
  rc = options_take(opts, r);
  if (rc != LM_OK) {
    frun_free(r);
    return rc;
  }
  pg.fn = opts->progress;
  pg.ctx = opts->progress_ctx;
  rc = lm__engine_index_enter(f->e, &ix);
  if (rc != LM_OK) {
    frun_free(r);
    return rc;
  }
  pg.lo = 0.0;
  pg.hi = 0.6;
  rc = frun_build(f, ix, opts, r, &pg);
  if (rc == LM_OK) {
    pg.lo = 0.6;
    pg.hi = 0.95;
    rc = frun_finish(ix, r, r->match, NULL, &pg, out);
  }
  lm__engine_index_leave(f->e);
  if (rc == LM_OK)
    rc = prog_at(&pg, 1.0);
  if (rc != LM_OK) {
    lm_assignment_free(*out);
    *out = NULL;
    frun_free(r);
    return rc;
  }
  frun_free(f->last);
  f->last = r;
  return LM_OK;
}

/* A seeker's list is sorted as far as the run's top K could reach (with
 * the openings of the run): where the top K with the openings now goes
 * past that, the rest of the list is sorted too.  The pairs and the
 * order of the sorted part stay as they were. */
static int lists_sort_more(lm__frun *r)
{
  size_t s, e, most = 0;
  uint32_t n, i, deg;
  lm__top *c;

  for (s = 0; s < r->ns; s++)
    if (r->poff[s + 1] - r->poff[s] > most)
      most = r->poff[s + 1] - r->poff[s];
  c = lm__malloc((most + 1) * sizeof *c);
  if (c == NULL)
    return oom();
  for (s = 0; s < r->ns; s++) {
    deg = r->poff[s + 1] - r->poff[s];
    if (r->gone[s] || r->psort[s] == deg)
      continue;
    for (n = 0, e = r->poff[s]; e < r->poff[s] + r->psort[s]; e++)
      n += r->cap[r->pjob[e]] != 0;
    if (n >= r->k)
      continue;
    for (i = 0, e = r->poff[s] + r->psort[s]; e < r->poff[s + 1]; e++, i++) {
      c[i].score = r->pscore[e];
      c[i].who = r->pjob[e];
    }
    top_sort(c, i, 64);
    for (i = 0, e = r->poff[s] + r->psort[s]; e < r->poff[s + 1]; e++, i++) {
      r->pscore[e] = c[i].score;
      r->pjob[e] = c[i].who;
    }
    r->psort[s] = deg;
  }
  lm__xfree(c);
  return LM_OK;
}

int lm_fair_repair(lm_fair *f, lm_assignment **out)
{
  lm__frun *r;
  lm__index *ix;
  lm__prog pg = {NULL, NULL, 0.0, 1.0};
  uint8_t *gone = NULL;
  uint32_t *cap = NULL, *match = NULL, *keep_cap;
  uint8_t *keep_gone;
  size_t i;
  int rc;

  lm__clear_error();
  if (out)
    *out = NULL;
  if (f == NULL || out == NULL)
    return lm__fail(LM_EINVAL, "lm_fair_repair: NULL argument");
  if (f->last == NULL)
    return lm__fail(LM_EINVAL, "lm_fair_repair: the fair has not run");
  r = f->last;
  gone = lm__malloc(r->ns + 1);
  cap = lm__malloc((r->nj + 1) * sizeof *cap);
  match = lm__malloc((r->ns + 1) * sizeof *match);
  if (gone == NULL || cap == NULL || match == NULL) {
    rc = oom();
    goto cleanup;
  }
  /* Withdrawals and openings as the fair has them now. */
  for (i = 0; i < r->ns; i++) {
    lm__member *m = members_find(&f->seekers, r->sid[i]);
    gone[i] = m == NULL || m->flag;
  }
  rc = lm__engine_index_enter(f->e, &ix);
  if (rc != LM_OK)
    goto cleanup;
  /* Openings set on the fair win; otherwise the record's, as a run now
   * would take them (a job added again after lm_fair_set_openings is
   * back to its record's). */
  for (i = 0; i < r->nj && rc == LM_OK; i++) {
    lm__member *m = members_find(&f->jobs, r->jid[i]);
    uint32_t slot;
    if (m && m->flag >= 0)
      cap[i] = (uint32_t)m->flag;
    else if (lm__index_find(ix, LM_JOB, r->jid[i], &slot))
      cap[i] = lm__index_job(ix, slot)->openings;
    else
      rc = lm__fail(LM_ENOTFOUND, "job %s of the fair is no longer stored",
                    r->jid[i]);
  }
  if (rc != LM_OK) {
    lm__engine_index_leave(f->e);
    goto cleanup;
  }
  keep_gone = r->gone;
  keep_cap = r->cap;
  r->gone = gone;
  r->cap = cap;
  r->sc.idf = lm__index_idf(ix, &r->sc.nidf);
  rc = lists_sort_more(r);
  if (rc == LM_OK)
    rc = frun_finish(ix, r, match, r->match, &pg, out);
  lm__engine_index_leave(f->e);
  if (rc == LM_OK) {
    /* The repaired run becomes the last one. */
    gone = keep_gone;
    cap = keep_cap;
    lm__xfree(r->match);
    r->match = match;
    match = NULL;
  } else {
    r->gone = keep_gone;
    r->cap = keep_cap;
  }
cleanup:
  lm__xfree(gone);
  lm__xfree(cap);
  lm__xfree(match);
  return rc;
}

/* ----------------------------------------------------------- accessors */

int lm_assignment_mode(const lm_assignment *a)
{
  return a ? a->mode : 0;
}

size_t lm_assignment_pair_count(const lm_assignment *a)
{
  return a ? a->npair : 0;
}

int lm_assignment_pair(const lm_assignment *a, size_t i,
                       const char **seeker_id, const char **job_id,
                       double *score)
{
  if (a == NULL || i >= a->npair)
    return lm__fail(LM_EINVAL, "lm_assignment_pair: no pair %zu", i);
  if (seeker_id)
    *seeker_id = a->sid[a->pair[i].s];
  if (job_id)
    *job_id = a->jid[a->pair[i].j];
  if (score)
    *score = a->pair[i].score;
  return LM_OK;
}

static const char *buf_text(const lm__buf *b)
{
  return b->len ? b->data : "";
}

const char *lm_assignment_pair_text(const lm_assignment *a, size_t i)
{
  return a && i < a->npair ? buf_text(&a->pair[i].text) : "";
}

double lm_assignment_total(const lm_assignment *a)
{
  return a ? a->total : 0.0;
}

size_t lm_assignment_unmatched_count(const lm_assignment *a)
{
  return a ? a->nun : 0;
}

int lm_assignment_unmatched(const lm_assignment *a, size_t i,
                            const char **seeker_id)
{
  if (a == NULL || i >= a->nun)
    return lm__fail(LM_EINVAL, "lm_assignment_unmatched: no seeker %zu", i);
  if (seeker_id)
    *seeker_id = a->sid[a->un[i].s];
  return a->un[i].reason;
}

const char *lm_assignment_unmatched_text(const lm_assignment *a, size_t i)
{
  return a && i < a->nun ? buf_text(&a->un[i].text) : "";
}

size_t lm_assignment_group_count(const lm_assignment *a)
{
  return a ? LM__NGROUPS : 0;
}

int lm_assignment_group(const lm_assignment *a, size_t i, lm_group_stats *out)
{
  if (a == NULL || out == NULL || i >= LM__NGROUPS)
    return lm__fail(LM_EINVAL, "lm_assignment_group: no group %zu", i);
  *out = a->group[i];
  return LM_OK;
}

size_t lm_assignment_price_count(const lm_assignment *a, lm_kind kind)
{
  if (a == NULL || a->price[0] == NULL)
    return 0;
  return kind == LM_SEEKER ? a->ns : kind == LM_JOB ? a->nj : 0;
}

int lm_assignment_price(const lm_assignment *a, lm_kind kind, size_t i,
                        const char **id, double *price)
{
  int side = kind == LM_JOB;

  if (i >= lm_assignment_price_count(a, kind))
    return lm__fail(LM_EINVAL, "lm_assignment_price: no price %zu", i);
  if (id)
    *id = side ? a->jid[i] : a->sid[i];
  if (price)
    *price = a->price[side][i];
  return LM_OK;
}

size_t lm_assignment_change_count(const lm_assignment *a)
{
  return a ? a->nchg : 0;
}

int lm_assignment_change(const lm_assignment *a, size_t i,
                         const char **seeker_id, const char **old_job,
                         const char **new_job)
{
  const lm__achange *c;

  if (a == NULL || i >= a->nchg)
    return lm__fail(LM_EINVAL, "lm_assignment_change: no change %zu", i);
  c = &a->chg[i];
  if (seeker_id)
    *seeker_id = a->sid[c->s];
  if (old_job)
    *old_job = c->from == LM__NONE ? NULL : a->jid[c->from];
  if (new_job)
    *new_job = c->to == LM__NONE ? NULL : a->jid[c->to];
  return c->kind;
}

/* ----------------------------------------------------------------- XML */

static int xml_text(lm__buf *b, const char *s)
{
  int rc = LM_OK;

  for (; *s && rc == LM_OK; s++) {
    switch (*s) {
    case '&':
      rc = lm__buf_adds(b, "&amp;");
      break;
    case '<':
      rc = lm__buf_adds(b, "&lt;");
      break;
    case '>':
      rc = lm__buf_adds(b, "&gt;");
      break;
    case '"':
      rc = lm__buf_adds(b, "&quot;");
      break;
    case '\n':
      rc = lm__buf_adds(b, "&#10;");
      break;
    default:
      rc = lm__buf_add(b, s, 1);
    }
  }
  return rc;
}

static const char *mode_word(int mode)
{
  switch (mode) {
  case LM_FAIR_STABLE_SEEKER:
    return "stable-seeker";
  case LM_FAIR_STABLE_EMPLOYER:
    return "stable-employer";
  case LM_FAIR_OPTIMAL:
    return "optimal";
  default:
    return "priority";
  }
}

static const char *reason_word(int reason)
{
  switch (reason) {
  case LM_UNMATCHED_NO_ACCEPTABLE_JOB:
    return "no-acceptable-job";
  case LM_UNMATCHED_OUTSIDE_TOP_K:
    return "outside-top-k";
  case LM_UNMATCHED_FILLED_BY_HIGHER:
    return "filled-by-higher-ranked";
  default:
    return "not-chosen";
  }
}

/* One element: <name a="v" ...>text</name>, or empty. */
static int xml_elem(lm__buf *b, const char *name, const char *const *attr,
                    size_t nattr, const char *text)
{
  size_t i;
  int rc = lm__buf_printf(b, "  <%s", name);

  for (i = 0; i + 1 < nattr && rc == LM_OK; i += 2) {
    if (attr[i + 1] == NULL)
      continue;
    rc = lm__buf_printf(b, " %s=\"", attr[i]);
    if (rc == LM_OK)
      rc = xml_text(b, attr[i + 1]);
    if (rc == LM_OK)
      rc = lm__buf_adds(b, "\"");
  }
  if (rc == LM_OK && text && *text) {
    rc = lm__buf_adds(b, ">");
    if (rc == LM_OK)
      rc = xml_text(b, text);
    if (rc == LM_OK)
      rc = lm__buf_printf(b, "</%s>\n", name);
  } else if (rc == LM_OK) {
    rc = lm__buf_adds(b, "/>\n");
  }
  return rc;
}

static int xml_build(const lm_assignment *a, lm__buf *b)
{
  char n1[32], n2[32], n3[32], n4[32];
  size_t i;
  int rc;

  rc = lm__buf_printf(b,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<assignment version=\"1\" mode=\"%s\" total=\"%.6f\" "
                      "pairs=\"%zu\" unmatched=\"%zu\">\n",
                      mode_word(a->mode), a->total, a->npair, a->nun);
  for (i = 0; i < a->npair && rc == LM_OK; i++) {
    const char *at[6];
    snprintf(n1, sizeof n1, "%.6f", a->pair[i].score);
    at[0] = "seeker";
    at[1] = a->sid[a->pair[i].s];
    at[2] = "job";
    at[3] = a->jid[a->pair[i].j];
    at[4] = "score";
    at[5] = n1;
    rc = xml_elem(b, "pair", at, 6, buf_text(&a->pair[i].text));
  }
  for (i = 0; i < a->nun && rc == LM_OK; i++) {
    const char *at[4];
    at[0] = "seeker";
    at[1] = a->sid[a->un[i].s];
    at[2] = "reason";
    at[3] = reason_word(a->un[i].reason);
    rc = xml_elem(b, "unmatched", at, 4, buf_text(&a->un[i].text));
  }
  for (i = 0; i < LM__NGROUPS && rc == LM_OK; i++) {
    const lm_group_stats *g = &a->group[i];
    const char *at[10];
    snprintf(n1, sizeof n1, "%zu", g->present);
    snprintf(n2, sizeof n2, "%zu", g->matched);
    snprintf(n3, sizeof n3, "%.4f", g->match_rate);
    snprintf(n4, sizeof n4, "%.6f", g->mean_score);
    at[0] = "name";
    at[1] = g->group;
    at[2] = "present";
    at[3] = n1;
    at[4] = "matched";
    at[5] = n2;
    at[6] = "rate";
    at[7] = n3;
    at[8] = "mean-score";
    at[9] = n4;
    rc = xml_elem(b, "group", at, 10, NULL);
  }
  for (i = 0; i < a->nchg && rc == LM_OK; i++) {
    static const char *const kind[] = {"", "gained", "lost", "moved"};
    const char *at[8];
    at[0] = "seeker";
    at[1] = a->sid[a->chg[i].s];
    at[2] = "kind";
    at[3] = kind[a->chg[i].kind];
    at[4] = "from";
    at[5] = a->chg[i].from == LM__NONE ? NULL : a->jid[a->chg[i].from];
    at[6] = "to";
    at[7] = a->chg[i].to == LM__NONE ? NULL : a->jid[a->chg[i].to];
    rc = xml_elem(b, "change", at, 8, NULL);
  }
  if (rc == LM_OK)
    rc = lm__buf_adds(b, "</assignment>\n");
  return rc;
}

int lm_assignment_write_xml_buffer(const lm_assignment *a, char **out,
                                   size_t *len)
{
  lm__buf b = {NULL, 0, 0};
  int rc;

  lm__clear_error();
  if (out)
    *out = NULL;
  if (len)
    *len = 0;
  if (a == NULL || out == NULL)
    return lm__fail(LM_EINVAL, "lm_assignment_write_xml_buffer: NULL "
                               "argument");
  rc = xml_build(a, &b);
  if (rc != LM_OK) {
    lm__buf_free(&b);
    return rc;
  }
  *out = b.data;
  if (len)
    *len = b.len;
  return LM_OK;
}

int lm_assignment_write_xml(const lm_assignment *a, const char *path)
{
  lm__buf b = {NULL, 0, 0};
  FILE *fp;
  int rc;

  lm__clear_error();
  if (a == NULL || path == NULL)
    return lm__fail(LM_EINVAL, "lm_assignment_write_xml: NULL argument");
  rc = xml_build(a, &b);
  if (rc == LM_OK) {
    fp = fopen(path, "wb");
    if (fp == NULL)
      rc = lm__fail(LM_ERROR, "cannot write %s", path);
    else {
      if (fwrite(b.data, 1, b.len, fp) != b.len)
        rc = lm__fail(LM_ERROR, "cannot write %s", path);
      if (fclose(fp) != 0 && rc == LM_OK)
        rc = lm__fail(LM_ERROR, "cannot write %s", path);
    }
  }
  lm__buf_free(&b);
  return rc;
}
