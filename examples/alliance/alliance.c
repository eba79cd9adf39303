/*
 * alliance: lending workers between the member firms of an employers'
 * alliance (错峰借人、调剂用工).  A firm with idle hands in its off-peak
 * season lends them to a member short of hands.  Input: FORMAT.md
 * documents with the member employers (`alliance`), the workers each firm
 * can lend (seekers marked <group>employer:FIRM</group>, with skills and a
 * <window>), and each firm's short-term demand (jobs with a <window> and
 * openings).  Output: the lending plan (worker -> firm, dates, commute,
 * fit), the demand left unfilled and the workers left unplaced, each with
 * the reason.  A thin program over the public API only.
 *
 *   alliance [--mode optimal|stable] [--k N] [--today DATE] FILE.xml...
 *
 * How it never lends a worker to their own firm, nor outside the alliance,
 * nor across windows that do not overlap: one fair per alliance (its
 * members' workers and demand only), in a scratch store where each demand
 * job of member i requires a pass certificate "alliance-pass-i" that the
 * copies of every other member's workers hold: own-firm pairs fail the
 * library's certificate filter, and windows that share no day fail its
 * window filter.  So one exact run per alliance sees every choice, where a
 * fair per lending firm would hand out shared openings first come, first
 * served.  examples/alliance/README.md says more.
 *
 * Exit status: 0 done; 1 a document could not be read or a run failed;
 * 2 a usage error.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libmatch.h"

/* A worker names the firm that lends them with this group. */
#define FIRM_MARK "employer:"
#define PASS_CERT "alliance-pass-"

typedef struct firm {
  char *id, *alliance; /* alliance NULL: not a member of any */
} firm;

typedef struct worker {
  char *id, *firm, *from, *to, *mode; /* from/to: YYYY-MM-DD or NULL */
  double lat, lon;
  int located;
  int placed;
} worker;

typedef struct demand {
  char *id, *firm, *from, *to;
  double lat, lon;
  int located;
  unsigned int openings, filled;
} demand;

typedef struct world {
  lm_engine *e;
  firm *f;
  worker *w;
  demand *d;
  size_t nf, nw, nd, capf, capw, capd;
} world;

typedef struct options {
  int mode;
  const char *mode_name;
  unsigned int k;
  const char *today;
  char **files;
  int nfiles;
} options;

static void usage(FILE *to)
{
  fputs("usage: alliance [--mode optimal|stable] [--k N] [--today DATE] "
        "FILE.xml...\n"
        "  Lends workers between the member firms of employers' alliances:\n"
        "  prints the lending plan, the demand left unfilled and the\n"
        "  workers left unplaced, with the reasons.\n"
        "  --mode optimal   the largest total fit in each alliance (default)\n"
        "  --mode stable    stable: no worker and firm who both prefer each\n"
        "                   other to what they got (workers' best)\n"
        "  --k N            preference lists: each side's top N (default 50)\n"
        "  --today DATE     YYYY-MM-DD, for expiry and ages (default today)\n",
        to);
}

static int parse_options(int argc, char **argv, options *o)
{
  int i;

  memset(o, 0, sizeof *o);
  o->mode = LM_FAIR_OPTIMAL;
  o->mode_name = "optimal";
  for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

    if (strcmp(a, "--help") == 0) {
      usage(stdout);
      exit(0);
    }
    if (v == NULL)
      return -1;
    i++;
    if (strcmp(a, "--mode") == 0 && strcmp(v, "optimal") == 0) {
      o->mode = LM_FAIR_OPTIMAL;
      o->mode_name = v;
    } else if (strcmp(a, "--mode") == 0 && strcmp(v, "stable") == 0) {
      o->mode = LM_FAIR_STABLE_SEEKER;
      o->mode_name = v;
    } else if (strcmp(a, "--k") == 0) {
      char *end;
      unsigned long k = strtoul(v, &end, 10);
      if (*v == '-' || end == v || *end != '\0' || k == 0 || k > 100000)
        return -1;
      o->k = (unsigned int)k;
    } else if (strcmp(a, "--today") == 0) {
      o->today = v;
    } else {
      return -1;
    }
  }
  o->files = argv + i;
  o->nfiles = argc - i;
  return o->nfiles > 0 ? 0 : -1;
}

