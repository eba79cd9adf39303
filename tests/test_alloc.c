/*
 * test_alloc.c: out of memory, one allocation at a time.
 *
 * Each operation runs with allocation n made to fail (lm__alloc_fail_after)
 * for n = 0, 1, 2, ... until it completes without reaching the failing
 * allocation.  At every n the operation must either succeed with exactly
 * the result of a clean run, or fail with LM_ENOMEM, leave its *out NULL,
 * leave the store as it was, and leave the engine usable: the same
 * operation run again without a failure succeeds with the clean result.
 * Leaks are caught by running this file under ASan and valgrind
 * (.ci/sanitize).
 *
 * The oracle is the clean run of the same operation on the same state;
 * the clean run itself is checked against published data by the other
 * test files.
 *
 * What is covered: every allocation libmatch makes itself (lm__malloc,
 * lm__calloc, lm__realloc, lm__strdup and the growable buffers), on open
 * (store, dictionary, index build), ingest from memory and from a file
 * (both modes), the record API, put, remove, get, export, and the query
 * paths (lm_rank_jobs, lm_rank_seekers, lm_rank_jobs_for_profile,
 * lm_explain, lm_advise).  Not covered: allocations inside libxml2,
 * SQLite and PCRE2, which use their own allocators (SQLite's out of
 * memory is mapped to LM_ENOMEM in store.c, but is not injected here).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "libmatch.h"

#define TODAY "2026-11-25"
/* No operation here needs anywhere near this many allocations. */
#define MAX_N 200000L

/* ------------------------------------------------------------- text */

/* The test's own growable text (plain malloc: never injected). */
typedef struct text {
  char *s;
  size_t len, cap;
} text;

