/*
 * test_xml.c: FORMAT.md in (the streaming reader) and out (the writer).
 *
 * Oracles: FORMAT.md's own examples read field by field; round trips
 * (write, read, write gives the same bytes and the same records); hostile
 * documents that must end in LM_EPARSE quickly, with nothing handed over
 * and nothing printed.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "internal.h"

/* ------------------------------------------------------------- helpers */

#define MAXREC 64
#define MAXBAD 64

typedef struct bad_t {
  char *id;
  long line;
  int code;
  char *reason;
} bad_t;

typedef struct got_t {
  lm_record *rec[MAXREC];
  size_t n;
  size_t seen;     /* records handed over, kept or not */
  size_t stop_at;  /* record() says LM_ERROR at this count (0: never) */
  bad_t bad[MAXBAD];
  size_t nbad;     /* kept in bad[] */
  size_t badseen;  /* reported, kept or not */
} got_t;

static int got_record(void *ctx, lm_record *r)
{
  got_t *g = ctx;
  int rc;

  g->seen++;
  if (g->stop_at && g->seen == g->stop_at)
    return lm__fail(LM_ERROR, "stop");
  if (g->n < MAXREC) {
    rc = lm__record_clone(r, &g->rec[g->n]);
    if (rc != LM_OK)
      return rc;
    g->n++;
  }
  return LM_OK;
}

static int got_bad(void *ctx, const char *id, long line, int code,
                   const char *reason)
{
  got_t *g = ctx;
  g->badseen++;
  if (g->nbad < MAXBAD) {
    bad_t *b = &g->bad[g->nbad++];
    b->id = id ? strdup(id) : NULL;
    b->line = line;
    b->code = code;
    b->reason = strdup(reason);
  }
  return LM_OK;
}

static void got_free(got_t *g)
{
  size_t i;
  for (i = 0; i < g->n; i++)
    lm_record_free(g->rec[i]);
  for (i = 0; i < g->nbad; i++) {
    free(g->bad[i].id);
    free(g->bad[i].reason);
  }
  memset(g, 0, sizeof *g);
}

static int read_buf(got_t *g, const char *xml, size_t len)
{
  lm__xml_sink sink = {got_record, got_bad, g};
  return lm__xml_read_memory(xml, len, &sink);
}

static int read_str(got_t *g, const char *xml)
{
  return read_buf(g, xml, strlen(xml));
}

static const lm_record *find(const got_t *g, lm_kind kind, const char *id)
{
  size_t i;
  for (i = 0; i < g->n; i++)
    if (g->rec[i]->kind == kind && strcmp(g->rec[i]->id, id) == 0)
      return g->rec[i];
  cr_assert_fail("no %d %s among %zu records", (int)kind, id, g->n);
  return NULL;
}

/* A field's canonical text, "" when unset (so that cr_expect_str_eq can
 * show it). */
static const char *F(const lm_record *r, lm_field f)
{
  return r->text[f] ? r->text[f] : "";
}

static const char *item(const lm_record *r, lm_field f, size_t i)
{
  return i < r->list[f].n ? r->list[f].items[i] : "";
}

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *fixture(const char *name, size_t *len)
{
  char rel[256], path[4096];
  char *buf;

  snprintf(rel, sizeof rel, "tests/data/%s", name);
  LMT_SRCPATH(path, rel);
  buf = lmt_slurp(path, len);
  cr_assert_not_null(buf, "cannot read %s (set LM_SRCDIR)", path);
  return buf;
}

/* "<libmatch version="1">" + body + "</libmatch>" */
static char *doc(const char *body)
{
  const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<libmatch version=\"1\">\n";
  size_t n = strlen(head) + strlen(body) + 16;
  char *s = malloc(n);
  snprintf(s, n, "%s%s</libmatch>\n", head, body);
  return s;
}

/* Writes records into a new document in memory. */
static char *write_all(lm_record *const *recs, size_t n, unsigned flags,
                       size_t *len)
{
  lm__xml_writer *w = NULL;
  char *out = NULL;
  size_t i;

  cr_assert_eq(lm__xml_writer_new(&w, NULL), LM_OK, "%s", lm__errmsg());
  for (i = 0; i < n; i++)
    cr_assert_eq(lm__xml_write_record(w, recs[i], flags), LM_OK, "%s",
                 lm__errmsg());
  cr_assert_eq(lm__xml_writer_finish(w, &out, len), LM_OK, "%s",
               lm__errmsg());
  lm__xml_writer_free(w);
  cr_assert_not_null(out);
  return out;
}

/* Two records hold the same fields, lists and skills. */
static void expect_same(const lm_record *a, const lm_record *b)
{
  int f;
  size_t i;

  cr_expect_eq(a->kind, b->kind);
  cr_expect_str_eq(a->id, b->id);
  cr_expect_eq(a->removal, b->removal, "%s", a->id);
  for (f = 1; f < LM_F_COUNT_; f++) {
    cr_expect_str_eq(F(a, f), F(b, f), "%s field %s", a->id,
                     lm__field(f)->name);
    cr_expect_eq(a->list[f].n, b->list[f].n, "%s list %s", a->id,
                 lm__field(f)->name);
    for (i = 0; i < a->list[f].n && i < b->list[f].n; i++)
      cr_expect_str_eq(a->list[f].items[i], b->list[f].items[i]);
  }
  cr_expect_eq(a->nskills, b->nskills, "%s skills", a->id);
  for (i = 0; i < a->nskills && i < b->nskills; i++) {
    cr_expect_str_eq(a->skills[i].name, b->skills[i].name);
    cr_expect_eq(a->skills[i].level, b->skills[i].level);
    cr_expect_eq(a->skills[i].years, b->skills[i].years);
    cr_expect_eq(a->skills[i].found_in, b->skills[i].found_in);
  }
}

/* ---------------------------------------------------- FORMAT.md, read in */

