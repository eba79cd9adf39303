/*
 * fuzz_xml.c: libFuzzer target for the XML reader and the ingest path.
 *
 * Each input is ingested into an empty ":memory:" engine, record by
 * record or, for inputs of odd length, all or nothing.  Then what
 * libmatch.h promises is checked: a known code and a message on failure,
 * a report whose errors can be read and whose counts are what the store
 * holds, nothing kept by a failed all or nothing, and (for an input that
 * stored records) an export that ingests into another engine to the same
 * export.  Built by `make fuzz`; see doc/SECURITY.md.
 */
#include "fuzz_common.h"

static lm_engine *e, *again;
static unsigned long inputs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  unsigned int flags = size & 1 ? LM_INGEST_ALL_OR_NOTHING : 0;
  lm_report *rep = NULL;
  size_t i, nerr, total;
  int rc;

  if (inputs++ % LM_FUZZ_REOPEN == 0) {
    lm_engine_close(e);
    lm_engine_close(again);
    /* Small batches exercise the commits inside a document. */
    e = fuzz_open(3);
    again = fuzz_open(0);
  }
  CHECK(lm_report_new(&rep) == LM_OK);
  rc = lm_engine_ingest_buffer(e, (const char *)data, size, flags, rep);
  CHECK(rc == LM_OK || rc == LM_EPARSE || rc == LM_EINVAL ||
        rc == LM_ENOMEM);
  CHECK(rc == LM_OK || lm_errmsg(e)[0] != '\0');
  nerr = lm_report_error_count(rep);
  for (i = 0; i < nerr; i++) {
    const char *reason = NULL;
    long line = -1;
    CHECK(lm_report_error(rep, i, NULL, &line, &reason) != LM_OK);
    CHECK(reason != NULL && line >= 0);
  }
  /* The store was empty: it now holds what the report counted. */
  total = fuzz_total(e);
  CHECK(total + lm_report_count(rep, LM_COUNT_REMOVED) ==
        lm_report_count(rep, LM_COUNT_ADDED));
  if (flags && rc != LM_OK)
    CHECK(total == 0); /* nothing kept */
  lm_report_free(rep);
  fuzz_settle(e, again, total, 1);
  return 0;
}
