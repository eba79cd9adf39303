/*
 * test_crash.c: nothing committed is lost when the process dies.
 *
 * A child process writes a long plan of jobs and seekers into a file
 * store, in groups: record by record with lm_engine_put, by
 * lm_engine_ingest_buffer committing every 8 records (batch_size), and by
 * ingest all or nothing.  After each call that returns LM_OK it writes
 * the number of the last operation done to a pipe: those operations are
 * committed.  The parent kills it with SIGKILL after a random delay, then
 * reopens the store with the library and checks:
 *   - SQLite's PRAGMA integrity_check says ok (a record is one row, its
 *     lists packed in it);
 *   - every record the child reported committed is there, at a version
 *     no older than the one reported and no newer than one it attempted;
 *   - every record there is whole: each field equal to the generated
 *     record's, and the whole record (skills found in its text included)
 *     equal to the same generated record put into a fresh :memory:
 *     engine (the reference, which never crashes);
 *   - an all-or-nothing ingest cut short is all there or not at all.
 * The next child carries on from the first operation not reported.
 *
 * The random delays come from a fixed seed, printed; LM_CRASH_SEED and
 * LM_CRASH_ROUNDS change it and the number of kills, and LM_TEST_SLOW
 * multiplies the delays for slow runs (valgrind: .ci/sanitize sets 8).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "libmatch.h"

#define PLAN_OPS 36000 /* operations in the plan: more than 24 kills use */
#define GROUP 24       /* operations per group (one call, or one put each) */
#define BATCH 8        /* batch_size of the child's ingests */
#define ROUNDS 24      /* kills, at least 20 (issue 7) */
#define DEFAULT_SEED 20261125u

enum { MODE_PUT, MODE_INGEST, MODE_ALL_OR_NOTHING };

/* --------------------------------------------------------------- random */

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
  return lmt_below(&rng, n);
}

/* ----------------------------------------------------------------- plan */

/* Operation k writes record `rec` (even: a job, odd: a seeker) at
 * `version` (1 for its first write). */
typedef struct plan_op {
  uint32_t rec;
  uint32_t version;
  uint32_t prev; /* the version before this write, 0 for none */
} plan_op;

static plan_op plan[PLAN_OPS];
static uint32_t nrecs;
static uint32_t *last_version; /* per record, while the plan is made */

static void plan_make(void)
{
  uint32_t k;

  rng = 0x1234567u; /* the plan is the same whatever the seed */
  nrecs = 0;
  last_version = calloc(PLAN_OPS, sizeof *last_version);
  cr_assert_not_null(last_version);
  for (k = 0; k < PLAN_OPS; k++) {
    uint32_t rec = nrecs == 0 || rnd(100) < 60 ? nrecs++ : rnd(nrecs);
    plan[k].rec = rec;
    plan[k].prev = last_version[rec];
    plan[k].version = ++last_version[rec];
  }
  free(last_version);
  last_version = NULL;
}

static int group_mode(uint32_t k)
{
  return (int)((k / GROUP) % 3);
}

static lm_kind rec_kind(uint32_t rec)
{
  return rec % 2 ? LM_SEEKER : LM_JOB;
}

static void rec_id(uint32_t rec, char *buf, size_t n)
{
  snprintf(buf, n, "%s%05u", rec % 2 ? "Q" : "K", (unsigned)rec);
}

static const char *const OCCS[] = {"6-18-01-01", "6-18-02-03", "4-02-06-01",
                                   "6-31-01-01", "2-02-07-01"};
static const char *const INDS[] = {"智能制造", "物流", "餐饮", "建筑"};
static const char *const DISTS[] = {"420202", "420203", "420204", "420222"};
static const char *const SHIFTS[] = {"day", "night", "rotating", "flexible"};
static const char *const EDUS[] = {"primary", "junior-middle", "senior-high",
                                   "associate", "bachelor"};
static const char *const GROUPS[] = {"graduate", "veteran", "retired-fisher",
                                     "older-worker"};
static const char *const SKILLS[] = {"数控车床", "CAD制图", "电焊", "叉车",
                                     "收银", "剪羊毛", "Excel"};