Test(xml, format_examples_are_read_whole)
{
  got_t g = {0};
  size_t len;
  char *xml = fixture("xml-format-examples.xml", &len);

  cr_assert_eq(read_buf(&g, xml, len), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(g.nbad, 0, "%s", g.nbad ? g.bad[0].reason : "");
  cr_expect_eq(g.n, 5);
  /* Handed over in document order, each with the line it starts on. */
  cr_expect_str_eq(g.rec[0]->id, "E0042");
  cr_expect_eq(g.rec[0]->line, 4);
  cr_expect_str_eq(g.rec[1]->id, "P07");
  cr_expect_eq(g.rec[1]->line, 6);
  cr_expect_str_eq(g.rec[2]->id, "J000123");
  cr_expect_eq(g.rec[2]->line, 8);
  cr_expect_str_eq(g.rec[3]->id, "S000001");
  cr_expect_eq(g.rec[3]->line, 28);
  cr_expect_str_eq(g.rec[4]->id, "C0123");
  cr_expect_eq(g.rec[4]->line, 43);
  got_free(&g);
  free(xml);
}

Test(xml, format_job_example_fills_every_field)
{
  got_t g = {0};
  size_t len;
  char *xml = fixture("xml-format-examples.xml", &len);
  const lm_record *j;

  cr_assert_eq(read_buf(&g, xml, len), LM_OK, "%s", lm__errmsg());
  j = find(&g, LM_JOB, "J000123");
  cr_expect_str_eq(F(j, LM_F_EMPLOYER), "E0042");
  cr_expect_str_eq(F(j, LM_F_OPENINGS), "3");
  cr_expect_str_eq(F(j, LM_F_POSTED), "2026-11-01");
  cr_expect_str_eq(F(j, LM_F_EXPIRES), "2026-12-31");
  cr_expect_str_eq(F(j, LM_F_NAME), "數控車床操作工");
  cr_expect_str_eq(F(j, LM_F_OCCUPATION), "6-18-01-01");
  cr_expect_str_eq(F(j, LM_F_INDUSTRY), "智能製造");
  cr_expect_str_eq(F(j, LM_F_LAT), "30.2012");
  cr_expect_str_eq(F(j, LM_F_LON), "115.0383");
  cr_expect_str_eq(F(j, LM_F_DISTRICT), "420204");
  cr_expect_str_eq(F(j, LM_F_ADDRESS), "下陸區團城山街道");
  cr_expect_str_eq(F(j, LM_F_SALARY_MIN), "5000");
  cr_expect_str_eq(F(j, LM_F_SALARY_MAX), "8000");
  cr_expect_str_eq(F(j, LM_F_SALARY), "");
  cr_expect_str_eq(F(j, LM_F_SHIFT), "day");
  cr_expect_str_eq(F(j, LM_F_WINDOW_FROM), "2026-12-01");
  cr_expect_str_eq(F(j, LM_F_WINDOW_TO), "2027-02-28");
  cr_expect_str_eq(F(j, LM_F_EDUCATION), "secondary-vocational");
  cr_expect_str_eq(F(j, LM_F_AGE_MIN), "18");
  cr_expect_str_eq(F(j, LM_F_AGE_MAX), "45");
  cr_expect_str_eq(F(j, LM_F_EXPERIENCE_YEARS), "1");
  cr_assert_eq(j->nskills, 2);
  cr_expect_str_eq(j->skills[0].name, "數控車床");
  cr_expect_eq(j->skills[0].level, LM_SKILL_REQUIRED);
  cr_expect_null(j->skills[0].canonical); /* the api fills it */
  cr_expect_eq(j->skills[0].found_in, LM_FOUND_SKILL);
  cr_expect_str_eq(j->skills[1].name, "CAD製圖");
  cr_expect_eq(j->skills[1].level, LM_SKILL_PREFERRED);
  cr_expect_eq(j->list[LM_F_CERTIFICATE].n, 1);
  cr_expect_str_eq(item(j, LM_F_CERTIFICATE, 0), "車工四級");
  cr_expect_str_eq(F(j, LM_F_TEXT),
                   "要求：中專及以上學歷，1年以上相關工作經驗，能適應倒班");
  cr_expect_eq(j->list[LM_F_PRIORITY_GROUP].n, 1);
  cr_expect_str_eq(item(j, LM_F_PRIORITY_GROUP, 0), "retired-fisher");
  cr_expect_str_eq(F(j, LM_F_DESCRIPTION),
                   "free text; skills and terms found here count too");
  cr_expect_eq(j->removal, 0);
  got_free(&g);
  free(xml);
}

Test(xml, format_seeker_example_fills_every_field)
{
  got_t g = {0};
  size_t len;
  char *xml = fixture("xml-format-examples.xml", &len);
  const lm_record *s;

  cr_assert_eq(read_buf(&g, xml, len), LM_OK, "%s", lm__errmsg());
  s = find(&g, LM_SEEKER, "S000001");
  cr_expect_str_eq(F(s, LM_F_REGISTERED), "2026-10-20");
  cr_expect_eq(s->list[LM_F_GROUP].n, 1);
  cr_expect_str_eq(item(s, LM_F_GROUP, 0), "graduate");
  cr_expect_str_eq(F(s, LM_F_BIRTH_YEAR), "2003");
  cr_expect_str_eq(F(s, LM_F_EDUCATION), "bachelor");
  cr_expect_str_eq(F(s, LM_F_MAJOR), "機械設計製造及其自動化");
  cr_expect_str_eq(F(s, LM_F_LAT), "30.2101");
  cr_expect_str_eq(F(s, LM_F_LON), "115.0772");
  cr_expect_str_eq(F(s, LM_F_DISTRICT), "420202");
  cr_expect_str_eq(F(s, LM_F_ADDRESS), "");
  cr_expect_str_eq(F(s, LM_F_MOBILITY_MINUTES), "15");
  cr_expect_str_eq(F(s, LM_F_MOBILITY_MODE), "bike");
  cr_expect_str_eq(F(s, LM_F_SALARY_MIN), "4500");
  cr_expect_str_eq(F(s, LM_F_EXPERIENCE_YEARS), "2");
  cr_expect_str_eq(F(s, LM_F_EXPERIENCE_OCCUPATION), "6-18-01-01");
  cr_assert_eq(s->nskills, 1);
  cr_expect_str_eq(s->skills[0].name, "數控車床");
  cr_expect_eq(s->skills[0].level, LM_SKILL_HELD);
  cr_expect_eq(s->skills[0].years, 2);
  cr_expect_str_eq(item(s, LM_F_CERTIFICATE, 0), "車工四級");
  cr_expect_str_eq(item(s, LM_F_PREF_OCCUPATION, 0), "6-18");
  cr_expect_str_eq(item(s, LM_F_PREF_INDUSTRY, 0), "智能製造");
  cr_expect_str_eq(item(s, LM_F_PREF_SHIFT, 0), "day");
  cr_expect_str_eq(F(s, LM_F_WINDOW_FROM), "2026-12-01");
  cr_expect_str_eq(F(s, LM_F_WINDOW_TO), "");
  cr_expect_str_eq(F(s, LM_F_TEXT), "free text: 熟悉數控編程，會看圖紙");
  cr_expect_str_eq(F(s, LM_F_PHONE), "13800000000");
  cr_expect_str_eq(F(s, LM_F_ID_NUMBER), "420202200301011234");
  got_free(&g);
  free(xml);
}

Test(xml, format_employer_point_and_community_examples_are_read)
{
  got_t g = {0};
  size_t len;
  char *xml = fixture("xml-format-examples.xml", &len);
  const lm_record *r;

  cr_assert_eq(read_buf(&g, xml, len), LM_OK, "%s", lm__errmsg());
  r = find(&g, LM_EMPLOYER, "E0042");
  cr_expect_str_eq(F(r, LM_F_ALLIANCE), "ed-manufacturing");
  cr_expect_str_eq(F(r, LM_F_NAME), "某機械有限公司");
  cr_expect_str_eq(F(r, LM_F_LAT), "30.2");
  cr_expect_str_eq(F(r, LM_F_LON), "115.04");
  cr_expect_str_eq(F(r, LM_F_DISTRICT), "420204");
  r = find(&g, LM_SERVICE_POINT, "P07");
  cr_expect_str_eq(F(r, LM_F_POINT_KIND), "station");
  cr_expect_str_eq(F(r, LM_F_NAME), "團城山街道就業服務站");
  cr_expect_str_eq(F(r, LM_F_LAT), "30.205");
  r = find(&g, LM_COMMUNITY, "C0123");
  cr_expect_str_eq(F(r, LM_F_POPULATION), "8200");
  cr_expect_str_eq(F(r, LM_F_NAME), "團城山社區");
  cr_expect_str_eq(F(r, LM_F_LON), "115.036");
  got_free(&g);
  free(xml);
}

Test(xml, read_file_gives_what_read_memory_gives)
{
  char rel[] = "tests/data/xml-format-examples.xml", path[4096];
  lm__xml_sink sink;
  got_t a = {0}, b = {0};
  size_t len, i;
  char *xml = fixture("xml-format-examples.xml", &len);

  sink.record = got_record;
  sink.bad = got_bad;
  sink.ctx = &a;
  cr_assert_eq(lm__xml_read_file(LMT_SRCPATH(path, rel), &sink), LM_OK,
               "%s", lm__errmsg());
  cr_assert_eq(read_buf(&b, xml, len), LM_OK);
  cr_assert_eq(a.n, b.n);
  for (i = 0; i < a.n; i++) {
    expect_same(a.rec[i], b.rec[i]);
    cr_expect_eq(a.rec[i]->line, b.rec[i]->line);
  }
  got_free(&a);
  got_free(&b);
  free(xml);
}

Test(xml, free_text_salary_and_age_are_normalised)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J1\"><title>焊工</title>"
                  "<salary>5千-8千元/月</salary>"
                  "<requirements><age>18至45周歲</age></requirements></job>"
                  "<job id=\"J2\"><title>保安</title>"
                  "<salary>面議</salary></job>"
                  "<seeker id=\"S1\"><salary>4.5K</salary></seeker>");
  const lm_record *r;

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(g.nbad, 0, "%s", g.nbad ? g.bad[0].reason : "");
  r = find(&g, LM_JOB, "J1");
  cr_expect_str_eq(F(r, LM_F_SALARY), "5千-8千元/月");
  cr_expect_str_eq(F(r, LM_F_SALARY_MIN), "5000");
  cr_expect_str_eq(F(r, LM_F_SALARY_MAX), "8000");
  cr_expect_str_eq(F(r, LM_F_AGE), "18至45周歲");
  cr_expect_str_eq(F(r, LM_F_AGE_MIN), "18");
  cr_expect_str_eq(F(r, LM_F_AGE_MAX), "45");
  r = find(&g, LM_JOB, "J2");
  cr_expect_str_eq(F(r, LM_F_SALARY), "面議");
  cr_expect_str_eq(F(r, LM_F_NEGOTIABLE), "1");
  cr_expect_str_eq(F(r, LM_F_SALARY_MIN), "");
  r = find(&g, LM_SEEKER, "S1");
  cr_expect_str_eq(F(r, LM_F_SALARY_MIN), "4500");
  got_free(&g);
  free(xml);
}

