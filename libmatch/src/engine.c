/*
 * engine.c: the engine handle, its life cycle, and the single-record
 * operations of libmatch.h.
 *
 * Writers take write_lock for the whole of a write (one record or one
 * ingest), so writes never interleave; readers go straight to the store,
 * which shows them only committed data.
 *
 * The index (index.c) is built from the store at open (with
 * LM_OPEN_LAZY_INDEX, at the first query: until then it is stale and
 * writes skip it).  A write builds
 * its records' features before it touches the store (so that a record the
 * index cannot take is refused, not stored), keeps them in e->pending,
 * and applies them once the store has committed, still under write_lock:
 * the next query, from any thread, sees the write, and a rolled-back
 * write never reaches the index.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "api.h"

#ifndef LM_PKGDATADIR
#define LM_PKGDATADIR "/usr/local/share/libmatch"
#endif

const char *lm_version(void)
{
  return LM_VERSION_STRING;
}

int lm_version_number(void)
{
  return LM_VERSION_NUMBER;
}

int lm_options_init(lm_options *opts, unsigned int version)
{
  static const lm_options defaults = LM_OPTIONS_INIT;

  if (opts == NULL)
    return lm__fail(LM_EINVAL, "lm_options_init: opts is NULL");
  if (version == 0 || version > LM_OPTIONS_VERSION)
    return lm__fail(LM_EINVAL,
                    "lm_options_init: version %u unknown (this library "
                    "knows up to %d)",
                    version, LM_OPTIONS_VERSION);
  *opts = defaults;
  opts->version = version;
  return LM_OK;
}

/* Copies the caller's options, whatever version they were written for,
 * onto the defaults. */
static int lm__options_take(lm_options *dst, const lm_options *src)
{
  lm_options_init(dst, LM_OPTIONS_VERSION);
  if (src == NULL)
    return LM_OK;
  if (src->version == 0 || src->version > LM_OPTIONS_VERSION)
    return lm__fail(LM_EINVAL,
                    "options version %u unknown (initialise them with "
                    "LM_OPTIONS_INIT or lm_options_init)",
                    src->version);
  *dst = *src;
  if (dst->flags & ~(LM_OPEN_READONLY | LM_OPEN_LAZY_INDEX))
    return lm__fail(LM_EINVAL, "options: unknown flags 0x%x",
                    dst->flags & ~(LM_OPEN_READONLY | LM_OPEN_LAZY_INDEX));
  if (dst->batch_size == 0)
    dst->batch_size = 10000;
  if (dst->busy_timeout_ms < 0)
    return lm__fail(LM_EINVAL, "options: busy_timeout_ms is negative");
  dst->skills_path = NULL; /* used during open only; not kept */
  return LM_OK;
}

static int lm__add_stored_term(void *ctx, const char *canonical,
                               const char *alias)
{
  return lm__skilldict_add(ctx, canonical, alias);
}

static int lm__load_skills(lm_engine *e, const char *path)
{
  const char *env = getenv("LIBMATCH_SKILLS");
  int rc;

  if (path == NULL)
    path = env && *env ? env : LM_PKGDATADIR "/skills.tsv";
  rc = lm__skilldict_new(&e->skills);
  if (rc != LM_OK)
    return rc;
  rc = lm__skilldict_load(e->skills, path);
  if (rc != LM_OK)
    return lm__fail_prefix(rc, "skills dictionary %s: ", path);
  return lm__store_foreach_skill_term(e->store, lm__add_stored_term,
                                      e->skills);
}

/* ------------------------------------------------------------ the index */

static int lm__load_one(void *ctx, const lm_record *r)
{
  return lm__index_load(ctx, r);
}

/* A new index of every stored job and seeker. */
static int lm__index_build(lm_engine *e, lm__index **out)
{
  lm__index *ix = NULL;
  size_t jobs = 0, seekers = 0;
  int rc;

  *out = NULL;
  rc = lm__index_new(&ix, lm__rank_reach);
  if (rc == LM_OK)
    rc = lm__store_count(e->store, LM_JOB, &jobs);
  if (rc == LM_OK)
    rc = lm__store_count(e->store, LM_SEEKER, &seekers);
  if (rc == LM_OK)
    rc = lm__index_reserve(ix, LM_JOB, jobs);
  if (rc == LM_OK)
    rc = lm__index_reserve(ix, LM_SEEKER, seekers);
  if (rc == LM_OK)
    rc = lm__store_scan(e->store, LM_JOB, lm__load_one, ix);
  if (rc == LM_OK)
    rc = lm__store_scan(e->store, LM_SEEKER, lm__load_one, ix);
  if (rc == LM_OK)
    rc = lm__index_settle(ix);
  if (rc != LM_OK) {
    lm__index_free(ix);
    return rc == LM_ENOMEM ? rc : lm__fail_prefix(rc, "building the index: ");
  }
  *out = ix;
  return LM_OK;
}

