/*
 * service-circle: the 15-minute public employment service circle.  For
 * every community and each of walk, bike, e-bike and bus: the jobs within
 * 15 minutes (postings, openings, by industry), the nearest service point
 * in minutes, and the gaps (no service point within reach, few openings
 * within reach); a table on stdout and an SVG map.  A thin program over
 * the public API only; the minutes are the library's commute model
 * (lm_commute_minutes), the records come from lm_engine_foreach.
 *
 *   service-circle [options] [--db STORE.db] [FILE.xml...]
 *
 * examples/service-circle/README.md documents the options, the table and
 * the map.  Exit status: 0 done, 1 a document or the store could not be
 * read or the map not written, 2 a usage error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libmatch.h"

#define NMODES 4
static const char *const MODES[NMODES] = {"walk", "bike", "ebike", "bus"};

/* ------------------------------------------------------------ options */

typedef struct options {
  const char *db;        /* NULL: a store in memory */
  const char *svg;       /* NULL: no map */
  const char *districts; /* CSV code,name,level,parent,lng,lat,... */
  const char *today;     /* YYYY-MM-DD; NULL: the current date */
  const char *map_mode;  /* the mode the map shades and circles */
  const char *only;      /* "420202,420203": only these districts' communities */
  double minutes;
  double few;            /* fewer openings than this is few */
  double few_quantile;   /* < 0: use `few` */
  char **files;
  int nfiles;
} options;

static void usage(FILE *to)
{
  fputs(
      "usage: service-circle [options] [--db STORE.db] [FILE.xml...]\n"
      "  For every community and each mode (walk, bike, ebike, bus): the\n"
      "  jobs within reach, the nearest service point, and the gaps.\n"
      "  Reads the FORMAT.md documents (into STORE.db when given, else\n"
      "  into memory), or only the store when no document is named.\n"
      "options:\n"
      "  --svg FILE          also draw the map into FILE\n"
      "  --map-mode MODE     the mode the map shows (default bike)\n"
      "  --minutes N         the circle's minutes (default 15)\n"
      "  --few N             few jobs: fewer than N openings (default 10)\n"
      "  --few-quantile Q    few jobs: fewer openings than the Q quantile\n"
      "                      (0-1) of the communities, per mode\n"
      "  --today YYYY-MM-DD  count the jobs open on that day (default today)\n"
      "  --district CODES    only the communities of these districts\n"
      "                      (comma-separated six-digit codes)\n"
      "  --districts FILE    district names (CSV: code,name,level,parent,"
      "lng,lat)\n",
      to);
}

static int parse_number(const char *s, double lo, double hi, double *out)
{
  char *end;
  double v = strtod(s, &end);

  if (end == s || *end != '\0' || !(v >= lo && v <= hi))
    return -1;
  *out = v;
  return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
  int i;

  for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "--help") == 0) {
      usage(stdout);
      exit(0);
    }
    if (v == NULL)
      return -1;
    i++;
    if (strcmp(a, "--db") == 0)
      o->db = v;
    else if (strcmp(a, "--svg") == 0)
      o->svg = v;
    else if (strcmp(a, "--district") == 0)
      o->only = v;
    else if (strcmp(a, "--districts") == 0)
      o->districts = v;
    else if (strcmp(a, "--today") == 0)
      o->today = v;
    else if (strcmp(a, "--map-mode") == 0)
      o->map_mode = v;
    else if (strcmp(a, "--minutes") == 0) {
      if (parse_number(v, 1, 600, &o->minutes) != 0)
        return -1;
    } else if (strcmp(a, "--few") == 0) {
      if (parse_number(v, 0, 1e9, &o->few) != 0)
        return -1;
    } else if (strcmp(a, "--few-quantile") == 0) {
      if (parse_number(v, 0, 1, &o->few_quantile) != 0)
        return -1;
    } else
      return -1;
  }
  o->files = argv + i;
  o->nfiles = argc - i;
  if (o->db == NULL && o->nfiles == 0)
    return -1;
  return 0;
}

/* -------------------------------------------------------------- records */

typedef struct place {
  char *id, *name, *district;
  double lat, lon;
  int located;
} place;

typedef struct community {
  place p;
  double population;
} community;

typedef struct point {
  place p;
  char *kind;
} point;

typedef struct job {
  place p;
  double openings;
  char *industry; /* the library's key (lm_text_fold), NULL when none */
} job;

typedef struct data {
  community *c;
  point *sp;
  job *j;
  size_t nc, nsp, nj, capc, capsp, capj;
  size_t jobs_stored;  /* before the --today filter */
  double today;        /* days since 1970 */
  const char *only;    /* --district */
} data;

/* 1 when --district names the district `code` (or is not given). */
static int district_wanted(const char *only, const char *code)
{
  size_t n;

  if (only == NULL)
    return 1;
  if (code == NULL)
    return 0;
  n = strlen(code);
  while (*only) {
    size_t len = strcspn(only, ",");
    if (len == n && strncmp(only, code, n) == 0)
      return 1;
    only += len + (only[len] == ',');
  }
  return 0;
}

/* A copy of a field's text with tabs and line breaks as spaces, so that
 * the table keeps one record per line; NULL when unset. */
static char *copy_field(const lm_record *r, lm_field f)
{
  const char *s = lm_record_get(r, f);
  char *c, *p;

  if (s == NULL)
    return NULL;
  c = malloc(strlen(s) + 1);
  if (c == NULL)
    return NULL;
  strcpy(c, s);
  for (p = c; *p; p++)
    if (*p == '\t' || *p == '\n' || *p == '\r')
      *p = ' ';
  return c;
}

