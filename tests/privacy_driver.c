/*
 * privacy_driver.c: prints every text libmatch produces about a store
 * whose seekers carry phone and ID numbers, for tests/test_privacy.sh to
 * search: ingest errors of bad records that hold the numbers, rankings
 * both ways with every reason and filter reason, explanations, advice,
 * the export without personal data, and error messages.  Section
 * "personal export" prints the export with LM_EXPORT_PERSONAL, the
 * control that proves the numbers are in the store.
 *
 * Usage: privacy_driver PHONE ID_NUMBER  (both well-formed, fake)
 */
#include <stdio.h>
#include <string.h>

#include "libmatch.h"

static int failures;

static void check(int rc, lm_engine *e, const char *what)
{
  if (rc != LM_OK) {
    printf("FAILED %s: %s\n", what, lm_errmsg(e));
    failures++;
  }
}

static void print_results(const char *what, const lm_results *r)
{
  size_t i;
  int c;

  printf("== %s: %zu results\n", what, lm_results_count(r));
  for (i = 0; i < lm_results_count(r); i++) {
    printf("%s %.2f\n%s\n", lm_results_id(r, i), lm_results_score(r, i),
           lm_results_text(r, i));
    for (c = 0; c < LM_C_COUNT_; c++)
      printf("  %s\n", lm_results_reason(r, i, (lm_component)c));
    printf("  filters: %s\n", lm_results_filter_reason(r, i));
  }
}

static void print_report(const lm_report *rep)
{
  size_t i;

  for (i = 0; i < lm_report_error_count(rep); i++) {
    const char *id = NULL, *reason = NULL;
    long line = 0;
    int code = lm_report_error(rep, i, &id, &line, &reason);
    printf("error %d line %ld id %s: %s\n", code, line, id ? id : "-",
           reason);
  }
}