/* ------------------------------------------------------------ reading */

static char *dup_or_null(const char *s)
{
  char *c;

  if (s == NULL)
    return NULL;
  c = malloc(strlen(s) + 1);
  if (c)
    strcpy(c, s);
  return c;
}

/* Grows an array to hold one more element; 0 or -1 (out of memory). */
static int grow(void **p, size_t *cap, size_t n, size_t size)
{
  void *q;

  if (n < *cap)
    return 0;
  q = realloc(*p, (*cap ? *cap * 2 : 16) * size);
  if (q == NULL)
    return -1;
  *p = q;
  *cap = *cap ? *cap * 2 : 16;
  return 0;
}

static int locate(const lm_record *r, double *lat, double *lon)
{
  return lm_record_number(r, LM_F_LAT, lat) == LM_OK &&
         lm_record_number(r, LM_F_LON, lon) == LM_OK;
}

static int take_firm(void *ctx, const lm_record *r)
{
  world *x = ctx;
  firm *f;

  if (grow((void **)&x->f, &x->capf, x->nf, sizeof *x->f))
    return LM_ENOMEM;
  f = &x->f[x->nf++];
  f->id = dup_or_null(lm_record_id(r));
  f->alliance = dup_or_null(lm_record_get(r, LM_F_ALLIANCE));
  return f->id ? 0 : LM_ENOMEM;
}

/* The lending firm: the first group "employer:FIRM". */
static const char *firm_of(const lm_record *r)
{
  size_t i, n = strlen(FIRM_MARK);

  for (i = 0; i < lm_record_count(r, LM_F_GROUP); i++) {
    const char *g = lm_record_item(r, LM_F_GROUP, i);
    if (strncmp(g, FIRM_MARK, n) == 0 && g[n])
      return g + n;
  }
  return NULL;
}

static int take_worker(void *ctx, const lm_record *r)
{
  world *x = ctx;
  worker *w;

  if (grow((void **)&x->w, &x->capw, x->nw, sizeof *x->w))
    return LM_ENOMEM;
  w = &x->w[x->nw++];
  memset(w, 0, sizeof *w);
  w->id = dup_or_null(lm_record_id(r));
  w->firm = dup_or_null(firm_of(r));
  w->from = dup_or_null(lm_record_get(r, LM_F_WINDOW_FROM));
  w->to = dup_or_null(lm_record_get(r, LM_F_WINDOW_TO));
  w->mode = dup_or_null(lm_record_get(r, LM_F_MOBILITY_MODE));
  w->located = locate(r, &w->lat, &w->lon);
  return w->id ? 0 : LM_ENOMEM;
}

static int take_demand(void *ctx, const lm_record *r)
{
  world *x = ctx;
  demand *d;
  double n;

  if (grow((void **)&x->d, &x->capd, x->nd, sizeof *x->d))
    return LM_ENOMEM;
  d = &x->d[x->nd++];
  memset(d, 0, sizeof *d);
  d->id = dup_or_null(lm_record_id(r));
  d->firm = dup_or_null(lm_record_get(r, LM_F_EMPLOYER));
  d->from = dup_or_null(lm_record_get(r, LM_F_WINDOW_FROM));
  d->to = dup_or_null(lm_record_get(r, LM_F_WINDOW_TO));
  d->openings = lm_record_number(r, LM_F_OPENINGS, &n) == LM_OK && n >= 0
                    ? (unsigned int)n
                    : 1u; /* FORMAT.md's default */
  d->located = locate(r, &d->lat, &d->lon);
  return d->id ? 0 : LM_ENOMEM;
}

