/*
 * test_ingest.c: documents into the engine and back out, through the
 * public API: counts, per-record errors, all or nothing, hostile XML,
 * round trips, streaming in bounded memory.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/resource.h>

#include "helpers.h"
#include "libmatch.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<libmatch version=\"1\">\n"
#define TAIL "</libmatch>\n"

static lm_engine *open_memory(void)
{
  lm_engine *e = NULL;
  cr_assert_eq(lm_engine_open(&e, ":memory:", NULL), LM_OK, "%s",
               lm_errmsg(NULL));
  return e;
}

static int ingest(lm_engine *e, const char *doc, unsigned flags,
                  lm_report *rep)
{
  return lm_engine_ingest_buffer(e, doc, strlen(doc), flags, rep);
}

static size_t count(lm_engine *e, lm_kind k)
{
  size_t n = 0;
  cr_assert_eq(lm_engine_count(e, k, &n), LM_OK, "%s", lm_errmsg(e));
  return n;
}

static char *export(lm_engine *e, unsigned flags)
{
  char *out = NULL;
  size_t len = 0;
  cr_assert_eq(lm_engine_export_buffer(e, flags, &out, &len), LM_OK, "%s",
               lm_errmsg(e));
  cr_assert_eq(strlen(out), len);
  return out;
}

static const char *two_jobs =
    HEAD "<job id=\"J1\"><title>焊工</title></job>\n"
         "<job id=\"J2\"><title>電工</title></job>\n" TAIL;

Test(ingest, counts_added_replaced_removed)
{
  lm_engine *e = open_memory();
  lm_report *rep = NULL;
  const char *second =
      HEAD "<job id=\"J2\"><title>低壓電工</title></job>\n"
           "<job id=\"J1\" status=\"closed\"/>\n"
           "<job id=\"J9\" status=\"closed\"/>\n"
           "<job id=\"J3\"><title>叉車司機</title></job>\n" TAIL;

  cr_assert_eq(lm_report_new(&rep), LM_OK);
  cr_assert_eq(ingest(e, two_jobs, 0, rep), LM_OK, "%s", lm_errmsg(e));
  cr_expect_eq(lm_report_count(rep, LM_COUNT_ADDED), 2);
  cr_assert_eq(ingest(e, second, 0, rep), LM_OK, "%s", lm_errmsg(e));
  /* Counts add up over the two ingests. */
  cr_expect_eq(lm_report_count(rep, LM_COUNT_ADDED), 3);
  cr_expect_eq(lm_report_count(rep, LM_COUNT_REPLACED), 1);
  /* Removing J9, which was never there, removes nothing. */
  cr_expect_eq(lm_report_count(rep, LM_COUNT_REMOVED), 1);
  cr_expect_eq(lm_report_count(rep, LM_COUNT_REJECTED), 0);
  cr_expect_eq(lm_report_error_count(rep), 0);
  cr_expect_eq(count(e, LM_JOB), 2);
  lm_report_free(rep);
  lm_engine_close(e);
}

static const char *one_bad =
    HEAD "<job id=\"J1\"><title>焊工</title></job>\n"
         "<job id=\"J2\">\n"
         "  <salary>五千八</salary>\n"
         "</job>\n"
         "<job id=\"J3\"><title>電工</title></job>\n" TAIL;

Test(ingest, bad_record_is_reported_and_skipped)
{
  lm_engine *e = open_memory();
  lm_report *rep = NULL;
  const char *id = NULL, *reason = NULL;
  long line = 0;

  cr_assert_eq(lm_report_new(&rep), LM_OK);
  cr_assert_eq(ingest(e, one_bad, 0, rep), LM_OK, "%s", lm_errmsg(e));
  cr_expect_eq(lm_report_count(rep, LM_COUNT_ADDED), 2);
  cr_expect_eq(lm_report_count(rep, LM_COUNT_REJECTED), 1);
  cr_assert_eq(lm_report_error_count(rep), 1);
  cr_expect_neq(lm_report_error(rep, 0, &id, &line, &reason), LM_OK);
  cr_expect_str_eq(id, "J2");
  cr_expect_eq(line, 4, "line %ld", line);
  cr_expect(strstr(reason, "salary") != NULL, "%s", reason);
  cr_expect_eq(count(e, LM_JOB), 2);
  cr_expect_eq(lm_report_error(rep, 1, NULL, NULL, NULL), LM_EINVAL);
  lm_report_free(rep);
  lm_engine_close(e);
}