Test(xml, attributes_win_over_text)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J1\"><title>t</title>"
                  "<salary min=\"6000\">5千-8千元/月</salary>"
                  "<requirements><age max=\"40\">18至45周歲</age>"
                  "</requirements></job>");
  const lm_record *r;

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  r = find(&g, LM_JOB, "J1");
  cr_expect_str_eq(F(r, LM_F_SALARY_MIN), "6000");
  cr_expect_str_eq(F(r, LM_F_SALARY_MAX), "8000");
  cr_expect_str_eq(F(r, LM_F_SALARY), "5千-8千元/月");
  cr_expect_str_eq(F(r, LM_F_AGE_MIN), "18");
  cr_expect_str_eq(F(r, LM_F_AGE_MAX), "40");
  got_free(&g);
  free(xml);
}

Test(xml, salary_for_another_period_is_converted_to_a_month)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J1\"><salary min=\"200\" max=\"300\" "
                  "period=\"day\"/></job>"
                  "<job id=\"J2\"><salary min=\"60000\" period=\"year\"/>"
                  "</job>"
                  "<job id=\"J3\"><salary min=\"5000\" period=\"month\"/>"
                  "</job>");
  char want[32];
  const lm_record *r;

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(g.nbad, 0, "%s", g.nbad ? g.bad[0].reason : "");
  r = find(&g, LM_JOB, "J1");
  snprintf(want, sizeof want, "%ld", lm__salary_per_month(200, LM__PER_DAY));
  cr_expect_str_eq(F(r, LM_F_SALARY_MIN), want);
  snprintf(want, sizeof want, "%ld", lm__salary_per_month(300, LM__PER_DAY));
  cr_expect_str_eq(F(r, LM_F_SALARY_MAX), want);
  r = find(&g, LM_JOB, "J2");
  cr_expect_str_eq(F(r, LM_F_SALARY_MIN), "5000");
  cr_expect_str_eq(F(r, LM_F_SALARY_MAX), "");
  r = find(&g, LM_JOB, "J3");
  cr_expect_str_eq(F(r, LM_F_SALARY_MIN), "5000");
  got_free(&g);
  free(xml);
}

Test(xml, status_closed_or_withdrawn_marks_a_removal)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J1\" status=\"closed\"/>\n"
                  "<seeker id=\"S1\" status=\"withdrawn\"/>\n"
                  "<job id=\"J2\" status=\"open\"><title>t</title></job>\n");

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(g.n, 3);
  cr_expect_eq(find(&g, LM_JOB, "J1")->removal, 1);
  cr_expect_eq(find(&g, LM_SEEKER, "S1")->removal, 1);
  cr_expect_eq(find(&g, LM_JOB, "J2")->removal, 0);
  got_free(&g);
  free(xml);
}

Test(xml, lists_repeat_and_white_space_around_text_is_dropped)
{
  got_t g = {0};
  char *xml = doc("<seeker id=\"S1\">\n"
                  "  <group>graduate</group>\n"
                  "  <group>  veteran\n  </group>\n"
                  "  <group>some-new-group</group>\n"
                  "  <preference><industry>物流</industry></preference>\n"
                  "  <preference><industry>零售</industry>"
                  "<shift>night</shift></preference>\n"
                  "  <certificate>電工</certificate>"
                  "<certificate>焊工</certificate>\n"
                  "  <skill>叉車</skill>\n"
                  "</seeker>");
  const lm_record *s;

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(g.nbad, 0, "%s", g.nbad ? g.bad[0].reason : "");
  s = find(&g, LM_SEEKER, "S1");
  cr_expect_eq(s->list[LM_F_GROUP].n, 3);
  cr_expect_str_eq(item(s, LM_F_GROUP, 1), "veteran");
  cr_expect_str_eq(item(s, LM_F_GROUP, 2), "some-new-group");
  cr_expect_eq(s->list[LM_F_PREF_INDUSTRY].n, 2);
  cr_expect_str_eq(item(s, LM_F_PREF_SHIFT, 0), "night");
  cr_expect_eq(s->list[LM_F_CERTIFICATE].n, 2);
  cr_assert_eq(s->nskills, 1);
  cr_expect_eq(s->skills[0].years, -1);
  got_free(&g);
  free(xml);
}

Test(xml, entities_character_references_cdata_and_comments_are_text)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J&amp;1\"><title>A&amp;B &lt;C&gt; &quot;D&quot;"
                  " &apos;E&apos; &#x4E2D;&#25991;</title>"
                  "<description><![CDATA[x < y & z]]><!-- no --> more"
                  "<?pi ignored?></description></job>");
  const lm_record *r;

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  r = find(&g, LM_JOB, "J&1");
  cr_expect_str_eq(F(r, LM_F_NAME), "A&B <C> \"D\" 'E' 中文");
  cr_expect_str_eq(F(r, LM_F_DESCRIPTION), "x < y & z more");
  got_free(&g);
  free(xml);
}

Test(xml, byte_order_mark_and_no_declaration_are_accepted)
{
  got_t g = {0};
  const char *a = "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                  "<libmatch version=\"1\"><job id=\"J1\"/></libmatch>";
  const char *b = "\n<!-- c --><libmatch version='1'><job id='J2'/>"
                  "</libmatch>";

  cr_expect_eq(read_str(&g, a), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(read_str(&g, b), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(g.n, 2);
  got_free(&g);
}

/* ------------------------------------------------------- record errors */

Test(xml, unknown_element_is_a_record_error_and_the_next_record_is_read)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J1\">\n"
                  "  <title>a</title>\n"
                  "  <foo>x</foo>\n"
                  "</job>\n"
                  "<job id=\"J2\"><title>b</title></job>\n"
                  "<job id=\"J3\"><requirements><bar/></requirements></job>\n"
                  "<employer id=\"E1\"><title>no</title></employer>\n");

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(g.n, 1);
  cr_expect_str_eq(g.rec[0]->id, "J2");
  cr_expect_eq(g.rec[0]->line, 7);
  cr_assert_eq(g.nbad, 3);
  cr_expect_str_eq(g.bad[0].id, "J1");
  cr_expect_eq(g.bad[0].line, 3);
  cr_expect_eq(g.bad[0].code, LM_EPARSE);
  cr_expect_str_eq(g.bad[0].reason, "unknown element <foo> in job J1");
  cr_expect_str_eq(g.bad[1].id, "J3");
  cr_expect_eq(g.bad[1].line, 8);
  cr_expect(strstr(g.bad[1].reason, "<bar>") != NULL, "%s",
            g.bad[1].reason);
  cr_expect(strstr(g.bad[1].reason, "<requirements>") != NULL);
  cr_expect_str_eq(g.bad[2].reason, "unknown element <title> in employer E1");
  got_free(&g);
  free(xml);
}

Test(xml, unknown_attribute_is_a_record_error)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J1\" color=\"red\"/>\n"
                  "<job id=\"J2\"><title lang=\"zh\">a</title></job>\n"
                  "<job id=\"J3\" xml:lang=\"zh\"/>\n"
                  "<job id=\"J4\" xmlns:x=\"urn:x\"/>\n"
                  "<job id=\"J5\"/>\n");

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(g.n, 1);
  cr_expect_str_eq(g.rec[0]->id, "J5");
  cr_assert_eq(g.nbad, 4);
  cr_expect_str_eq(g.bad[0].reason, "unknown attribute 'color' on job J1");
  cr_expect_str_eq(g.bad[1].reason,
                   "unknown attribute 'lang' on <title> in job J2");
  cr_expect_eq(g.bad[1].line, 4);
  cr_expect(strstr(g.bad[2].reason, "'lang'") != NULL, "%s",
            g.bad[2].reason);
  cr_expect(strstr(g.bad[3].reason, "xmlns") != NULL, "%s",
            g.bad[3].reason);
  got_free(&g);
  free(xml);
}