static int read_world(world *x, const options *o)
{
  int i, rc = LM_OK;

  for (i = 0; i < o->nfiles && rc == LM_OK; i++) {
    lm_report *rep = NULL;

    rc = lm_report_new(&rep);
    if (rc == LM_OK)
      rc = lm_engine_ingest_file(x->e, o->files[i], 0, rep);
    if (rc != LM_OK) {
      fprintf(stderr, "alliance: %s: %s\n", o->files[i], lm_errmsg(x->e));
    } else if (lm_report_error_count(rep) > 0) {
      size_t j;
      fprintf(stderr, "alliance: %s: %zu record(s) skipped\n", o->files[i],
              lm_report_error_count(rep));
      for (j = 0; j < lm_report_error_count(rep) && j < 5; j++) {
        const char *id, *why;
        long line;
        lm_report_error(rep, j, &id, &line, &why);
        fprintf(stderr, "  line %ld: %s%s%s\n", line, id ? id : "",
                id ? ": " : "", why);
      }
    }
    lm_report_free(rep);
  }
  if (rc == LM_OK)
    rc = lm_engine_foreach(x->e, LM_EMPLOYER, take_firm, x);
  if (rc == LM_OK)
    rc = lm_engine_foreach(x->e, LM_SEEKER, take_worker, x);
  if (rc == LM_OK)
    rc = lm_engine_foreach(x->e, LM_JOB, take_demand, x);
  return rc;
}

static void free_world(world *x)
{
  size_t i;

  for (i = 0; i < x->nf; i++) {
    free(x->f[i].id);
    free(x->f[i].alliance);
  }
  for (i = 0; i < x->nw; i++) {
    free(x->w[i].id);
    free(x->w[i].firm);
    free(x->w[i].from);
    free(x->w[i].to);
    free(x->w[i].mode);
  }
  for (i = 0; i < x->nd; i++) {
    free(x->d[i].id);
    free(x->d[i].firm);
    free(x->d[i].from);
    free(x->d[i].to);
  }
  free(x->f);
  free(x->w);
  free(x->d);
}

/* ------------------------------------------------------------ members */

static const firm *find_firm(const world *x, const char *id)
{
  size_t i;

  for (i = 0; id && i < x->nf; i++)
    if (strcmp(x->f[i].id, id) == 0)
      return &x->f[i];
  return NULL;
}

/* The alliance of a firm id, or NULL. */
static const char *alliance_of(const world *x, const char *firm_id)
{
  const firm *f = find_firm(x, firm_id);
  return f ? f->alliance : NULL;
}

/* Member number of a firm within its alliance (the pass certificate's). */
static size_t member_no(const world *x, const char *firm_id)
{
  size_t i, n = 0;
  const char *a = alliance_of(x, firm_id);

  for (i = 0; i < x->nf; i++) {
    if (x->f[i].alliance == NULL || strcmp(x->f[i].alliance, a) != 0)
      continue;
    if (strcmp(x->f[i].id, firm_id) == 0)
      return n;
    n++;
  }
  return n;
}

/* ISO dates compare as text. */
static int windows_overlap(const char *af, const char *at, const char *bf,
                           const char *bt)
{
  return strcmp(af, bt) <= 0 && strcmp(bf, at) <= 0;
}

/* A worker or a demand job takes part when its firm is a member of
 * `a` and its window has both ends (a loan has a start and an end). */
static int worker_in(const world *x, const worker *w, const char *a)
{
  const char *wa = alliance_of(x, w->firm);
  return wa && strcmp(wa, a) == 0 && w->from && w->to;
}

static int demand_in(const world *x, const demand *d, const char *a)
{
  const char *da = alliance_of(x, d->firm);
  return da && strcmp(da, a) == 0 && d->from && d->to;
}

/* ---------------------------------------------------------------- run */

/* Copies a stored record into the scratch store with extra certificates
 * (held by a worker, required by a job) and adds it to the fair. */