/* The index no longer follows the store: the next query rebuilds it. */
static void lm__index_lost(lm_engine *e)
{
  pthread_rwlock_wrlock(&e->index_lock);
  e->index_stale = 1;
  pthread_rwlock_unlock(&e->index_lock);
}

void lm__engine_index_apply(lm_engine *e)
{
  int rc = LM_OK;

  if (lm__ibatch_size(e->pending) == 0)
    return;
  pthread_rwlock_wrlock(&e->index_lock);
  if (!e->index_stale)
    rc = lm__index_apply(e->index, e->pending);
  if (rc != LM_OK)
    e->index_stale = 1;
  pthread_rwlock_unlock(&e->index_lock);
  lm__ibatch_clear(e->index, e->pending);
  /* The write itself is committed: it succeeded. */
  lm__clear_error();
}

void lm__engine_index_discard(lm_engine *e)
{
  lm__ibatch_clear(e->index, e->pending);
}

int lm__engine_index_refresh(lm_engine *e, int only_stale)
{
  lm__index *ix = NULL, *old;
  long long version = 0;
  int rc = LM_OK;

  pthread_mutex_lock(&e->write_lock);
  if (!only_stale)
    rc = lm__store_data_version(e->store, &version);
  if (rc == LM_OK && (e->index_stale ||
                      (!only_stale && version != e->index_version))) {
    /* The version is read first: a commit that lands during the build
     * makes the next refresh build again, never go unseen. */
    if (only_stale)
      rc = lm__store_data_version(e->store, &version);
    if (rc == LM_OK)
      rc = lm__index_build(e, &ix);
    if (rc == LM_OK) {
      pthread_rwlock_wrlock(&e->index_lock);
      old = e->index;
      e->index = ix;
      e->index_stale = 0;
      e->index_version = version;
      pthread_rwlock_unlock(&e->index_lock);
      lm__index_free(old);
    }
  }
  pthread_mutex_unlock(&e->write_lock);
  return rc;
}

int lm__engine_index_enter(lm_engine *e, lm__index **ix)
{
  int tries, rc;

  for (tries = 0; tries < 2; tries++) {
    pthread_rwlock_rdlock(&e->index_lock);
    if (!e->index_stale && e->index != NULL) {
      *ix = e->index;
      return LM_OK;
    }
    pthread_rwlock_unlock(&e->index_lock);
    rc = lm__engine_index_refresh(e, 1);
    if (rc != LM_OK)
      return rc;
  }
  return lm__fail(LM_ERROR, "the index could not be rebuilt");
}

void lm__engine_index_leave(lm_engine *e)
{
  pthread_rwlock_unlock(&e->index_lock);
}

