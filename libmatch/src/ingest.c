/*
 * ingest.c: documents into the store, and the store out as a document.
 *
 * Reading streams: each record the reader completes is prepared (skills,
 * validation) and written inside the current transaction.  Every
 * batch_size records the transaction commits, which keeps a large ingest
 * fast and its memory flat.  The report's counts move only when a batch
 * commits, so they always describe what is in the store.  All or nothing
 * keeps one transaction for the whole document.
 *
 * The index follows the same way: each record's features are built
 * before it is written (e->pending) and applied when its batch commits;
 * a batch rolled back is forgotten, so the index never shows what the
 * store does not hold.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

typedef struct lm__ingest {
  lm_engine *e;
  lm_report *report;
  int all_or_nothing;
  size_t in_batch;      /* records written since the last commit */
  size_t pending[4];    /* counts not yet committed */
  size_t rejected;      /* rejected records (counted at once) */
  int stopped;          /* a record error under all or nothing */
} lm__ingest;

static int lm__ingest_bad(void *ctx, const char *id, long line, int code,
                          const char *reason)
{
  lm__ingest *in = ctx;
  int rc;

  in->rejected++;
  lm__report_add(in->report, LM_COUNT_REJECTED, 1);
  rc = lm__report_error(in->report, id, line, code, reason);
  if (rc != LM_OK)
    return rc;
  if (in->all_or_nothing) {
    in->stopped = 1;
    int named = id == NULL || strstr(reason, id) != NULL;
    return lm__fail(LM_EPARSE, "line %ld: %s%s%s", line, named ? "" : id,
                    named ? "" : ": ", reason);
  }
  return LM_OK;
}

static void lm__pending_clear(lm__ingest *in)
{
  memset(in->pending, 0, sizeof in->pending);
  in->in_batch = 0;
}

static int lm__ingest_commit(lm__ingest *in)
{
  int rc = lm__store_commit(in->e->store);
  size_t i;

  if (rc != LM_OK) {
    lm__engine_index_discard(in->e);
    return rc;
  }
  lm__engine_index_apply(in->e);
  for (i = 0; i < 4; i++)
    lm__report_add(in->report, (lm_count)i, in->pending[i]);
  lm__pending_clear(in);
  return LM_OK;
}

/* Stores one prepared record inside the open transaction.  No savepoint:
 * a prepared record can fail to store only through the database itself,
 * and that stops the ingest and rolls the whole batch back. */
static int lm__ingest_write(lm__ingest *in, const lm_record *p)
{
  int rc, flag = 0;

  rc = lm__engine_write(in->e, p, &flag);
  if (rc != LM_OK)
    return rc;
  if (p->removal)
    in->pending[LM_COUNT_REMOVED] += flag;
  else
    in->pending[flag ? LM_COUNT_REPLACED : LM_COUNT_ADDED]++;
  in->in_batch++;
  return LM_OK;
}

static int lm__ingest_record(void *ctx, lm_record *r)
{
  lm__ingest *in = ctx;
  int rc;

  /* The reader's record is ours to change: prepared where it is. */
  rc = lm__engine_prepare_own(in->e, r);
  if (rc == LM_EINVAL || rc == LM_EPARSE)
    return lm__ingest_bad(in, r->id, r->line, rc, lm__errmsg());
  if (rc == LM_OK)
    rc = lm__ingest_write(in, r);
  if (rc != LM_OK)
    return rc; /* out of memory, the database: stop, roll the batch back */
  if (!in->all_or_nothing && in->in_batch >= in->e->opts.batch_size) {
    rc = lm__ingest_commit(in);
    if (rc == LM_OK)
      rc = lm__store_begin(in->e->store);
  }
  return rc;
}

/* The line number at the head of a reader's message ("line 12: ..."). */
static long lm__message_line(const char *msg)
{
  long line = 0;
  if (sscanf(msg, "line %ld:", &line) != 1)
    return 0;
  return line;
}

typedef int (*lm__reader)(const void *src, size_t len,
                          const lm__xml_sink *sink);

static int lm__read_path(const void *src, size_t len,
                         const lm__xml_sink *sink)
{
  (void)len;
  return lm__xml_read_file(src, sink);
}

static int lm__read_buffer(const void *src, size_t len,
                           const lm__xml_sink *sink)
{
  return lm__xml_read_memory(src, len, sink);
}