static int copy_in(lm_engine *from, lm_engine *to, lm_fair *fair,
                   lm_kind kind, const char *id, const world *x,
                   const char *firm_id)
{
  lm_record *r = NULL;
  char cert[64];
  size_t i, own = member_no(x, firm_id), n = 0;
  const char *a = alliance_of(x, firm_id);
  int rc = lm_engine_get(from, kind, id, &r);

  if (kind == LM_JOB && rc == LM_OK) {
    snprintf(cert, sizeof cert, PASS_CERT "%zu", own);
    rc = lm_record_set(r, LM_F_CERTIFICATE, cert);
  }
  for (i = 0; kind == LM_SEEKER && rc == LM_OK && i < x->nf; i++) {
    if (x->f[i].alliance == NULL || strcmp(x->f[i].alliance, a) != 0)
      continue;
    if (n != own) {
      snprintf(cert, sizeof cert, PASS_CERT "%zu", n);
      rc = lm_record_set(r, LM_F_CERTIFICATE, cert);
    }
    n++;
  }
  if (rc == LM_OK)
    rc = lm_engine_put(to, r);
  if (rc == LM_OK)
    rc = lm_fair_add(fair, kind, id);
  lm_record_free(r);
  return rc;
}

static worker *find_worker(world *x, const char *id)
{
  size_t i;

  for (i = 0; i < x->nw; i++)
    if (strcmp(x->w[i].id, id) == 0)
      return &x->w[i];
  return NULL;
}

static demand *find_demand(world *x, const char *id)
{
  size_t i;

  for (i = 0; i < x->nd; i++)
    if (strcmp(x->d[i].id, id) == 0)
      return &x->d[i];
  return NULL;
}

static long days_between(const char *from, const char *to)
{
  struct tm a = {0}, b = {0};

  sscanf(from, "%d-%d-%d", &a.tm_year, &a.tm_mon, &a.tm_mday);
  sscanf(to, "%d-%d-%d", &b.tm_year, &b.tm_mon, &b.tm_mday);
  a.tm_year -= 1900, b.tm_year -= 1900, a.tm_mon--, b.tm_mon--;
  a.tm_hour = b.tm_hour = 12; /* away from any DST edge */
  return (long)((mktime(&b) - mktime(&a)) / 86400) + 1;
}

/* One loan.  The checks restate the promises; the construction already
 * keeps them, so a failure here is a bug and stops the program. */
static int print_loan(const world *x, const char *a, const worker *w,
                      const demand *d, double fit)
{
  const char *start = strcmp(w->from, d->from) > 0 ? w->from : d->from;
  const char *end = strcmp(w->to, d->to) < 0 ? w->to : d->to;
  double minutes;

  if (strcmp(w->firm, d->firm) == 0 || !demand_in(x, d, a) ||
      !worker_in(x, w, a) || strcmp(start, end) > 0) {
    fprintf(stderr, "alliance: broken promise on %s -> %s\n", w->id, d->id);
    return LM_ERROR;
  }
  printf("lend\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%ld\t", a, w->id, w->firm,
         d->firm, d->id, start, end, days_between(start, end));
  if (w->located && d->located &&
      lm_commute_minutes(w->mode, w->lat, w->lon, d->lat, d->lon,
                         &minutes) == LM_OK)
    printf("%.1f", minutes);
  else
    printf("-");
  printf("\t%s\t%.2f\n", w->mode ? w->mode : "bus", fit);
  return LM_OK;
}

static const char *filter_word(unsigned int bits)
{
  static const struct {
    unsigned int bit;
    const char *word;
  } words[] = {{LM_FILTER_CLOSED, "closed"},   {LM_FILTER_AGE, "age"},
               {LM_FILTER_EDUCATION, "education"},
               {LM_FILTER_CERTIFICATE, "certificate"},
               {LM_FILTER_COMMUTE, "commute"}, {LM_FILTER_SALARY, "salary"},
               {LM_FILTER_WINDOW, "window"}};
  size_t i;

  for (i = 0; i < sizeof words / sizeof words[0]; i++)
    if (bits & words[i].bit)
      return words[i].word;
  return "other";
}

/* Candidates of the other side from another member whose window overlaps;
 * of them, how many pass every hard filter, and the filter excluding the
 * most of the rest (bits, by count) for the reason. */