static int take_place(place *p, const lm_record *r)
{
  p->id = malloc(strlen(lm_record_id(r)) + 1);
  if (p->id == NULL)
    return LM_ENOMEM;
  strcpy(p->id, lm_record_id(r));
  p->name = copy_field(r, LM_F_NAME);
  p->district = copy_field(r, LM_F_DISTRICT);
  p->located = lm_record_number(r, LM_F_LAT, &p->lat) == LM_OK &&
               lm_record_number(r, LM_F_LON, &p->lon) == LM_OK;
  return LM_OK;
}

static void free_place(place *p)
{
  free(p->id);
  free(p->name);
  free(p->district);
}

/* Grows *arr (of n, capacity *cap, elements of size) by one, zeroed. */
static void *grow(void *arr, size_t *cap, size_t n, size_t size)
{
  if (n == *cap) {
    size_t c = *cap ? *cap * 2 : 64;
    void *a = realloc(arr, c * size);
    if (a == NULL)
      return NULL;
    arr = a;
    *cap = c;
  }
  memset((char *)arr + n * size, 0, size);
  return arr;
}

static int take_community(void *ctx, const lm_record *r)
{
  data *d = ctx;
  community *c;

  if (!district_wanted(d->only, lm_record_get(r, LM_F_DISTRICT)))
    return LM_OK;
  c = grow(d->c, &d->capc, d->nc, sizeof *c);
  if (c == NULL)
    return LM_ENOMEM;
  d->c = c;
  c += d->nc++;
  if (lm_record_number(r, LM_F_POPULATION, &c->population) != LM_OK)
    c->population = 0;
  return take_place(&c->p, r);
}

static int take_point(void *ctx, const lm_record *r)
{
  data *d = ctx;
  point *sp = grow(d->sp, &d->capsp, d->nsp, sizeof *sp);
  const char *kind = lm_record_get(r, LM_F_POINT_KIND);

  if (sp == NULL)
    return LM_ENOMEM;
  d->sp = sp;
  sp += d->nsp++;
  sp->kind = malloc(strlen(kind ? kind : "-") + 1);
  if (sp->kind == NULL)
    return LM_ENOMEM;
  strcpy(sp->kind, kind ? kind : "-");
  return take_place(&sp->p, r);
}

/* A job counts when it is open on d->today: posted by then, not expired
 * before (the ranking's CLOSED filter, doc/SCORING.md). */
static int job_open(const data *d, const lm_record *r)
{
  double day;

  if (lm_record_number(r, LM_F_POSTED, &day) == LM_OK && day > d->today)
    return 0;
  if (lm_record_number(r, LM_F_EXPIRES, &day) == LM_OK && day < d->today)
    return 0;
  return 1;
}

static int take_job(void *ctx, const lm_record *r)
{
  data *d = ctx;
  job *j;
  const char *industry = lm_record_get(r, LM_F_INDUSTRY);
  int rc;

  d->jobs_stored++;
  if (!job_open(d, r))
    return LM_OK;
  j = grow(d->j, &d->capj, d->nj, sizeof *j);
  if (j == NULL)
    return LM_ENOMEM;
  d->j = j;
  j += d->nj++;
  if (lm_record_number(r, LM_F_OPENINGS, &j->openings) != LM_OK)
    j->openings = 1;
  if (industry != NULL && (rc = lm_text_fold(&j->industry, industry)) != 0)
    return rc;
  return take_place(&j->p, r);
}

static void free_data(data *d)
{
  size_t i;

  for (i = 0; i < d->nc; i++)
    free_place(&d->c[i].p);
  for (i = 0; i < d->nsp; i++) {
    free_place(&d->sp[i].p);
    free(d->sp[i].kind);
  }
  for (i = 0; i < d->nj; i++) {
    free_place(&d->j[i].p);
    lm_free(d->j[i].industry);
  }
  free(d->c);
  free(d->sp);
  free(d->j);
}

static int by_lat(const void *a, const void *b)
{
  const job *x = a, *y = b;
  if (x->p.located != y->p.located)
    return x->p.located ? -1 : 1;
  return (x->p.lat > y->p.lat) - (x->p.lat < y->p.lat);
}

/* The day to count open jobs on, as the library reads a date. */
static int today_days(const char *text, double *out)
{
  lm_record *r = NULL;
  char buf[16];
  int rc;

  if (text == NULL) {
    time_t now = time(NULL);
    strftime(buf, sizeof buf, "%Y-%m-%d", localtime(&now));
    text = buf;
  }
  rc = lm_record_new(&r, LM_JOB, "today");
  if (rc == LM_OK)
    rc = lm_record_set(r, LM_F_POSTED, text);
  if (rc == LM_OK)
    rc = lm_record_number(r, LM_F_POSTED, out);
  lm_record_free(r);
  return rc;
}

static int load(lm_engine *e, data *d)
{
  int rc = lm_engine_foreach(e, LM_COMMUNITY, take_community, d);

  if (rc == LM_OK)
    rc = lm_engine_foreach(e, LM_SERVICE_POINT, take_point, d);
  if (rc == LM_OK)
    rc = lm_engine_foreach(e, LM_JOB, take_job, d);
  if (rc == LM_OK && d->nj > 0)
    qsort(d->j, d->nj, sizeof *d->j, by_lat);
  return rc;
}

/* -------------------------------------------------------------- reach */

typedef struct industry {
  const char *name; /* borrowed from a job */
  size_t jobs;
  double openings;
} industry;

typedef struct reach {
  size_t jobs;
  double openings;
  long nearest;      /* index into d->sp, -1 none */
  double nearest_min;
  industry *ind;
  size_t nind;
  int few;
} reach;

/* Degrees of latitude one can go in `minutes` by mode from (lat, lon):
 * the commute model is linear in the great-circle distance, which along
 * a meridian is exactly proportional to the latitude difference, so one
 * call measures it.  Jobs further in latitude are out of reach for sure,
 * which lets the scan read only a band of the jobs sorted by latitude. */