int main(int argc, char **argv)
{
  char doc[8192];
  const char *phone, *idn;
  lm_engine *e = NULL;
  lm_report *rep = NULL;
  lm_results *res = NULL;
  lm_advice *adv = NULL;
  lm_record *r = NULL;
  lm_query q = LM_QUERY_INIT;
  char *out = NULL;
  size_t i;
  int rc;

  if (argc != 3) {
    fprintf(stderr, "usage: privacy_driver PHONE ID_NUMBER\n");
    return 2;
  }
  phone = argv[1];
  idn = argv[2];
  q.today = "2026-11-15";
  check(lm_engine_open(&e, ":memory:", NULL), NULL, "open");
  if (e == NULL)
    return 1;

  /* Good records, then bad ones holding the numbers in <contact> next to
   * the fault, and malformed contacts built from the numbers. */
  snprintf(doc, sizeof doc,
           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<libmatch version=\"1\">\n"
           "<job id=\"J1\" posted=\"2026-11-01\"><title>數控車床操作工</title>"
           "<location lat=\"30.2012\" lon=\"115.0383\"/>"
           "<salary>5千-8千元/月</salary><requirements>"
           "<age min=\"18\" max=\"45\"/><skill>數控車床</skill>"
           "<skill level=\"preferred\">CAD製圖</skill>"
           "<certificate>車工四級</certificate></requirements></job>\n"
           "<job id=\"J2\" posted=\"2026-11-01\"><title>焊工</title>"
           "<location lat=\"30.25\" lon=\"115.09\"/>"
           "<requirements><skill>焊接</skill></requirements></job>\n"
           "<seeker id=\"S1\"><birth year=\"1990\"/>"
           "<location lat=\"30.2101\" lon=\"115.0772\"/>"
           "<mobility minutes=\"30\" mode=\"ebike\"/><skill>數控車床</skill>"
           "<text>會電焊</text><contact phone=\"%s\" id-number=\"%s\"/>"
           "</seeker>\n"
           "<seeker id=\"S2\"><birth year=\"1960\"/><skill>焊接</skill>"
           "<contact phone=\"%s\" id-number=\"%s\"/></seeker>\n"
           "<seeker id=\"S3\"><birth year=\"19x0\"/>"
           "<contact phone=\"%s\" id-number=\"%s\"/></seeker>\n"
           "<seeker id=\"S4\"><contact phone=\"%s\" id-number=\"%s\"/>"
           "<salary>面議面議</salary></seeker>\n"
           "<seeker id=\"S5\"><contact phone=\"%sx\"/></seeker>\n"
           "<seeker id=\"S6\"><contact id-number=\"%s0\"/></seeker>\n"
           "<seeker id=\"S7\"><contact phone=\"%s\" bad=\"%s\"/></seeker>\n"
           "<seeker id=\"S8\"><contact phone=\"%s\" id-number=\"%s\"/>"
           "<unknown>x</unknown></seeker>\n"
           "</libmatch>\n",
           phone, idn, phone, idn, phone, idn, phone, idn, phone, idn, phone,
           idn, phone, idn);
  check(lm_report_new(&rep), e, "report");
  printf("== ingest: %d %s\n",
         lm_engine_ingest_buffer(e, doc, strlen(doc), 0, rep), lm_errmsg(e));
  print_report(rep);
  printf("== all or nothing: %d %s\n",
         lm_engine_ingest_buffer(e, doc, strlen(doc),
                                 LM_INGEST_ALL_OR_NOTHING, NULL),
         lm_errmsg(e));

  /* The record API's messages on malformed personal values. */
  check(lm_record_new(&r, LM_SEEKER, "S9"), e, "new");
  printf("== set phone: %d %s\n",
         lm_record_set(r, LM_F_PHONE, strcat(strcpy(doc, phone), "#")),
         lm_errmsg(NULL));
  printf("== set id: %d %s\n",
         lm_record_set(r, LM_F_ID_NUMBER, strcat(strcpy(doc, idn), "1")),
         lm_errmsg(NULL));
  printf("== set birth: %d %s\n",
         lm_record_set(r, LM_F_BIRTH_YEAR, "19x0"), lm_errmsg(NULL));
  check(lm_record_set(r, LM_F_PHONE, phone), e, "set phone");
  check(lm_record_set(r, LM_F_ID_NUMBER, idn), e, "set id");
  check(lm_record_set(r, LM_F_WINDOW_FROM, "2026-12-01"), e, "set window");
  check(lm_record_set(r, LM_F_WINDOW_TO, "2026-11-01"), e, "set window");
  printf("== put: %d %s\n", lm_engine_put(e, r), lm_errmsg(e));
  lm_record_free(r);

  /* Rankings both ways, explanations, advice. */
  for (i = 0; i < 2; i++) {
    const char *sid = i ? "S2" : "S1";
    rc = lm_rank_jobs(e, sid, &q, &res);
    check(rc, e, "rank jobs");
    if (rc == LM_OK)
      print_results(sid, res);
    lm_results_free(res);
    rc = lm_explain(e, sid, "J1", &q, &res);
    check(rc, e, "explain");
    if (rc == LM_OK)
      print_results("explain J1", res);
    lm_results_free(res);
    rc = lm_advise(e, sid, &q, &adv);
    check(rc, e, "advise");
    if (rc == LM_OK) {
      size_t k;
      printf("== advice %s: %zu\n", sid, lm_advice_count(adv));
      for (k = 0; k < lm_advice_count(adv); k++)
        printf("%s %zu\n", lm_advice_item(adv, k), lm_advice_jobs(adv, k));
    }
    lm_advice_free(adv);
  }
  rc = lm_rank_seekers(e, "J1", &q, &res);
  check(rc, e, "rank seekers");
  if (rc == LM_OK)
    print_results("J1", res);
  lm_results_free(res);

  check(lm_engine_export_buffer(e, 0, &out, NULL), e, "export");
  printf("== export\n%s", out ? out : "");
  lm_free(out);
  check(lm_engine_export_buffer(e, LM_EXPORT_PERSONAL, &out, NULL), e,
        "personal export");
  printf("== personal export\n%s", out ? out : "");
  lm_free(out);
  printf("== end\n");
  lm_report_free(rep);
  lm_engine_close(e);
  return failures ? 1 : 0;
}