typedef struct sides {
  size_t others, in_window, acceptable;
  unsigned int top_filter;
  char example[200]; /* one exclusion, explained by the library */
} sides;

static int explain_pair(lm_engine *s, const lm_query *q, const char *wid,
                        const char *did, sides *c, size_t *count)
{
  lm_results *r = NULL;
  unsigned int bits, b;
  int rc = lm_explain(s, wid, did, q, &r);

  if (rc != LM_OK)
    return rc;
  bits = lm_results_filters(r, 0);
  if (bits == 0)
    c->acceptable++;
  for (b = 0; b < 8; b++)
    if (bits & (1u << b))
      count[b]++;
  if (bits && c->example[0] == '\0')
    snprintf(c->example, sizeof c->example, "%s", lm_results_filter_reason(r, 0));
  lm_results_free(r);
  return LM_OK;
}

static void pick_filter(sides *c, const size_t *count)
{
  unsigned int b, best = 0;

  for (b = 1; b < 8; b++)
    if (count[b] > count[best])
      best = b;
  c->top_filter = count[best] ? 1u << best : 0;
}

static int worker_sides(const world *x, lm_engine *s, const lm_query *q,
                        const char *a, const worker *w, sides *c)
{
  size_t j, count[8] = {0};
  int rc = LM_OK;

  memset(c, 0, sizeof *c);
  for (j = 0; j < x->nd && rc == LM_OK; j++) {
    const demand *d = &x->d[j];
    if (!demand_in(x, d, a) || strcmp(d->firm, w->firm) == 0 ||
        d->openings == 0)
      continue;
    c->others++;
    if (!windows_overlap(w->from, w->to, d->from, d->to))
      continue;
    c->in_window++;
    rc = explain_pair(s, q, w->id, d->id, c, count);
  }
  pick_filter(c, count);
  return rc;
}

static int demand_sides(const world *x, lm_engine *s, const lm_query *q,
                        const char *a, const demand *d, sides *c)
{
  size_t i, count[8] = {0};
  int rc = LM_OK;

  memset(c, 0, sizeof *c);
  for (i = 0; i < x->nw && rc == LM_OK; i++) {
    const worker *w = &x->w[i];
    if (!worker_in(x, w, a) || strcmp(d->firm, w->firm) == 0)
      continue;
    c->others++;
    if (!windows_overlap(w->from, w->to, d->from, d->to))
      continue;
    c->in_window++;
    rc = explain_pair(s, q, w->id, d->id, c, count);
  }
  pick_filter(c, count);
  return rc;
}

static void print_worker_reason(const worker *w, const char *a,
                                const sides *c)
{
  printf("unplaced\t%s\t%s\t%s\t", a, w->id, w->firm);
  if (c->others == 0)
    printf("no-demand\tno other member of the alliance asks for hands\n");
  else if (c->in_window == 0)
    printf("no-demand-in-window\t%zu demand job(s) of other members, none "
           "in %s..%s\n", c->others, w->from, w->to);
  else if (c->acceptable == 0)
    printf("no-acceptable-demand\t%zu job(s) in the window, all excluded, "
           "most by %s: %s\n", c->in_window, filter_word(c->top_filter),
           c->example);
  else
    printf("taken-by-others\t%zu acceptable job(s), their openings went to "
           "other workers\n", c->acceptable);
}

static void print_demand_reason(const demand *d, const char *a,
                                const sides *c)
{
  printf("unfilled\t%s\t%s\t%s\t%u\t", a, d->id, d->firm,
         d->openings - d->filled);
  if (c->others == 0)
    printf("no-workers\tno other member of the alliance lends anyone\n");
  else if (c->in_window == 0)
    printf("no-worker-in-window\t%zu worker(s) of other members, none "
           "free in %s..%s\n", c->others, d->from, d->to);
  else if (c->acceptable == 0)
    printf("no-acceptable-worker\t%zu worker(s) in the window, all "
           "excluded, most by %s: %s\n", c->in_window,
           filter_word(c->top_filter), c->example);
  else if (c->acceptable <= d->filled)
    printf("too-few-workers\t%u filled; no other acceptable worker\n",
           d->filled);
  else
    printf("workers-placed-elsewhere\t%zu acceptable worker(s), %u placed "
           "here, the others lent to other demand\n", c->acceptable,
           d->filled);
}