static const char *const CERTS[] = {"车工四级", "叉车证", "健康证"};
static const char *const MODES[] = {"walk", "bike", "ebike", "bus", "car"};

#define AT(a, i) ((a)[(i) % (sizeof(a) / sizeof((a)[0]))])

static int setf(lm_record *r, lm_field f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int setf(lm_record *r, lm_field f, const char *fmt, ...)
{
  char buf[256];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return lm_record_set(r, f, buf);
}

/* The record `rec` at `v`: every field a function of both, the version
 * in its text, so that a stored record names the version it must equal. */
static lm_record *generate(uint32_t rec, uint32_t v)
{
  lm_record *r = NULL;
  char id[32];
  uint32_t i = rec / 2 + v;
  int rc;

  rec_id(rec, id, sizeof id);
  if (lm_record_new(&r, rec_kind(rec), id) != LM_OK)
    return NULL;
  rc = setf(r, LM_F_TEXT, "第%u版 說明 v%u", (unsigned)v, (unsigned)v);
  rc |= setf(r, LM_F_LAT, "%.4f", 30.15 + (i % 97) * 0.001);
  rc |= setf(r, LM_F_LON, "%.4f", 115.00 + (i % 89) * 0.001);
  rc |= lm_record_set(r, LM_F_EDUCATION, AT(EDUS, i));
  rc |= setf(r, LM_F_SALARY_MIN, "%u", 3000 + (unsigned)(i % 40) * 50);
  rc |= lm_record_set(r, LM_F_CERTIFICATE, AT(CERTS, i));
  if (i % 3 == 0)
    rc |= lm_record_set(r, LM_F_CERTIFICATE, AT(CERTS, i + 1));
  if (rec_kind(rec) == LM_JOB) {
    rc |= setf(r, LM_F_NAME, "崗位%u 第%u版", (unsigned)rec, (unsigned)v);
    rc |= setf(r, LM_F_EMPLOYER, "E%u", (unsigned)(i % 7));
    rc |= setf(r, LM_F_OPENINGS, "%u", 1 + (unsigned)(i % 5));
    rc |= setf(r, LM_F_POSTED, "2026-%02u-%02u", 1 + (unsigned)(i % 11),
               1 + (unsigned)(i % 28));
    rc |= lm_record_set(r, LM_F_OCCUPATION, AT(OCCS, i));
    rc |= lm_record_set(r, LM_F_INDUSTRY, AT(INDS, i));
    rc |= lm_record_set(r, LM_F_DISTRICT, AT(DISTS, i));
    rc |= setf(r, LM_F_SALARY_MAX, "%u", 5000 + (unsigned)(i % 40) * 50);
    rc |= lm_record_set(r, LM_F_SHIFT, AT(SHIFTS, i));
    rc |= setf(r, LM_F_AGE_MIN, "%u", 16 + (unsigned)(i % 5));
    rc |= setf(r, LM_F_AGE_MAX, "%u", 40 + (unsigned)(i % 20));
    rc |= setf(r, LM_F_EXPERIENCE_YEARS, "%u", (unsigned)(i % 6));
    rc |= setf(r, LM_F_DESCRIPTION, "第%u版，會%s優先", (unsigned)v,
               AT(SKILLS, i + 3));
    rc |= lm_record_set(r, LM_F_PRIORITY_GROUP, AT(GROUPS, i));
    rc |= lm_record_add_skill(r, AT(SKILLS, i), LM_SKILL_REQUIRED, -1);
    rc |= lm_record_add_skill(r, AT(SKILLS, i + 1), LM_SKILL_PREFERRED, -1);
  } else {
    rc |= setf(r, LM_F_REGISTERED, "2026-%02u-%02u", 1 + (unsigned)(i % 11),
               1 + (unsigned)(i % 27));
    rc |= setf(r, LM_F_BIRTH_YEAR, "%u", 1960 + (unsigned)(i % 45));
    rc |= setf(r, LM_F_MAJOR, "專業%u", (unsigned)(i % 13));
    rc |= setf(r, LM_F_MOBILITY_MINUTES, "%u", 10 + (unsigned)(i % 50));
    rc |= lm_record_set(r, LM_F_MOBILITY_MODE, AT(MODES, i));
    rc |= setf(r, LM_F_EXPERIENCE_YEARS, "%u", (unsigned)(i % 9));
    rc |= lm_record_set(r, LM_F_EXPERIENCE_OCCUPATION, AT(OCCS, i + 1));
    rc |= lm_record_set(r, LM_F_GROUP, AT(GROUPS, i + 2));
    rc |= lm_record_set(r, LM_F_PREF_OCCUPATION, "6-18");
    rc |= lm_record_set(r, LM_F_PREF_SHIFT, AT(SHIFTS, i + 1));
    rc |= lm_record_add_skill(r, AT(SKILLS, i), LM_SKILL_HELD,
                              (int)(i % 10));
    rc |= lm_record_add_skill(r, AT(SKILLS, i + 2), LM_SKILL_HELD, -1);
  }
  if (rc != LM_OK) {
    lm_record_free(r);
    return NULL;
  }
  return r;
}

/* The version a stored record names in its text ("... v12"). */
static uint32_t version_of(const lm_record *r)
{
  const char *t = lm_record_get(r, LM_F_TEXT);
  const char *v = t ? strrchr(t, 'v') : NULL;
  return v ? (uint32_t)strtoul(v + 1, NULL, 10) : 0;
}

/* ---------------------------------------------------------------- child */

static void say(int fd, uint32_t value)
{
  ssize_t n;
  do
    n = write(fd, &value, sizeof value);
  while (n < 0 && errno == EINTR);
}

#define CHILD_FAILED 0xffffffffu
#define CHILD_READY 0xfffffffeu

/* Runs the plan from operation `from` on; reports each committed
 * operation.  Never returns. */
static void child(const char *path, uint32_t from, int fd)
{
  lm_options o = LM_OPTIONS_INIT;
  lm_engine *e = NULL;
  uint32_t k = from, g;
  int rc;

  o.batch_size = BATCH;
  if (lm_engine_open(&e, path, &o) != LM_OK) {
    say(fd, CHILD_FAILED);
    _exit(3);
  }
  say(fd, CHILD_READY);
  while (k < PLAN_OPS) {
    uint32_t end = (k / GROUP + 1) * GROUP;
    int mode = group_mode(k);

    if (end > PLAN_OPS)
      end = PLAN_OPS;
    if (mode == MODE_PUT) {
      for (; k < end; k++) {
        lm_record *r = generate(plan[k].rec, plan[k].version);
        rc = r ? lm_engine_put(e, r) : LM_ENOMEM;
        lm_record_free(r);
        if (rc != LM_OK)
          break;
        say(fd, k);
      }
    } else {
      lm__xml_writer *w = NULL;
      char *doc = NULL;
      size_t len = 0;

      rc = lm__xml_writer_new(&w, NULL);
      for (g = k; g < end && rc == LM_OK; g++) {
        lm_record *r = generate(plan[g].rec, plan[g].version);
        rc = r ? lm__xml_write_record(w, r, LM_EXPORT_PERSONAL) : LM_ENOMEM;
        lm_record_free(r);
      }
      if (rc == LM_OK)
        rc = lm__xml_writer_finish(w, &doc, &len);
      lm__xml_writer_free(w);
      if (rc == LM_OK)
        rc = lm_engine_ingest_buffer(e, doc, len,
                                     mode == MODE_ALL_OR_NOTHING
                                         ? LM_INGEST_ALL_OR_NOTHING
                                         : 0,
                                     NULL);
      lm_free(doc);
      if (rc == LM_OK) {
        k = end;
        say(fd, k - 1);
      }
    }
    if (rc != LM_OK) {
      say(fd, CHILD_FAILED);
      say(fd, (uint32_t)-rc);
      _exit(3);
    }
  }
  lm_engine_close(e);
  _exit(0);
}

/* --------------------------------------------------------------- checks */

static lm_engine *ref; /* the reference: records put into :memory: */

/* A record as text: every field, every list item, every skill. */
static void describe(const lm_record *r, int skills, char **out)
{
  char *buf = NULL;
  size_t len = 0, i, n;
  FILE *f = open_memstream(&buf, &len);
  int fld;

  cr_assert_not_null(f);
  fprintf(f, "%d %s\n", (int)lm_record_kind(r), lm_record_id(r));
  for (fld = 1; fld < LM_F_COUNT_; fld++) {
    const char *v = lm_record_get(r, (lm_field)fld);
    if (v)
      fprintf(f, "f%d=%s\n", fld, v);
    n = lm_record_count(r, (lm_field)fld);
    for (i = 0; i < n; i++)
      fprintf(f, "f%d[%zu]=%s\n", fld, i,
              lm_record_item(r, (lm_field)fld, i));
  }
  n = lm_record_skill_count(r);
  for (i = 0; i < n; i++) {
    lm_skill s;
    cr_assert_eq(lm_record_skill(r, i, &s), LM_OK);
    if (skills || (s.found_in & LM_FOUND_SKILL))
      fprintf(f, "skill %s %d %d%s\n", s.name, s.level, s.years,
              skills ? "" : " named");
  }
  fclose(f);
  *out = buf;
}

/* Where two descriptions first differ, by line (never their content: a
 * record may carry personal data in another test's hands). */
static void same(const char *a, const char *b, const char *what,
                 const char *id, uint32_t v)
{
  size_t i = 0, line = 1;

  while (a[i] && a[i] == b[i]) {
    if (a[i] == '\n')
      line++;
    i++;
  }
  cr_assert(a[i] == b[i], "%s %s v%u: %s differs from line %zu", "record",
            id, (unsigned)v, what, line);
}

/* The whole record the store must hold for rec at v, made by putting the
 * generated record into the reference engine and reading it back. */
static char *expected_whole(uint32_t rec, uint32_t v)
{
  lm_record *g = generate(rec, v), *back = NULL;
  char id[32], *d;

  cr_assert_not_null(g);
  rec_id(rec, id, sizeof id);
  cr_assert_eq(lm_engine_put(ref, g), LM_OK, "%s", lm_errmsg(ref));
  cr_assert_eq(lm_engine_get(ref, rec_kind(rec), id, &back), LM_OK);
  describe(back, 1, &d);
  lm_record_free(back);
  lm_record_free(g);
  return d;
}

/* expected_whole of each record at the version it was last checked at:
 * most records do not change between kills. */
static char **cached;
static uint32_t *cached_v;

/* The stored record is the generated one at its version, whole. */
static void check_whole(const lm_record *stored, uint32_t rec, uint32_t v)
{
  lm_record *g = generate(rec, v);
  char *a, *b;

  cr_assert_not_null(g);
  describe(stored, 0, &a);
  describe(g, 0, &b);
  same(a, b, "a field", lm_record_id(stored), v);
  free(a);
  free(b);
  describe(stored, 1, &a);
  if (cached_v[rec] != v) {
    free(cached[rec]);
    cached[rec] = expected_whole(rec, v);
    cached_v[rec] = v;
  }
  same(a, cached[rec], "the whole record", lm_record_id(stored), v);
  free(a);
  lm_record_free(g);
}

/* The file is sound.  A record is one row (its lists packed in it), so
 * half a record could only show as a row that does not read back whole,
 * which the record checks above catch. */
static void check_sqlite(const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;

  cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
               SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
                                  NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/*
 * Checks the store after a kill.  done: operations [0, done) are
 * reported committed; tried: no operation at or past it was ever
 * started.  Returns the number of records stored; *ahead gets how many
 * are newer than reported (committed just before the kill).
 */
static size_t check_store(const char *path, uint32_t done, uint32_t tried,
                          size_t *ahead)
{
  lm_engine *e = NULL;
  uint32_t *lo = calloc(nrecs, sizeof *lo), *hi = calloc(nrecs, sizeof *hi);
  uint32_t *got = calloc(nrecs, sizeof *got);
  uint32_t k, rec, g0, g1;
  size_t present = 0, jobs = 0, seekers = 0;

  cr_assert(lo && hi && got);
  cr_assert_eq(lm_engine_open(&e, path, NULL), LM_OK, "reopening: %s",
               lm_errmsg(NULL));
  check_sqlite(path);
  for (k = 0; k < tried; k++) {
    if (k < done)
      lo[plan[k].rec] = plan[k].version;
    hi[plan[k].rec] = plan[k].version;
  }
  for (rec = 0; rec < nrecs; rec++) {
    lm_record *r = NULL;
    char id[32];
    int rc;

    if (hi[rec] == 0)
      continue;
    rec_id(rec, id, sizeof id);
    rc = lm_engine_get(e, rec_kind(rec), id, &r);
    if (rc == LM_ENOTFOUND) {
      cr_assert_eq(lo[rec], 0, "%s v%u was reported committed and is lost",
                   id, (unsigned)lo[rec]);
      continue;
    }
    cr_assert_eq(rc, LM_OK, "%s: %s", id, lm_errmsg(e));
    got[rec] = version_of(r);
    cr_assert(got[rec] >= lo[rec] && got[rec] <= hi[rec] && got[rec] > 0,
              "%s is at v%u, committed v%u, attempted at most v%u", id,
              (unsigned)got[rec], (unsigned)lo[rec], (unsigned)hi[rec]);
    check_whole(r, rec, got[rec]);
    lm_record_free(r);
    present++;
    if (got[rec] > lo[rec])
      ++*ahead;
  }
  /* Nothing else is stored. */
  cr_assert_eq(lm_engine_count(e, LM_JOB, &jobs), LM_OK);
  cr_assert_eq(lm_engine_count(e, LM_SEEKER, &seekers), LM_OK);
  cr_assert_eq(jobs + seekers, present, "%zu records stored, %zu expected",
               jobs + seekers, present);

  /* An all-or-nothing group cut short: all its writes or none. */
  if (done < PLAN_OPS && group_mode(done) == MODE_ALL_OR_NOTHING) {
    int all = 1, none = 1;
    g0 = done - done % GROUP;
    g1 = g0 + GROUP < tried ? g0 + GROUP : tried;
    cr_assert_eq(g0, done, "an all-or-nothing group was half reported");
    for (k = g0; k < g1; k++) {
      rec = plan[k].rec;
      if (got[rec] != hi[rec])
        all = 0;
      /* The version before the group is lo (0: absent). */
      if (got[rec] != lo[rec])
        none = 0;
    }
    cr_assert(all || none, "all-or-nothing ingest of operations %u-%u is "
              "half there", (unsigned)g0, (unsigned)g1 - 1);
  }
  lm_engine_close(e);
  free(lo);
  free(hi);
  free(got);
  return present;
}

/* ---------------------------------------------------------------- test */

static uint32_t env_number(const char *name, uint32_t dflt)
{
  const char *s = getenv(name);
  return s && *s ? (uint32_t)strtoul(s, NULL, 10) : dflt;
}

static long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads the child's reports until it ends or `deadline`; returns 1 when
 * it has ended on its own (EOF). */
static int collect(int fd, long deadline, uint32_t *done, int *failed,
                   int *ready, int stop_when_ready)
{
  static unsigned char buf[4096];
  static size_t have;
  struct pollfd p = {fd, POLLIN, 0};

  for (;;) {
    long left = deadline < 0 ? -1 : deadline - now_ms();
    ssize_t n;
    size_t i;

    if ((deadline >= 0 && left <= 0) || (stop_when_ready && *ready))
      return 0;
    if (poll(&p, 1, (int)left) <= 0)
      continue;
    n = read(fd, buf + have, sizeof buf - have);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      have = 0;
      return 1;
    }
    have += (size_t)n;
    for (i = 0; i + 4 <= have; i += 4) {
      uint32_t v;
      memcpy(&v, buf + i, 4);
      if (*failed) {
        *failed = -(int)v;
      } else if (v == CHILD_FAILED) {
        *failed = 1;
      } else if (v == CHILD_READY) {
        *ready = 1;
      } else {
        cr_assert_geq(v + 1, *done, "reports out of order");
        *done = v + 1;
      }
    }
    memmove(buf, buf + i, have - i);
    have -= i;
  }
}

Test(crash, sigkill_at_random_moments_loses_nothing_committed,
     .timeout = 900)
{
  uint32_t seed = env_number("LM_CRASH_SEED", DEFAULT_SEED);
  uint32_t rounds = env_number("LM_CRASH_ROUNDS", ROUNDS);
  uint32_t slow = env_number("LM_TEST_SLOW", 1);
  uint32_t done = 0, tried = 0, round, finished = 0;
  size_t ahead_rounds = 0;
  char path[4200];
  size_t present = 0;

  plan_make();
  cached = calloc(nrecs, sizeof *cached);
  cached_v = calloc(nrecs, sizeof *cached_v);
  cr_assert(cached && cached_v);
  printf("# crash: seed %u (LM_CRASH_SEED), %u kills\n", (unsigned)seed,
         (unsigned)rounds);
  fflush(stdout);
  rng = seed * 0x9e3779b97f4a7c15ull + 1;
  lmt_tmpname(path, sizeof path, "crash");
  cr_assert_eq(lm_engine_open(&ref, ":memory:", NULL), LM_OK);

  for (round = 0; round < rounds && done < PLAN_OPS; round++) {
    /* One kill in four counts from the fork, and hits the open (WAL
     * recovery, the index build) or the first writes; the others count
     * from the end of the open and land anywhere in the writes. */
    int at_open = round % 4 == 0;
    long delay = (1 + (long)rnd(at_open ? 60 : 150)) * (slow ? slow : 1);
    uint32_t from = done;
    int fds[2], status = 0, failed = 0, ready = 0, ended = 0;
    size_t ahead = 0;
    long t0, t1, t2;
    pid_t pid;

    cr_assert_eq(pipe(fds), 0);
    pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
      close(fds[0]);
      child(path, from, fds[1]);
    }
    close(fds[1]);
    t0 = now_ms();
    if (!at_open)
      ended = collect(fds[0], now_ms() + 60000, &done, &failed, &ready, 1);
    t1 = now_ms();
    if (!ended)
      ended = collect(fds[0], now_ms() + delay, &done, &failed, &ready, 0);
    if (!ended)
      kill(pid, SIGKILL);
    /* Reports written before the kill are still in the pipe. */
    collect(fds[0], -1, &done, &failed, &ready, 0);
    close(fds[0]);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(!failed, "the child's write failed with code %d", failed);
    if (WIFEXITED(status)) {
      cr_assert_eq(WEXITSTATUS(status), 0);
      finished = 1;
    } else {
      cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    }
    /* The child may have gone as far as the end of the group after the
     * last report (a put group: the next put). */
    {
      uint32_t next = done < PLAN_OPS ? done : PLAN_OPS - 1;
      uint32_t end = group_mode(next) == MODE_PUT
                         ? next + 1
                         : (next / GROUP + 1) * GROUP;
      if (end > PLAN_OPS)
        end = PLAN_OPS;
      if (!finished && end > tried)
        tried = end;
      if (finished)
        tried = PLAN_OPS;
    }
    t2 = now_ms();
    present = check_store(path, done, tried, &ahead);
    cr_log_info("round %u: open %ld ms, check %ld ms", (unsigned)round,
                t1 - t0, now_ms() - t2);
    ahead_rounds += ahead > 0;
    cr_log_info("round %u: killed %ld ms after the %s, operations %u..%u "
                "reported, %zu records, %zu ahead of the reports",
                (unsigned)round, delay, at_open ? "fork" : "open",
                (unsigned)from, (unsigned)done, present, ahead);
  }
  cr_assert_geq(round, 20, "only %u kills before the plan ran out",
                (unsigned)round);
  cr_assert_gt(done, (uint32_t)GROUP * 3, "the children hardly wrote");
  printf("# crash: %u kills, %u of %u operations reported, %zu records; "
         "%zu kills caught writes committed but not yet reported\n",
         (unsigned)round, (unsigned)done, (unsigned)PLAN_OPS, present,
         ahead_rounds);
  lm_engine_close(ref);
  lmt_unlink_db(path);
  for (round = 0; round < nrecs; round++)
    free(cached[round]);
  free(cached);
  free(cached_v);
}