static int lat_reach(const char *mode, double lat, double lon,
                     double minutes, double *deg)
{
  double m;
  double step = lat > 0 ? -1.0 : 1.0;
  int rc = lm_commute_minutes(mode, lat, lon, lat + step, lon, &m);

  if (rc != LM_OK)
    return rc;
  *deg = minutes / m * (1 + 1e-9);
  return LM_OK;
}

static int add_industry(reach *r, const char *name, double openings)
{
  size_t i;
  industry *n;

  for (i = 0; i < r->nind; i++)
    if (strcmp(r->ind[i].name, name) == 0) {
      r->ind[i].jobs++;
      r->ind[i].openings += openings;
      return LM_OK;
    }
  n = realloc(r->ind, (r->nind + 1) * sizeof *n);
  if (n == NULL)
    return LM_ENOMEM;
  r->ind = n;
  n[r->nind].name = name;
  n[r->nind].jobs = 1;
  n[r->nind].openings = openings;
  r->nind++;
  return LM_OK;
}

static size_t first_job_at(const data *d, double lat)
{
  size_t lo = 0, hi = d->nj;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->j[mid].p.located && d->j[mid].p.lat < lat)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static int jobs_within(const data *d, const community *c, const char *mode,
                       double minutes, reach *r)
{
  double band = 0, m;
  size_t i;
  int rc = lat_reach(mode, c->p.lat, c->p.lon, minutes, &band);

  for (i = first_job_at(d, c->p.lat - band);
       rc == LM_OK && i < d->nj && d->j[i].p.located &&
       d->j[i].p.lat <= c->p.lat + band;
       i++) {
    const job *j = &d->j[i];
    rc = lm_commute_minutes(mode, c->p.lat, c->p.lon, j->p.lat, j->p.lon, &m);
    if (rc != LM_OK || m > minutes)
      continue;
    r->jobs++;
    r->openings += j->openings;
    if (j->industry)
      rc = add_industry(r, j->industry, j->openings);
  }
  return rc;
}

