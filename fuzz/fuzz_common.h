/*
 * fuzz_common.h: what the libFuzzer targets share.
 *
 * Opening an engine costs 20-30 ms under the sanitizers (the schema, the
 * skills dictionary), as much as a hundred inputs, so the targets keep
 * their engines: every input starts from an empty store and must leave
 * one.  Most inputs store nothing, and for them the records are counted
 * (a few microseconds) and that is all: exporting, round-tripping and
 * emptying an empty store checks the same thing every time, at several
 * times the cost of the input itself.  An input that stored something is
 * checked in full by fuzz_settle.  Reopening every LM_FUZZ_REOPEN inputs
 * bounds what an index keeps from removed records.  (fuzz_record's skill
 * terms are forgotten without a reopen: see there.)
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

/* Records stored, all kinds together. */
static inline size_t fuzz_total(lm_engine *e)
{
  size_t total = 0, c;
  int k;

  for (k = LM_JOB; k <= LM_COMMUNITY; k++) {
    c = (size_t)-1;
    CHECK(lm_engine_count(e, (lm_kind)k, &c) == LM_OK);
    total += c;
  }
  return total;
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

/* The document that removes every record of an export: each record line
 * ("  <job id=\"...\"") becomes a removal, its id copied as escaped, so
 * the reader unescapes it as it did the export's.  Their number goes to
 * *records.  A removal can be longer than the record's line (a record
 * with only an id exports as "<seeker id=\"a\"/>"), so the buffer grows. */
static inline char *fuzz_removals(const char *doc, size_t *len,
                                  size_t *records)
{
  static const char *const kinds[] = {"employer", "job", "seeker",
                                      "service-point", "community"};
  char *rm;
  size_t cap = strlen(doc) + 64, n = 0, k;
  const char *p = doc;

  *records = 0;
  rm = malloc(cap);
  CHECK(rm != NULL);
  n += (size_t)sprintf(rm, "<libmatch version=\"1\">");
  while ((p = strstr(p, "\n  <")) != NULL) {
    p += 4;
    for (k = 0; k < 5; k++) {
      size_t kl = strlen(kinds[k]), need;
      if (strncmp(p, kinds[k], kl) == 0 && strncmp(p + kl, " id=\"", 5) == 0) {
        const char *id = p + kl + 5, *end = strchr(id, '"');
        CHECK(end != NULL);
        /* This entry, and room for the closing tag. */
        need = kl + (size_t)(end - id) + 64;
        if (n + need > cap) {
          cap = 2 * cap + need;
          rm = realloc(rm, cap);
          CHECK(rm != NULL);
        }
        n += (size_t)sprintf(rm + n, "<%s id=\"%.*s\" status=\"closed\"/>",
                             kinds[k], (int)(end - id), id);
        ++*records;
        break;
      }
    }
  }
  n += (size_t)sprintf(rm + n, "</libmatch>");
  *len = n;
  return rm;
}

/* Ingests the removals into e, which must then be empty (this checks
 * removal too). */
static inline void fuzz_remove(lm_engine *e, const char *rm, size_t len)
{
  if (lm_engine_ingest_buffer(e, rm, len, LM_INGEST_ALL_OR_NOTHING, NULL) !=
      LM_OK) {
    fprintf(stderr, "cannot remove what was exported: %s\n", lm_errmsg(e));
    abort();
  }
  CHECK(fuzz_total(e) == 0);
}

/* An exported attribute value as it was: the export (libxml2's writer)
 * escapes with the predefined entities and writes characters outside
 * ASCII as character references.  out needs as many bytes as s plus one
 * (a reference is never shorter than its UTF-8). */
static inline void fuzz_unescape(const char *s, size_t n, char *out)
{
  static const char *const ent[] = {"&amp;", "&lt;", "&gt;", "&quot;",
                                    "&apos;"};
  static const char ch[] = "&<>\"'";
  size_t i = 0, k, o = 0;

  while (i < n) {
    if (s[i] == '&' && i + 2 < n && s[i + 1] == '#') {
      char *end;
      unsigned long cp = s[i + 2] == 'x' ? strtoul(s + i + 3, &end, 16)
                                         : strtoul(s + i + 2, &end, 10);
      CHECK(*end == ';' && cp > 0 && cp <= 0x10FFFF);
      if (cp < 0x80) {
        out[o++] = (char)cp;
      } else if (cp < 0x800) {
        out[o++] = (char)(0xC0 | cp >> 6);
        out[o++] = (char)(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out[o++] = (char)(0xE0 | cp >> 12);
        out[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[o++] = (char)(0x80 | (cp & 0x3F));
      } else {
        out[o++] = (char)(0xF0 | cp >> 18);
        out[o++] = (char)(0x80 | (cp >> 12 & 0x3F));
        out[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[o++] = (char)(0x80 | (cp & 0x3F));
      }
      i = (size_t)(end - s) + 1;
      continue;
    }
    for (k = 0; k < 5; k++)
      if (s[i] == '&' && strncmp(s + i, ent[k], strlen(ent[k])) == 0)
        break;
    if (k < 5) {
      out[o++] = ch[k];
      i += strlen(ent[k]);
    } else {
      out[o++] = s[i++];
    }
  }
  out[o] = '\0';
}

/* Removes every record of an export from e one by one with
 * lm_engine_remove (each must be there); e must then be empty. */
static inline void fuzz_remove_each(lm_engine *e, const char *doc)
{
  static const char *const kinds[] = {"employer", "job", "seeker",
                                      "service-point", "community"};
  static const lm_kind kind_of[] = {LM_EMPLOYER, LM_JOB, LM_SEEKER,
                                    LM_SERVICE_POINT, LM_COMMUNITY};
  const char *p = doc;
  char id[1024];
  size_t k;

  while ((p = strstr(p, "\n  <")) != NULL) {
    p += 4;
    for (k = 0; k < 5; k++) {
      size_t kl = strlen(kinds[k]);
      if (strncmp(p, kinds[k], kl) == 0 && strncmp(p + kl, " id=\"", 5) == 0) {
        const char *v = p + kl + 5, *end = strchr(v, '"');
        int rc;
        CHECK(end != NULL && (size_t)(end - v) < sizeof id);
        fuzz_unescape(v, (size_t)(end - v), id);
        rc = lm_engine_remove(e, kind_of[k], id);
        if (rc != LM_OK) {
          fprintf(stderr, "cannot remove an exported %s: %s\n", kinds[k],
                  lm_errmsg(NULL));
          abort();
        }
        break;
      }
    }
  }
  CHECK(fuzz_total(e) == 0);
}

/*
 * After an input that left `total` records in e (counted by fuzz_total)
 * and nothing in `again`: the export shows each of them once, ingests
 * into `again` to the same export, and removing them empties both
 * engines for the next input.  `again` is emptied one record at a time
 * by lm_engine_remove (each exported id must name a stored record, so a
 * record exported twice or not at all is caught too); e, with
 * by_ingest, by ingesting the export's records as removals (fuzz_xml,
 * whose subject is ingest), else by lm_engine_remove as well
 * (fuzz_record, whose subject is the record API: the round trip has
 * already shown that each exported id reads back as itself, and
 * fuzz_xml checks removal by ingest).  An ingest costs a few hundred
 * microseconds under the sanitizers whatever its size, a removal a
 * tenth of that.  Nothing to do for an empty store.
 */
static inline void fuzz_settle(lm_engine *e, lm_engine *again, size_t total,
                               int by_ingest)
{
  char *doc, *rm;
  size_t len, rm_len, records;

  if (total == 0)
    return;
  doc = fuzz_export(e, &len);
  rm = fuzz_removals(doc, &rm_len, &records);
  CHECK(records == total);
  fuzz_round_trip(again, doc, len);
  fuzz_remove_each(again, doc);
  if (by_ingest)
    fuzz_remove(e, rm, rm_len);
  else
    fuzz_remove_each(e, doc);
  free(rm);
  lm_free(doc);
}

#endif