static void tx_add(text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void tx_add(text *t, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  cr_assert_geq(n, 0);
  if (t->len + (size_t)n + 1 > t->cap) {
    t->cap = (t->len + (size_t)n + 1) * 2;
    t->s = realloc(t->s, t->cap);
    cr_assert_not_null(t->s);
  }
  va_start(ap, fmt);
  vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
}

static const char *tx_str(const text *t)
{
  return t->s ? t->s : "";
}

/* The line where two texts first differ, 0 when they are the same.  Only
 * the line number goes into a message: the texts hold personal data. */
static size_t differs(const text *a, const text *b)
{
  const char *x = tx_str(a), *y = tx_str(b);
  size_t line = 1;

  for (; *x && *x == *y; x++, y++)
    line += *x == '\n';
  return *x == *y ? 0 : line;
}

static void tx_free(text *t)
{
  free(t->s);
  memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------- descriptions */

static void describe_record(text *t, const lm_record *r)
{
  size_t i, n;
  int f;

  tx_add(t, "record %d %s\n", (int)lm_record_kind(r), lm_record_id(r));
  for (f = 1; f < LM_F_COUNT_; f++) {
    const char *v = lm_record_get(r, (lm_field)f);
    if (v)
      tx_add(t, " f%d=%s\n", f, v);
    n = lm_record_count(r, (lm_field)f);
    for (i = 0; i < n; i++)
      tx_add(t, " f%d[%zu]=%s\n", f, i, lm_record_item(r, (lm_field)f, i));
  }
  n = lm_record_skill_count(r);
  for (i = 0; i < n; i++) {
    lm_skill s;
    cr_assert_eq(lm_record_skill(r, i, &s), LM_OK);
    tx_add(t, " skill %s/%s %d %d %u\n", s.name, s.canonical, s.level,
           s.years, s.found_in);
  }
}

static void describe_results(text *t, const lm_results *rs)
{
  size_t i, n = lm_results_count(rs);
  int c;

  tx_add(t, "results %zu\n", n);
  for (i = 0; i < n; i++) {
    tx_add(t, "%s %.17g filters %u %s\n%s\n", lm_results_id(rs, i),
           lm_results_score(rs, i), lm_results_filters(rs, i),
           lm_results_filter_reason(rs, i), lm_results_text(rs, i));
    for (c = 0; c < LM_C_COUNT_; c++)
      tx_add(t, " c%d %.17g %s\n", c,
             lm_results_component(rs, i, (lm_component)c),
             lm_results_reason(rs, i, (lm_component)c));
  }
}

static void describe_report(text *t, const lm_report *rep)
{
  size_t i, n = lm_report_error_count(rep);

  tx_add(t, "report %zu %zu %zu %zu\n",
         lm_report_count(rep, LM_COUNT_ADDED),
         lm_report_count(rep, LM_COUNT_REPLACED),
         lm_report_count(rep, LM_COUNT_REMOVED),
         lm_report_count(rep, LM_COUNT_REJECTED));
  for (i = 0; i < n; i++) {
    const char *id = NULL, *reason = NULL;
    long line = 0;
    int code = lm_report_error(rep, i, &id, &line, &reason);
    tx_add(t, " error %d %s %ld %s\n", code, id ? id : "-", line, reason);
  }
}

static lm_query query(void)
{
  lm_query q = LM_QUERY_INIT;
  q.today = TODAY;
  q.k = 20;
  return q;
}

/* What a reader of the engine can see: every record (with personal data)
 * and the rankings the index gives. */
static void describe_engine(text *t, lm_engine *e)
{
  lm_query q = query();
  lm_results *rs = NULL;
  char *doc = NULL;

  cr_assert_eq(lm_engine_export_buffer(e, LM_EXPORT_PERSONAL, &doc, NULL),
               LM_OK, "%s", lm_errmsg(e));
  tx_add(t, "%s", doc);
  lm_free(doc);
  cr_assert_eq(lm_rank_jobs(e, "S000001", &q, &rs), LM_OK, "%s",
               lm_errmsg(e));
  describe_results(t, rs);
  lm_results_free(rs);
  cr_assert_eq(lm_rank_seekers(e, "J000123", &q, &rs), LM_OK, "%s",
               lm_errmsg(e));
  describe_results(t, rs);
  lm_results_free(rs);
}

/* ---------------------------------------------------------- the driver */

/*
 * An operation under test.  run() performs it once and keeps its output
 * in the context; result() describes that output (with no failure
 * injected) and frees it; state() describes what the operation may
 * change; undo() takes the state back to before run() succeeded.
 */
typedef struct op {
  int (*run)(void *ctx);
  void (*result)(void *ctx, text *t);
  void (*state)(void *ctx, text *t);
  void (*undo)(void *ctx);
  void *ctx;
} op;

/* 1 when the budget of allocations set by lm__alloc_fail_after ran out,
 * that is when the operation reached the allocation made to fail (or
 * used exactly the allocations it was allowed). */
static int budget_spent(void)
{
  void *p = lm__malloc(1);
  if (p == NULL)
    return 1;
  lm__xfree(p);
  return 0;
}

static void outcome(const op *o, text *t)
{
  if (o->result)
    o->result(o->ctx, t);
  if (o->state)
    o->state(o->ctx, t);
}

static void state_of(const op *o, text *t)
{
  if (o->state)
    o->state(o->ctx, t);
}

/* Runs the operation once with no failure and checks it gives `clean`. */
static void run_clean(const op *o, const text *clean, long n)
{
  text got = {0};
  int rc = o->run(o->ctx);

  cr_assert_eq(rc, LM_OK, "n=%ld: the clean run after a failure: %s", n,
               lm_errmsg(NULL));
  outcome(o, &got);
  cr_assert_eq(differs(&got, clean), 0,
               "n=%ld: the clean run after a failure differs at line %zu", n,
               differs(&got, clean));
  tx_free(&got);
}

static void check_undone(const op *o, const text *before, long n)
{
  text now = {0};

  if (o->undo)
    o->undo(o->ctx);
  state_of(o, &now);
  cr_assert_eq(differs(&now, before), 0,
               "n=%ld: the undo did not restore the state (line %zu)", n,
               differs(&now, before));
  tx_free(&now);
}

/* Every allocation, except under valgrind (LM_TEST_SLOW > 1, set by
 * .ci/sanitize): there the first 64 and then one in LM_TEST_SLOW, as
 * ASan has already made each fail in turn and valgrind looks for leaks
 * and bad reads on the same failure paths. */
static long env_step(void)
{
  const char *s = getenv("LM_TEST_SLOW");
  long v = s && *s ? strtol(s, NULL, 10) : 1;
  return v > 1 ? v : 1;
}

/* Makes allocation n fail for n = 0, 1, ... (see the head of the file);
 * returns the number of allocations the operation makes. */
static long exhaust(const char *name, const op *o)
{
  text before = {0}, clean = {0}, now = {0};
  long n, failures = 0, step = env_step();
  int rc;

  state_of(o, &before);
  rc = o->run(o->ctx);
  cr_assert_eq(rc, LM_OK, "%s: the clean run: %s", name, lm_errmsg(NULL));
  outcome(o, &clean);
  check_undone(o, &before, -1);

  for (n = 0; n < MAX_N; n += n < 64 ? 1 : step) {
    int spent;

    lm__alloc_fail_after(n);
    rc = o->run(o->ctx);
    spent = budget_spent();
    lm__alloc_fail_after(-1);
    if (rc == LM_OK) {
      tx_free(&now);
      outcome(o, &now);
      cr_assert_eq(differs(&now, &clean), 0,
                   "%s: n=%ld: succeeded with another result (line %zu)",
                   name, n, differs(&now, &clean));
      check_undone(o, &before, n);
      if (!spent)
        break;
      continue;
    }
    failures++;
    cr_assert_eq(rc, LM_ENOMEM, "%s: n=%ld: code %d (%s), not LM_ENOMEM",
                 name, n, rc, lm_errmsg(NULL));
    cr_assert(spent, "%s: n=%ld: failed before the failing allocation: %s",
              name, n, lm_errmsg(NULL));
    tx_free(&now);
    state_of(o, &now);
    cr_assert_eq(differs(&now, &before), 0,
                 "%s: n=%ld: a failure changed the state (line %zu)", name,
                 n, differs(&now, &before));
    run_clean(o, &clean, n);
    check_undone(o, &before, n);
  }
  cr_assert_lt(n, MAX_N, "%s: never completed", name);
  /* Budget n was the first the operation did not use up (exactly so
   * when every n was tried). */
  n--;
  /* The others were absorbed: the operation got over the failure (an
   * index update that failed marks the index for a rebuild) and gave the
   * clean result all the same. */
  if (step == 1)
    cr_log_info("%s: %ld allocations, each made to fail in turn: %ld "
                "LM_ENOMEM, %ld absorbed",
                name, n, failures, n - failures);
  tx_free(&before);
  tx_free(&clean);
  tx_free(&now);
  return n;
}

/* ------------------------------------------------------------ the data */

#define HEAD                                                                 \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<libmatch version=\"1\">\n"
#define TAIL "</libmatch>\n"

/* Several records of each kind, new ones, one replacement (J000124) and
 * one removal (C0123) of the base data (tests/data/format-example.xml). */
static const char *const more_doc =
    HEAD
    "<employer id=\"E1\"><name>黃石物流</name>"
    "<location lat=\"30.21\" lon=\"115.05\" district=\"420202\"/></employer>\n"
    "<employer id=\"E2\" alliance=\"ed-manufacturing\"><name>大冶紡織廠</name>"
    "</employer>\n"
    "<job id=\"J1\" employer=\"E1\" openings=\"2\" posted=\"2026-11-10\">"
    "<title>叉車司機</title><occupation code=\"4-02-06-01\"/>"
    "<industry>物流</industry>"
    "<location lat=\"30.2050\" lon=\"115.0500\" district=\"420202\"/>"
    "<salary>4500-6000元/月</salary><shift>night</shift>"
    "<requirements><education min=\"junior-middle\"/><age>18至50周歲</age>"
    "<skill level=\"required\">叉車</skill><certificate>叉車證</certificate>"
    "<text>會開叉車，能用Excel</text></requirements>"
    "<priority group=\"veteran\"/></job>\n"
    "<job id=\"J2\" employer=\"E2\" posted=\"2026-11-20\" expires=\"2027-01-31\">"
    "<title>數控車床操作工</title><occupation code=\"6-18-01-02\"/>"
    "<location lat=\"30.1990\" lon=\"115.0400\"/>"
    "<salary min=\"5500\" max=\"7000\" period=\"month\"/>"
    "<requirements><skill level=\"required\">數控車床</skill>"
    "<skill level=\"preferred\">PLC編程</skill></requirements>"
    "<description>CAD制图优先</description></job>\n"
    "<job id=\"J3\" employer=\"E1\"><title>收銀員</title>"
    "<salary>面議</salary><shift>part-time</shift>"
    "<window from=\"2026-12-01\" to=\"2027-01-15\"/></job>\n"
    "<job id=\"J000124\" employer=\"E0042\"><title>電焊工</title>"
    "<salary>6千-9千元/月</salary><requirements><age>20至50周歲</age>"
    "<skill level=\"required\">电焊</skill></requirements></job>\n"
    "<seeker id=\"S1\" registered=\"2026-11-01\"><group>returning-migrant</group>"
    "<birth year=\"1985\"/><education level=\"senior-high\"/>"
    "<location lat=\"30.2000\" lon=\"115.0450\" district=\"420202\"/>"
    "<mobility minutes=\"30\" mode=\"ebike\"/>"
    "<salary min=\"4000\" period=\"month\"/>"
    "<experience years=\"5\" occupation=\"4-02-06-01\"/>"
    "<skill years=\"5\">叉車</skill><certificate>叉車證</certificate>"
    "<text>會用Excel</text>"
    "<contact phone=\"13800000001\" id-number=\"420202198501011230\"/>"
    "</seeker>\n"
    "<seeker id=\"S2\" registered=\"2026-11-02\"><group>graduate</group>"
    "<group>disabled</group><birth year=\"2002\"/>"
    "<education level=\"associate\" major=\"機電一體化\"/>"
    "<location lat=\"30.2100\" lon=\"115.0390\"/>"
    "<mobility minutes=\"20\" mode=\"bus\"/>"
    "<skill years=\"1\">PLC編程</skill><skill>CAD製圖</skill>"
    "<preference><occupation code=\"6-18\"/><industry>智能製造</industry>"
    "<shift>day</shift></preference></seeker>\n"
    "<seeker id=\"S3\" registered=\"2026-11-03\"><birth year=\"1968\"/>"
    "<group>retired-fisher</group><education level=\"primary\"/>"
    "<mobility minutes=\"15\" mode=\"walk\"/>"
    "<window from=\"2026-12-01\" to=\"2027-03-01\"/></seeker>\n"
    "<service-point id=\"P1\" kind=\"gig-market\"><name>下陸零工市場</name>"
    "<location lat=\"30.2030\" lon=\"115.0420\" district=\"420204\"/>"
    "</service-point>\n"
    "<service-point id=\"P2\" kind=\"training\"><name>技工學校</name>"
    "</service-point>\n"
    "<community id=\"C1\" population=\"5100\"><name>沈家營社區</name>"
    "<location lat=\"30.2200\" lon=\"115.0600\" district=\"420202\"/>"
    "</community>\n"
    "<community id=\"C2\" population=\"3000\"><name>磁湖社區</name>"
    "</community>\n"
    "<community id=\"C0123\" status=\"closed\"/>\n" TAIL;

/* What undoes more_doc on top of an export of the base (which brings
 * J000124 and C0123 back). */
static const char *const undo_more_doc =
    HEAD "<employer id=\"E1\" status=\"closed\"/>\n"
         "<employer id=\"E2\" status=\"closed\"/>\n"
         "<job id=\"J1\" status=\"closed\"/>\n"
         "<job id=\"J2\" status=\"closed\"/>\n"
         "<job id=\"J3\" status=\"closed\"/>\n"
         "<seeker id=\"S1\" status=\"withdrawn\"/>\n"
         "<seeker id=\"S2\" status=\"withdrawn\"/>\n"
         "<seeker id=\"S3\" status=\"withdrawn\"/>\n"
         "<service-point id=\"P1\" status=\"closed\"/>\n"
         "<service-point id=\"P2\" status=\"closed\"/>\n"
         "<community id=\"C1\" status=\"closed\"/>\n"
         "<community id=\"C2\" status=\"closed\"/>\n" TAIL;

static void ingest_clean(lm_engine *e, const char *doc)
{
  cr_assert_eq(lm_engine_ingest_buffer(e, doc, strlen(doc), 0, NULL), LM_OK,
               "%s", lm_errmsg(e));
}

static void ingest_base(lm_engine *e)
{
  char path[4096];

  cr_assert_eq(lm_engine_ingest_file(
                   e, LMT_SRCPATH(path, "tests/data/format-example.xml"), 0,
                   NULL),
               LM_OK, "%s", lm_errmsg(e));
}

static lm_engine *open_memory(void)
{
  lm_engine *e = NULL;
  cr_assert_eq(lm_engine_open(&e, ":memory:", NULL), LM_OK, "%s",
               lm_errmsg(NULL));
  return e;
}

/* The engine the queries run on: the base and more_doc. */
static lm_engine *open_full(void)
{
  lm_engine *e = open_memory();
  ingest_base(e);
  ingest_clean(e, more_doc);
  return e;
}

/* ------------------------------------------------------------- ingest */

typedef struct ingest_ctx {
  lm_engine *e;
  const char *doc;  /* ingested from memory, or */
  const char *path; /* from this file */
  unsigned int flags;
  lm_report *rep;
  int rc;
  char *base;       /* the base's export, to undo with */
} ingest_ctx;

static int ingest_run(void *p)
{
  ingest_ctx *c = p;
  int rc;

  lm_report_free(c->rep);
  c->rep = NULL;
  rc = lm_report_new(&c->rep);
  if (rc != LM_OK) {
    cr_assert_null(c->rep);
    return rc;
  }
  if (c->path)
    rc = lm_engine_ingest_file(c->e, c->path, c->flags, c->rep);
  else
    rc = lm_engine_ingest_buffer(c->e, c->doc, strlen(c->doc), c->flags,
                                 c->rep);
  c->rc = rc;
  return rc;
}

static void ingest_result(void *p, text *t)
{
  ingest_ctx *c = p;
  describe_report(t, c->rep);
  lm_report_free(c->rep);
  c->rep = NULL;
}

static void engine_state(void *p, text *t)
{
  describe_engine(t, *(lm_engine **)p);
}

static void ingest_undo(void *p)
{
  ingest_ctx *c = p;
  ingest_clean(c->e, c->base);
  ingest_clean(c->e, undo_more_doc);
}

static void ingest_case(const char *name, unsigned int flags, int from_file)
{
  ingest_ctx c;
  op o = {ingest_run, ingest_result, engine_state, ingest_undo, &c};
  char path[4200];
  FILE *f = NULL;

  memset(&c, 0, sizeof c);
  c.e = open_memory();
  ingest_base(c.e);
  cr_assert_eq(lm_engine_export_buffer(c.e, LM_EXPORT_PERSONAL, &c.base,
                                       NULL),
               LM_OK);
  c.doc = more_doc;
  c.flags = flags;
  if (from_file) {
    lmt_tmpname(path, sizeof path, "alloc.xml");
    f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(more_doc, f);
    cr_assert_eq(fclose(f), 0);
    c.path = path;
  }
  exhaust(name, &o);
  if (from_file)
    unlink(path);
  lm_free(c.base);
  lm_report_free(c.rep);
  lm_engine_close(c.e);
}

Test(alloc, ingest_buffer, .timeout = 600)
{
  ingest_case("ingest buffer", 0, 0);
}

Test(alloc, ingest_buffer_all_or_nothing, .timeout = 600)
{
  ingest_case("ingest buffer all or nothing", LM_INGEST_ALL_OR_NOTHING, 0);
}

Test(alloc, ingest_file, .timeout = 600)
{
  ingest_case("ingest file", 0, 1);
}

/* --------------------------------------------------------- record API */

typedef struct record_ctx {
  lm_record *r;
} record_ctx;

/* A seeker built field by field, the way a portal does. */
static int record_build(lm_record **out, const char *id)
{
  static const struct {
    lm_field f;
    const char *v;
  } fields[] = {
      {LM_F_REGISTERED, "2026年11月3日"},
      {LM_F_BIRTH_YEAR, "1990"},
      {LM_F_EDUCATION, "中專"},
      {LM_F_MAJOR, "數控技術"},
      {LM_F_LAT, "30.2011"},
      {LM_F_LON, "115.0422"},
      {LM_F_DISTRICT, "420204"},
      {LM_F_ADDRESS, "團城山街道"},
      {LM_F_SALARY, "4.5K"},
      {LM_F_MOBILITY_MINUTES, "25"},
      {LM_F_MOBILITY_MODE, "ebike"},
      {LM_F_EXPERIENCE_YEARS, "6"},
      {LM_F_EXPERIENCE_OCCUPATION, "6-18-01-01"},
      {LM_F_TEXT, "熟悉數控編程，會CAD製圖"},
      {LM_F_GROUP, "returning-migrant"},
      {LM_F_GROUP, "退役軍人"},
      {LM_F_CERTIFICATE, "車工四級"},
      {LM_F_PREF_OCCUPATION, "6-18"},
      {LM_F_PREF_INDUSTRY, "智能製造"},
      {LM_F_PREF_SHIFT, "day"},
      {LM_F_WINDOW_FROM, "2026-12-01"},
  };
  lm_record *r = NULL;
  size_t i;
  int rc;

  *out = NULL;
  rc = lm_record_new(&r, LM_SEEKER, id);
  if (rc != LM_OK) {
    cr_assert_null(r);
    return rc;
  }
  for (i = 0; i < sizeof fields / sizeof fields[0] && rc == LM_OK; i++)
    rc = lm_record_set(r, fields[i].f, fields[i].v);
  if (rc == LM_OK)
    rc = lm_record_add_skill(r, "數控車床", LM_SKILL_HELD, 6);
  if (rc == LM_OK)
    rc = lm_record_add_skill(r, "剪羊毛", LM_SKILL_HELD, -1);
  if (rc != LM_OK) {
    lm_record_free(r);
    return rc;
  }
  *out = r;
  return LM_OK;
}

static int record_run(void *p)
{
  record_ctx *c = p;
  return record_build(&c->r, "S77");
}

static void record_result(void *p, text *t)
{
  record_ctx *c = p;
  describe_record(t, c->r);
  lm_record_free(c->r);
  c->r = NULL;
}

Test(alloc, record_api, .timeout = 600)
{
  record_ctx c = {NULL};
  op o = {record_run, record_result, NULL, NULL, &c};
  exhaust("record API", &o);
}

/* ------------------------------------------------ put, remove and get */

typedef struct write_ctx {
  lm_engine *e;
  lm_record *r;   /* what put stores; what get read */
  lm_record *old; /* what undo puts back */
  lm_kind kind;   /* what remove removes, get reads */
  const char *id;
} write_ctx;

static int put_run(void *p)
{
  write_ctx *c = p;
  return lm_engine_put(c->e, c->r);
}

static void put_undo_new(void *p)
{
  write_ctx *c = p;
  cr_assert_eq(lm_engine_remove(c->e, lm_record_kind(c->r),
                                lm_record_id(c->r)),
               LM_OK, "%s", lm_errmsg(c->e));
}

static void put_old(void *p)
{
  write_ctx *c = p;
  cr_assert_eq(lm_engine_put(c->e, c->old), LM_OK, "%s", lm_errmsg(c->e));
}

static int remove_run(void *p)
{
  write_ctx *c = p;
  return lm_engine_remove(c->e, c->kind, c->id);
}

Test(alloc, put_new_record, .timeout = 600)
{
  write_ctx c = {open_full(), NULL, NULL, 0, NULL};
  op o = {put_run, NULL, engine_state, put_undo_new, &c};

  cr_assert_eq(record_build(&c.r, "S77"), LM_OK);
  exhaust("put (new)", &o);
  lm_record_free(c.r);
  lm_engine_close(c.e);
}

Test(alloc, put_replacing_record, .timeout = 600)
{
  write_ctx c = {open_full(), NULL, NULL, 0, NULL};
  op o = {put_run, NULL, engine_state, put_old, &c};

  /* A new version of J1; undo puts the stored one back. */
  cr_assert_eq(lm_engine_get(c.e, LM_JOB, "J1", &c.old), LM_OK);
  cr_assert_eq(lm_record_new(&c.r, LM_JOB, "J1"), LM_OK);
  cr_assert_eq(lm_record_set(c.r, LM_F_NAME, "電工"), LM_OK);
  cr_assert_eq(lm_record_set(c.r, LM_F_EMPLOYER, "E1"), LM_OK);
  cr_assert_eq(lm_record_set(c.r, LM_F_SALARY, "5千-8千元/月"), LM_OK);
  cr_assert_eq(lm_record_set(c.r, LM_F_OCCUPATION, "6-31-01-01"), LM_OK);
  cr_assert_eq(lm_record_set(c.r, LM_F_LAT, "30.2"), LM_OK);
  cr_assert_eq(lm_record_set(c.r, LM_F_LON, "115.04"), LM_OK);
  cr_assert_eq(lm_record_set(c.r, LM_F_CERTIFICATE, "電工證"), LM_OK);
  cr_assert_eq(lm_record_add_skill(c.r, "低壓電工", LM_SKILL_REQUIRED, -1),
               LM_OK);
  cr_assert_eq(lm_record_set(c.r, LM_F_TEXT, "會電焊優先"), LM_OK);
  exhaust("put (replacing)", &o);
  lm_record_free(c.old);
  lm_record_free(c.r);
  lm_engine_close(c.e);
}

Test(alloc, remove_record, .timeout = 600)
{
  write_ctx c = {open_full(), NULL, NULL, LM_SEEKER, "S1"};
  op o = {remove_run, NULL, engine_state, put_old, &c};

  cr_assert_eq(lm_engine_get(c.e, LM_SEEKER, "S1", &c.old), LM_OK);
  exhaust("remove", &o);
  lm_record_free(c.old);
  lm_engine_close(c.e);
}

static int get_run(void *p)
{
  write_ctx *c = p;
  int rc = lm_engine_get(c->e, c->kind, c->id, &c->r);
  if (rc != LM_OK)
    cr_assert_null(c->r, "a failed get leaves *out NULL");
  return rc;
}

static void get_result(void *p, text *t)
{
  write_ctx *c = p;
  describe_record(t, c->r);
  lm_record_free(c->r);
  c->r = NULL;
}

Test(alloc, get_record, .timeout = 600)
{
  write_ctx c = {open_full(), NULL, NULL, LM_JOB, "J000123"};
  op o = {get_run, get_result, NULL, NULL, &c};

  exhaust("get (job)", &o);
  c.kind = LM_SEEKER;
  c.id = "S1";
  exhaust("get (seeker)", &o);
  lm_engine_close(c.e);
}

/* ------------------------------------------------------------- export */

typedef struct export_ctx {
  lm_engine *e;
  unsigned int flags;
  char *doc;
  size_t len;
} export_ctx;

static int export_run(void *p)
{
  export_ctx *c = p;
  int rc = lm_engine_export_buffer(c->e, c->flags, &c->doc, &c->len);
  if (rc != LM_OK)
    cr_assert_null(c->doc, "a failed export leaves *out NULL");
  return rc;
}

static void export_result(void *p, text *t)
{
  export_ctx *c = p;
  cr_assert_eq(strlen(c->doc), c->len);
  tx_add(t, "%s", c->doc);
  lm_free(c->doc);
  c->doc = NULL;
}

Test(alloc, export, .timeout = 600)
{
  export_ctx c = {open_full(), 0, NULL, 0};
  op o = {export_run, export_result, NULL, NULL, &c};

  exhaust("export", &o);
  c.flags = LM_EXPORT_PERSONAL;
  exhaust("export (personal)", &o);
  lm_engine_close(c.e);
}

/* --------------------------------------------------------------- open */

typedef struct open_ctx {
  lm_engine *e;
  const char *path;
} open_ctx;

static int open_run(void *p)
{
  open_ctx *c = p;
  int rc = lm_engine_open(&c->e, c->path, NULL);
  if (rc != LM_OK)
    cr_assert_null(c->e, "a failed open leaves *out NULL");
  return rc;
}

static void open_result(void *p, text *t)
{
  open_ctx *c = p;
  describe_engine(t, c->e);
  lm_engine_close(c->e);
  c->e = NULL;
}

/* Opening a file store reads the dictionary, the stored skill terms and
 * every job and seeker into the index. */
Test(alloc, open_file_store, .timeout = 600)
{
  char path[4200];
  open_ctx c = {NULL, path};
  op o = {open_run, open_result, NULL, NULL, &c};
  lm_engine *e = NULL;

  lmt_tmpname(path, sizeof path, "alloc-open");
  cr_assert_eq(lm_engine_open(&e, path, NULL), LM_OK, "%s", lm_errmsg(NULL));
  ingest_base(e);
  ingest_clean(e, more_doc);
  cr_assert_eq(lm_engine_add_skill_term(e, "竹编工艺", "竹編"), LM_OK,
               "%s", lm_errmsg(e));
  lm_engine_close(e);
  exhaust("open", &o);
  lmt_unlink_db(path);
}

/* ------------------------------------------------------------ queries */

typedef struct query_ctx {
  lm_engine *e;
  int what;
  const char *seeker, *job;
  const lm_record *profile;
  lm_query q;
  lm_results *rs;
  lm_advice *adv;
} query_ctx;

enum { Q_JOBS, Q_SEEKERS, Q_PROFILE, Q_EXPLAIN, Q_ADVISE };

static int query_run(void *p)
{
  query_ctx *c = p;
  int rc = LM_EINVAL;

  switch (c->what) {
  case Q_JOBS:
    rc = lm_rank_jobs(c->e, c->seeker, &c->q, &c->rs);
    break;
  case Q_SEEKERS:
    rc = lm_rank_seekers(c->e, c->job, &c->q, &c->rs);
    break;
  case Q_PROFILE:
    rc = lm_rank_jobs_for_profile(c->e, c->profile, &c->q, &c->rs);
    break;
  case Q_EXPLAIN:
    rc = lm_explain(c->e, c->seeker, c->job, &c->q, &c->rs);
    break;
  case Q_ADVISE:
    rc = lm_advise(c->e, c->seeker, &c->q, &c->adv);
    break;
  }
  if (rc != LM_OK) {
    cr_assert_null(c->rs, "a failed query leaves *out NULL");
    cr_assert_null(c->adv, "a failed query leaves *out NULL");
  }
  return rc;
}

static void query_result(void *p, text *t)
{
  query_ctx *c = p;
  size_t i;

  if (c->rs)
    describe_results(t, c->rs);
  if (c->adv)
    for (i = 0; i < lm_advice_count(c->adv); i++)
      tx_add(t, "advice %d %s %zu\n", lm_advice_kind(c->adv, i),
             lm_advice_item(c->adv, i), lm_advice_jobs(c->adv, i));
  lm_results_free(c->rs);
  lm_advice_free(c->adv);
  c->rs = NULL;
  c->adv = NULL;
}

static void query_case(const char *name, int what, const char *seeker,
                       const char *job)
{
  query_ctx c;
  op o = {query_run, query_result, NULL, NULL, &c};
  lm_record *profile = NULL;

  memset(&c, 0, sizeof c);
  c.e = open_full();
  c.what = what;
  c.seeker = seeker;
  c.job = job;
  c.q = query();
  cr_assert_eq(record_build(&profile, "walk-in"), LM_OK);
  c.profile = profile;
  exhaust(name, &o);
  /* Again with every hard filter relaxed, so that every pair is scored
   * and explained. */
  c.q.relax = LM_FILTER_AGE | LM_FILTER_EDUCATION | LM_FILTER_CERTIFICATE |
              LM_FILTER_COMMUTE | LM_FILTER_SALARY | LM_FILTER_WINDOW;
  exhaust(name, &o);
  lm_record_free(profile);
  lm_engine_close(c.e);
}

Test(alloc, rank_jobs, .timeout = 600)
{
  query_case("lm_rank_jobs", Q_JOBS, "S1", NULL);
}

Test(alloc, rank_seekers, .timeout = 600)
{
  query_case("lm_rank_seekers", Q_SEEKERS, NULL, "J1");
}

Test(alloc, rank_jobs_for_profile, .timeout = 600)
{
  query_case("lm_rank_jobs_for_profile", Q_PROFILE, NULL, NULL);
}

Test(alloc, explain, .timeout = 600)
{
  query_case("lm_explain (filtered out)", Q_EXPLAIN, "S3", "J1");
  query_case("lm_explain", Q_EXPLAIN, "S000001", "J000123");
}

Test(alloc, advise, .timeout = 600)
{
  query_case("lm_advise", Q_ADVISE, "S000001", NULL);
}