typedef struct totals {
  size_t loans, unfilled_openings, unplaced;
  double fit;
} totals;

/* One alliance: its fair in a scratch store, the plan, the leftovers. */
static int run_alliance(world *x, const options *o, const char *today,
                        const char *a, totals *t)
{
  lm_engine *s = NULL;
  lm_fair *fair = NULL;
  lm_assignment *as = NULL;
  lm_query q = LM_QUERY_INIT;
  lm_fair_options fo = LM_FAIR_OPTIONS_INIT;
  size_t i, nw = 0, nd = 0, members = 0;
  unsigned int openings = 0;
  int rc = lm_engine_open(&s, ":memory:", NULL);

  if (rc == LM_OK)
    rc = lm_fair_new(&fair, s);
  for (i = 0; rc == LM_OK && i < x->nw; i++)
    if (worker_in(x, &x->w[i], a)) {
      rc = copy_in(x->e, s, fair, LM_SEEKER, x->w[i].id, x, x->w[i].firm);
      nw++;
    }
  for (i = 0; rc == LM_OK && i < x->nd; i++)
    if (demand_in(x, &x->d[i], a)) {
      rc = copy_in(x->e, s, fair, LM_JOB, x->d[i].id, x, x->d[i].firm);
      nd++;
      openings += x->d[i].openings;
    }
  for (i = 0; i < x->nf; i++)
    members += x->f[i].alliance && strcmp(x->f[i].alliance, a) == 0;
  q.today = today;
  fo.mode = o->mode;
  fo.k = o->k;
  fo.query = &q;
  if (rc == LM_OK)
    rc = lm_fair_run(fair, &fo, &as);
  if (rc != LM_OK) {
    fprintf(stderr, "alliance: %s: %s\n", a,
            lm_errmsg(s) && *lm_errmsg(s) ? lm_errmsg(s) : lm_strerror(rc));
    goto cleanup;
  }
  printf("# alliance %s: %zu members, %zu workers to lend, %zu demand "
         "jobs with %u openings\n", a, members, nw, nd, openings);
  for (i = 0; rc == LM_OK && i < lm_assignment_pair_count(as); i++) {
    const char *wid, *did;
    double fit;
    worker *w;
    demand *d;

    lm_assignment_pair(as, i, &wid, &did, &fit);
    w = find_worker(x, wid);
    d = find_demand(x, did);
    if (w == NULL || d == NULL) {
      rc = LM_ERROR;
      break;
    }
    rc = print_loan(x, a, w, d, fit);
    w->placed = 1;
    d->filled++;
    t->loans++;
    t->fit += fit;
  }
  for (i = 0; rc == LM_OK && i < x->nd; i++) {
    demand *d = &x->d[i];
    sides c;
    if (!demand_in(x, d, a) || d->filled >= d->openings)
      continue;
    rc = demand_sides(x, s, &q, a, d, &c);
    if (rc == LM_OK)
      print_demand_reason(d, a, &c);
    t->unfilled_openings += d->openings - d->filled;
  }
  for (i = 0; rc == LM_OK && i < x->nw; i++) {
    worker *w = &x->w[i];
    sides c;
    if (!worker_in(x, w, a) || w->placed)
      continue;
    rc = worker_sides(x, s, &q, a, w, &c);
    if (rc == LM_OK)
      print_worker_reason(w, a, &c);
    t->unplaced++;
  }
  if (rc != LM_OK)
    fprintf(stderr, "alliance: %s: %s\n", a, lm_strerror(rc));

cleanup:
  lm_assignment_free(as);
  lm_fair_free(fair);
  lm_engine_close(s);
  return rc;
}