static int nearest_point(const data *d, const community *c, const char *mode,
                         reach *r)
{
  size_t i;
  double m;
  int rc = LM_OK;

  r->nearest = -1;
  for (i = 0; i < d->nsp && rc == LM_OK; i++) {
    if (!d->sp[i].p.located)
      continue;
    rc = lm_commute_minutes(mode, c->p.lat, c->p.lon, d->sp[i].p.lat,
                            d->sp[i].p.lon, &m);
    /* Ties go to the smaller id: the points are in id order. */
    if (rc == LM_OK && (r->nearest < 0 || m < r->nearest_min)) {
      r->nearest = (long)i;
      r->nearest_min = m;
    }
  }
  return rc;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The openings below which a community has few jobs within reach by one
 * mode: the fixed threshold, or the nearest-rank quantile of the located
 * communities' openings. */
static double few_threshold(const data *d, reach *const *by_mode, int mode,
                            const options *o, double *buf)
{
  size_t i, n = 0, rank;

  if (o->few_quantile < 0)
    return o->few;
  for (i = 0; i < d->nc; i++)
    if (d->c[i].p.located)
      buf[n++] = by_mode[mode][i].openings;
  if (n == 0)
    return 0;
  qsort(buf, n, sizeof *buf, cmp_double);
  rank = (size_t)ceil(o->few_quantile * (double)n);
  return buf[rank ? rank - 1 : 0];
}

static int by_openings(const void *a, const void *b)
{
  const industry *x = a, *y = b;
  if (x->openings != y->openings)
    return x->openings < y->openings ? 1 : -1;
  return strcmp(x->name, y->name);
}

static int compute(const data *d, const options *o, reach **by_mode,
                   double *thresholds)
{
  int m, rc = LM_OK;
  size_t i;
  double *buf = malloc((d->nc + 1) * sizeof *buf);

  if (buf == NULL)
    return LM_ENOMEM;
  for (m = 0; m < NMODES && rc == LM_OK; m++) {
    for (i = 0; i < d->nc && rc == LM_OK; i++) {
      reach *r = &by_mode[m][i];
      if (!d->c[i].p.located)
        continue;
      rc = jobs_within(d, &d->c[i], MODES[m], o->minutes, r);
      if (rc == LM_OK)
        rc = nearest_point(d, &d->c[i], MODES[m], r);
      if (r->nind > 1)
        qsort(r->ind, r->nind, sizeof *r->ind, by_openings);
    }
    thresholds[m] = few_threshold(d, by_mode, m, o, buf);
    for (i = 0; i < d->nc; i++)
      by_mode[m][i].few =
          d->c[i].p.located && by_mode[m][i].openings < thresholds[m];
  }
  free(buf);
  return rc;
}

/* -------------------------------------------------------------- table */

static const char *or_dash(const char *s)
{
  return s && *s ? s : "-";
}

static void print_industries(const reach *r)
{
  size_t i;

  if (r->nind == 0) {
    fputs("-", stdout);
    return;
  }
  for (i = 0; i < r->nind; i++)
    printf("%s%s=%zu/%.0f", i ? ";" : "", r->ind[i].name, r->ind[i].jobs,
           r->ind[i].openings);
}

static void print_reach(const data *d, reach *const *by_mode)
{
  size_t i;
  int m;

  puts("#reach\tcommunity\tname\tdistrict\tpopulation\tmode\tjobs\t"
       "openings\tnearest\tkind\tminutes\tindustries");
  for (i = 0; i < d->nc; i++) {
    const community *c = &d->c[i];
    for (m = 0; m < NMODES; m++) {
      const reach *r = &by_mode[m][i];
      printf("reach\t%s\t%s\t%s\t%.0f\t%s\t", c->p.id, or_dash(c->p.name),
             or_dash(c->p.district), c->population, MODES[m]);
      if (!c->p.located) {
        puts("-\t-\t-\t-\t-\t-");
        continue;
      }
      printf("%zu\t%.0f\t", r->jobs, r->openings);
      if (r->nearest >= 0)
        printf("%s\t%s\t%.1f\t", d->sp[r->nearest].p.id,
               d->sp[r->nearest].kind, r->nearest_min);
      else
        fputs("-\t-\t-\t", stdout);
      print_industries(r);
      putchar('\n');
    }
  }
}

static void print_gaps(const data *d, reach *const *by_mode,
                       const options *o)
{
  size_t i;
  int m;

  puts("#gap\twhat\tmode\tcommunity\tname\tpopulation\tvalue");
  for (m = 0; m < NMODES; m++)
    for (i = 0; i < d->nc; i++) {
      const community *c = &d->c[i];
      const reach *r = &by_mode[m][i];
      if (!c->p.located)
        continue;
      if (r->nearest < 0 || r->nearest_min > o->minutes) {
        printf("gap\tno-service-point\t%s\t%s\t%s\t%.0f\t", MODES[m],
               c->p.id, or_dash(c->p.name), c->population);
        if (r->nearest < 0)
          puts("-");
        else
          printf("%.1f\n", r->nearest_min);
      }
    }
  for (m = 0; m < NMODES; m++)
    for (i = 0; i < d->nc; i++) {
      const community *c = &d->c[i];
      if (by_mode[m][i].few)
        printf("gap\tfew-jobs\t%s\t%s\t%s\t%.0f\t%.0f\n", MODES[m], c->p.id,
               or_dash(c->p.name), c->population, by_mode[m][i].openings);
    }
}

static void print_summary(const data *d, reach *const *by_mode,
                          const options *o, const double *thresholds)
{
  size_t i;
  int m;

  puts("#summary\tmode\tcommunities\tpopulation\tcovered\t"
       "covered_population\tfew_jobs\tfew_jobs_population\tfew_below");
  for (m = 0; m < NMODES; m++) {
    size_t n = 0, covered = 0, few = 0;
    double pop = 0, covered_pop = 0, few_pop = 0;
    for (i = 0; i < d->nc; i++) {
      const reach *r = &by_mode[m][i];
      if (!d->c[i].p.located)
        continue;
      n++;
      pop += d->c[i].population;
      if (r->nearest >= 0 && r->nearest_min <= o->minutes) {
        covered++;
        covered_pop += d->c[i].population;
      }
      if (r->few) {
        few++;
        few_pop += d->c[i].population;
      }
    }
    printf("summary\t%s\t%zu\t%.0f\t%zu\t%.0f\t%zu\t%.0f\t%g\n", MODES[m], n,
           pop, covered, covered_pop, few, few_pop, thresholds[m]);
  }
}

static void print_table(const data *d, reach *const *by_mode,
                        const options *o, const char *today,
                        const double *thresholds)
{
  size_t i, unlocated = 0;
  double openings = 0;

  for (i = 0; i < d->nj; i++)
    openings += d->j[i].openings;
  for (i = 0; i < d->nc; i++)
    unlocated += !d->c[i].p.located;
  printf("# service-circle: %g minutes; jobs open on %s; few jobs: ",
         o->minutes, today);
  if (o->few_quantile >= 0)
    printf("fewer openings than the %g quantile\n", o->few_quantile);
  else
    printf("fewer than %g openings\n", o->few);
  if (o->only)
    printf("# communities of the districts %s only\n", o->only);
  printf("# %zu communities (%zu without a location), %zu service points, "
         "%zu jobs open (%.0f openings) of %zu stored\n",
         d->nc, unlocated, d->nsp, d->nj, openings, d->jobs_stored);
  print_reach(d, by_mode);
  print_gaps(d, by_mode, o);
  print_summary(d, by_mode, o, thresholds);
}

/* ---------------------------------------------------------------- map */

/* The map is an equirectangular projection scaled by the cosine of the
 * middle latitude: true to scale in the middle of a city-sized area. */
#define EARTH_KM 6371.0088
#define PI 3.14159265358979323846
#define MAP_X 20.0
#define MAP_Y 90.0
#define MAP_W 860.0
#define LEGEND_X 910.0
#define SVG_W 1200.0

typedef struct proj {
  double lat1, lon0; /* the top left corner */
  double kx, ky;     /* px per degree */
  double h;          /* map height, px */
} proj;

static double px(const proj *p, double lon)
{
  return MAP_X + (lon - p->lon0) * p->kx;
}

static double py(const proj *p, double lat)
{
  return MAP_Y + (p->lat1 - lat) * p->ky;
}

static void bounds_add(double *b, const place *p)
{
  if (!p->located)
    return;
  if (p->lat < b[0])
    b[0] = p->lat;
  if (p->lat > b[1])
    b[1] = p->lat;
  if (p->lon < b[2])
    b[2] = p->lon;
  if (p->lon > b[3])
    b[3] = p->lon;
}

/* Fits the communities and service points, with room for the circles. */
static int make_proj(const data *d, double pad_deg, proj *p)
{
  double b[4] = {90, -90, 180, -180}, c, wdeg, hdeg, k;
  size_t i;

  for (i = 0; i < d->nc; i++)
    bounds_add(b, &d->c[i].p);
  /* Points outside the districts asked for still serve their
   * communities, but the map does not stretch to show them all. */
  for (i = 0; i < d->nsp; i++)
    if (district_wanted(d->only, d->sp[i].p.district))
      bounds_add(b, &d->sp[i].p);
  if (b[0] > b[1])
    return -1;
  c = cos((b[0] + b[1]) / 2 * PI / 180);
  b[0] -= pad_deg;
  b[1] += pad_deg;
  b[2] -= pad_deg / c;
  b[3] += pad_deg / c;
  wdeg = (b[3] - b[2]) * c;
  hdeg = b[1] - b[0];
  k = MAP_W / wdeg;
  if (hdeg * k > 900)
    k = 900 / hdeg;
  p->ky = k;
  p->kx = k * c;
  p->lat1 = b[1];
  p->lon0 = b[2] - (MAP_W / p->kx - (b[3] - b[2])) / 2;
  p->h = hdeg * k;
  if (p->h < 560) { /* room for the legend beside the map */
    p->lat1 += (560 - p->h) / 2 / k;
    p->h = 560;
  }
  return 0;
}

/* Colour classes of openings within reach. */
static const double CLASS_FROM[] = {0, 1, 10, 50, 200, 1000};
static const char *const CLASS_COLOUR[] = {"#d9d9d9", "#ffffcc", "#a1dab4",
                                           "#41b6c4", "#2c7fb8", "#253494"};
static const char *const CLASS_LABEL[] = {"0", "1–9", "10–49", "50–199",
                                          "200–999", "≥ 1000"};
#define NCLASS 6

static int class_of(double openings)
{
  int k = NCLASS - 1;
  while (k > 0 && openings < CLASS_FROM[k])
    k--;
  return k;
}

static const struct kind_style {
  const char *kind, *label, *colour;
} KINDS[] = {
    {"station", "就业服务站 station", "#1f78b4"},
    {"gig-market", "零工市场 gig market", "#e66101"},
    {"training", "培训基地 training", "#6a3d9a"},
    {"fair-venue", "招聘会场 fair venue", "#1a9641"},
};
#define NKINDS 4

static const char *kind_colour(const char *kind)
{
  int k;
  for (k = 0; k < NKINDS; k++)
    if (strcmp(kind, KINDS[k].kind) == 0)
      return KINDS[k].colour;
  return "#000000";
}

/* A point's symbol centred on (x, y): a square, a triangle, a diamond, a
 * star by kind; a circle for a kind the map does not know. */
static void symbol(FILE *f, const char *kind, double x, double y)
{
  const char *col = kind_colour(kind);
  const char *st = "stroke=\"#ffffff\" stroke-width=\"1.2\"";

  if (strcmp(kind, "station") == 0)
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\" "
               "fill=\"%s\" %s/>", x - 5.5, y - 5.5, col, st);
  else if (strcmp(kind, "gig-market") == 0)
    fprintf(f, "<path d=\"M%.1f %.1fl7 12h-14z\" fill=\"%s\" %s/>", x,
            y - 7.5, col, st);
  else if (strcmp(kind, "training") == 0)
    fprintf(f, "<path d=\"M%.1f %.1fl7 7l-7 7l-7-7z\" fill=\"%s\" %s/>", x,
            y - 7, col, st);
  else if (strcmp(kind, "fair-venue") == 0) {
    int i;
    fputs("<path d=\"", f);
    for (i = 0; i < 10; i++) {
      double r = i % 2 ? 3.6 : 8.5, a = PI / 5 * i - PI / 2;
      fprintf(f, "%c%.1f %.1f", i ? 'L' : 'M', x + r * cos(a),
              y + r * sin(a));
    }
    fprintf(f, "z\" fill=\"%s\" %s/>", col, st);
  } else
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" %s/>", x,
            y, col, st);
}