static int lm__ingest_run(lm_engine *e, lm__reader read, const void *src,
                          size_t len, unsigned int flags, lm_report *report)
{
  lm__ingest in;
  lm__xml_sink sink;
  int rc, rrc;

  lm__clear_error();
  if (e == NULL || src == NULL)
    return lm__fail(LM_EINVAL, "ingest: NULL argument");
  if (flags & ~LM_INGEST_ALL_OR_NOTHING)
    return lm__fail(LM_EINVAL, "ingest: unknown flags 0x%x", flags);
  if (e->opts.flags & LM_OPEN_READONLY)
    return lm__fail(LM_EINVAL, "the engine was opened read-only");
  memset(&in, 0, sizeof in);
  in.e = e;
  in.report = report;
  in.all_or_nothing = (flags & LM_INGEST_ALL_OR_NOTHING) != 0;
  sink.record = lm__ingest_record;
  sink.bad = lm__ingest_bad;
  sink.ctx = &in;

  pthread_mutex_lock(&e->write_lock);
  rc = lm__store_begin(e->store);
  if (rc != LM_OK) {
    pthread_mutex_unlock(&e->write_lock);
    return rc;
  }
  rrc = read(src, len, &sink);
  if (rrc == LM_EPARSE && !in.stopped)
    /* The document itself broke: say so in the report too. */
    lm__report_error(report, NULL, lm__message_line(lm__errmsg()),
                     LM_EPARSE, lm__errmsg());
  if (rrc == LM_OK || (rrc == LM_EPARSE && !in.all_or_nothing)) {
    /* Records read before a break in the document are whole: keep them,
     * unless the caller asked for all or nothing. */
    char msg[512];
    snprintf(msg, sizeof msg, "%s", lm__errmsg());
    rc = lm__ingest_commit(&in);
    if (rc == LM_OK) {
      rc = rrc;
      lm__fail(rrc, "%s", msg);
    }
  } else {
    lm__store_rollback(e->store);
    lm__engine_index_discard(e);
    /* Rejected records stay counted; nothing else happened. */
    lm__pending_clear(&in);
    rc = rrc;
  }
  pthread_mutex_unlock(&e->write_lock);
  if (rc == LM_OK)
    lm__clear_error();
  return rc;
}

int lm_engine_ingest_file(lm_engine *e, const char *path, unsigned int flags,
                          lm_report *report)
{
  return lm__ingest_run(e, lm__read_path, path, 0, flags, report);
}

int lm_engine_ingest_buffer(lm_engine *e, const char *buf, size_t len,
                            unsigned int flags, lm_report *report)
{
  return lm__ingest_run(e, lm__read_buffer, buf, len, flags, report);
}

/* ----------------------------------------------------------------- export */

typedef struct lm__export {
  lm__xml_writer *w;
  unsigned int flags;
} lm__export;

static int lm__export_one(void *ctx, const lm_record *r)
{
  lm__export *x = ctx;
  return lm__xml_write_record(x->w, r, x->flags);
}

static int lm__export_run(lm_engine *e, const char *path, unsigned int flags,
                          char **out, size_t *len)
{
  static const lm_kind order[] = {LM_EMPLOYER, LM_JOB, LM_SEEKER,
                                  LM_SERVICE_POINT, LM_COMMUNITY};
  lm__export x;
  size_t i;
  int rc;

  lm__clear_error();
  if (e == NULL)
    return lm__fail(LM_EINVAL, "export: engine is NULL");
  if (flags & ~LM_EXPORT_PERSONAL)
    return lm__fail(LM_EINVAL, "export: unknown flags 0x%x", flags);
  x.flags = flags;
  rc = lm__xml_writer_new(&x.w, path);
  if (rc != LM_OK)
    return rc;
  for (i = 0; i < sizeof order / sizeof order[0] && rc == LM_OK; i++)
    rc = lm__store_foreach(e->store, order[i], lm__export_one, &x);
  if (rc == LM_OK)
    rc = lm__xml_writer_finish(x.w, out, len);
  lm__xml_writer_free(x.w);
  return rc;
}

int lm_engine_export_file(lm_engine *e, const char *path, unsigned int flags)
{
  if (path == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_export_file: path is NULL");
  return lm__export_run(e, path, flags, NULL, NULL);
}

int lm_engine_export_buffer(lm_engine *e, unsigned int flags, char **out,
                            size_t *len)
{
  if (out == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_export_buffer: out is NULL");
  *out = NULL;
  if (len)
    *len = 0;
  return lm__export_run(e, NULL, flags, out, len);
}
