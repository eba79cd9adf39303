/*
 * api.h: what the api layer's files (engine.c, ingest.c, report.c) share.
 * Kept apart from internal.h so that only they need POSIX threads.
 */
#ifndef LM_API_H
#define LM_API_H

#include <pthread.h>

#include "internal.h"

/* ------------------------------------------------------------------- api */

/*
 * The index follows the store: built at open, each committed write
 * applied to it before write_lock is released, rebuilt by refresh.
 * index_lock: queries hold it shared; applying a batch or swapping in a
 * rebuilt index holds it exclusively (and write_lock too, so a writer
 * may read index_stale and index without it).
 */
struct lm_engine {
  lm__store *store;
  lm__skilldict *skills;
  pthread_mutex_t write_lock;  /* one writer at a time */
  pthread_rwlock_t dict_lock;  /* the dictionary: scans read, terms write */
  lm_options opts;
  pthread_rwlock_t index_lock; /* the index: queries read, applies write */
  lm__index *index;
  lm__ibatch *pending;         /* the writer's records awaiting a commit */
  int index_stale;             /* an apply failed: rebuild before use */
  long long index_version;     /* the store's data_version it reflects */
};

/* A copy of `in` ready to store: skills canonical and merged, skills found
 * in the free text added, the whole record validated.  Takes the
 * dictionary's read lock. */
int lm__engine_prepare(lm_engine *e, const lm_record *in, lm_record **out);
/* The same on r itself, for a caller that owns it (ingest: no copy). */
int lm__engine_prepare_own(lm_engine *e, lm_record *r);

/* Applies the committed batch e->pending to the index and empties it
 * (the caller holds write_lock).  An index that cannot take it (out of
 * memory) is marked stale and rebuilt by the next query. */
void lm__engine_index_apply(lm_engine *e);
/* Forgets e->pending: its transaction was rolled back. */
void lm__engine_index_discard(lm_engine *e);

/* Rebuilds the index from the store when it is stale, or (only_stale 0)
 * also when another connection has committed since it was built.  Takes
 * write_lock.  LM_OK, LM_ENOMEM, LM_EDB. */
int lm__engine_index_refresh(lm_engine *e, int only_stale);
/* Takes the index shared for a query, rebuilding it first when it is
 * stale (a failed apply, or LM_OPEN_LAZY_INDEX before the first query).
 * On LM_OK the caller holds index_lock for reading, *ix is the index, and
 * lm__engine_index_leave releases it. */
int lm__engine_index_enter(lm_engine *e, lm__index **ix);
void lm__engine_index_leave(lm_engine *e);

/* Stores one prepared record (or its removal) inside the open
 * transaction, its index features set aside for the commit; *changed = 1
 * when a record was replaced or removed.  Takes no lock: the caller holds
 * write_lock. */
int lm__engine_write(lm_engine *e, const lm_record *p, int *changed);

/* Adds an error to a report (id may be NULL). */
int lm__report_error(lm_report *r, const char *id, long line, int code,
                     const char *reason);
/* Adds n to one of the report's counts. */
void lm__report_add(lm_report *r, lm_count which, size_t n);

#endif /* LM_API_H */