/* XML text: & < > " escaped. */
static void xml_text(FILE *f, const char *s)
{
  for (; s && *s; s++)
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    default: fputc(*s, f);
    }
}

/* The edge of the circle of `minutes` around a point along one direction
 * of the map: bisection on the library's minutes, which grow with the
 * distance along a ray.  So the drawn circle is the commute model's own
 * 15-minute line, whatever its speeds. */
static int circle_edge(const proj *p, const char *mode, const place *c,
                       double minutes, double angle, double *x, double *y)
{
  double lo = 0, hi = 1, m, dx = cos(angle), dy = sin(angle);
  int i, rc;

  /* hi: far enough (in px per unit, 1 px) to be beyond the circle. */
  for (;;) {
    double lat = c->lat - hi * dy / p->ky, lon = c->lon + hi * dx / p->kx;
    if (lat < -89 || lat > 89 || hi > 1e6)
      break;
    rc = lm_commute_minutes(mode, c->lat, c->lon, lat, lon, &m);
    if (rc != LM_OK)
      return rc;
    if (m > minutes)
      break;
    hi *= 2;
  }
  for (i = 0; i < 40; i++) {
    double mid = (lo + hi) / 2;
    rc = lm_commute_minutes(mode, c->lat, c->lon, c->lat - mid * dy / p->ky,
                            c->lon + mid * dx / p->kx, &m);
    if (rc != LM_OK)
      return rc;
    if (m <= minutes)
      lo = mid;
    else
      hi = mid;
  }
  *x = px(p, c->lon) + lo * dx;
  *y = py(p, c->lat) + lo * dy;
  return LM_OK;
}

static int draw_circles(FILE *f, const data *d, const proj *p,
                        const options *o)
{
  size_t i;
  int k, rc = LM_OK;

  fputs("<g id=\"circles\" fill-opacity=\"0.07\" stroke-width=\"1.2\" "
        "stroke-dasharray=\"5 3\">\n",
        f);
  for (i = 0; i < d->nsp && rc == LM_OK; i++) {
    const point *sp = &d->sp[i];
    const char *col = kind_colour(sp->kind);
    if (!sp->p.located)
      continue;
    fprintf(f, "<path fill=\"%s\" stroke=\"%s\" d=\"", col, col);
    for (k = 0; k < 72 && rc == LM_OK; k++) {
      double x = 0, y = 0;
      rc = circle_edge(p, o->map_mode, &sp->p, o->minutes, k * PI / 36, &x,
                       &y);
      fprintf(f, "%c%.1f %.1f", k ? 'L' : 'M', x, y);
    }
    fputs("z\"/>\n", f);
  }
  fputs("</g>\n", f);
  return rc;
}

