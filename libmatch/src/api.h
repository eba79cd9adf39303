/*
 * api.h: what the api layer's files (engine.c, ingest.c, report.c) share.
 * Kept apart from internal.h so that only they need POSIX threads.
 */
#ifndef LM_API_H
#define LM_API_H

#include <pthread.h>

#include "internal.h"

/* ------------------------------------------------------------------- api */

struct lm_engine {
  lm__store *store;
  lm__skilldict *skills;
  pthread_mutex_t write_lock;  /* one writer at a time */
  pthread_rwlock_t dict_lock;  /* the dictionary: scans read, terms write */
  lm_options opts;
};

/* A copy of `in` ready to store: skills canonical and merged, skills found
 * in the free text added, the whole record validated.  Takes the
 * dictionary's read lock. */
int lm__engine_prepare(lm_engine *e, const lm_record *in, lm_record **out);

/* Adds an error to a report (id may be NULL). */
int lm__report_error(lm_report *r, const char *id, long line, int code,
                     const char *reason);
/* Adds n to one of the report's counts. */
void lm__report_add(lm_report *r, lm_count which, size_t n);

#endif /* LM_API_H */