Test(xml, bad_values_are_record_errors_with_id_line_and_reason)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J1\" openings=\"many\"/>\n"
                  "<job id=\"J2\">\n  <location lat=\"95\" lon=\"115\"/>\n"
                  "</job>\n"
                  "<job id=\"J3\"><salary>五千八</salary></job>\n"
                  "<job id=\"J4\"><requirements><skill level=\"maybe\">x"
                  "</skill></requirements></job>\n"
                  "<seeker id=\"S1\"><skill years=\"lots\">x</skill>"
                  "</seeker>\n"
                  "<job id=\"J5\"><salary min=\"1\" period=\"fortnight\"/>"
                  "</job>\n"
                  "<job id=\"J6\"><description>ok</description></job>\n");

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(g.nbad, 6);
  cr_expect_str_eq(g.bad[0].id, "J1");
  cr_expect_eq(g.bad[0].line, 3);
  cr_expect_eq(g.bad[0].code, LM_EINVAL);
  cr_expect(strstr(g.bad[0].reason, "openings") != NULL, "%s",
            g.bad[0].reason);
  cr_expect_str_eq(g.bad[1].id, "J2");
  cr_expect_eq(g.bad[1].line, 4);
  cr_expect(strstr(g.bad[1].reason, "<location>") != NULL, "%s",
            g.bad[1].reason);
  cr_expect(strstr(g.bad[1].reason, "lat") != NULL);
  cr_expect(strstr(g.bad[2].reason, "salary") != NULL, "%s",
            g.bad[2].reason);
  cr_expect(strstr(g.bad[3].reason, "maybe") != NULL, "%s",
            g.bad[3].reason);
  cr_expect(strstr(g.bad[4].reason, "years") != NULL, "%s",
            g.bad[4].reason);
  cr_expect(strstr(g.bad[5].reason, "fortnight") != NULL, "%s",
            g.bad[5].reason);
  cr_assert_eq(g.n, 1);
  cr_expect_str_eq(g.rec[0]->id, "J6");
  got_free(&g);
  free(xml);
}

Test(xml, record_without_a_good_id_is_reported_without_one)
{
  got_t g = {0};
  char *xml = doc("<job><title>a</title></job>\n"
                  "<job id=\"has space\"/>\n"
                  "<foo id=\"X\"/>\n"
                  "stray text\n"
                  "<job id=\"J1\"/>\n");

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(g.nbad, 4);
  cr_expect_null(g.bad[0].id);
  cr_expect_eq(g.bad[0].line, 3);
  cr_expect_str_eq(g.bad[0].reason, "job without id");
  cr_expect_null(g.bad[1].id);
  cr_expect(strstr(g.bad[1].reason, "bad id") != NULL);
  cr_expect_str_eq(g.bad[2].reason, "unknown element <foo>");
  cr_expect_eq(g.bad[2].line, 5);
  cr_expect_str_eq(g.bad[3].reason, "text outside a record");
  cr_expect_eq(g.bad[3].line, 6);
  cr_assert_eq(g.n, 1);
  cr_expect_str_eq(g.rec[0]->id, "J1");
  got_free(&g);
  free(xml);
}

Test(xml, text_over_the_limit_is_a_record_error)
{
  got_t g = {0};
  size_t n = LM__TEXT_MAX + 10, i;
  char *body = malloc(n + 200), *xml;

  strcpy(body, "<job id=\"J1\"><description>");
  i = strlen(body);
  memset(body + i, 'x', n);
  strcpy(body + i + n, "</description></job><job id=\"J2\"/>");
  xml = doc(body);
  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(g.nbad, 1);
  cr_expect_str_eq(g.bad[0].id, "J1");
  cr_expect(strstr(g.bad[0].reason, "longer than") != NULL, "%s",
            g.bad[0].reason);
  cr_assert_eq(g.n, 1);
  cr_expect_str_eq(g.rec[0]->id, "J2");
  got_free(&g);
  free(body);
  free(xml);
}

Test(xml, text_at_the_limit_is_read)
{
  got_t g = {0};
  size_t n = LM__TEXT_MAX, i;
  char *body = malloc(n + 200), *xml;

  strcpy(body, "<job id=\"J1\"><description>");
  i = strlen(body);
  memset(body + i, 'x', n);
  strcpy(body + i + n, "</description></job>");
  xml = doc(body);
  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(g.nbad, 0, "%s", g.nbad ? g.bad[0].reason : "");
  cr_assert_eq(g.n, 1);
  cr_expect_eq(strlen(F(g.rec[0], LM_F_DESCRIPTION)), n);
  got_free(&g);
  free(body);
  free(xml);
}

Test(xml, personal_data_never_appears_in_a_reason)
{
  got_t g = {0};
  char *long_phone = malloc(LM__TEXT_MAX + 100), *body, *xml;
  size_t i;

  memset(long_phone, '9', LM__TEXT_MAX + 50);
  long_phone[LM__TEXT_MAX + 50] = '\0';
  body = malloc(LM__TEXT_MAX + 500);
  snprintf(body, LM__TEXT_MAX + 500,
           "<seeker id=\"S1\"><contact phone=\"13800000000\" "
           "id-number=\"420202200301011234\" fax=\"1\"/></seeker>\n"
           "<seeker id=\"S2\"><contact phone=\"%s\"/></seeker>\n"
           "<seeker id=\"S3\"><contact phone=\"\" "
           "id-number=\"420202200301011234\"/></seeker>\n",
           long_phone);
  xml = doc(body);
  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(g.nbad, 3);
  for (i = 0; i < g.nbad; i++) {
    cr_expect(strstr(g.bad[i].reason, "13800000000") == NULL);
    cr_expect(strstr(g.bad[i].reason, "4202022003") == NULL);
    cr_expect(strstr(g.bad[i].reason, "99999") == NULL);
  }
  cr_expect(strstr(g.bad[0].reason, "fax") != NULL, "%s", g.bad[0].reason);
  got_free(&g);
  free(xml);
  free(body);

  /* A document broken inside <contact>: libxml2's message keeps the
   * bytes it choked on on a second line, which we drop. */
  xml = doc("<seeker id=\"S1\"><contact phone=\"1380000\xff\x30\x30\x30\"/>"
            "</seeker>");
  cr_expect_eq(read_str(&g, xml), LM_EPARSE);
  cr_expect(strstr(lm__errmsg(), "UTF-8") != NULL, "%s", lm__errmsg());
  cr_expect(strstr(lm__errmsg(), "0x") == NULL, "%s", lm__errmsg());
  cr_expect(strstr(lm__errmsg(), "1380000") == NULL, "%s", lm__errmsg());
  got_free(&g);
  free(xml);
  free(long_phone);
}

Test(xml, reasons_stay_utf8_when_names_are_cut_short)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J1\"><數控車床數控車床數控車床數控車床/></job>"
                  "<job id=\"J2\" 數控車床數控車床數控車床數控車床=\"1\"/>");
  size_t i;

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(g.nbad, 2);
  for (i = 0; i < g.nbad; i++)
    cr_expect(lm__utf8_valid(g.bad[i].reason, strlen(g.bad[i].reason)),
              "%s", g.bad[i].reason);
  cr_expect(strstr(g.bad[0].reason, "<數控車床") != NULL, "%s",
            g.bad[0].reason);
  got_free(&g);
  free(xml);
}

Test(xml, a_sink_that_says_stop_stops_the_reading)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J1\"/><job id=\"J2\"/><job id=\"J3\"/>");

  g.stop_at = 2;
  cr_expect_eq(read_str(&g, xml), LM_ERROR);
  cr_expect_str_eq(lm__errmsg(), "stop");
  cr_expect_eq(g.seen, 2);
  got_free(&g);
  free(xml);
}

/* -------------------------------------------------- malformed documents */

Test(xml, malformed_document_stops_with_a_line_and_keeps_what_came_before)
{
  got_t g = {0};
  const char *xml = "<libmatch version=\"1\">\n"
                    "<job id=\"J1\"><title>a</title></job>\n"
                    "<job id=\"J2\"><title>b</title></job>\n"
                    "<job id=\"J3\"><title>c</titl></job>\n"
                    "<job id=\"J4\"><title>d</title></job>\n"
                    "</libmatch>\n";

  cr_assert_eq(read_str(&g, xml), LM_EPARSE);
  cr_expect(strncmp(lm__errmsg(), "line 4: ", 8) == 0, "%s", lm__errmsg());
  cr_expect(strstr(lm__errmsg(), "titl") != NULL, "%s", lm__errmsg());
  /* The records before the break are whole and handed over; the broken
   * one and those after it are not. */
  cr_assert_eq(g.n, 2);
  cr_expect_str_eq(g.rec[0]->id, "J1");
  cr_expect_str_eq(g.rec[1]->id, "J2");
  cr_expect_eq(g.nbad, 0);
  got_free(&g);
}