/* Workers and demand no alliance fair can take, and why. */
static void print_outsiders(const world *x, totals *t)
{
  size_t i;

  for (i = 0; i < x->nw; i++) {
    const worker *w = &x->w[i];
    const char *a = alliance_of(x, w->firm);
    if (a && w->from && w->to)
      continue;
    t->unplaced++;
    printf("unplaced\t%s\t%s\t%s\t", a ? a : "-", w->id,
           w->firm ? w->firm : "-");
    if (w->firm == NULL)
      printf("no-firm\tnames no lending firm (<group>" FIRM_MARK
             "FIRM</group>)\n");
    else if (find_firm(x, w->firm) == NULL)
      printf("firm-unknown\tfirm %s is not in the documents\n", w->firm);
    else if (a == NULL)
      printf("not-in-alliance\tfirm %s is in no alliance\n", w->firm);
    else
      printf("no-window\tno <window> with both from and to\n");
  }
  for (i = 0; i < x->nd; i++) {
    const demand *d = &x->d[i];
    const char *a = alliance_of(x, d->firm);
    if ((a && d->from && d->to) || d->openings == 0)
      continue;
    t->unfilled_openings += d->openings;
    printf("unfilled\t%s\t%s\t%s\t%u\t", a ? a : "-", d->id,
           d->firm ? d->firm : "-", d->openings);
    if (d->firm == NULL || find_firm(x, d->firm) == NULL)
      printf("firm-unknown\tthe employer is not in the documents\n");
    else if (a == NULL)
      printf("not-in-alliance\tfirm %s is in no alliance\n", d->firm);
    else
      printf("no-window\tno <window> with both from and to\n");
  }
}

static int by_text(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int run(const options *o)
{
  world x;
  char today[16];
  const char **names = NULL;
  size_t i, n = 0;
  totals t = {0, 0, 0, 0.0};
  int rc, status = 1;

  memset(&x, 0, sizeof x);
  if (o->today) {
    snprintf(today, sizeof today, "%s", o->today);
  } else {
    time_t now = time(NULL);
    strftime(today, sizeof today, "%Y-%m-%d", localtime(&now));
  }
  rc = lm_engine_open(&x.e, ":memory:", NULL);
  if (rc != LM_OK) {
    fprintf(stderr, "alliance: %s\n", lm_errmsg(NULL));
    return 1;
  }
  if (read_world(&x, o) != LM_OK)
    goto cleanup;
  names = calloc(x.nf + 1, sizeof *names);
  if (names == NULL)
    goto cleanup;
  for (i = 0; i < x.nf; i++) {
    size_t j;
    for (j = 0; j < n && x.f[i].alliance &&
                strcmp(names[j], x.f[i].alliance) != 0; j++)
      ;
    if (x.f[i].alliance && j == n)
      names[n++] = x.f[i].alliance;
  }
  qsort(names, n, sizeof *names, by_text);
  printf("# lending plan, mode %s, today %s\n", o->mode_name, today);
  printf("# lend\talliance\tworker\tfrom_firm\tto_firm\tjob\tstart\tend\t"
         "days\tcommute_min\tmode\tfit\n");
  printf("# unfilled\talliance\tjob\tfirm\topenings_left\treason\tdetail\n");
  printf("# unplaced\talliance\tworker\tfirm\treason\tdetail\n");
  for (i = 0; i < n; i++) {
    rc = run_alliance(&x, o, today, names[i], &t);
    if (rc != LM_OK) {
      status = rc == LM_EINVAL ? 2 : 1;
      goto cleanup;
    }
  }
  print_outsiders(&x, &t);
  printf("# total: %zu loans (fit %.2f), %zu openings unfilled, %zu workers "
         "unplaced\n", t.loans, t.fit, t.unfilled_openings, t.unplaced);
  status = fflush(stdout) == 0 ? 0 : 1;

cleanup:
  free(names);
  free_world(&x);
  lm_engine_close(x.e);
  return status;
}

int main(int argc, char **argv)
{
  options o;

  if (parse_options(argc, argv, &o) != 0) {
    usage(stderr);
    return 2;
  }
  return run(&o);
}