Test(ingest, all_or_nothing_leaves_the_store_as_it_was)
{
  lm_engine *e = open_memory();
  lm_report *rep = NULL;
  lm_record *got = NULL;

  cr_assert_eq(ingest(e, HEAD "<job id=\"J1\"><title>原來</title></job>" TAIL,
                      0, NULL),
               LM_OK);
  cr_assert_eq(lm_report_new(&rep), LM_OK);
  cr_expect_eq(ingest(e, one_bad, LM_INGEST_ALL_OR_NOTHING, rep), LM_EPARSE);
  cr_expect(strstr(lm_errmsg(e), "J2") != NULL, "%s", lm_errmsg(e));
  cr_expect_eq(lm_report_count(rep, LM_COUNT_ADDED), 0);
  cr_expect_eq(lm_report_count(rep, LM_COUNT_REPLACED), 0);
  cr_expect_eq(lm_report_count(rep, LM_COUNT_REJECTED), 1);
  cr_expect_eq(count(e, LM_JOB), 1);
  cr_assert_eq(lm_engine_get(e, LM_JOB, "J1", &got), LM_OK);
  cr_expect_str_eq(lm_record_get(got, LM_F_NAME), "原來");
  lm_record_free(got);
  lm_report_free(rep);
  lm_engine_close(e);
}

Test(ingest, truncated_document_keeps_the_whole_records_before_it)
{
  lm_engine *e = open_memory();
  lm_report *rep = NULL;
  const char *doc = HEAD "<job id=\"J1\"><title>焊工</title></job>\n"
                         "<job id=\"J2\"><title>電";

  cr_assert_eq(lm_report_new(&rep), LM_OK);
  cr_expect_eq(ingest(e, doc, 0, rep), LM_EPARSE);
  cr_expect(strstr(lm_errmsg(e), "line") != NULL, "%s", lm_errmsg(e));
  cr_expect_eq(count(e, LM_JOB), 1);
  cr_expect_eq(lm_report_count(rep, LM_COUNT_ADDED), 1);
  cr_expect_geq(lm_report_error_count(rep), 1);
  lm_report_free(rep);

  /* All or nothing: not even J1. */
  lm_engine_close(e);
  e = open_memory();
  cr_expect_eq(ingest(e, doc, LM_INGEST_ALL_OR_NOTHING, NULL), LM_EPARSE);
  cr_expect_eq(count(e, LM_JOB), 0);
  lm_engine_close(e);
}

static const char *billion_laughs =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n"
    "<libmatch version=\"1\"><job id=\"J-lol\"><title>&lol9;</title></job>"
    "</libmatch>\n";

/* Memory bounds mean nothing under AddressSanitizer (its quarantine holds
 * freed memory) or valgrind (its shadow memory counts in the RSS); a
 * valgrind run sets LM_TEST_NO_RSS. */
static int rss_bounds_apply(void)
{
#ifdef __SANITIZE_ADDRESS__
  return 0;
#else
  return getenv("LM_TEST_NO_RSS") == NULL;
#endif
}