Test(xml, malformed_document_far_down_keeps_every_record_before_it)
{
  got_t g = {0};
  size_t n = 3000, i, cap = n * 64 + 256, len = 0;
  char *xml = malloc(cap);

  len += (size_t)snprintf(xml + len, cap - len, "<libmatch version=\"1\">\n");
  for (i = 0; i < n; i++)
    len += (size_t)snprintf(xml + len, cap - len,
                            "<job id=\"J%zu\"><title>t</title></job>\n", i);
  /* Broken in the end tag of a last record: J<n> is not complete. */
  snprintf(xml + len, cap - len, "<job id=\"J%zu\"><title>t</title></jo>",
           n);
  cr_assert_eq(read_str(&g, xml), LM_EPARSE);
  cr_expect_eq(g.seen, n);
  {
    char want[32];
    snprintf(want, sizeof want, "line %zu: ", n + 2);
    cr_expect(strncmp(lm__errmsg(), want, strlen(want)) == 0, "%s",
              lm__errmsg());
  }
  got_free(&g);
  free(xml);
}

Test(xml, truncated_document_keeps_the_records_it_completed)
{
  got_t g = {0};
  const char *xml = "<libmatch version=\"1\"><job id=\"J1\"/><job id=\"J2\">"
                    "<title>x</title>";

  cr_assert_eq(read_str(&g, xml), LM_EPARSE);
  cr_expect_eq(g.seen, 1);
  cr_expect(strncmp(lm__errmsg(), "line 1: ", 8) == 0, "%s", lm__errmsg());
  got_free(&g);
}

Test(xml, wrong_root_or_version_is_a_document_error)
{
  got_t g = {0};
  const char *bad[] = {
      "<jobs version=\"1\"><job id=\"J1\"/></jobs>",
      "<libmatch version=\"2\"><job id=\"J1\"/></libmatch>",
      "<libmatch><job id=\"J1\"/></libmatch>",
      "<libmatch version=\"1\" extra=\"x\"><job id=\"J1\"/></libmatch>",
      "<libmatch xmlns=\"urn:x\" version=\"1\"><job id=\"J1\"/></libmatch>",
      "",
      "   \n",
      "<libmatch version=\"1\"/><libmatch version=\"1\"/>",
  };
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cr_expect_eq(read_str(&g, bad[i]), LM_EPARSE, "%s", bad[i]);
    cr_expect(strncmp(lm__errmsg(), "line ", 5) == 0, "%s", lm__errmsg());
  }
  cr_expect_eq(g.seen, 0);
  got_free(&g);
}

Test(xml, empty_document_with_no_records_is_fine)
{
  got_t g = {0};
  cr_expect_eq(read_str(&g, "<libmatch version=\"1\"/>"), LM_OK);
  cr_expect_eq(read_str(&g, "<libmatch version=\"1\">\n</libmatch>"), LM_OK);
  cr_expect_eq(g.seen + g.nbad, 0);
}

Test(xml, missing_file_is_an_io_error)
{
  got_t g = {0};
  lm__xml_sink sink = {got_record, got_bad, &g};

  cr_expect_eq(lm__xml_read_file("/nonexistent/libmatch.xml", &sink),
               LM_ERROR);
  cr_expect(strstr(lm__errmsg(), "/nonexistent/libmatch.xml") != NULL);
  cr_expect_eq(lm__xml_read_file("/", &sink), LM_ERROR, "%s",
               lm__errmsg());
  cr_expect_eq(lm__xml_read_memory(NULL, 3, &sink), LM_EINVAL);
}

/* ------------------------------------------------------- hostile input */

static const char billion_laughs[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"
    "&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"
    "&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"
    "&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"
    "&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"
    "&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"
    "&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"
    "&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;"
    "&lol8;&lol8;\">\n"
    "]>\n"
    "<libmatch version=\"1\"><job id=\"J1\"><title>&lol9;</title></job>"
    "</libmatch>\n";

Test(xml, billion_laughs_ends_in_a_parse_error_at_once)
{
  got_t g = {0};
  double t0 = now();

  cr_assert_eq(read_str(&g, billion_laughs), LM_EPARSE);
  cr_expect(now() - t0 < 1.0);
  cr_expect_str_eq(lm__errmsg(), "line 2: DTDs are not accepted");
  cr_expect_eq(g.seen + g.nbad, 0);
  got_free(&g);
}

Test(xml, external_entity_is_never_read)
{
  got_t g = {0};
  const char *xxe[] = {
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
      "<libmatch version=\"1\"><job id=\"J1\"><title>&e;</title></job>"
      "</libmatch>",
      "<!DOCTYPE libmatch SYSTEM \"http://example.invalid/x.dtd\">"
      "<libmatch version=\"1\"/>",
      "<!-- x --><!DOCTYPE x [<!ENTITY % p SYSTEM \"file:///etc/passwd\">"
      "%p;]><libmatch version=\"1\"/>",
      /* Without a DTD, only the five predefined entities exist. */
      "<libmatch version=\"1\"><job id=\"J1\"><title>&e;</title></job>"
      "</libmatch>",
  };
  size_t i;
  double t0 = now();

  for (i = 0; i < sizeof xxe / sizeof xxe[0]; i++) {
    cr_expect_eq(read_str(&g, xxe[i]), LM_EPARSE, "%s", xxe[i]);
    cr_expect(strstr(lm__errmsg(), "root:") == NULL, "%s", lm__errmsg());
    cr_expect(strncmp(lm__errmsg(), "line ", 5) == 0, "%s", lm__errmsg());
    cr_expect_eq(g.seen, 0, "%s", xxe[i]);
  }
  cr_expect_str_eq(lm__errmsg(), "line 1: Entity 'e' not defined");
  cr_expect(now() - t0 < 1.0);
  got_free(&g);
}

Test(xml, dtd_is_refused_wherever_it_hides_in_the_prolog)
{
  got_t g = {0};
  char big[8192];
  size_t i;

  /* A DOCTYPE after a long comment, beyond libxml2's first read. */
  snprintf(big, sizeof big, "<?xml version=\"1.0\"?>\n<!--");
  for (i = strlen(big); i < 6000; i++)
    big[i] = i % 80 ? 'c' : '\n';
  snprintf(big + i, sizeof big - i,
           "-->\n<!DOCTYPE x [<!ENTITY e \"e\">]><libmatch version=\"1\">"
           "<job id=\"J1\"><title>&e;</title></job></libmatch>");
  cr_expect_eq(read_str(&g, big), LM_EPARSE);
  cr_expect(strstr(lm__errmsg(), "DTDs are not accepted") != NULL, "%s",
            lm__errmsg());
  cr_expect(strncmp(lm__errmsg(), "line 77: ", 9) == 0, "%s", lm__errmsg());
  cr_expect_eq(g.seen, 0);
  got_free(&g);
}

Test(xml, encodings_other_than_utf8_are_refused)
{
  got_t g = {0};
  static const char u16le[] = "\xFF\xFE<\0l\0i\0b\0";
  static const char u16nobom[] = "<\0?\0x\0m\0l\0";
  static const char ebcdic[] = "\x4C\x6F\xA7\x94\x93";

  cr_expect_eq(read_str(&g, "<?xml version=\"1.0\" encoding=\"GBK\"?>"
                            "<libmatch version=\"1\"/>"),
               LM_EPARSE);
  cr_expect(strstr(lm__errmsg(), "GBK") != NULL, "%s", lm__errmsg());
  cr_expect_eq(read_str(&g, "<?xml version='1.0' encoding='ISO-8859-1'?>"
                            "<libmatch version=\"1\"/>"),
               LM_EPARSE);
  cr_expect_eq(read_buf(&g, u16le, sizeof u16le - 1), LM_EPARSE);
  cr_expect(strstr(lm__errmsg(), "UTF-8") != NULL, "%s", lm__errmsg());
  cr_expect_eq(read_buf(&g, u16nobom, sizeof u16nobom - 1), LM_EPARSE);
  cr_expect_eq(read_buf(&g, ebcdic, sizeof ebcdic - 1), LM_EPARSE);
  cr_expect_eq(g.seen, 0);
  got_free(&g);
}

Test(xml, invalid_utf8_is_refused)
{
  got_t g = {0};
  const char *bad[] = {
      "<job id=\"J2\"><title>a\xe4\xb8</title></job>",     /* cut short */
      "<job id=\"J2\"><title>a\xc0\xaf</title></job>",     /* overlong */
      "<job id=\"J2\"><title>\xed\xa0\x80</title></job>",  /* surrogate */
      "<job id=\"J2\"><title>\xf4\x90\x80\x80</title></job>", /* > 10FFFF */
      "<job id=\"J2\" employer=\"E\xff\"/>",               /* attribute */
      "<job id=\"J\xfe\"/>",                               /* id */
  };
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char body[256], *xml;
    snprintf(body, sizeof body, "<job id=\"J1\"/>\n%s\n<job id=\"J3\"/>",
             bad[i]);
    xml = doc(body);
    cr_expect_eq(read_str(&g, xml), LM_EPARSE, "case %zu", i);
    cr_expect(strncmp(lm__errmsg(), "line 4: ", 8) == 0, "case %zu: %s", i,
              lm__errmsg());
    /* J1 came whole before the bad bytes; J2 and J3 never do. */
    cr_expect_eq(g.n, 1, "case %zu", i);
    got_free(&g);
    free(xml);
  }
}