static void draw_communities(FILE *f, const data *d, const proj *p,
                             const reach *r, const options *o)
{
  size_t i;
  double maxpop = 1;

  for (i = 0; i < d->nc; i++)
    if (d->c[i].population > maxpop)
      maxpop = d->c[i].population;
  fputs("<g id=\"communities\" stroke=\"#404040\" stroke-width=\"0.8\">\n",
        f);
  for (i = 0; i < d->nc; i++) {
    const community *c = &d->c[i];
    int gap;
    if (!c->p.located)
      continue;
    gap = r[i].nearest < 0 || r[i].nearest_min > o->minutes;
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"%s>",
            px(p, c->p.lon), py(p, c->p.lat),
            4 + 8 * sqrt(c->population / maxpop),
            CLASS_COLOUR[class_of(r[i].openings)],
            gap ? " stroke=\"#d7191c\" stroke-width=\"2.5\"" : "");
    fputs("<title>", f);
    xml_text(f, c->p.id);
    fputc(' ', f);
    xml_text(f, c->p.name);
    fprintf(f, ": population %.0f, %zu jobs (%.0f openings) within %g min "
               "by %s",
            c->population, r[i].jobs, r[i].openings, o->minutes, o->map_mode);
    if (r[i].nearest >= 0) {
      fputs(", nearest service point ", f);
      xml_text(f, d->sp[r[i].nearest].p.id);
      fprintf(f, " %.1f min", r[i].nearest_min);
    }
    fputs("</title></circle>\n", f);
  }
  fputs("</g>\n", f);
}

static void draw_points(FILE *f, const data *d, const proj *p)
{
  size_t i;

  fputs("<g id=\"service-points\">\n", f);
  for (i = 0; i < d->nsp; i++) {
    const point *sp = &d->sp[i];
    if (!sp->p.located)
      continue;
    fputs("<g><title>", f);
    xml_text(f, sp->p.id);
    fputc(' ', f);
    xml_text(f, sp->p.name);
    fputs(" (", f);
    xml_text(f, sp->kind);
    fputs(")</title>", f);
    symbol(f, sp->kind, px(p, sp->p.lon), py(p, sp->p.lat));
    fputs("</g>\n", f);
  }
  fputs("</g>\n", f);
}

/* A district: its code, name and where to write it. */
typedef struct district {
  char code[16], name[64];
  double lat, lon;
  int located;
} district;

/* Reads code,name,level,parent,lng,lat rows (the divisions CSV): only
 * the county-level rows, the districts the records name. */
static size_t read_districts(const char *path, district *out, size_t max)
{
  FILE *f = path ? fopen(path, "r") : NULL;
  char line[512];
  size_t n = 0;

  if (f == NULL)
    return 0;
  while (n < max && fgets(line, sizeof line, f)) {
    char *field[7] = {0}, *s = line;
    int k = 0;
    line[strcspn(line, "\r\n")] = '\0';
    while (k < 7) {
      field[k++] = s;
      s = strchr(s, ',');
      if (s == NULL)
        break;
      *s++ = '\0';
    }
    if (k < 6 || strcmp(field[2], "county") != 0)
      continue;
    snprintf(out[n].code, sizeof out[n].code, "%s", field[0]);
    snprintf(out[n].name, sizeof out[n].name, "%s", field[1]);
    out[n].located = *field[4] && *field[5];
    out[n].lon = atof(field[4]);
    out[n].lat = atof(field[5]);
    n++;
  }
  fclose(f);
  return n;
}

/* District labels: at the district's seat from the CSV when it is on the
 * map, else at the middle of its communities; the code stands for the
 * name when the CSV does not have it. */
static void draw_districts(FILE *f, const data *d, const proj *p,
                           const options *o)
{
  district known[64], seen[64];
  size_t nk = read_districts(o->districts, known, 64), ns = 0, i, k;
  double sum[64][3] = {{0}};

  for (i = 0; i < d->nc; i++) {
    const place *c = &d->c[i].p;
    if (!c->located || c->district == NULL)
      continue;
    for (k = 0; k < ns && strcmp(seen[k].code, c->district) != 0; k++)
      ;
    if (k == ns) {
      if (ns == 64)
        continue;
      snprintf(seen[k].code, sizeof seen[k].code, "%s", c->district);
      snprintf(seen[k].name, sizeof seen[k].name, "%s", c->district);
      ns++;
    }
    sum[k][0] += c->lat;
    sum[k][1] += c->lon;
    sum[k][2] += 1;
  }
  fputs("<g id=\"districts\" font-size=\"17\" font-weight=\"bold\" "
        "fill=\"#5a5a5a\" fill-opacity=\"0.85\" text-anchor=\"middle\" "
        "stroke=\"#ffffff\" stroke-width=\"4\" paint-order=\"stroke\">\n",
        f);
  for (k = 0; k < ns; k++) {
    double lat = sum[k][0] / sum[k][2], lon = sum[k][1] / sum[k][2], x, y;
    const char *name = seen[k].name;
    for (i = 0; i < nk; i++)
      if (strcmp(known[i].code, seen[k].code) == 0) {
        name = known[i].name;
        if (known[i].located) {
          double kx = px(p, known[i].lon), ky = py(p, known[i].lat);
          if (kx > MAP_X && kx < MAP_X + MAP_W && ky > MAP_Y &&
              ky < MAP_Y + p->h) {
            lat = known[i].lat;
            lon = known[i].lon;
          }
        }
      }
    x = px(p, lon);
    y = py(p, lat) - 14;
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", x, y);
    xml_text(f, name);
    fputs(" ", f);
    xml_text(f, seen[k].code);
    fputs("</text>\n", f);
  }
  fputs("</g>\n", f);
}