static long max_rss_kib(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* Hostile documents must fail fast; .timeout bounds the time. */
Test(ingest, billion_laughs_is_refused_with_the_store_unchanged,
     .timeout = 20)
{
  lm_engine *e = open_memory();
  long before;

  cr_assert_eq(ingest(e, two_jobs, 0, NULL), LM_OK);
  before = max_rss_kib();
  cr_expect_eq(ingest(e, billion_laughs, 0, NULL), LM_EPARSE);
  cr_expect_neq(strlen(lm_errmsg(e)), 0);
  cr_expect_eq(ingest(e, billion_laughs, LM_INGEST_ALL_OR_NOTHING, NULL),
               LM_EPARSE);
  cr_expect_eq(count(e, LM_JOB), 2);
  /* Expanded, the document would be gigabytes. */
  if (rss_bounds_apply())
    cr_expect_lt(max_rss_kib() - before, 50 * 1024, "grew %ld KiB",
                 max_rss_kib() - before);
  lm_engine_close(e);
}

Test(ingest, external_entity_cannot_read_files, .timeout = 20)
{
  lm_engine *e = open_memory();
  char *out;
  const char *xxe =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE libmatch [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
      "<libmatch version=\"1\"><job id=\"J-x\"><title>&x;</title></job>"
      "</libmatch>\n";
  const char *net =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE libmatch SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n"
      "<libmatch version=\"1\"><job id=\"J-n\"><title>x</title></job>"
      "</libmatch>\n";

  cr_assert_eq(ingest(e, two_jobs, 0, NULL), LM_OK);
  cr_expect_eq(ingest(e, xxe, 0, NULL), LM_EPARSE);
  cr_expect(strstr(lm_errmsg(e), "root:") == NULL);
  cr_expect_eq(ingest(e, net, 0, NULL), LM_EPARSE);
  cr_expect_eq(count(e, LM_JOB), 2);
  out = export(e, LM_EXPORT_PERSONAL);
  cr_expect(strstr(out, "root:") == NULL);
  cr_expect(strstr(out, "J-x") == NULL);
  lm_free(out);
  lm_engine_close(e);
}

Test(ingest, missing_file_is_a_clear_error)
{
  lm_engine *e = open_memory();
  cr_expect_neq(lm_engine_ingest_file(e, "/nonexistent/fair.xml", 0, NULL),
                LM_OK);
  cr_expect(strstr(lm_errmsg(e), "/nonexistent/fair.xml") != NULL, "%s",
            lm_errmsg(e));
  cr_expect_eq(lm_engine_ingest_buffer(e, "x", 1, 0x80, NULL), LM_EINVAL);
  lm_engine_close(e);
}

Test(ingest, round_trip_through_a_file_store_is_identical)
{
  char db1[256], db2[256], src[1024];
  lm_engine *e = NULL;
  lm_report *rep = NULL;
  char *first, *second;

  lmt_tmpname(db1, sizeof db1, "rt1");
  lmt_tmpname(db2, sizeof db2, "rt2");
  cr_assert_eq(lm_engine_open(&e, db1, NULL), LM_OK);
  cr_assert_eq(lm_report_new(&rep), LM_OK);
  cr_assert_eq(lm_engine_ingest_file(
                   e, LMT_SRCPATH(src, "tests/data/format-example.xml"), 0,
                   rep),
               LM_OK, "%s", lm_errmsg(e));
  cr_expect_eq(lm_report_count(rep, LM_COUNT_REJECTED), 0);
  cr_expect_eq(lm_report_count(rep, LM_COUNT_ADDED), 6);
  lm_report_free(rep);
  lm_engine_close(e);

  cr_assert_eq(lm_engine_open(&e, db1, NULL), LM_OK);
  first = export(e, LM_EXPORT_PERSONAL);
  lm_engine_close(e);

  cr_assert_eq(lm_engine_open(&e, db2, NULL), LM_OK);
  cr_assert_eq(ingest(e, first, 0, NULL), LM_OK, "%s", lm_errmsg(e));
  second = export(e, LM_EXPORT_PERSONAL);
  lm_engine_close(e);

  cr_expect_str_eq(first, second);
  /* What went in is what came out. */
  cr_expect(strstr(first, "數控車床操作工") != NULL);
  cr_expect(strstr(first, "5千-8千元/月") != NULL);
  cr_expect(strstr(first, "13800000000") != NULL);
  lm_free(first);
  lm_free(second);
  lmt_unlink_db(db1);
  lmt_unlink_db(db2);
}

Test(ingest, export_leaves_out_personal_data_unless_asked)
{
  lm_engine *e = open_memory();
  char src[1024], *out;
  cr_assert_eq(lm_engine_ingest_file(
                   e, LMT_SRCPATH(src, "tests/data/format-example.xml"), 0,
                   NULL),
               LM_OK);
  out = export(e, 0);
  cr_expect(strstr(out, "13800000000") == NULL);
  cr_expect(strstr(out, "420202200301011234") == NULL);
  cr_expect(strstr(out, "S000001") != NULL);
  lm_free(out);
  lm_engine_close(e);
}

/* Writes n seekers to a file: about 500 bytes each. */
static void write_seekers(const char *path, int n)
{
  FILE *f = fopen(path, "w");
  int i;
  cr_assert_not_null(f);
  fputs(HEAD, f);
  for (i = 0; i < n; i++)
    fprintf(f,
            "<seeker id=\"S%07d\" registered=\"2026-10-20\">"
            "<group>returning-migrant</group><birth year=\"%d\"/>"
            "<education level=\"senior-high\"/>"
            "<location lat=\"30.%04d\" lon=\"115.%04d\" district=\"420204\"/>"
            "<mobility minutes=\"20\" mode=\"ebike\"/>"
            "<salary>%d元/月以上</salary>"
            "<skill years=\"3\">電焊</skill><certificate>焊工證</certificate>"
            "<text>在外務工多年，會電焊、叉車，能吃苦</text></seeker>\n",
            i, 1970 + i % 30, i % 10000, (i * 7) % 10000, 3000 + i % 40 * 100);
  fputs(TAIL, f);
  fclose(f);
}

Test(ingest, large_file_streams_in_bounded_memory, .timeout = 300)
{
  char xml[256], db[256];
  lm_engine *e = NULL;
  lm_report *rep = NULL;
  long before;
  const int n = 60000; /* about 30 MB of XML */

  lmt_tmpname(xml, sizeof xml, "big.xml");
  lmt_tmpname(db, sizeof db, "big.db");
  write_seekers(xml, n);
  cr_assert_eq(lm_engine_open(&e, db, NULL), LM_OK);
  cr_assert_eq(lm_report_new(&rep), LM_OK);
  before = max_rss_kib();
  cr_assert_eq(lm_engine_ingest_file(e, xml, 0, rep), LM_OK, "%s",
               lm_errmsg(e));
  cr_expect_eq(lm_report_count(rep, LM_COUNT_ADDED), (size_t)n);
  cr_expect_eq(count(e, LM_SEEKER), (size_t)n);
  /* The document is ~30 MB; a tree of it would be several times that. */
  if (rss_bounds_apply())
    cr_expect_lt(max_rss_kib() - before, 24 * 1024, "grew %ld KiB",
                 max_rss_kib() - before);
  lm_report_free(rep);
  lm_engine_close(e);
  unlink(xml);
  lmt_unlink_db(db);
}
