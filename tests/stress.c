/*
 * stress.c: one database file, 8 query threads, a writer thread, and a
 * second process writing the same file, for a bounded time.
 *
 * Not a Criterion test (Criterion does not start under ThreadSanitizer):
 * a program that prints what it did and exits 1 on any finding.
 * tests/test_stress.sh runs it in make check; .ci/sanitize runs it built
 * with -fsanitize=thread.  LM_STRESS_SECONDS sets the time (default 10).
 *
 * Every record carries an invariant that a torn read would break: a job
 * of batch P007 at version v is titled "job P007 v<v>", has the text and
 * description "v<v>", a salary that is a function of v, and the day shift
 * for even v, the night shift for odd; a seeker likewise.  Jobs are only
 * ever written as whole batches of BATCH jobs sharing a tag and a
 * version, one ingest each (some all or nothing, some deliberately
 * failing), so what the API promises can be checked from any thread:
 *   - a ranking filtered to one batch's industry and one shift sees the
 *     batch whole or not at all (the index applies a commit at once);
 *   - lm_engine_count of jobs is always a multiple of BATCH (one
 *     snapshot of the store);
 *   - an export shows each batch whole, at one version;
 *   - lm_engine_get gives a record whose fields agree with each other.
 * Queries may say LM_ENOTFOUND for records that come and go; a failing
 * all-or-nothing ingest says LM_EPARSE.  Any other code is a finding.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "libmatch.h"

#define READERS 8
#define BATCH 6        /* jobs per batch */
#define TAGS 12        /* batches per writer */
#define SEEKERS 16     /* seekers per writer */
#define STABLE 12      /* seekers that are never removed */
#define TODAY "2026-06-01"

static atomic_int stop;
static atomic_long findings;
static atomic_long ops[16];
enum { O_RANK, O_BATCH, O_SEEKERS, O_PROFILE, O_GET, O_EXPLAIN, O_COUNT,
       O_ADVISE, O_REFRESH, O_EXPORT, O_INGEST, O_PUT, O_REMOVE, O_EXPECTED,
       O_WHOLE, O_COUNT_ };
static const char *const op_names[] = {
    "rank_jobs", "batch views", "rank_seekers", "rank_jobs_for_profile",
    "get", "explain", "count", "advise", "refresh", "export", "ingest",
    "put", "remove", "expected failures", "whole batches seen"};