static char *nested(int levels)
{
  size_t cap = (size_t)levels * 8 + 256, len = 0;
  char *s = malloc(cap);
  int i;

  len += (size_t)snprintf(s, cap, "<libmatch version=\"1\"><job id=\"J1\">");
  for (i = 2; i < levels; i++)
    len += (size_t)snprintf(s + len, cap - len, "<a>");
  for (i = 2; i < levels; i++)
    len += (size_t)snprintf(s + len, cap - len, "</a>");
  snprintf(s + len, cap - len, "</job><job id=\"J2\"/></libmatch>");
  return s;
}

Test(xml, nesting_deeper_than_64_is_a_document_error)
{
  got_t g = {0};
  char *ok = nested(64), *deep = nested(65), *very = nested(100000);
  double t0;

  /* 64 levels: the document stands; <a> is only a bad record. */
  cr_expect_eq(read_str(&g, ok), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(g.nbad, 1);
  cr_expect_eq(g.n, 1);
  got_free(&g);
  cr_expect_eq(read_str(&g, deep), LM_EPARSE);
  cr_expect(strstr(lm__errmsg(), "nested more than 64") != NULL, "%s",
            lm__errmsg());
  cr_expect_eq(g.n, 0);
  got_free(&g);
  t0 = now();
  cr_expect_eq(read_str(&g, very), LM_EPARSE);
  cr_expect(now() - t0 < 1.0);
  got_free(&g);
  free(ok);
  free(deep);
  free(very);
}

Test(xml, xml_id_is_a_document_error)
{
  got_t g = {0};
  char *xml = doc("<job id=\"J1\"/><job id=\"J2\" xml:id=\"a\"/>");

  cr_expect_eq(read_str(&g, xml), LM_EPARSE);
  cr_expect(strstr(lm__errmsg(), "xml:id") != NULL, "%s", lm__errmsg());
  cr_expect_eq(g.n, 1);
  got_free(&g);
  free(xml);
}

Test(xml, markup_lookalikes_in_text_comments_and_cdata_are_text)
{
  got_t g = {0};
  char *xml = doc("<!-- <!DOCTYPE x [<!ENTITY e \"e\">]> -->\n"
                  "<job id=\"J1\"><title>a > b</title>"
                  "<description><![CDATA[<!DOCTYPE x> <a b=\"c\"> ]] ]]]]>"
                  "</description>"
                  "<?pi <!DOCTYPE x> \"?>"
                  "<industry>\"quoted' &lt;!DOCTYPE</industry></job>\n"
                  "<seeker id=\"S1\"><education major='a>b \"c\"'/>"
                  "</seeker>\n");
  const lm_record *r;

  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(g.n, 2, "%s", g.nbad ? g.bad[0].reason : "");
  r = find(&g, LM_JOB, "J1");
  cr_expect_str_eq(F(r, LM_F_NAME), "a > b");
  cr_expect_str_eq(F(r, LM_F_DESCRIPTION), "<!DOCTYPE x> <a b=\"c\"> ]] ]]");
  cr_expect_str_eq(F(r, LM_F_INDUSTRY), "\"quoted' <!DOCTYPE");
  r = find(&g, LM_SEEKER, "S1");
  cr_expect_str_eq(F(r, LM_F_MAJOR), "a>b \"c\"");
  got_free(&g);
  free(xml);
}

/* libxml2 2.9 checks a tag's attributes against each other in quadratic
 * time: a tag with 100,000 of them would take minutes. */
Test(xml, too_many_attributes_on_one_element_end_the_document_at_once)
{
  got_t g = {0};
  size_t n = 100000, i, cap = n * 16 + 256, len = 0;
  char *xml = malloc(cap);
  double t0;

  len += (size_t)snprintf(xml, cap, "<libmatch version=\"1\">\n"
                                    "<job id=\"J1\"/>\n<job id=\"J2\"");
  for (i = 0; i < n; i++)
    len += (size_t)snprintf(xml + len, cap - len, " a%zu=\"\"", i);
  snprintf(xml + len, cap - len, "/>\n</libmatch>\n");
  t0 = now();
  cr_expect_eq(read_str(&g, xml), LM_EPARSE);
  cr_expect(now() - t0 < 1.0);
  cr_expect_str_eq(lm__errmsg(),
                   "line 3: more than 32 attributes on one element");
  cr_expect_eq(g.n, 1); /* J1 came before */
  cr_expect_eq(g.nbad, 0);
  got_free(&g);
  free(xml);
}

/* libxml2 2.9's name dictionary slows down as it fills: a million
 * different names would take minutes.  Many records with the same
 * unknown element are only bad records. */
Test(xml, many_different_unknown_names_end_the_document)
{
  got_t g = {0};
  size_t n = 200000, i, cap = n * 40 + 256, len = 0;
  char *xml = malloc(cap);
  double t0;

  len += (size_t)snprintf(xml, cap, "<libmatch version=\"1\">\n");
  for (i = 0; i < 2000; i++)
    len += (size_t)snprintf(xml + len, cap - len,
                            "<job id=\"J%zu\"><foo/></job>\n", i);
  snprintf(xml + len, cap - len, "</libmatch>\n");
  cr_expect_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(g.badseen, 2000);
  got_free(&g);

  len = (size_t)snprintf(xml, cap, "<libmatch version=\"1\">\n");
  for (i = 0; i < n; i++)
    len += (size_t)snprintf(xml + len, cap - len,
                            "<job id=\"J%zu\"><x%zu/></job>\n", i, i);
  snprintf(xml + len, cap - len, "</libmatch>\n");
  t0 = now();
  cr_expect_eq(read_str(&g, xml), LM_EPARSE);
  cr_expect(now() - t0 < 2.0);
  cr_expect(strstr(lm__errmsg(), "more than 1000 different names") != NULL,
            "%s", lm__errmsg());
  cr_expect(strncmp(lm__errmsg(), "line 1002: ", 11) == 0, "%s",
            lm__errmsg());
  cr_expect_eq(g.badseen, 1000);
  got_free(&g);
  free(xml);
}

Test(xml, an_earlier_parse_error_wins_over_a_later_cut)
{
  got_t g = {0};
  char body[4000];
  size_t len, i;
  char *xml;

  /* Line 3 is broken; line 5 would be cut by the scanner, in the same
   * read.  The message names the first problem. */
  len = (size_t)snprintf(body, sizeof body,
                         "<job id=\"J1\"><title>x</titl></job>\n\n<job ");
  for (i = 0; i < 40; i++)
    len += (size_t)snprintf(body + len, sizeof body - len, " a%zu=\"\"", i);
  snprintf(body + len, sizeof body - len, "/>");
  xml = doc(body);
  cr_expect_eq(read_str(&g, xml), LM_EPARSE);
  cr_expect(strncmp(lm__errmsg(), "line 3: ", 8) == 0, "%s", lm__errmsg());
  cr_expect(strstr(lm__errmsg(), "titl") != NULL, "%s", lm__errmsg());
  got_free(&g);
  free(xml);
}

Test(xml, names_longer_than_256_bytes_end_the_document)
{
  got_t g = {0};
  char name[400], body[1200], *xml;

  memset(name, 'n', 300);
  name[300] = '\0';
  snprintf(body, sizeof body, "<job id=\"J1\"/>\n<job id=\"J2\"><%s/></job>",
           name);
  xml = doc(body);
  cr_expect_eq(read_str(&g, xml), LM_EPARSE);
  cr_expect_str_eq(lm__errmsg(), "line 4: a name longer than 256 bytes");
  cr_expect_eq(g.n, 1);
  got_free(&g);
  free(xml);
  snprintf(body, sizeof body, "<job id=\"J1\" %s=\"1\"/>", name);
  xml = doc(body);
  cr_expect_eq(read_str(&g, xml), LM_EPARSE);
  cr_expect_eq(g.n + g.nbad, 0);
  got_free(&g);
  free(xml);
}

Test(xml, hostile_input_prints_nothing, .init = cr_redirect_stderr)
{
  got_t g = {0};
  char *deep = nested(300);

  read_str(&g, billion_laughs);
  read_str(&g, "<libmatch version=\"1\"><job id=\"J1\">&e;</job></libmatch>");
  read_str(&g, "<libmatch version=\"1\"><job id=\"J1\">\xff</job>"
               "</libmatch>");
  read_str(&g, "<libmatch version=\"1\"><job id=\"J1\" a:b=\"1\"/>"
               "</libmatch>");
  read_str(&g, "<libmatch version=\"1\"><job");
  read_str(&g, "");
  read_str(&g, deep);
  got_free(&g);
  free(deep);
  fflush(stderr);
  cr_expect_stderr_eq_str("");
}

Test(xml, line_numbers_past_65535_are_exact)
{
  got_t g = {0};
  size_t n = 70000, i, cap = n * 48 + 256, len = 0;
  char *xml = malloc(cap);

  len += (size_t)snprintf(xml + len, cap - len,
                          "<libmatch version=\"1\">\n"); /* line 1 */
  for (i = 0; i < n; i++) /* job J<i> is on line i + 2 */
    len += (size_t)snprintf(xml + len, cap - len,
                            i == 69990 ? "  <job id=\"J%zu\"><x/></job>\n"
                                       : "  <job id=\"J%zu\"/>\n",
                            i);
  snprintf(xml + len, cap - len, "</libmatch>\n");
  cr_assert_eq(read_str(&g, xml), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(g.nbad, 1);
  cr_expect_str_eq(g.bad[0].id, "J69990");
  cr_expect_eq(g.bad[0].line, 69992);
  cr_expect_eq(g.seen, n - 1);
  got_free(&g);
  free(xml);
}

/* Out of memory anywhere: LM_ENOMEM, nothing leaks (ASan and valgrind
 * check that part), and a later read works. */
Test(xml, allocation_failures_end_in_enomem)
{
  size_t len;
  char *xml = fixture("xml-format-examples.xml", &len);
  long n;
  int rc = LM_ENOMEM;

  for (n = 0; rc != LM_OK && n < 10000; n++) {
    got_t g = {0};
    lm__alloc_fail_after(n);
    rc = read_buf(&g, xml, len);
    lm__alloc_fail_after(-1);
    cr_assert(rc == LM_OK || rc == LM_ENOMEM, "n=%ld rc=%d %s", n, rc,
              lm__errmsg());
    /* Every record is handed over or reported.  (record.c reads some
     * out-of-memory failures of the normalisers as bad values, so a
     * record can be reported rather than stopping the reading.) */
    if (rc == LM_OK)
      cr_expect_eq(g.n + g.nbad, 5, "n=%ld", n);
    got_free(&g);
  }
  cr_expect_eq(rc, LM_OK);
  free(xml);
}

/* The reader keeps nothing global: threads read at once. */
static void *read_many(void *arg)
{
  const char *xml = arg;
  long bad = 0;
  int i;

  for (i = 0; i < 40; i++) {
    got_t g = {0};
    if (read_str(&g, xml) != LM_OK || g.n != 5)
      bad++;
    got_free(&g);
    if (read_str(&g, billion_laughs) != LM_EPARSE ||
        strcmp(lm__errmsg(), "line 2: DTDs are not accepted") != 0)
      bad++;
    got_free(&g);
  }
  return (void *)bad;
}

Test(xml, threads_read_at_once)
{
  pthread_t t[6];
  size_t len;
  char *xml = fixture("xml-format-examples.xml", &len);
  void *bad;
  int i;

  for (i = 0; i < 6; i++)
    cr_assert_eq(pthread_create(&t[i], NULL, read_many, xml), 0);
  for (i = 0; i < 6; i++) {
    pthread_join(t[i], &bad);
    cr_expect_eq((long)bad, 0);
  }
  free(xml);
}

/* ------------------------------------------------------------ the writer */

Test(xml, writer_output_reads_back_to_the_same_records)
{
  got_t a = {0}, b = {0};
  size_t len, len1, i;
  char *xml = fixture("xml-format-examples.xml", &len), *out;
  char *more = doc("<job id=\"J2\"><title>焊工</title>"
                   "<salary min=\"6000\">5千-8千元/月</salary>"
                   "<requirements><age>18至45周歲</age>"
                   "<skill>氬弧焊</skill></requirements></job>"
                   "<job id=\"J3\"><salary>面議</salary>"
                   "<priority group=\"veteran\"/><priority group=\"disabled\"/>"
                   "</job>"
                   "<job id=\"J4\" status=\"closed\"/>"
                   "<seeker id=\"S2\"><group>veteran</group><group>x-y</group>"
                   "<skill>叉車</skill><skill years=\"0\">電工</skill>"
                   "<salary>4.5K</salary>"
                   "<window from=\"2026-01-01\" to=\"2026-03-01\"/></seeker>"
                   "<service-point id=\"P1\" kind=\"gig-market\"/>");

  cr_assert_eq(read_buf(&a, xml, len), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(read_str(&a, more), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(a.nbad, 0, "%s", a.nbad ? a.bad[0].reason : "");
  out = write_all(a.rec, a.n, LM_EXPORT_PERSONAL, &len1);
  cr_expect_eq(strlen(out), len1);
  cr_assert_eq(read_str(&b, out), LM_OK, "%s\n%s", lm__errmsg(), out);
  cr_assert_eq(b.nbad, 0, "%s", b.nbad ? b.bad[0].reason : "");
  cr_assert_eq(a.n, b.n);
  for (i = 0; i < a.n; i++)
    expect_same(a.rec[i], b.rec[i]);
  got_free(&a);
  got_free(&b);
  free(out);
  free(more);
  free(xml);
}

Test(xml, write_read_write_is_byte_identical)
{
  got_t a = {0}, b = {0};
  size_t len, len1, len2;
  char *xml = fixture("xml-format-examples.xml", &len), *one, *two;

  cr_assert_eq(read_buf(&a, xml, len), LM_OK);
  one = write_all(a.rec, a.n, LM_EXPORT_PERSONAL, &len1);
  cr_assert_eq(read_str(&b, one), LM_OK, "%s", lm__errmsg());
  two = write_all(b.rec, b.n, LM_EXPORT_PERSONAL, &len2);
  cr_expect_eq(len1, len2);
  cr_expect_str_eq(one, two);
  cr_expect(strncmp(one,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<libmatch version=\"1\">\n  <employer id=\"E0042\"",
                    84) == 0,
            "%s", one);
  got_free(&a);
  got_free(&b);
  free(one);
  free(two);
  free(xml);
}

Test(xml, writer_follows_the_order_of_format_examples)
{
  got_t a = {0};
  size_t len, len1;
  char *xml = fixture("xml-format-examples.xml", &len), *out;
  const char *order[] = {"<job id=\"J000123\" employer=\"E0042\" openings=\"3\""
                         " posted=\"2026-11-01\" expires=\"2026-12-31\">",
                         "<title>", "<occupation code=", "<industry>",
                         "<location lat=", "<salary min=\"5000\" max=\"8000\""
                         " period=\"month\"/>",
                         "<shift>", "<window from=", "<requirements>",
                         "<education min=", "<age min=\"18\" max=\"45\"/>",
                         "<experience years=", "<skill level=\"required\">",
                         "<skill level=\"preferred\">", "<certificate>",
                         "<text>", "</requirements>", "<priority group=",
                         "<description>", "</job>", "<seeker id=", "<group>",
                         "<birth year=", "<education level=", "<location",
                         "<mobility minutes=", "<salary min=\"4500\"",
                         "<experience years=", "<skill years=\"2\">",
                         "<certificate>", "<preference>", "<occupation code=",
                         "<industry>", "<shift>", "</preference>",
                         "<window from=", "<text>", "<contact phone=",
                         "</seeker>"};
  const char *at;
  size_t i;

  cr_assert_eq(read_buf(&a, xml, len), LM_OK);
  /* Jobs and seekers alone, as an export would group them. */
  {
    lm_record *js[2] = {(lm_record *)find(&a, LM_JOB, "J000123"),
                        (lm_record *)find(&a, LM_SEEKER, "S000001")};
    out = write_all(js, 2, LM_EXPORT_PERSONAL, &len1);
  }
  at = out;
  for (i = 0; i < sizeof order / sizeof order[0]; i++) {
    const char *p = strstr(at, order[i]);
    cr_assert_not_null(p, "'%s' missing or out of order in\n%s", order[i],
                       out);
    at = p + strlen(order[i]);
  }
  got_free(&a);
  free(out);
  free(xml);
}

Test(xml, contact_is_written_only_with_export_personal)
{
  got_t a = {0};
  size_t len, n1, n2;
  char *xml = fixture("xml-format-examples.xml", &len), *plain, *personal;

  cr_assert_eq(read_buf(&a, xml, len), LM_OK);
  plain = write_all(a.rec, a.n, 0, &n1);
  personal = write_all(a.rec, a.n, LM_EXPORT_PERSONAL, &n2);
  cr_expect(strstr(plain, "contact") == NULL);
  cr_expect(strstr(plain, "13800000000") == NULL);
  cr_expect(strstr(plain, "420202200301011234") == NULL);
  cr_expect(strstr(personal, "<contact phone=\"13800000000\" "
                             "id-number=\"420202200301011234\"/>") != NULL,
            "%s", personal);
  got_free(&a);
  free(plain);
  free(personal);
  free(xml);
}

Test(xml, writer_escapes_markup_and_replaces_what_xml_cannot_hold)
{
  got_t b = {0};
  lm_record *r = NULL;
  size_t len;
  char *out, *bell;

  cr_assert_eq(lm_record_new(&r, LM_JOB, "J<&>\"'1"), LM_OK);
  cr_assert_eq(lm__record_set(r, LM_F_NAME, "A&B <C> \"D\" 'E' ]]>"), LM_OK);
  cr_assert_eq(lm__record_set(r, LM_F_DESCRIPTION, "line1\r\nline2\tend"),
               LM_OK);
  /* The model refuses control characters; the writer still replaces one
   * that reaches it some other way. */
  cr_assert_eq(lm__record_set(r, LM_F_ADDRESS, "bell\x07here"), LM_EINVAL);
  /* A record's own strings live in its blocks: this one is the test's. */
  bell = lm__strdup("bell\x07here");
  cr_assert_not_null(bell);
  r->text[LM_F_ADDRESS] = bell;
  cr_assert_eq(lm__record_set(r, LM_F_CERTIFICATE, "a\"b<c"), LM_OK);
  out = write_all(&r, 1, 0, &len);
  cr_assert_eq(read_str(&b, out), LM_OK, "%s\n%s", lm__errmsg(), out);
  cr_assert_eq(b.n, 1);
  cr_expect_str_eq(b.rec[0]->id, "J<&>\"'1");
  cr_expect_str_eq(F(b.rec[0], LM_F_NAME), "A&B <C> \"D\" 'E' ]]>");
  cr_expect_str_eq(F(b.rec[0], LM_F_DESCRIPTION), "line1\r\nline2\tend");
  cr_expect_str_eq(F(b.rec[0], LM_F_ADDRESS), "bell\xEF\xBF\xBDhere");
  cr_expect_str_eq(item(b.rec[0], LM_F_CERTIFICATE, 0), "a\"b<c");
  lm_record_free(r);
  lm__xfree(bell);
  got_free(&b);
  free(out);
}

Test(xml, writer_writes_nothing_for_unset_fields)
{
  lm_record *r[2] = {NULL, NULL};
  size_t len;
  char *out;

  cr_assert_eq(lm_record_new(&r[0], LM_JOB, "J1"), LM_OK);
  cr_assert_eq(lm_record_new(&r[1], LM_SEEKER, "S1"), LM_OK);
  out = write_all(r, 2, LM_EXPORT_PERSONAL, &len);
  cr_expect_str_eq(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<libmatch version=\"1\">\n"
                        "  <job id=\"J1\"/>\n"
                        "  <seeker id=\"S1\"/>\n"
                        "</libmatch>\n");
  free(out);
  out = write_all(r, 0, 0, &len);
  cr_expect_str_eq(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<libmatch version=\"1\"/>\n");
  free(out);
  lm_record_free(r[0]);
  lm_record_free(r[1]);
}

Test(xml, negotiable_salary_without_text_is_written_as_mianyi)
{
  got_t b = {0};
  lm_record *r = NULL;
  size_t len;
  char *out;

  cr_assert_eq(lm_record_new(&r, LM_JOB, "J1"), LM_OK);
  cr_assert_eq(lm__record_set(r, LM_F_NEGOTIABLE, "1"), LM_OK);
  out = write_all(&r, 1, 0, &len);
  cr_expect(strstr(out, "<salary>面議</salary>") != NULL, "%s", out);
  cr_assert_eq(read_str(&b, out), LM_OK, "%s", lm__errmsg());
  cr_expect_str_eq(F(b.rec[0], LM_F_NEGOTIABLE), "1");
  lm_record_free(r);
  got_free(&b);
  free(out);
}

Test(xml, skills_found_in_text_are_not_written)
{
  lm_record *r = NULL;
  size_t len;
  char *out;

  cr_assert_eq(lm_record_new(&r, LM_JOB, "J1"), LM_OK);
  cr_assert_eq(lm__record_add_skill(r, "數控車床", "数控车床",
                                    LM_SKILL_REQUIRED, -1, LM_FOUND_SKILL),
               LM_OK);
  cr_assert_eq(lm__record_add_skill(r, "焊接", "焊接", LM_SKILL_PREFERRED,
                                    -1, LM_FOUND_DESCRIPTION),
               LM_OK);
  out = write_all(&r, 1, 0, &len);
  cr_expect(strstr(out, "數控車床") != NULL, "%s", out);
  cr_expect(strstr(out, "焊接") == NULL, "%s", out);
  lm_record_free(r);
  free(out);
}

Test(xml, writer_to_a_file_matches_the_buffer)
{
  got_t a = {0};
  lm__xml_writer *w = NULL;
  size_t len, n1, n2, i;
  char path[512], *xml = fixture("xml-format-examples.xml", &len), *mem,
                  *file;

  cr_assert_eq(read_buf(&a, xml, len), LM_OK);
  mem = write_all(a.rec, a.n, 0, &n1);
  lmt_tmpname(path, sizeof path, "xmlw");
  cr_assert_eq(lm__xml_writer_new(&w, path), LM_OK, "%s", lm__errmsg());
  for (i = 0; i < a.n; i++)
    cr_assert_eq(lm__xml_write_record(w, a.rec[i], 0), LM_OK);
  cr_assert_eq(lm__xml_writer_finish(w, NULL, NULL), LM_OK, "%s",
               lm__errmsg());
  lm__xml_writer_free(w);
  file = lmt_slurp(path, &n2);
  cr_assert_not_null(file);
  cr_expect_eq(n1, n2);
  cr_expect_str_eq(mem, file);
  unlink(path);
  got_free(&a);
  free(mem);
  free(file);
  free(xml);
}

Test(xml, writer_reports_a_path_it_cannot_write_and_leaves_no_half_file)
{
  lm__xml_writer *w = (lm__xml_writer *)1;
  lm_record *r = NULL;
  char path[512];

  cr_expect_eq(lm__xml_writer_new(&w, "/nonexistent/dir/out.xml"), LM_ERROR);
  cr_expect_null(w);
  cr_expect(strstr(lm__errmsg(), "/nonexistent/dir/out.xml") != NULL);

  lmt_tmpname(path, sizeof path, "xmlhalf");
  cr_assert_eq(lm__xml_writer_new(&w, path), LM_OK);
  cr_assert_eq(lm_record_new(&r, LM_JOB, "J1"), LM_OK);
  cr_assert_eq(lm__xml_write_record(w, r, 0), LM_OK);
  lm__xml_writer_free(w); /* not finished */
  cr_expect_eq(access(path, F_OK), -1);
  lm_record_free(r);
}

Test(xml, writer_allocation_failures_end_in_enomem)
{
  got_t a = {0};
  size_t len, i;
  char *xml = fixture("xml-format-examples.xml", &len);
  long n;
  int rc = LM_ENOMEM;

  cr_assert_eq(read_buf(&a, xml, len), LM_OK);
  for (n = 0; rc != LM_OK && n < 10000; n++) {
    lm__xml_writer *w = NULL;
    char *out = NULL;
    lm__alloc_fail_after(n);
    rc = lm__xml_writer_new(&w, NULL);
    for (i = 0; rc == LM_OK && i < a.n; i++)
      rc = lm__xml_write_record(w, a.rec[i], LM_EXPORT_PERSONAL);
    if (rc == LM_OK)
      rc = lm__xml_writer_finish(w, &out, NULL);
    lm__alloc_fail_after(-1);
    cr_assert(rc == LM_OK || rc == LM_ENOMEM, "n=%ld rc=%d %s", n, rc,
              lm__errmsg());
    lm__xml_writer_free(w);
    free(out);
  }
  cr_expect_eq(rc, LM_OK);
  got_free(&a);
  free(xml);
}