/* A bar of a round number of km, about a sixth of the map wide. */
static void draw_scale_bar(FILE *f, const proj *p)
{
  static const double nice[] = {0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500};
  double px_per_km = p->ky / (EARTH_KM * PI / 180), km = nice[0], w;
  double x = MAP_X + 14, y = MAP_Y + p->h - 18;
  size_t i;

  for (i = 0; i < sizeof nice / sizeof nice[0]; i++)
    if (nice[i] * px_per_km <= MAP_W / 6)
      km = nice[i];
  w = km * px_per_km;
  fprintf(f,
          "<g id=\"scale-bar\" font-size=\"12\" fill=\"#202020\">"
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" "
          "fill=\"#202020\"/><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
          "height=\"6\" fill=\"#ffffff\" stroke=\"#202020\"/>"
          "<text x=\"%.1f\" y=\"%.1f\">0</text>"
          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g km</text></g>\n",
          x, y, w / 2, x + w / 2, y, w / 2, x, y - 5, x + w, y - 5, km);
}

static void draw_legend(FILE *f, const options *o, double top)
{
  double y = top;
  int k;

  fprintf(f, "<g id=\"legend\" font-size=\"13\" fill=\"#202020\">\n"
             "<rect x=\"%.0f\" y=\"%.0f\" width=\"275\" height=\"480\" "
             "fill=\"#ffffff\" stroke=\"#909090\"/>\n",
          LEGEND_X - 10, top - 24);
  fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"15\" "
             "font-weight=\"bold\">图例 Legend</text>\n",
          LEGEND_X, y);
  y += 26;
  fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">%g 分钟内岗位数 openings within "
             "</text>\n<text x=\"%.0f\" y=\"%.0f\">%g min by %s "
             "(community)</text>\n",
          LEGEND_X, y, o->minutes, LEGEND_X, y + 16, o->minutes, o->map_mode);
  y += 30;
  for (k = 0; k < NCLASS; k++, y += 22)
    fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"26\" height=\"16\" "
               "fill=\"%s\" stroke=\"#404040\" stroke-width=\"0.8\"/>"
               "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
            LEGEND_X, y, CLASS_COLOUR[k], LEGEND_X + 36, y + 13,
            CLASS_LABEL[k]);
  y += 10;
  fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"4\" fill=\"#ffffff\" "
             "stroke=\"#404040\"/><circle cx=\"%.0f\" cy=\"%.0f\" r=\"12\" "
             "fill=\"#ffffff\" stroke=\"#404040\"/><text x=\"%.0f\" "
             "y=\"%.0f\">circle size: population 人口</text>\n",
          LEGEND_X + 6, y + 8, LEGEND_X + 26, y + 8, LEGEND_X + 46, y + 13);
  y += 34;
  fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"8\" fill=\"#ffffff\" "
             "stroke=\"#d7191c\" stroke-width=\"2.5\"/><text x=\"%.0f\" "
             "y=\"%.0f\">no service point within %g min</text>\n"
             "<text x=\"%.0f\" y=\"%.0f\">%g 分钟内无服务点</text>\n",
          LEGEND_X + 13, y, LEGEND_X + 36, y + 4, o->minutes, LEGEND_X + 36,
          y + 20, o->minutes);
  y += 44;
  fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">服务点 "
             "Service points</text>\n",
          LEGEND_X, y);
  y += 22;
  for (k = 0; k < NKINDS; k++, y += 24) {
    symbol(f, KINDS[k].kind, LEGEND_X + 13, y);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", LEGEND_X + 36,
            y + 5, KINDS[k].label);
  }
  y += 6;
  fprintf(f, "<path d=\"M%.0f %.0fh26v18h-26z\" fill=\"#1f78b4\" "
             "fill-opacity=\"0.07\" stroke=\"#1f78b4\" stroke-width=\"1.2\" "
             "stroke-dasharray=\"5 3\"/><text x=\"%.0f\" y=\"%.0f\">%g-min "
             "circle by %s</text>\n<text x=\"%.0f\" y=\"%.0f\">(the commute "
             "model: straight line</text>\n<text x=\"%.0f\" y=\"%.0f\">x 1.3 "
             "at the mode's speed)</text>\n",
          LEGEND_X, y - 9, LEGEND_X + 36, y + 4, o->minutes, o->map_mode,
          LEGEND_X + 36, y + 20, LEGEND_X + 36, y + 36);
  fputs("</g>\n", f);
}