static void finding(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void finding(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  fprintf(stderr, "stress[%ld]: ", (long)getpid());
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  atomic_fetch_add(&findings, 1);
}

/* A call's code that is not one of `ok` (up to two). */
static int unexpected(const char *what, lm_engine *e, int rc, int ok1,
                      int ok2)
{
  if (rc == LM_OK || rc == ok1 || rc == ok2)
    return 0;
  finding("%s: %s (%d): %s", what, lm_strerror(rc), rc, lm_errmsg(e));
  return 1;
}

static uint32_t rnd(uint64_t *s)
{
  return (uint32_t)(lmt_xorshift(s) >> 33);
}

/* ------------------------------------------------------------ records */

static long job_salary(unsigned v)
{
  return 3000 + (long)(v % 100) * 10;
}

static long seeker_salary(unsigned v)
{
  return 2000 + (long)(v % 100) * 10;
}

/* "P007" for writer 'P', tag 7. */
static void tag_name(char w, unsigned tag, char *buf, size_t n)
{
  snprintf(buf, n, "%c%03u", w, tag);
}

/* The version a record names in its text "v<n>", or -1. */
static long version_in(const char *text)
{
  char *end;
  long v;

  if (text == NULL || text[0] != 'v')
    return -1;
  v = strtol(text + 1, &end, 10);
  return *end == '\0' ? v : -1;
}

static long number(const lm_record *r, lm_field f)
{
  double d = -1;
  if (lm_record_number(r, f, &d) != LM_OK)
    return -1;
  return (long)d;
}

/* A job read back agrees with itself: title, text, description, salary,
 * shift and industry all name the same batch and version. */
static void check_job(const lm_record *r)
{
  const char *id = lm_record_id(r), *shift = lm_record_get(r, LM_F_SHIFT);
  const char *title = lm_record_get(r, LM_F_NAME);
  const char *ind = lm_record_get(r, LM_F_INDUSTRY);
  long v = version_in(lm_record_get(r, LM_F_TEXT));
  char want[64];

  if (v < 0) {
    finding("job %s: no version in its text", id);
    return;
  }
  snprintf(want, sizeof want, "job %.4s v%ld", id, v);
  if (title == NULL || strcmp(title, want) != 0)
    finding("torn job %s: title '%s', text v%ld", id, title ? title : "",
            v);
  if (version_in(lm_record_get(r, LM_F_DESCRIPTION)) != v)
    finding("torn job %s: description is not v%ld", id, v);
  if (number(r, LM_F_SALARY_MIN) != job_salary((unsigned)v) ||
      number(r, LM_F_SALARY_MAX) != job_salary((unsigned)v) + 2000)
    finding("torn job %s: salary is not that of v%ld", id, v);
  if (shift == NULL || strcmp(shift, v % 2 ? "night" : "day") != 0)
    finding("torn job %s: shift %s at v%ld", id, shift ? shift : "-", v);
  snprintf(want, sizeof want, "B-%.4s", id);
  if (ind == NULL || strcmp(ind, want) != 0)
    finding("torn job %s: industry %s", id, ind ? ind : "-");
}

static void check_seeker(const lm_record *r)
{
  const char *id = lm_record_id(r);
  long v = version_in(lm_record_get(r, LM_F_TEXT));

  if (v < 0) {
    finding("seeker %s: no version in its text", id);
    return;
  }
  if (number(r, LM_F_SALARY_MIN) != seeker_salary((unsigned)v) ||
      number(r, LM_F_MOBILITY_MINUTES) != 10 + v % 50 ||
      number(r, LM_F_BIRTH_YEAR) != 1970 + v % 30)
    finding("torn seeker %s at v%ld", id, v);
}

/* A seeker at version v, by the record API. */
static int seeker_make(const char *id, unsigned v, lm_record **out)
{
  char buf[64];
  lm_record *r = NULL;
  int rc = lm_record_new(&r, LM_SEEKER, id);

#define SET(f, ...)                                                          \
  do {                                                                       \
    snprintf(buf, sizeof buf, __VA_ARGS__);                                  \
    if (rc == LM_OK)                                                         \
      rc = lm_record_set(r, f, buf);                                         \
  } while (0)
  SET(LM_F_TEXT, "v%u", v);
  SET(LM_F_SALARY_MIN, "%ld", seeker_salary(v));
  SET(LM_F_MOBILITY_MINUTES, "%u", 10 + v % 50);
  SET(LM_F_BIRTH_YEAR, "%u", 1970 + v % 30);
  SET(LM_F_MOBILITY_MODE, "%s", v % 3 ? "bus" : "ebike");
  SET(LM_F_LAT, "%.4f", 30.19 + (v % 7) * 0.003);
  SET(LM_F_LON, "%.4f", 115.03 + (v % 5) * 0.003);
  SET(LM_F_EDUCATION, "%s", "senior-high");
  SET(LM_F_EXPERIENCE_OCCUPATION, "%s", "6-18-01-01");
  SET(LM_F_PREF_SHIFT, "%s", v % 2 ? "night" : "day");
#undef SET
  if (rc == LM_OK)
    rc = lm_record_add_skill(r, "数控车床", LM_SKILL_HELD, (int)(v % 8));
  if (rc != LM_OK) {
    lm_record_free(r);
    r = NULL;
  }
  *out = r;
  return rc;
}

/* A document of one batch: its BATCH jobs at version v, or their
 * removal (v 0), or (bad) the jobs with one record that cannot be read. */
static char *batch_doc(const char *tag, unsigned v, int bad, uint64_t *rs)
{
  size_t cap = 8192, len = 0;
  char *doc = malloc(cap);
  unsigned i, bad_at = bad ? rnd(rs) % BATCH : BATCH;

  if (doc == NULL)
    return NULL;
  len += (size_t)snprintf(doc + len, cap - len,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<libmatch version=\"1\">\n");
  for (i = 0; i < BATCH; i++) {
    if (i == bad_at)
      len += (size_t)snprintf(doc + len, cap - len,
                              "<job id=\"%s-x\"><salary min=\"many\"/></job>\n",
                              tag);
    if (v == 0)
      len += (size_t)snprintf(doc + len, cap - len,
                              "<job id=\"%s-%u\" status=\"closed\"/>\n", tag,
                              i);
    else
      len += (size_t)snprintf(
          doc + len, cap - len,
          "<job id=\"%s-%u\" employer=\"E1\" posted=\"2026-01-01\">"
          "<title>job %s v%u</title><occupation code=\"6-18-01-0%u\"/>"
          "<industry>B-%s</industry>"
          "<location lat=\"%.4f\" lon=\"115.04\" district=\"420204\"/>"
          "<salary min=\"%ld\" max=\"%ld\" period=\"month\"/>"
          "<shift>%s</shift><requirements>"
          "<skill level=\"required\">数控车床</skill><text>v%u</text>"
          "</requirements><description>v%u</description></job>\n",
          tag, i, tag, v, 1 + i % 3, tag, 30.19 + i * 0.002, job_salary(v),
          job_salary(v) + 2000, v % 2 ? "night" : "day", v, v);
  }
  snprintf(doc + len, cap - len, "</libmatch>\n");
  return doc;
}

/* ------------------------------------------------------------- writer */

typedef struct writer {
  lm_engine *e;
  char who;            /* 'P' (the thread) or 'C' (the other process) */
  unsigned next_v;     /* versions only grow */
  unsigned batch_v[TAGS];  /* 0: the batch is not stored */
  unsigned seeker_v[SEEKERS];
  uint64_t rs;
} writer;

static void write_batch(writer *w)
{
  unsigned t = rnd(&w->rs) % TAGS, v, roll = rnd(&w->rs) % 100;
  unsigned flags = rnd(&w->rs) % 2 ? LM_INGEST_ALL_OR_NOTHING : 0;
  int bad = 0, rc;
  char tag[16], *doc;
  lm_report *rep = NULL;

  tag_name(w->who, t, tag, sizeof tag);
  if (w->batch_v[t] != 0 && roll < 25) {
    v = 0; /* remove the batch */
  } else {
    v = ++w->next_v;
    if (roll >= 85) {
      bad = 1;
      flags = LM_INGEST_ALL_OR_NOTHING;
    }
  }
  doc = batch_doc(tag, v, bad, &w->rs);
  if (doc == NULL || lm_report_new(&rep) != LM_OK) {
    finding("out of memory");
    free(doc);
    return;
  }
  rc = lm_engine_ingest_buffer(w->e, doc, strlen(doc), flags, rep);
  atomic_fetch_add(&ops[O_INGEST], 1);
  if (bad) {
    atomic_fetch_add(&ops[O_EXPECTED], 1);
    if (rc == LM_OK)
      finding("an all-or-nothing ingest with a bad record returned LM_OK");
    else
      unexpected("a failing all-or-nothing ingest", w->e, rc, LM_EPARSE,
                 LM_EPARSE);
  } else if (!unexpected("ingest", w->e, rc, LM_OK, LM_OK)) {
    size_t want = BATCH, got;
    got = lm_report_count(rep, v ? (w->batch_v[t] ? LM_COUNT_REPLACED
                                                  : LM_COUNT_ADDED)
                                 : LM_COUNT_REMOVED);
    if (got != want)
      finding("ingest of %s: report says %zu, not %zu", tag, got, want);
    w->batch_v[t] = v;
  }
  lm_report_free(rep);
  free(doc);
}

static void write_seeker(writer *w)
{
  unsigned s = rnd(&w->rs) % SEEKERS;
  char id[16];
  lm_record *r = NULL;
  int rc;

  snprintf(id, sizeof id, "%cS%02u", w->who, s);
  if (w->seeker_v[s] != 0 && rnd(&w->rs) % 3 == 0) {
    rc = lm_engine_remove(w->e, LM_SEEKER, id);
    atomic_fetch_add(&ops[O_REMOVE], 1);
    if (!unexpected("remove", w->e, rc, LM_OK, LM_OK))
      w->seeker_v[s] = 0;
    return;
  }
  rc = seeker_make(id, ++w->next_v, &r);
  if (rc == LM_OK)
    rc = lm_engine_put(w->e, r);
  atomic_fetch_add(&ops[O_PUT], 1);
  if (!unexpected("put", w->e, rc, LM_OK, LM_OK))
    w->seeker_v[s] = w->next_v;
  lm_record_free(r);
}

static double seconds_now(void);

/* The slowest write of this process, in ms (a writer starved by readers
 * shows here). */
static _Atomic long slowest_write_ms;

static void note_write_time(double start)
{
  long ms = (long)((seconds_now() - start) * 1000.0);
  long old = atomic_load(&slowest_write_ms);
  while (ms > old &&
         !atomic_compare_exchange_weak(&slowest_write_ms, &old, ms))
    ;
}

static void writer_loop(writer *w)
{
  /* SQLite's busy handler polls: a writer that begins again the moment
   * it commits keeps the other process waiting.  A pause lets both
   * write, as two portals' feeds would. */
  struct timespec pause = {0, 1000 * 1000};

  while (!atomic_load(&stop)) {
    double start = seconds_now();
    if (rnd(&w->rs) % 3)
      write_batch(w);
    else
      write_seeker(w);
    note_write_time(start);
    nanosleep(&pause, NULL);
  }
}

static void *writer_main(void *p)
{
  writer_loop(p);
  return NULL;
}

/* ------------------------------------------------------------ readers */

typedef struct reader {
  lm_engine *e;
  uint64_t rs;
  lm_record *profile;
} reader;

static lm_query query(void)
{
  lm_query q = LM_QUERY_INIT;
  q.today = TODAY;
  q.k = 50;
  return q;
}

static void random_job(reader *rd, char *id, size_t n)
{
  snprintf(id, n, "%c%03u-%u", rnd(&rd->rs) % 2 ? 'P' : 'C',
           rnd(&rd->rs) % TAGS, rnd(&rd->rs) % BATCH);
}

static void random_stable(reader *rd, char *id, size_t n)
{
  snprintf(id, n, "S%02u", rnd(&rd->rs) % STABLE);
}

/* One batch through the index: all of it or none, one shift. */
static void read_batch_view(reader *rd)
{
  lm_query q = query();
  lm_results *rs = NULL;
  char seeker[16], tag[16], ind[24];
  size_t i, n;
  int rc;

  random_stable(rd, seeker, sizeof seeker);
  tag_name(rnd(&rd->rs) % 2 ? 'P' : 'C', rnd(&rd->rs) % TAGS, tag,
           sizeof tag);
  snprintf(ind, sizeof ind, "B-%s", tag);
  q.industry = ind;
  q.shift = rnd(&rd->rs) % 2 ? "night" : "day";
  q.relax = LM_FILTER_AGE | LM_FILTER_EDUCATION | LM_FILTER_CERTIFICATE |
            LM_FILTER_COMMUTE | LM_FILTER_SALARY | LM_FILTER_WINDOW;
  rc = lm_rank_jobs(rd->e, seeker, &q, &rs);
  atomic_fetch_add(&ops[O_BATCH], 1);
  if (unexpected("lm_rank_jobs (one batch)", rd->e, rc, LM_OK, LM_OK))
    return;
  n = lm_results_count(rs);
  if (n == BATCH)
    atomic_fetch_add(&ops[O_WHOLE], 1);
  if (n != 0 && n != BATCH)
    finding("half a batch: %zu of %s's %d jobs are %s-shift", n, tag, BATCH,
            q.shift);
  for (i = 0; i < n; i++)
    if (strncmp(lm_results_id(rs, i), tag, 4) != 0)
      finding("batch view of %s shows %s", tag, lm_results_id(rs, i));
  lm_results_free(rs);
}

static void check_results(const lm_results *rs, const char *what)
{
  size_t i, n = lm_results_count(rs);

  for (i = 0; i < n; i++) {
    double s = lm_results_score(rs, i);
    if (!(s >= 0.0 && s <= 100.0))
      finding("%s: result %zu scores %g", what, i, s);
  }
}

static void read_once(reader *rd)
{
  lm_query q = query();
  lm_results *rs = NULL;
  lm_advice *adv = NULL;
  lm_record *r = NULL;
  char id[32], seeker[16];
  size_t n;
  int rc;

  switch (rnd(&rd->rs) % 10) {
  case 0:
    random_stable(rd, seeker, sizeof seeker);
    rc = lm_rank_jobs(rd->e, seeker, &q, &rs);
    atomic_fetch_add(&ops[O_RANK], 1);
    if (!unexpected("lm_rank_jobs", rd->e, rc, LM_OK, LM_OK))
      check_results(rs, "lm_rank_jobs");
    break;
  case 1:
  case 2:
    read_batch_view(rd);
    break;
  case 3:
    random_job(rd, id, sizeof id);
    rc = lm_rank_seekers(rd->e, id, &q, &rs);
    atomic_fetch_add(&ops[O_SEEKERS], 1);
    if (!unexpected("lm_rank_seekers", rd->e, rc, LM_ENOTFOUND, LM_OK) &&
        rc == LM_OK)
      check_results(rs, "lm_rank_seekers");
    break;
  case 4:
    rc = lm_rank_jobs_for_profile(rd->e, rd->profile, &q, &rs);
    atomic_fetch_add(&ops[O_PROFILE], 1);
    if (!unexpected("lm_rank_jobs_for_profile", rd->e, rc, LM_OK, LM_OK))
      check_results(rs, "lm_rank_jobs_for_profile");
    break;
  case 5:
    random_job(rd, id, sizeof id);
    rc = lm_engine_get(rd->e, LM_JOB, id, &r);
    atomic_fetch_add(&ops[O_GET], 1);
    if (!unexpected("lm_engine_get (job)", rd->e, rc, LM_ENOTFOUND, LM_OK) &&
        rc == LM_OK)
      check_job(r);
    snprintf(id, sizeof id, "%cS%02u", rnd(&rd->rs) % 2 ? 'P' : 'C',
             rnd(&rd->rs) % SEEKERS);
    lm_record_free(r);
    r = NULL;
    rc = lm_engine_get(rd->e, LM_SEEKER, id, &r);
    atomic_fetch_add(&ops[O_GET], 1);
    if (!unexpected("lm_engine_get (seeker)", rd->e, rc, LM_ENOTFOUND,
                    LM_OK) &&
        rc == LM_OK)
      check_seeker(r);
    break;
  case 6:
    random_stable(rd, seeker, sizeof seeker);
    random_job(rd, id, sizeof id);
    rc = lm_explain(rd->e, seeker, id, &q, &rs);
    atomic_fetch_add(&ops[O_EXPLAIN], 1);
    unexpected("lm_explain", rd->e, rc, LM_ENOTFOUND, LM_OK);
    break;
  case 7:
    rc = lm_engine_count(rd->e, LM_JOB, &n);
    atomic_fetch_add(&ops[O_COUNT], 1);
    if (!unexpected("lm_engine_count", rd->e, rc, LM_OK, LM_OK) &&
        n % BATCH != 0)
      finding("lm_engine_count sees %zu jobs: half a batch", n);
    break;
  case 8:
    random_stable(rd, seeker, sizeof seeker);
    rc = lm_advise(rd->e, seeker, &q, &adv);
    atomic_fetch_add(&ops[O_ADVISE], 1);
    unexpected("lm_advise", rd->e, rc, LM_OK, LM_OK);
    break;
  case 9:
    rc = lm_engine_refresh(rd->e);
    atomic_fetch_add(&ops[O_REFRESH], 1);
    unexpected("lm_engine_refresh", rd->e, rc, LM_OK, LM_OK);
    break;
  }
  lm_results_free(rs);
  lm_advice_free(adv);
  lm_record_free(r);
}

/* Every batch in an export is whole and at one version. */
static void read_export(reader *rd)
{
  char *doc = NULL;
  const char *p;
  int rc;
  struct {
    char tag[8];
    long v;
    int n;
  } seen[2 * TAGS];
  size_t nseen = 0, i;

  rc = lm_engine_export_buffer(rd->e, 0, &doc, NULL);
  atomic_fetch_add(&ops[O_EXPORT], 1);
  if (unexpected("lm_engine_export_buffer", rd->e, rc, LM_OK, LM_OK))
    return;
  for (p = doc; (p = strstr(p, "<job id=\"")) != NULL;) {
    const char *title;
    char tag[8];
    long v = -1;

    p += 9;
    snprintf(tag, sizeof tag, "%.4s", p);
    title = strstr(p, "<title>job ");
    if (title && sscanf(title, "<title>job %*4s v%ld", &v) != 1)
      v = -1;
    for (i = 0; i < nseen && strcmp(seen[i].tag, tag) != 0; i++)
      ;
    if (i == nseen) {
      if (nseen == 2 * TAGS) {
        finding("export: more batches than written");
        break;
      }
      memcpy(seen[nseen].tag, tag, sizeof tag);
      seen[nseen].v = v;
      seen[nseen++].n = 0;
    }
    if (seen[i].v != v)
      finding("export: batch %s mixes v%ld and v%ld", tag, seen[i].v, v);
    seen[i].n++;
  }
  for (i = 0; i < nseen; i++)
    if (seen[i].n != BATCH)
      finding("export: batch %s has %d jobs", seen[i].tag, seen[i].n);
  lm_free(doc);
}

static void *reader_main(void *p)
{
  reader *rd = p;
  unsigned i = 0;

  while (!atomic_load(&stop)) {
    if (++i % 64 == 0)
      read_export(rd);
    else
      read_once(rd);
  }
  return NULL;
}

/* ---------------------------------------------------------------- main */

static lm_engine *open_or_die(const char *path)
{
  lm_engine *e = NULL;
  if (lm_engine_open(&e, path, NULL) != LM_OK) {
    fprintf(stderr, "stress: cannot open %s: %s\n", path, lm_errmsg(NULL));
    exit(1);
  }
  return e;
}

/* The seekers every query starts from, and nothing else. */
static void seed_store(const char *path)
{
  lm_engine *e = open_or_die(path);
  unsigned i;

  for (i = 0; i < STABLE; i++) {
    lm_record *r = NULL;
    char id[16];
    snprintf(id, sizeof id, "S%02u", i);
    if (seeker_make(id, i + 1, &r) != LM_OK || lm_engine_put(e, r) != LM_OK) {
      fprintf(stderr, "stress: seeding: %s\n", lm_errmsg(e));
      exit(1);
    }
    lm_record_free(r);
  }
  lm_engine_close(e);
}

static double seconds_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_for(double seconds)
{
  double end = seconds_now() + seconds;
  struct timespec tick = {0, 50 * 1000 * 1000};

  while (seconds_now() < end)
    nanosleep(&tick, NULL);
  atomic_store(&stop, 1);
}

/* The other process: its own engine on the same file, writing batches
 * 'C' and seekers 'CS', and checking its own reads now and then. */
static int other_process(const char *path, double seconds)
{
  writer w;
  pthread_t t;

  memset(&w, 0, sizeof w);
  w.e = open_or_die(path);
  w.who = 'C';
  w.rs = 0xc0ffee;
  if (pthread_create(&t, NULL, writer_main, &w) != 0)
    return 1;
  run_for(seconds);
  pthread_join(t, NULL);
  lm_engine_close(w.e);
  fprintf(stderr,
          "stress: other process: %ld writes, the slowest %ld ms\n",
          (long)w.next_v, atomic_load(&slowest_write_ms));
  return atomic_load(&findings) ? 1 : 0;
}

int main(int argc, char **argv)
{
  const char *env = getenv("LM_STRESS_SECONDS");
  double seconds = env && *env ? atof(env) : 10.0;
  const char *tmp = getenv("TMPDIR");
  char path[4096], side[4200];
  reader rd[READERS];
  pthread_t rt[READERS], wt;
  writer w;
  pid_t pid;
  int i, status = 0;

  (void)argc;
  (void)argv;
  snprintf(path, sizeof path, "%s/lm-stress-%ld.db", tmp && *tmp ? tmp : "/tmp",
           (long)getpid());
  seed_store(path);

  /* Fork before any thread exists. */
  fflush(NULL);
  pid = fork();
  if (pid < 0) {
    perror("stress: fork");
    return 1;
  }
  if (pid == 0)
    _exit(other_process(path, seconds));

  memset(&w, 0, sizeof w);
  w.e = open_or_die(path);
  w.who = 'P';
  w.rs = 0x5eed;
  for (i = 0; i < READERS; i++) {
    char id[16];
    rd[i].e = w.e;
    rd[i].rs = 0x1000u + (uint64_t)i * 7919u;
    snprintf(id, sizeof id, "walk-in-%d", i);
    if (seeker_make(id, (unsigned)i + 3, &rd[i].profile) != LM_OK) {
      fprintf(stderr, "stress: profile: %s\n", lm_errmsg(NULL));
      return 1;
    }
  }
  if (pthread_create(&wt, NULL, writer_main, &w) != 0)
    return 1;
  for (i = 0; i < READERS; i++)
    if (pthread_create(&rt[i], NULL, reader_main, &rd[i]) != 0)
      return 1;
  run_for(seconds);
  pthread_join(wt, NULL);
  for (i = 0; i < READERS; i++)
    pthread_join(rt[i], NULL);
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    finding("the other process failed (status 0x%x)", status);

  /* Last: after a refresh this engine sees every batch whole. */
  if (lm_engine_refresh(w.e) != LM_OK)
    finding("final refresh: %s", lm_errmsg(w.e));
  read_export(&rd[0]);
  for (i = 0; i < READERS; i++)
    lm_record_free(rd[i].profile);
  lm_engine_close(w.e);

  printf("stress: %.0f s, 8 readers, a writer, another process writing:",
         seconds);
  for (i = 0; i < O_COUNT_; i++)
    printf(" %s %ld%s", op_names[i], atomic_load(&ops[i]),
           i + 1 < O_COUNT_ ? "," : "");
  printf("; the slowest write %ld ms; %ld findings\n",
         atomic_load(&slowest_write_ms), atomic_load(&findings));
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  return atomic_load(&findings) ? 1 : 0;
}
