/*
 * fuzz_common.h: what the libFuzzer targets share.
 *
 * Opening an engine costs tens of milliseconds under the sanitizers, more
 * than most inputs take, so the targets keep their engines and empty them
 * after each input instead: every record the export shows is ingested
 * again as a removal, and the counts must then be zero (which checks
 * removal too).  Reopening every LM_FUZZ_REOPEN inputs bounds what an
 * index keeps from removed records.
 */
#ifndef LM_FUZZ_COMMON_H
#define LM_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch.h"

#ifndef LM_FUZZ_SKILLS
#define LM_FUZZ_SKILLS NULL
#endif

#define LM_FUZZ_REOPEN 5000

/* A broken promise is a finding: abort, so that libFuzzer keeps the
 * input. */
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,     \
              #cond);                                                        \
      abort();                                                               \
    }                                                                        \
  } while (0)

static inline lm_engine *fuzz_open(unsigned int batch_size)
{
  lm_options o = LM_OPTIONS_INIT;
  lm_engine *e = NULL;
  const char *env = getenv("LIBMATCH_SKILLS");

  o.skills_path = env && *env ? env : LM_FUZZ_SKILLS;
  o.batch_size = batch_size;
  if (lm_engine_open(&e, ":memory:", &o) != LM_OK) {
    fprintf(stderr, "cannot open an engine: %s\n", lm_errmsg(NULL));
    abort();
  }
  return e;
}

/* The whole store as a document, personal data included. */
static inline char *fuzz_export(lm_engine *e, size_t *len)
{
  char *out = NULL;
  CHECK(lm_engine_export_buffer(e, LM_EXPORT_PERSONAL, &out, len) == LM_OK);
  CHECK(out != NULL && strlen(out) == *len);
  return out;
}

/* Ingesting an export gives back the same store: `again` (empty) takes
 * it all or nothing and exports the same bytes. */
static inline void fuzz_round_trip(lm_engine *again, const char *doc,
                                   size_t len)
{
  char *second;
  size_t n2;

  if (lm_engine_ingest_buffer(again, doc, len, LM_INGEST_ALL_OR_NOTHING,
                              NULL) != LM_OK) {
    fprintf(stderr, "the export does not ingest: %s\n", lm_errmsg(again));
    abort();
  }
  second = fuzz_export(again, &n2);
  if (n2 != len || memcmp(doc, second, len) != 0) {
    fprintf(stderr, "the export changes on a round trip:\n%s\n---\n%s\n",
            doc, second);
    abort();
  }
  lm_free(second);
}

/* Empties e, whose export is doc: each record line of the export
 * ("  <job id=\"...\"") becomes a removal, its id copied as escaped. */
static inline void fuzz_empty(lm_engine *e, const char *doc)
{
  static const char *const kinds[] = {"employer", "job", "seeker",
                                      "service-point", "community"};
  char *rm;
  size_t cap = strlen(doc) + 64, n = 0, k, total = 0;
  const char *p = doc;

  rm = malloc(cap);
  CHECK(rm != NULL);
  n += (size_t)sprintf(rm, "<libmatch version=\"1\">");
  while ((p = strstr(p, "\n  <")) != NULL) {
    p += 4;
    for (k = 0; k < 5; k++) {
      size_t kl = strlen(kinds[k]);
      if (strncmp(p, kinds[k], kl) == 0 && strncmp(p + kl, " id=\"", 5) == 0) {
        const char *id = p + kl + 5, *end = strchr(id, '"');
        CHECK(end != NULL && n + (size_t)(end - id) + 48 < cap);
        n += (size_t)sprintf(rm + n, "<%s id=\"%.*s\" status=\"closed\"/>",
                             kinds[k], (int)(end - id), id);
        break;
      }
    }
  }
  n += (size_t)sprintf(rm + n, "</libmatch>");
  if (lm_engine_ingest_buffer(e, rm, n, LM_INGEST_ALL_OR_NOTHING, NULL) !=
      LM_OK) {
    fprintf(stderr, "cannot remove what was exported: %s\n", lm_errmsg(e));
    abort();
  }
  free(rm);
  for (k = LM_JOB; k <= LM_COMMUNITY; k++) {
    size_t c = 1;
    CHECK(lm_engine_count(e, (lm_kind)k, &c) == LM_OK);
    total += c;
  }
  CHECK(total == 0);
}

#endif