static int write_svg(const char *path, const data *d, const reach *r,
                     const options *o, const char *today)
{
  proj p;
  double band, h;
  FILE *f;
  int rc = LM_OK;

  /* Room around the data for the circles. */
  if (d->nc + d->nsp == 0)
    band = 0.05;
  else {
    const place *any = d->nc ? &d->c[0].p : &d->sp[0].p;
    rc = lat_reach(o->map_mode, any->located ? any->lat : 30,
                   any->located ? any->lon : 115, o->minutes, &band);
    if (rc != LM_OK)
      return rc;
  }
  if (make_proj(d, band * 1.15 + 0.005, &p) != 0) {
    p.lat1 = 30.3;
    p.lon0 = 114.9;
    p.ky = p.kx = 3000;
    p.h = 560;
  }
  f = fopen(path, "w");
  if (f == NULL)
    return LM_ERROR;
  h = MAP_Y + p.h + 30;
  fprintf(f,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
          "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"'Noto "
          "Sans CJK SC','WenQuanYi Zen Hei','Microsoft YaHei',sans-serif\">\n"
          "<rect id=\"background\" width=\"100%%\" height=\"100%%\" "
          "fill=\"#ffffff\"/>\n"
          "<text id=\"title\" x=\"20\" y=\"38\" font-size=\"24\" "
          "font-weight=\"bold\">%g 分钟就业服务圈 · %g-minute employment "
          "service circle</text>\n"
          "<text x=\"20\" y=\"64\" font-size=\"14\" fill=\"#404040\">"
          "Communities shaded by the job openings within %g minutes by ",
          SVG_W, h, SVG_W, h, o->minutes, o->minutes, o->minutes);
  xml_text(f, o->map_mode);
  fputs("; circles: what each service point reaches in that time; jobs "
        "open on ", f);
  xml_text(f, today);
  fprintf(f, ".</text>\n<rect id=\"map-frame\" x=\"%.0f\" y=\"%.0f\" "
             "width=\"%.0f\" height=\"%.0f\" fill=\"#f4f1ea\" "
             "stroke=\"#909090\"/>\n<svg x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" "
             "height=\"%.0f\" viewBox=\"%.0f %.0f %.0f %.0f\">\n",
          MAP_X, MAP_Y, MAP_W, p.h, MAP_X, MAP_Y, MAP_W, p.h, MAP_X, MAP_Y,
          MAP_W, p.h);
  rc = draw_circles(f, d, &p, o);
  draw_communities(f, d, &p, r, o);
  draw_points(f, d, &p);
  draw_districts(f, d, &p, o);
  fputs("</svg>\n", f);
  draw_scale_bar(f, &p);
  draw_legend(f, o, MAP_Y + 24);
  fputs("</svg>\n", f);
  if (fclose(f) != 0 && rc == LM_OK)
    rc = LM_ERROR;
  return rc;
}

/* --------------------------------------------------------------- main */

static int ingest(lm_engine *e, const options *o)
{
  lm_report *rep = NULL;
  int i, rc = lm_report_new(&rep);
  size_t k;

  for (i = 0; i < o->nfiles && rc == LM_OK; i++) {
    rc = lm_engine_ingest_file(e, o->files[i], 0, rep);
    if (rc != LM_OK)
      fprintf(stderr, "service-circle: %s: %s\n", o->files[i], lm_errmsg(e));
  }
  for (k = 0; rep && k < lm_report_error_count(rep); k++) {
    const char *id, *reason;
    long line;
    lm_report_error(rep, k, &id, &line, &reason);
    fprintf(stderr, "service-circle: skipped: line %ld: %s%s%s\n", line,
            id ? id : "", id ? ": " : "", reason);
  }
  lm_report_free(rep);
  return rc;
}

static int run(lm_engine *e, const options *o)
{
  data d = {0};
  reach *by_mode[NMODES] = {0};
  double thresholds[NMODES];
  char today[16];
  int rc, m, map_m = -1;
  size_t i;

  if (o->today)
    snprintf(today, sizeof today, "%s", o->today);
  else {
    time_t now = time(NULL);
    strftime(today, sizeof today, "%Y-%m-%d", localtime(&now));
  }
  d.only = o->only;
  rc = today_days(today, &d.today);
  if (rc != LM_OK) {
    fprintf(stderr, "service-circle: --today: %s\n", lm_errmsg(NULL));
    return rc;
  }
  rc = load(e, &d);
  for (m = 0; m < NMODES && rc == LM_OK; m++) {
    by_mode[m] = calloc(d.nc + 1, sizeof *by_mode[m]);
    if (by_mode[m] == NULL)
      rc = LM_ENOMEM;
    if (strcmp(MODES[m], o->map_mode) == 0)
      map_m = m;
  }
  if (rc == LM_OK)
    rc = compute(&d, o, by_mode, thresholds);
  if (rc != LM_OK)
    fprintf(stderr, "service-circle: %s\n",
            rc == LM_ENOMEM ? "out of memory" : lm_errmsg(e));
  if (rc == LM_OK)
    print_table(&d, by_mode, o, today, thresholds);
  if (rc == LM_OK && o->svg) {
    rc = write_svg(o->svg, &d, by_mode[map_m], o, today);
    if (rc != LM_OK)
      fprintf(stderr, "service-circle: cannot write the map %s\n", o->svg);
  }
  for (m = 0; m < NMODES; m++) {
    for (i = 0; by_mode[m] && i < d.nc; i++)
      free(by_mode[m][i].ind);
    free(by_mode[m]);
  }
  free_data(&d);
  return rc;
}

int main(int argc, char **argv)
{
  options o = {NULL, NULL, NULL, NULL, "bike", NULL, 15, 10, -1, NULL, 0};
  lm_options opts;
  lm_engine *e = NULL;
  int rc, m, known = 0;

  if (parse_options(argc, argv, &o) != 0) {
    usage(stderr);
    return 2;
  }
  for (m = 0; m < NMODES; m++)
    known |= strcmp(o.map_mode, MODES[m]) == 0;
  if (!known) {
    fprintf(stderr, "service-circle: --map-mode: walk, bike, ebike or bus\n");
    return 2;
  }
  lm_options_init(&opts, LM_OPTIONS_VERSION);
  if (o.db && o.nfiles == 0)
    opts.flags |= LM_OPEN_READONLY;
  rc = lm_engine_open(&e, o.db ? o.db : ":memory:", &opts);
  if (rc != LM_OK) {
    fprintf(stderr, "service-circle: %s\n", lm_errmsg(NULL));
    return 1;
  }
  rc = ingest(e, &o);
  if (rc == LM_OK)
    rc = run(e, &o);
  lm_engine_close(e);
  return rc == LM_OK ? 0 : 1;
}