int lm_engine_open(lm_engine **out, const char *path, const lm_options *opts)
{
  lm_engine *e = NULL;
  lm_options o;
  int rc;

  lm__clear_error();
  if (out == NULL || path == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_open: NULL argument");
  *out = NULL;
  rc = lm__options_take(&o, opts);
  if (rc != LM_OK)
    return rc;
  rc = lm__norm_init();
  if (rc != LM_OK)
    return rc;
  e = lm__calloc(1, sizeof *e);
  if (e == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  e->opts = o;
  if (pthread_mutex_init(&e->write_lock, NULL) != 0) {
    lm__xfree(e);
    return lm__fail(LM_ERROR, "cannot create a mutex");
  }
  if (pthread_rwlock_init(&e->dict_lock, NULL) != 0) {
    pthread_mutex_destroy(&e->write_lock);
    lm__xfree(e);
    return lm__fail(LM_ERROR, "cannot create a lock");
  }
  if (pthread_rwlock_init(&e->index_lock, NULL) != 0) {
    pthread_rwlock_destroy(&e->dict_lock);
    pthread_mutex_destroy(&e->write_lock);
    lm__xfree(e);
    return lm__fail(LM_ERROR, "cannot create a lock");
  }
  rc = lm__store_open(&e->store, path, (o.flags & LM_OPEN_READONLY) != 0,
                      o.busy_timeout_ms);
  if (rc == LM_OK)
    rc = lm__load_skills(e, opts ? opts->skills_path : NULL);
  if (rc == LM_OK)
    rc = lm__ibatch_new(&e->pending);
  if (rc == LM_OK)
    rc = lm__store_data_version(e->store, &e->index_version);
  if (rc == LM_OK && (o.flags & LM_OPEN_LAZY_INDEX))
    e->index_stale = 1; /* built by the first query */
  else if (rc == LM_OK)
    rc = lm__index_build(e, &e->index);
  if (rc != LM_OK) {
    lm_engine_close(e);
    return rc;
  }
  *out = e;
  return LM_OK;
}

void lm_engine_close(lm_engine *e)
{
  if (e == NULL)
    return;
  lm__ibatch_free(e->index, e->pending);
  lm__index_free(e->index);
  lm__store_close(e->store);
  lm__skilldict_free(e->skills);
  pthread_rwlock_destroy(&e->index_lock);
  pthread_rwlock_destroy(&e->dict_lock);
  pthread_mutex_destroy(&e->write_lock);
  lm__xfree(e);
}

/* ------------------------------------------------------------ prepare */

typedef struct lm__scan_ctx {
  lm_record *r;
  unsigned int where;
} lm__scan_ctx;

static int lm__found_skill(void *ctx, const char *canonical)
{
  lm__scan_ctx *sc = ctx;
  int level = sc->r->kind == LM_JOB ? LM_SKILL_PREFERRED : LM_SKILL_HELD;
  return lm__record_add_skill(sc->r, canonical, canonical, level, -1,
                              sc->where);
}

/* The record's skills again: its named skills (`named`, taken from it)
 * made canonical (the dictionary's term, or the folded name when it has
 * none) and merged, then the skills that its free text mentions. */
static int lm__canonical_skills(lm_engine *e, const lm__rskill *named,
                                size_t n, lm_record *r)
{
  static const struct {
    lm_field f;
    unsigned int bit;
  } texts[] = {{LM_F_NAME, LM_FOUND_TITLE},
               {LM_F_TEXT, LM_FOUND_TEXT},
               {LM_F_DESCRIPTION, LM_FOUND_DESCRIPTION}};
  size_t i;
  int rc = LM_OK;

  for (i = 0; i < n && rc == LM_OK; i++) {
    const lm__rskill *s = &named[i];
    const char *canon;
    char small[512], *folded = NULL;

    if (!(s->found_in & LM_FOUND_SKILL))
      continue; /* found in text last time: found again below */
    canon = lm__skilldict_lookup(e->skills, s->name);
    if (canon == NULL) {
      rc = lm__fold_to(s->name, strlen(s->name), small, sizeof small,
                       &folded);
      canon = folded;
    }
    if (rc == LM_OK)
      rc = lm__record_add_skill(r, s->name, canon, s->level, s->years,
                                LM_FOUND_SKILL);
    if (folded != small)
      lm__xfree(folded);
  }
  if (r->kind != LM_JOB && r->kind != LM_SEEKER)
    return rc;
  /* The kinds' fields decide what is scanned: a seeker has only <text>. */
  for (i = 0; i < sizeof texts / sizeof texts[0] && rc == LM_OK; i++) {
    lm__scan_ctx sc = {r, texts[i].bit};
    if (r->text[texts[i].f])
      rc = lm__skilldict_scan(e->skills, r->text[texts[i].f],
                              lm__found_skill, &sc);
  }
  return rc;
}

int lm__engine_prepare_own(lm_engine *e, lm_record *r)
{
  lm__rskill *named;
  size_t n;
  int rc;

  rc = lm__record_validate(r);
  if (rc != LM_OK)
    return rc;
  lm__record_take_skills(r, &named, &n);
  if (!r->removal) {
    pthread_rwlock_rdlock(&e->dict_lock);
    rc = lm__canonical_skills(e, named, n, r);
    pthread_rwlock_unlock(&e->dict_lock);
  }
  lm__skills_free(named, n);
  return rc;
}

int lm__engine_prepare(lm_engine *e, const lm_record *in, lm_record **out)
{
  lm_record *r = NULL;
  int rc;

  *out = NULL;
  rc = lm__record_clone(in, &r);
  if (rc == LM_OK)
    rc = lm__engine_prepare_own(e, r);
  if (rc != LM_OK) {
    lm_record_free(r);
    return rc;
  }
  *out = r;
  return LM_OK;
}

/* ------------------------------------------------------------ writes */

static int lm__writable(lm_engine *e)
{
  if (e->opts.flags & LM_OPEN_READONLY)
    return lm__fail(LM_EINVAL, "the engine was opened read-only");
  return LM_OK;
}

int lm__engine_write(lm_engine *e, const lm_record *p, int *changed)
{
  int rc = LM_OK;

  /* Features first: a record the index cannot take is not stored.  An
   * index that is stale (or not built yet) is rebuilt from the store
   * before its next use, so it needs none. */
  if (e->index != NULL && !e->index_stale)
    rc = lm__ibatch_add(e->index, e->pending, p);
  if (rc != LM_OK)
    return rc;
  return p->removal ? lm__store_remove(e->store, p->kind, p->id, changed)
                    : lm__store_put(e->store, p, changed);
}

int lm_engine_put(lm_engine *e, const lm_record *r)
{
  lm_record *p = NULL;
  int rc, changed = 0;

  lm__clear_error();
  if (e == NULL || r == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_put: NULL argument");
  rc = lm__writable(e);
  if (rc != LM_OK)
    return rc;
  rc = lm__engine_prepare(e, r, &p);
  if (rc != LM_OK)
    return rc == LM_EINVAL ? lm__fail_prefix(rc, "%s %s: ",
                                             lm__kind_name(r->kind), r->id)
                           : rc;
  pthread_mutex_lock(&e->write_lock);
  rc = lm__store_begin(e->store);
  if (rc == LM_OK) {
    rc = lm__engine_write(e, p, &changed);
    rc = rc == LM_OK ? lm__store_commit(e->store)
                     : (lm__store_rollback(e->store), rc);
  }
  if (rc == LM_OK)
    lm__engine_index_apply(e);
  else
    lm__engine_index_discard(e);
  pthread_mutex_unlock(&e->write_lock);
  lm_record_free(p);
  return rc;
}

int lm_engine_remove(lm_engine *e, lm_kind kind, const char *id)
{
  int rc, existed = 0;

  lm__clear_error();
  if (e == NULL || id == NULL || lm__kind_name(kind) == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_remove: bad argument");
  rc = lm__writable(e);
  if (rc != LM_OK)
    return rc;
  pthread_mutex_lock(&e->write_lock);
  rc = lm__store_begin(e->store);
  if (rc == LM_OK) {
    rc = lm__store_remove(e->store, kind, id, &existed);
    rc = rc == LM_OK ? lm__store_commit(e->store)
                     : (lm__store_rollback(e->store), rc);
  }
  if (rc == LM_OK && existed) {
    /* Committed: if the index cannot even note it, it must be rebuilt. */
    if (lm__ibatch_remove(e->pending, kind, id) == LM_OK)
      lm__engine_index_apply(e);
    else
      lm__index_lost(e);
  }
  pthread_mutex_unlock(&e->write_lock);
  if (rc == LM_OK && !existed)
    return lm__fail(LM_ENOTFOUND, "no %s with that id", lm__kind_name(kind));
  return rc;
}

int lm_engine_get(lm_engine *e, lm_kind kind, const char *id,
                  lm_record **out)
{
  lm__clear_error();
  if (out)
    *out = NULL;
  if (e == NULL || id == NULL || out == NULL || lm__kind_name(kind) == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_get: bad argument");
  return lm__store_get(e->store, kind, id, out);
}

int lm_engine_count(lm_engine *e, lm_kind kind, size_t *out)
{
  lm__clear_error();
  if (e == NULL || out == NULL || lm__kind_name(kind) == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_count: bad argument");
  return lm__store_count(e->store, kind, out);
}

int lm_engine_add_skill_term(lm_engine *e, const char *canonical,
                             const char *alias)
{
  int rc;

  lm__clear_error();
  if (e == NULL || canonical == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_add_skill_term: NULL argument");
  rc = lm__writable(e);
  if (rc != LM_OK)
    return rc;
  pthread_mutex_lock(&e->write_lock);
  rc = lm__store_begin(e->store);
  if (rc == LM_OK) {
    rc = lm__store_add_skill_term(e->store, canonical, alias);
    if (rc == LM_OK) {
      /* The dictionary first: if it cannot take the term, nothing is
       * committed and the two stay the same. */
      pthread_rwlock_wrlock(&e->dict_lock);
      rc = lm__skilldict_add(e->skills, canonical, alias);
      pthread_rwlock_unlock(&e->dict_lock);
    }
    rc = rc == LM_OK ? lm__store_commit(e->store)
                     : (lm__store_rollback(e->store), rc);
  }
  pthread_mutex_unlock(&e->write_lock);
  return rc;
}

int lm_engine_skill_lookup(lm_engine *e, const char *text, const char **out)
{
  const char *c;

  lm__clear_error();
  if (out)
    *out = NULL;
  if (e == NULL || text == NULL || out == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_skill_lookup: NULL argument");
  pthread_rwlock_rdlock(&e->dict_lock);
  c = lm__skilldict_lookup(e->skills, text);
  pthread_rwlock_unlock(&e->dict_lock);
  if (c == NULL)
    return lm__fail(LM_ENOTFOUND, "no skill '%s' in the dictionary", text);
  *out = c;
  return LM_OK;
}
