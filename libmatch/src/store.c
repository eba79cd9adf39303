/*
 * store.c: the store layer.  SQLite is the source of truth (DESIGN.md);
 * schema.sql describes the database and is embedded here as schema.h.
 *
 * Connections.  A file store has two: the writer, used only by the thread
 * that holds the engine's write lock, and a read-only reader for get,
 * count and foreach from any thread.  In WAL mode the reader sees the last
 * committed snapshot, so a read during a write transaction sees only
 * committed data and is never blocked by it.  The reader's statements are
 * shared, so `rlock` lets one thread at a time use them.
 *
 * ":memory:" (and "", SQLite's private temporary database) cannot be
 * opened twice, so such a store has one connection; a read there would see
 * the open transaction's uncommitted rows, so `rlock` is also held from
 * begin to commit or rollback and other threads' reads wait for the
 * commit.  A read-only store has one connection too, as it never writes.
 *
 * `rlock` is recursive so that a foreach callback may call get or count
 * and so that the writing thread of a one-connection store may read its
 * own transaction.  (In a file store that thread reads through the reader
 * and sees the committed state, without its own uncommitted writes.)
 * Because the lock may be held across a transaction, begin and its commit
 * or rollback must come from the same thread, as the engine does.
 *
 * Every statement is prepared once, when the store opens, and reset after
 * each use.  SQL text comes only from this file and from the field table
 * (lm__field(f)->name); every value is bound.
 */
#define _GNU_SOURCE /* PTHREAD_MUTEX_RECURSIVE */
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "schema.h"

/* Writer statements. */
enum {
  W_BEGIN,
  W_COMMIT,
  W_ROLLBACK,
  W_SAVEPOINT,
  W_RELEASE,
  W_ROLLBACK_TO,
  W_DELETE,
  W_FIND,
  W_INSERT,
  W_UPDATE,
  W_TERM,
  W_COUNT_
};

/* Reader statements. */
enum {
  R_BEGIN,
  R_END,
  R_GET,
  R_EACH,
  R_SCAN,
  R_COUNT,
  R_TERMS,
  R_COUNT_
};

struct lm__store {
  sqlite3 *db;  /* the writer; in a one-connection store, the only one */
  sqlite3 *rdb; /* the reader: == db in a one-connection store */
  int readonly;
  int single;   /* one connection: rlock is held across transactions */
  int depth;    /* 0: no transaction; 1: a transaction; +1 per savepoint */
  pthread_mutex_t rlock;
  int rlock_ok; /* rlock was initialised */
  sqlite3_stmt *w[W_COUNT_];
  sqlite3_stmt *r[R_COUNT_];
  lm__buf items, skills; /* a put's packed lists (under the write lock) */
  lm__buf rtext, rcanon; /* strings read from packed lists (under rlock) */
  /* The checkpointer (see lm__ckpt_start): its own connection and
   * thread, woken through ck_cond when the log has grown. */
  sqlite3 *ckdb;
  pthread_t ck_thread;
  pthread_mutex_t ck_lock;
  pthread_cond_t ck_cond;
  int ck_started; /* the thread runs: join it at close */
  int ck_want;    /* the log has grown since the last checkpoint */
  int ck_busy;    /* the thread is checkpointing */
  int ck_writer;  /* the writer is checkpointing: the thread waits */
  int ck_stop;
  unsigned long ck_pages; /* pages it copied into the file (tests) */
};

static int lm__migrate_1_to_2(sqlite3 *db);

/*
 * Schema migrations: what takes a database from version `from` to from +
 * 1, run in one transaction with the version bump: SQL, then a C step
 * for what SQL cannot say.  schema.sql always describes the newest
 * version and creates new databases; an older database walks this table
 * one step at a time.  To change the schema: edit schema.sql, add the
 * step here, raise LM__SCHEMA_VERSION, and add a test that opens a file
 * of the old version (tests/test_store.c).  (Rebuilding a table is safe
 * here: foreign keys are switched on only after the schema is settled.)
 */
static const struct lm__migration {
  int from;
  const char *sql;
  int (*step)(sqlite3 *db);
} lm__migrations[] = {
    /* 1 -> 2: list items and skills packed into the record row. */
    {1,
     "ALTER TABLE record ADD COLUMN items BLOB;"
     "ALTER TABLE record ADD COLUMN skills BLOB;",
     lm__migrate_1_to_2},
    {0, NULL, NULL} /* end */
};

/* ------------------------------------------------------------ errors */

/* The code for a SQLite result: out of memory is the caller's business,
 * everything else is the database's. */
static int lm__db_code(int sqlite_rc)
{
  return (sqlite_rc & 0xff) == SQLITE_NOMEM ? LM_ENOMEM : LM_EDB;
}

/* Records a SQLite failure.  SQLite's messages name tables and columns,
 * never bound values, so no record data (personal or not) leaks in. */
static int lm__db_fail(sqlite3 *db, int sqlite_rc, const char *what)
{
  if ((sqlite_rc & 0xff) == SQLITE_NOMEM)
    return lm__fail(LM_ENOMEM, "store: %s: out of memory", what);
  return lm__fail(LM_EDB, "store: %s: %s", what,
                  db ? sqlite3_errmsg(db) : sqlite3_errstr(sqlite_rc));
}

/* Steps a statement that returns no rows, then resets it. */
static int lm__step_done(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
  int rc = sqlite3_step(st);
  int code = LM_OK;

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    code = lm__db_fail(db, rc, what);
  sqlite3_reset(st);
  return code;
}

/* Runs SQL text that returns no rows (open, schema, migrations). */
static int lm__exec(sqlite3 *db, const char *sql, const char *what)
{
  int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? LM_OK : lm__db_fail(db, rc, what);
}

/* One integer from a one-off query (PRAGMA user_version, counts). */
static int lm__query_int(sqlite3 *db, const char *sql, long long *out,
                         const char *what)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      *out = sqlite3_column_int64(st, 0);
      rc = SQLITE_OK;
    }
  }
  if (rc != SQLITE_OK) {
    int code = lm__db_fail(db, rc, what);
    sqlite3_finalize(st);
    return code;
  }
  sqlite3_finalize(st);
  return LM_OK;
}

/* --------------------------------------------------- the field columns */

/* Scalar fields are the record table's columns; list fields are rows of
 * record_item. */
static int lm__is_column(const lm__field_info *fi)
{
  return fi != NULL && fi->type != LM__FT_LIST;
}

static const char *lm__column_type(const lm__field_info *fi)
{
  switch (fi->type) {
  case LM__FT_INT:
    return "INTEGER";
  case LM__FT_REAL:
    return "REAL";
  default: /* text, words and dates (YYYY-MM-DD) */
    return "TEXT";
  }
}

/* The names go into SQL text, so they must be plain identifiers; they
 * come from our own table, and this keeps that promise checked. */
static int lm__name_ok(const char *name)
{
  const char *p = name;
  if (*p < 'a' || *p > 'z')
    return 0;
  for (; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
      return 0;
  return p - name <= 40;
}

/* "rowid","id","status","name",... in field order, then the packed
 * lists: the row layout that lm__load_record reads. */
static int lm__select_list(lm__buf *b)
{
  int f, rc = lm__buf_adds(b, "rowid, id");

  for (f = 1; f < LM_F_COUNT_ && rc == LM_OK; f++) {
    const lm__field_info *fi = lm__field((lm_field)f);
    if (lm__is_column(fi))
      rc = lm__buf_printf(b, ", \"%s\"", fi->name);
  }
  return rc == LM_OK ? lm__buf_adds(b, ", items, skills") : rc;
}

#define LM__FIRST_FIELD_COLUMN 2

/*
 * Checks that the record table has a column of the right type for every
 * scalar field: schema.sql, the migrations and record.c's field table
 * must agree, and a field added without a migration is caught here,
 * at open, rather than as a failed insert later.
 */
static int lm__check_columns(sqlite3 *db)
{
  sqlite3_stmt *st = NULL;
  int f, rc, code = LM_OK;

  rc = sqlite3_prepare_v2(db,
                          "SELECT upper(type) FROM pragma_table_info('record')"
                          " WHERE name = ?1",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return lm__db_fail(db, rc, "reading the schema");
  for (f = 1; f < LM_F_COUNT_ && code == LM_OK; f++) {
    const lm__field_info *fi = lm__field((lm_field)f);
    const char *want, *type;

    if (!lm__is_column(fi))
      continue;
    if (!lm__name_ok(fi->name)) {
      code = lm__fail(LM_ERROR, "store: field %d has a bad column name", f);
      break;
    }
    want = lm__column_type(fi);
    sqlite3_bind_text(st, 1, fi->name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      type = (const char *)sqlite3_column_text(st, 0);
      if (type == NULL || strcmp(type, want) != 0)
        code = lm__fail(LM_EDB,
                        "store: column record.%s is %s, expected %s "
                        "(a migration is missing)",
                        fi->name, type ? type : "untyped", want);
    } else if (rc == SQLITE_DONE) {
      code = lm__fail(LM_EDB,
                      "store: the record table has no column %s "
                      "(a migration is missing)",
                      fi->name);
    } else {
      code = lm__db_fail(db, rc, "reading the schema");
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return code;
}


/* ------------------------------------------------------ packed lists */

/*
 * A record's list items and skills travel in two BLOB columns of its row
 * (schema.sql gives the layout): varints and length-prefixed strings.
 * Writing them costs a few appends to a buffer the store keeps; reading
 * them back checks every length against the blob, so a damaged row is an
 * error, not a read past its end.
 */

/* Writes v at o as an unsigned LEB128 varint (at most 10 bytes); returns
 * the end. */
static char *lm__put_varint(char *o, uint64_t v)
{
  do {
    unsigned char c = (unsigned char)(v & 0x7f);
    v >>= 7;
    *o++ = (char)(v != 0 ? c | 0x80 : c);
  } while (v != 0);
  return o;
}

static char *lm__put_string(char *o, const char *str, size_t n)
{
  o = lm__put_varint(o, n);
  memcpy(o, str, n);
  return o + n;
}

/* Room for `strings` bytes of strings and `varints` varints at the end of
 * b; the entry is then written at lm__pack_at(b) and closed by
 * lm__pack_end: one reservation an entry, not one a field. */
static char *lm__pack_at(lm__buf *b, size_t strings, size_t varints)
{
  if (strings > (size_t)-1 / 2 ||
      lm__buf_reserve(b, strings + 10 * varints) != LM_OK)
    return NULL;
  return b->data + b->len;
}

static void lm__pack_end(lm__buf *b, char *o)
{
  b->len = (size_t)(o - b->data);
  b->data[b->len] = '\0';
}

static int lm__pack_item(lm__buf *b, int field, const char *value)
{
  size_t n = strlen(value);
  char *o = lm__pack_at(b, n, 2);

  if (o == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  o = lm__put_varint(o, (uint64_t)field);
  lm__pack_end(b, lm__put_string(o, value, n));
  return LM_OK;
}

/* years >= -1 (-1: unknown) is stored plus one. */
static int lm__pack_skill(lm__buf *b, const char *name, const char *canonical,
                          int level, int years, unsigned int found_in)
{
  size_t nn = strlen(name), cn = canonical ? strlen(canonical) : 0;
  char *o = lm__pack_at(b, nn + cn, 5);

  if (o == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  o = lm__put_string(o, name, nn);
  if (canonical == NULL) {
    o = lm__put_varint(o, 0);
  } else {
    o = lm__put_varint(o, (uint64_t)cn + 1);
    memcpy(o, canonical, cn);
    o += cn;
  }
  o = lm__put_varint(o, (uint64_t)(level < 0 ? 0 : level));
  o = lm__put_varint(o, (uint64_t)(years < -1 ? 0 : years + 1));
  lm__pack_end(b, lm__put_varint(o, found_in));
  return LM_OK;
}

/* r's lists into s->items and s->skills (empty: none). */
static int lm__pack_record(lm__store *s, const lm_record *r)
{
  int f, rc = LM_OK;
  size_t i;

  lm__buf_reset(&s->items);
  lm__buf_reset(&s->skills);
  for (f = 1; f < LM_F_COUNT_ && rc == LM_OK; f++)
    for (i = 0; i < r->list[f].n && rc == LM_OK; i++)
      rc = lm__pack_item(&s->items, f, r->list[f].items[i]);
  for (i = 0; i < r->nskills && rc == LM_OK; i++) {
    const lm__rskill *k = &r->skills[i];
    rc = lm__pack_skill(&s->skills, k->name, k->canonical, k->level, k->years,
                        k->found_in);
  }
  return rc;
}

/* A reading position in a packed blob. */
typedef struct lm__unpack {
  const unsigned char *p, *end;
} lm__unpack;

static int lm__unpack_varint(lm__unpack *u, uint64_t *out)
{
  uint64_t v = 0;
  int shift;

  for (shift = 0; shift < 64 && u->p < u->end; shift += 7) {
    unsigned char c = *u->p++;
    v |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) {
      *out = v;
      return 1;
    }
  }
  return 0;
}

/* A string of n bytes into tmp (NUL-terminated, grown as needed). */
static int lm__unpack_string(lm__unpack *u, uint64_t n, lm__buf *tmp,
                             const char **out)
{
  if (n > (uint64_t)(u->end - u->p) || memchr(u->p, '\0', (size_t)n))
    return lm__fail(LM_EDB, "a packed string runs past its blob");
  lm__buf_reset(tmp);
  if (lm__buf_add(tmp, (const char *)u->p, (size_t)n) != LM_OK)
    return LM_ENOMEM;
  u->p += n;
  *out = lm__buf_cstr(tmp);
  return LM_OK;
}

static int lm__unpack_items(lm_record *r, const void *blob, int size,
                            lm__buf *tmp)
{
  lm__unpack u = {blob, (const unsigned char *)blob + size};
  int rc = LM_OK;

  while (rc == LM_OK && u.p < u.end) {
    uint64_t f, n;
    const lm__field_info *fi;
    const char *v;
    if (!lm__unpack_varint(&u, &f) || !lm__unpack_varint(&u, &n))
      return lm__fail(LM_EDB, "packed items are cut short");
    fi = f < LM_F_COUNT_ ? lm__field((lm_field)f) : NULL;
    if (fi == NULL || fi->type != LM__FT_LIST)
      return lm__fail(LM_EDB, "packed item of field %llu is not a list item",
                      (unsigned long long)f);
    rc = lm__unpack_string(&u, n, tmp, &v);
    if (rc == LM_OK)
      rc = lm__record_set(r, (lm_field)f, v);
  }
  return rc;
}

static int lm__unpack_skills(lm_record *r, const void *blob, int size,
                             lm__buf *name, lm__buf *canon)
{
  lm__unpack u = {blob, (const unsigned char *)blob + size};
  int rc = LM_OK;

  while (rc == LM_OK && u.p < u.end) {
    uint64_t n, c, level, years, found;
    const char *nm, *cn = NULL;
    if (!lm__unpack_varint(&u, &n))
      return lm__fail(LM_EDB, "packed skills are cut short");
    rc = lm__unpack_string(&u, n, name, &nm);
    if (rc != LM_OK)
      return rc;
    if (!lm__unpack_varint(&u, &c))
      return lm__fail(LM_EDB, "packed skills are cut short");
    if (c > 0 && (rc = lm__unpack_string(&u, c - 1, canon, &cn)) != LM_OK)
      return rc;
    if (!lm__unpack_varint(&u, &level) || !lm__unpack_varint(&u, &years) ||
        !lm__unpack_varint(&u, &found))
      return lm__fail(LM_EDB, "packed skills are cut short");
    if (level > 16 || years > (uint64_t)INT_MAX || found > UINT_MAX)
      return lm__fail(LM_EDB, "a packed skill is out of range");
    rc = lm__record_add_skill(r, nm, cn, (int)level, (int)years - 1,
                              (unsigned int)found);
  }
  return rc;
}

/* Binds a packed list as parameter col: NULL when empty. */
static void lm__bind_packed(sqlite3_stmt *st, int col, const lm__buf *b)
{
  if (b->len == 0)
    sqlite3_bind_null(st, col);
  else
    sqlite3_bind_blob(st, col, b->data, (int)b->len, SQLITE_STATIC);
}

/*
 * Version 1 to 2: each record's rows of record_item and record_skill,
 * read in record order, become its packed columns; then the two tables
 * (and the canonical index with them) go.
 */
static int lm__migrate_packed(sqlite3 *db, const char *select,
                              const char *update, int skills)
{
  sqlite3_stmt *sel = NULL, *upd = NULL;
  lm__buf b = {0};
  sqlite3_int64 cur = 0;
  int step, rc;

  rc = sqlite3_prepare_v2(db, select, -1, &sel, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db, update, -1, &upd, NULL);
  if (rc != SQLITE_OK) {
    rc = lm__db_fail(db, rc, "migrating lists");
    goto done;
  }
  rc = LM_OK;
  for (;;) {
    sqlite3_int64 rec = 0;
    step = sqlite3_step(sel);
    if (step == SQLITE_ROW)
      rec = sqlite3_column_int64(sel, 0);
    else if (step != SQLITE_DONE) {
      rc = lm__db_fail(db, step, "migrating lists");
      break;
    }
    if (b.len > 0 && (step == SQLITE_DONE || rec != cur)) {
      sqlite3_bind_int64(upd, 1, cur);
      lm__bind_packed(upd, 2, &b);
      rc = lm__step_done(db, upd, "migrating lists");
      lm__buf_reset(&b);
      if (rc != LM_OK)
        break;
    }
    if (step == SQLITE_DONE)
      break;
    cur = rec;
    /* Column 2 is an item's value; column 1 a skill's name. */
    if (sqlite3_column_text(sel, skills ? 1 : 2) == NULL)
      rc = lm__fail(LM_EDB, "store: a version 1 list row of record %lld "
                            "has no value", (long long)rec);
    else if (!skills)
      rc = lm__pack_item(&b, sqlite3_column_int(sel, 1),
                         (const char *)sqlite3_column_text(sel, 2));
    else
      rc = lm__pack_skill(&b, (const char *)sqlite3_column_text(sel, 1),
                          (const char *)sqlite3_column_text(sel, 2),
                          sqlite3_column_int(sel, 3),
                          sqlite3_column_int(sel, 4),
                          (unsigned int)sqlite3_column_int64(sel, 5));
    if (rc != LM_OK)
      break;
  }
done:
  sqlite3_finalize(sel);
  sqlite3_finalize(upd);
  lm__buf_free(&b);
  return rc;
}

static int lm__migrate_1_to_2(sqlite3 *db)
{
  int rc = lm__migrate_packed(
      db,
      "SELECT record, field, value FROM record_item"
      " ORDER BY record, field, seq",
      "UPDATE record SET items = ?2 WHERE rowid = ?1", 0);

  if (rc == LM_OK)
    rc = lm__migrate_packed(
        db,
        "SELECT record, name, canonical, level, years, found_in"
        " FROM record_skill ORDER BY record, seq",
        "UPDATE record SET skills = ?2 WHERE rowid = ?1", 1);
  if (rc == LM_OK)
    rc = lm__exec(db, "DROP TABLE record_item; DROP TABLE record_skill;",
                  "dropping the version 1 list tables");
  return rc;
}

/* ------------------------------------------------------------ schema */

static int lm__set_version(sqlite3 *db, int version)
{
  char sql[48];
  snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
  return lm__exec(db, sql, "setting the schema version");
}

static const struct lm__migration *lm__find_migration(int from)
{
  const struct lm__migration *m;
  for (m = lm__migrations; m->sql != NULL; m++)
    if (m->from == from)
      return m;
  return NULL;
}

/* Inside the open's transaction: a new database gets schema.sql, an older
 * one is migrated step by step. */
static int lm__create_or_migrate(sqlite3 *db, int version)
{
  long long n, check;
  int rc;

  if (version == 0) {
    rc = lm__query_int(db, "SELECT count(*) FROM sqlite_master", &n,
                       "reading the schema");
    if (rc != LM_OK)
      return rc;
    if (n != 0)
      return lm__fail(LM_EDB, "store: the database has tables but no "
                              "libmatch schema version: not a libmatch "
                              "database");
    rc = lm__exec(db, lm__schema_sql, "creating the schema");
    if (rc != LM_OK)
      return rc;
    rc = lm__query_int(db, "PRAGMA user_version", &check,
                       "reading the schema version");
    if (rc == LM_OK && check != LM__SCHEMA_VERSION)
      rc = lm__fail(LM_ERROR,
                    "store: schema.sql sets version %lld, the library "
                    "expects %d",
                    check, LM__SCHEMA_VERSION);
    return rc;
  }
  for (; version < LM__SCHEMA_VERSION; version++) {
    const struct lm__migration *m = lm__find_migration(version);
    if (m == NULL)
      return lm__fail(LM_EDB, "store: no migration from schema version %d",
                      version);
    rc = lm__exec(db, m->sql, "migrating the schema");
    if (rc == LM_OK && m->step != NULL)
      rc = m->step(db);
    if (rc == LM_OK)
      rc = lm__set_version(db, version + 1);
    if (rc != LM_OK)
      return lm__fail_prefix(rc, "version %d to %d: ", version,
                             version + 1);
  }
  /* A rebuilt table must not leave a dangling reference behind. */
  rc = lm__query_int(db,
                     "SELECT count(*) FROM pragma_foreign_key_check",
                     &n, "checking foreign keys");
  if (rc == LM_OK && n != 0)
    rc = lm__fail(LM_EDB, "store: the migration left %lld dangling rows", n);
  return rc;
}

static int lm__version_check(long long version, int readonly)
{
  if (version > LM__SCHEMA_VERSION)
    return lm__fail(LM_EDB,
                    "database schema version %lld is newer than this "
                    "library's %d",
                    version, LM__SCHEMA_VERSION);
  if (version < 0)
    return lm__fail(LM_EDB, "database schema version %lld is not ours",
                    version);
  if (readonly && version == 0)
    return lm__fail(LM_EDB, "store: the database has no libmatch schema "
                            "(a read-only open cannot create it)");
  if (readonly && version < LM__SCHEMA_VERSION)
    return lm__fail(LM_EDB,
                    "database schema version %lld is older than this "
                    "library's %d; open it read-write once to migrate it",
                    version, LM__SCHEMA_VERSION);
  return LM_OK;
}

/*
 * Brings the schema to LM__SCHEMA_VERSION.  BEGIN IMMEDIATE takes the
 * write lock before the version is read, so two processes opening a new
 * file at once cannot both create the schema.
 */
static int lm__setup_schema(sqlite3 *db, int readonly)
{
  long long version;
  int rc;

  if (readonly) {
    rc = lm__query_int(db, "PRAGMA user_version", &version,
                       "reading the schema version");
    return rc != LM_OK ? rc : lm__version_check(version, 1);
  }
  rc = lm__exec(db, "BEGIN IMMEDIATE", "opening");
  if (rc != LM_OK)
    return rc;
  rc = lm__query_int(db, "PRAGMA user_version", &version,
                     "reading the schema version");
  if (rc == LM_OK)
    rc = lm__version_check(version, 0);
  if (rc == LM_OK && version < LM__SCHEMA_VERSION)
    rc = lm__create_or_migrate(db, (int)version);
  if (rc == LM_OK)
    return lm__exec(db, "COMMIT", "committing the schema");
  sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

/* -------------------------------------------------------- statements */

static int lm__prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
  int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
                              NULL);
  return rc == SQLITE_OK ? LM_OK : lm__db_fail(db, rc, "preparing");
}

/* INSERT INTO record (kind, id, "status", ..., items, skills) VALUES (?1,
 * ?2, ?3, ...). */
static int lm__insert_sql(lm__buf *b)
{
  int f, n = 2, rc = lm__buf_adds(b, "INSERT INTO record (kind, id");

  for (f = 1; f < LM_F_COUNT_ && rc == LM_OK; f++) {
    const lm__field_info *fi = lm__field((lm_field)f);
    if (lm__is_column(fi)) {
      rc = lm__buf_printf(b, ", \"%s\"", fi->name);
      n++;
    }
  }
  if (rc == LM_OK)
    rc = lm__buf_adds(b, ", items, skills) VALUES (?1, ?2");
  n += 2;
  for (f = 3; f <= n && rc == LM_OK; f++)
    rc = lm__buf_printf(b, ", ?%d", f);
  /* A record already there is left alone and updated in place after:
   * a bulk load of new records then needs no lookup first. */
  if (rc == LM_OK)
    rc = lm__buf_adds(b, ") ON CONFLICT (kind, id) DO NOTHING");
  return rc;
}

/* UPDATE record SET "status" = ?3, ..., items = ?N, skills = ?N+1 WHERE
 * rowid = ?1: the columns take
 * the same parameter numbers as in the INSERT, so one binding routine
 * serves both (?2 is unused). */
static int lm__update_sql(lm__buf *b)
{
  int f, n = 3, rc = lm__buf_adds(b, "UPDATE record SET ");

  for (f = 1; f < LM_F_COUNT_ && rc == LM_OK; f++) {
    const lm__field_info *fi = lm__field((lm_field)f);
    if (lm__is_column(fi)) {
      rc = lm__buf_printf(b, "%s\"%s\" = ?%d", n > 3 ? ", " : "", fi->name,
                          n);
      n++;
    }
  }
  if (rc == LM_OK)
    rc = lm__buf_printf(b, ", items = ?%d, skills = ?%d WHERE rowid = ?1", n,
                        n + 1);
  return rc;
}

static int lm__prepare_writer(lm__store *s)
{
  static const char *const fixed[W_COUNT_] = {
      [W_BEGIN] = "BEGIN IMMEDIATE",
      [W_COMMIT] = "COMMIT",
      [W_ROLLBACK] = "ROLLBACK",
      [W_SAVEPOINT] = "SAVEPOINT lm_record",
      [W_RELEASE] = "RELEASE lm_record",
      [W_ROLLBACK_TO] = "ROLLBACK TO lm_record",
      [W_DELETE] = "DELETE FROM record WHERE kind = ?1 AND id = ?2",
      [W_FIND] = "SELECT rowid FROM record WHERE kind = ?1 AND id = ?2",
      /* REPLACE gives a re-added alias a new rowid, so replaying in rowid
       * order applies the terms in the order they were last added. */
      [W_TERM] = "INSERT OR REPLACE INTO skill_term (canonical, alias)"
                 " VALUES (?1, coalesce(?2, ?1))",
  };
  lm__buf b = {0};
  int i, rc = LM_OK;

  for (i = 0; i < W_COUNT_ && rc == LM_OK; i++) {
    if (i == W_INSERT || i == W_UPDATE) {
      lm__buf_reset(&b);
      rc = i == W_INSERT ? lm__insert_sql(&b) : lm__update_sql(&b);
      if (rc == LM_OK)
        rc = lm__prepare(s->db, lm__buf_cstr(&b), &s->w[i]);
    } else {
      rc = lm__prepare(s->db, fixed[i], &s->w[i]);
    }
  }
  lm__buf_free(&b);
  return rc;
}

static int lm__prepare_reader(lm__store *s)
{
  static const char *const fixed[R_COUNT_] = {
      /* A read that takes several statements (a foreach that gets)
       * runs in one read transaction: one snapshot. */
      [R_BEGIN] = "BEGIN",
      [R_END] = "COMMIT",
      [R_COUNT] = "SELECT count(*) FROM record WHERE kind = ?1",
      [R_TERMS] = "SELECT canonical, nullif(alias, canonical)"
                  " FROM skill_term ORDER BY rowid",
  };
  lm__buf b = {0};
  int i, rc = LM_OK;

  for (i = 0; i < R_COUNT_ && rc == LM_OK; i++) {
    if (i == R_GET || i == R_EACH || i == R_SCAN) {
      lm__buf_reset(&b);
      rc = lm__buf_adds(&b, "SELECT ");
      if (rc == LM_OK)
        rc = lm__select_list(&b);
      if (rc == LM_OK)
        /* The UNIQUE (kind, id) index gives id order in byte order. */
        rc = lm__buf_adds(&b, i == R_GET
                                  ? " FROM record WHERE kind = ?1 AND id = ?2"
                              : i == R_EACH
                                  ? " FROM record WHERE kind = ?1 ORDER BY id"
                                  : " FROM record WHERE kind = ?1"
                                    " ORDER BY rowid");
      if (rc == LM_OK)
        rc = lm__prepare(s->rdb, lm__buf_cstr(&b), &s->r[i]);
    } else {
      rc = lm__prepare(s->rdb, fixed[i], &s->r[i]);
    }
  }
  lm__buf_free(&b);
  return rc;
}

/* ------------------------------------------------------------ open */

/* Serialized unless the caller asks for no mutex (and serialises). */
static int lm__mutex_flags(int flags)
{
  return (flags & SQLITE_OPEN_NOMUTEX) ? flags : flags | SQLITE_OPEN_FULLMUTEX;
}

static int lm__open_connection(const char *path, int flags, int timeout_ms,
                               sqlite3 **out)
{
  sqlite3 *db = NULL;
  int rc;

  *out = NULL;
  /* No SQLITE_OPEN_URI: a path is a file name.  Should the SQLite build
   * read URIs everywhere (SQLITE_USE_URI), "./" keeps a file that happens
   * to be called "file:..." a file. */
  if (strncmp(path, "file:", 5) == 0) {
    size_t n = strlen(path);
    char *p = lm__malloc(n + 3);
    if (p == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    memcpy(p, "./", 2);
    memcpy(p + 2, path, n + 1);
    rc = sqlite3_open_v2(p, &db, lm__mutex_flags(flags), NULL);
    lm__xfree(p);
  } else {
    rc = sqlite3_open_v2(path, &db, lm__mutex_flags(flags), NULL);
  }
  if (rc != SQLITE_OK) {
    int code = lm__db_code(rc);
    lm__fail(code, "store: cannot open the database: %s",
             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return code;
  }
  sqlite3_busy_timeout(db, timeout_ms > 0 ? timeout_ms : 0);
  *out = db;
  return LM_OK;
}

/*
 * WAL lets the reader connection (and other processes) read the last
 * committed state while a write transaction is open.  With WAL,
 * synchronous=NORMAL syncs the log at checkpoints rather than at every
 * commit: a committed transaction survives a crash of the process (the
 * log is in the OS's hands once COMMIT returns); only a power failure or
 * OS crash may lose the last commits, and never corrupts the database.
 * That is durable enough for a store that a portal can re-feed, and it is
 * what makes bulk ingest fast.
 */
static int lm__set_wal(sqlite3 *db)
{
  sqlite3_stmt *st = NULL;
  const char *mode;
  int rc, code = LM_OK;

  rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    code = lm__db_fail(db, rc, "setting WAL mode");
  } else {
    mode = (const char *)sqlite3_column_text(st, 0);
    if (mode == NULL || strcmp(mode, "wal") != 0)
      code = lm__fail(LM_EDB,
                      "store: the database cannot use WAL mode (journal "
                      "mode stays %s)",
                      mode ? mode : "unknown");
  }
  sqlite3_finalize(st);
  if (code == LM_OK)
    code = lm__exec(db, "PRAGMA synchronous = NORMAL", "setting sync");
  return code;
}

/* ------------------------------------------------------- checkpoints */

/*
 * A commit appends its pages to the log (WAL); a checkpoint copies them
 * into the database file and syncs both, after which the log starts
 * over.  SQLite checkpoints in the committing thread once the log holds
 * 1,000 pages, so every few megabytes a commit waited for two fsyncs: a
 * twelfth of a bulk ingest's time, and a put's latency in a portal.  A
 * file store checkpoints in a thread of its own instead, on its own
 * connection, while the writer goes on: the writer only wakes it.
 *
 * A checkpoint running beside the writer cannot let the log start over
 * (the writer's next transaction has begun by the time it ends), so the
 * log would grow for as long as the writer is busy.  Past
 * lm__ckpt_writer_pages the committing thread checkpoints too, as SQLite
 * would (after the thread's checkpoint, if one is running, which would
 * hold it off): it catches up what the thread has not, and the log
 * starts over at the writer's next transaction, so it stays under about
 * that size.  Should the thread or its connection be refused, the store
 * keeps SQLite's own checkpoints.
 */
/* Variables so that a test can try them on a small store. */
unsigned long lm__ckpt_pages = 1000;          /* SQLite's default */
unsigned long lm__ckpt_writer_pages = 16384;  /* 64 MB of 4 KB pages */

static void *lm__ckpt_main(void *arg)
{
  lm__store *s = arg;
  int copied;

  pthread_mutex_lock(&s->ck_lock);
  for (;;) {
    while ((!s->ck_want || s->ck_writer) && !s->ck_stop)
      pthread_cond_wait(&s->ck_cond, &s->ck_lock);
    if (s->ck_stop)
      break;
    s->ck_want = 0;
    s->ck_busy = 1;
    pthread_mutex_unlock(&s->ck_lock);
    /* PASSIVE: copies what no reader still needs, never waits for the
     * writer or a reader, never fails the writer.  A failure (a lock held
     * elsewhere, a full disk) leaves the log for the next one. */
    copied = 0;
    if (sqlite3_wal_checkpoint_v2(s->ckdb, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                  NULL, &copied) != SQLITE_OK)
      copied = 0;
    pthread_mutex_lock(&s->ck_lock);
    s->ck_busy = 0;
    pthread_cond_broadcast(&s->ck_cond);
    s->ck_pages += copied > 0 ? (unsigned long)copied : 0;
  }
  pthread_mutex_unlock(&s->ck_lock);
  return NULL;
}

/* After each commit of the writer, with the pages the log holds. */
static int lm__wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
  lm__store *s = arg;

  if (pages >= 0 && (unsigned long)pages >= lm__ckpt_writer_pages) {
    /* After the thread's checkpoint, if one runs (it would hold the
     * writer's off), and before its next. */
    pthread_mutex_lock(&s->ck_lock);
    while (s->ck_busy)
      pthread_cond_wait(&s->ck_cond, &s->ck_lock);
    s->ck_writer = 1;
    pthread_mutex_unlock(&s->ck_lock);
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL,
                              NULL);
    pthread_mutex_lock(&s->ck_lock);
    s->ck_writer = 0;
    pthread_cond_broadcast(&s->ck_cond);
    pthread_mutex_unlock(&s->ck_lock);
  } else if (pages >= 0 && (unsigned long)pages >= lm__ckpt_pages) {
    pthread_mutex_lock(&s->ck_lock);
    s->ck_want = 1;
    pthread_cond_broadcast(&s->ck_cond);
    pthread_mutex_unlock(&s->ck_lock);
  }
  return SQLITE_OK;
}

/* The checkpointer of a file store's writer (path, WAL). */
static void lm__ckpt_start(lm__store *s, const char *path, int timeout_ms)
{
  if (pthread_mutex_init(&s->ck_lock, NULL) != 0)
    return;
  if (pthread_cond_init(&s->ck_cond, NULL) != 0) {
    pthread_mutex_destroy(&s->ck_lock);
    return;
  }
  /* A connection finds the database in WAL mode when it first reads it;
   * until then a checkpoint on it does nothing. */
  if (lm__open_connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                          timeout_ms, &s->ckdb) != LM_OK ||
      sqlite3_exec(s->ckdb, "SELECT count(*) FROM sqlite_master", NULL, NULL,
                   NULL) != SQLITE_OK ||
      pthread_create(&s->ck_thread, NULL, lm__ckpt_main, s) != 0) {
    lm__clear_error(); /* not the caller's failure: SQLite checkpoints */
    sqlite3_close_v2(s->ckdb);
    s->ckdb = NULL;
    pthread_cond_destroy(&s->ck_cond);
    pthread_mutex_destroy(&s->ck_lock);
    return;
  }
  s->ck_started = 1;
  /* Replaces SQLite's own hook, which wal_autocheckpoint installs. */
  sqlite3_wal_hook(s->db, lm__wal_hook, s);
}

static void lm__ckpt_stop(lm__store *s)
{
  if (!s->ck_started)
    return;
  sqlite3_wal_hook(s->db, NULL, NULL);
  pthread_mutex_lock(&s->ck_lock);
  s->ck_stop = 1;
  pthread_cond_broadcast(&s->ck_cond);
  pthread_mutex_unlock(&s->ck_lock);
  pthread_join(s->ck_thread, NULL);
  sqlite3_close_v2(s->ckdb);
  s->ckdb = NULL;
  pthread_cond_destroy(&s->ck_cond);
  pthread_mutex_destroy(&s->ck_lock);
  s->ck_started = 0;
}

unsigned long lm__store_checkpointed(lm__store *s)
{
  unsigned long n;

  if (!s->ck_started)
    return 0;
  pthread_mutex_lock(&s->ck_lock);
  n = s->ck_pages;
  pthread_mutex_unlock(&s->ck_lock);
  return n;
}

int lm__store_open(lm__store **out, const char *path, int readonly,
                   int busy_timeout_ms)
{
  lm__store *s;
  pthread_mutexattr_t attr;
  int memory, rc;

  if (out == NULL)
    return lm__fail(LM_EINVAL, "store: out is NULL");
  *out = NULL;
  if (path == NULL)
    return lm__fail(LM_EINVAL, "store: no database path");
  s = lm__calloc(1, sizeof *s);
  if (s == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  if (pthread_mutexattr_init(&attr) != 0) {
    lm__xfree(s);
    return lm__fail(LM_ERROR, "store: cannot create a mutex");
  }
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  rc = pthread_mutex_init(&s->rlock, &attr);
  pthread_mutexattr_destroy(&attr);
  if (rc != 0) {
    lm__xfree(s);
    return lm__fail(LM_ERROR, "store: cannot create a mutex");
  }
  s->rlock_ok = 1;
  s->readonly = readonly != 0;
  memory = strcmp(path, ":memory:") == 0 || path[0] == '\0';
  s->single = memory || s->readonly;

  /* Every use of this connection is serialised by our own locks: the
   * engine's write lock (writes, the data version), and rlock as well
   * when it also serves reads (a one-connection store).  So SQLite's
   * mutex, taken on every bind, step and column, would be taken for
   * nothing. */
  rc = lm__open_connection(path,
                           (s->readonly ? SQLITE_OPEN_READONLY
                                        : SQLITE_OPEN_READWRITE |
                                              SQLITE_OPEN_CREATE) |
                               SQLITE_OPEN_NOMUTEX,
                           busy_timeout_ms, &s->db);
  /* Each record is written inside a savepoint (ingest), and a savepoint
   * keeps the pages it changes in a sub-journal: in memory that costs a
   * copy, in a temporary file a system call per page (measured: three
   * times slower).  We build no large temporary tables or sorts. */
  if (rc == LM_OK && !s->readonly)
    rc = lm__exec(s->db, "PRAGMA temp_store = MEMORY", "setting temp_store");
  if (rc == LM_OK)
    rc = lm__setup_schema(s->db, s->readonly);
  /* WAL only once the file is known to be ours: a database that is
   * refused (newer, or another program's) is left exactly as it was. */
  if (rc == LM_OK && !memory && !s->readonly)
    rc = lm__set_wal(s->db);
  /* After the schema: a migration may rebuild tables, which foreign keys
   * would get in the way of (and the pragma is a no-op in a transaction). */
  if (rc == LM_OK)
    rc = lm__exec(s->db, "PRAGMA foreign_keys = ON", "enabling foreign keys");
  if (rc == LM_OK)
    rc = lm__check_columns(s->db);
  /* The reader is only ever used under rlock, so SQLite's own mutex
   * would be taken for nothing on every column of every row read (an
   * eighth of the time an open spends rebuilding the index). */
  if (rc == LM_OK && !s->single)
    rc = lm__open_connection(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                             busy_timeout_ms, &s->rdb);
  if (rc == LM_OK && s->single)
    s->rdb = s->db;
  if (rc == LM_OK && !s->readonly)
    rc = lm__prepare_writer(s);
  if (rc == LM_OK && !s->single)
    lm__ckpt_start(s, path, busy_timeout_ms);
  if (rc == LM_OK)
    rc = lm__prepare_reader(s);
  if (rc != LM_OK) {
    lm__store_close(s);
    return rc;
  }
  *out = s;
  return LM_OK;
}

void lm__store_close(lm__store *s)
{
  int i;

  if (s == NULL)
    return;
  if (s->depth > 0)
    lm__store_rollback(s);
  lm__ckpt_stop(s);
  for (i = 0; i < W_COUNT_; i++)
    sqlite3_finalize(s->w[i]);
  for (i = 0; i < R_COUNT_; i++)
    sqlite3_finalize(s->r[i]);
  if (s->rdb != NULL && s->rdb != s->db)
    sqlite3_close_v2(s->rdb);
  /* The last connection to close checkpoints the log into the file. */
  sqlite3_close_v2(s->db);
  if (s->rlock_ok)
    pthread_mutex_destroy(&s->rlock);
  lm__buf_free(&s->items);
  lm__buf_free(&s->skills);
  lm__buf_free(&s->rtext);
  lm__buf_free(&s->rcanon);
  lm__xfree(s);
}

/* ------------------------------------------------------- transactions */

/* After a failed statement SQLite may have rolled the whole transaction
 * back on its own (disk full, I/O error, out of memory); then there is
 * nothing left to commit or to roll back to. */
static void lm__tx_lost(lm__store *s)
{
  if (s->depth > 0 && sqlite3_get_autocommit(s->db)) {
    s->depth = 0;
    if (s->single)
      pthread_mutex_unlock(&s->rlock);
  }
}

static int lm__writable(const lm__store *s, const char *what)
{
  if (s == NULL)
    return lm__fail(LM_EINVAL, "store: %s: no store", what);
  if (s->readonly)
    return lm__fail(LM_EINVAL, "store: %s: the store is read-only", what);
  return LM_OK;
}

int lm__store_begin(lm__store *s)
{
  int rc = lm__writable(s, "begin");

  if (rc != LM_OK)
    return rc;
  if (s->depth != 0)
    return lm__fail(LM_EINVAL, "store: a transaction is already open");
  if (s->single)
    pthread_mutex_lock(&s->rlock);
  rc = lm__step_done(s->db, s->w[W_BEGIN], "beginning a transaction");
  if (rc != LM_OK) {
    if (s->single)
      pthread_mutex_unlock(&s->rlock);
    return rc;
  }
  s->depth = 1;
  return LM_OK;
}

/* Ends the transaction in our books (SQLite's already ended). */
static void lm__tx_end(lm__store *s)
{
  s->depth = 0;
  if (s->single)
    pthread_mutex_unlock(&s->rlock);
}

int lm__store_commit(lm__store *s)
{
  int rc = lm__writable(s, "commit");

  if (rc != LM_OK)
    return rc;
  if (s->depth == 0)
    return lm__fail(LM_EINVAL, "store: commit without a transaction");
  rc = lm__step_done(s->db, s->w[W_COMMIT], "committing");
  /* A failed COMMIT may leave the transaction open (the caller then rolls
   * back) or may have rolled it back already. */
  if (rc == LM_OK)
    lm__tx_end(s);
  else
    lm__tx_lost(s);
  return rc;
}

int lm__store_rollback(lm__store *s)
{
  int rc = lm__writable(s, "rollback");

  if (rc != LM_OK)
    return rc;
  if (s->depth == 0)
    return LM_OK; /* nothing open: cleanup paths may call it freely */
  if (!sqlite3_get_autocommit(s->db))
    rc = lm__step_done(s->db, s->w[W_ROLLBACK], "rolling back");
  lm__tx_end(s);
  return rc;
}

int lm__store_savepoint(lm__store *s)
{
  int rc = lm__writable(s, "savepoint");

  if (rc != LM_OK)
    return rc;
  if (s->depth == 0)
    return lm__fail(LM_EINVAL, "store: savepoint outside a transaction");
  rc = lm__step_done(s->db, s->w[W_SAVEPOINT], "opening a savepoint");
  if (rc == LM_OK)
    s->depth++;
  else
    lm__tx_lost(s);
  return rc;
}

static int lm__in_savepoint(lm__store *s, const char *what)
{
  int rc = lm__writable(s, what);

  if (rc != LM_OK)
    return rc;
  lm__tx_lost(s);
  if (s->depth == 0)
    return lm__fail(LM_EDB, "store: %s: the transaction was rolled back "
                            "by an earlier error",
                    what);
  if (s->depth < 2)
    return lm__fail(LM_EINVAL, "store: %s: no savepoint is open", what);
  return LM_OK;
}

int lm__store_release(lm__store *s)
{
  int rc = lm__in_savepoint(s, "release");

  if (rc != LM_OK)
    return rc;
  rc = lm__step_done(s->db, s->w[W_RELEASE], "releasing a savepoint");
  if (rc == LM_OK)
    s->depth--;
  else
    lm__tx_lost(s);
  return rc;
}

int lm__store_rollback_savepoint(lm__store *s)
{
  int rc = lm__in_savepoint(s, "rollback to savepoint");

  if (rc != LM_OK)
    return rc;
  /* ROLLBACK TO undoes the work but keeps the savepoint open; RELEASE
   * then closes it, so the nesting stays as the caller counts it. */
  rc = lm__step_done(s->db, s->w[W_ROLLBACK_TO],
                     "rolling back to a savepoint");
  if (rc == LM_OK)
    rc = lm__step_done(s->db, s->w[W_RELEASE], "releasing a savepoint");
  if (rc == LM_OK)
    s->depth--;
  else
    lm__tx_lost(s);
  return rc;
}

/* ------------------------------------------------------------ writes */

static int lm__in_transaction(lm__store *s, const char *what)
{
  int rc = lm__writable(s, what);

  if (rc != LM_OK)
    return rc;
  lm__tx_lost(s);
  if (s->depth == 0)
    return lm__fail(LM_EINVAL, "store: %s outside a transaction", what);
  return LM_OK;
}

/* Deletes the record of kind and id (its items and skills are in its
 * row). */
static int lm__delete(lm__store *s, lm_kind kind, const char *id,
                      int *existed)
{
  sqlite3_stmt *st = s->w[W_DELETE];
  int rc;

  sqlite3_bind_int(st, 1, (int)kind);
  sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
  rc = lm__step_done(s->db, st, "deleting a record");
  if (rc == LM_OK)
    *existed = sqlite3_changes(s->db) > 0;
  return rc;
}

/* Binds the field columns, ?3 onwards, of W_INSERT or W_UPDATE, then the
 * packed lists.  Unset fields stay NULL (cleared in one call rather than
 * one per column). */
static void lm__bind_columns(lm__store *s, sqlite3_stmt *st,
                             const lm_record *r)
{
  int f, col = 3;

  sqlite3_clear_bindings(st);
  for (f = 1; f < LM_F_COUNT_; f++) {
    const lm__field_info *fi = lm__field((lm_field)f);
    if (!lm__is_column(fi))
      continue;
    if (r->text[f] == NULL)
      ; /* NULL */
    else if (fi->type == LM__FT_INT)
      sqlite3_bind_int64(st, col, (sqlite3_int64)r->num[f]);
    else if (fi->type == LM__FT_REAL)
      sqlite3_bind_double(st, col, r->num[f]);
    else
      sqlite3_bind_text(st, col, r->text[f], -1, SQLITE_STATIC);
    col++;
  }
  lm__bind_packed(st, col, &s->items);
  lm__bind_packed(st, col + 1, &s->skills);
}

/* The rowid of the stored record of kind and id, or 0 when none. */
static int lm__find(lm__store *s, lm_kind kind, const char *id,
                    sqlite3_int64 *rowid)
{
  sqlite3_stmt *st = s->w[W_FIND];
  int rc;

  *rowid = 0;
  sqlite3_bind_int(st, 1, (int)kind);
  sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *rowid = sqlite3_column_int64(st, 0);
  rc = rc == SQLITE_ROW || rc == SQLITE_DONE
           ? LM_OK
           : lm__db_fail(s->db, rc, "looking up a record");
  sqlite3_reset(st);
  return rc;
}

/*
 * Writes the record's row, its lists packed in (s->items, s->skills).  A
 * new record is inserted.  A stored one is updated in place: the rowid
 * stays and the (kind, id) index is not touched.  The insert goes first
 * (ON CONFLICT DO NOTHING), so a bulk load of new records needs no
 * lookup; only a replacement pays for one.
 */
static int lm__write_row(lm__store *s, const lm_record *r,
                         sqlite3_int64 *rowid, int *existed)
{
  sqlite3_stmt *st = s->w[W_INSERT];
  int rc;

  *existed = 0;
  lm__bind_columns(s, st, r);
  sqlite3_bind_int(st, 1, (int)r->kind);
  sqlite3_bind_text(st, 2, r->id, -1, SQLITE_STATIC);
  rc = lm__step_done(s->db, st, "writing a record");
  if (rc != LM_OK)
    return rc;
  if (sqlite3_changes(s->db) == 1) {
    *rowid = sqlite3_last_insert_rowid(s->db);
    return LM_OK;
  }
  /* There already: the row keeps its rowid and is rewritten. */
  rc = lm__find(s, r->kind, r->id, rowid);
  if (rc == LM_OK && *rowid == 0)
    rc = lm__fail(LM_EDB, "store: a record neither inserted nor found");
  if (rc != LM_OK)
    return rc;
  *existed = 1;
  st = s->w[W_UPDATE];
  lm__bind_columns(s, st, r);
  sqlite3_bind_int64(st, 1, *rowid);
  return lm__step_done(s->db, st, "writing a record");
}

/* A put is one row; a replacement takes two statements, atomic as part
 * of the caller's transaction or savepoint, which a failure must roll
 * back (the engine and ingest do). */
int lm__store_put(lm__store *s, const lm_record *r, int *replaced)
{
  sqlite3_int64 rowid = 0;
  int existed = 0, rc;

  if (replaced)
    *replaced = 0;
  rc = lm__in_transaction(s, "put");
  if (rc != LM_OK)
    return rc;
  if (r == NULL || lm__kind_name(r->kind) == NULL)
    return lm__fail(LM_EINVAL, "store: put: no record or a bad kind");
  rc = lm__pack_record(s, r);
  if (rc == LM_OK)
    rc = lm__write_row(s, r, &rowid, &existed);
  if (rc != LM_OK) {
    lm__tx_lost(s);
    return lm__fail_prefix(rc, "%s %s: ", lm__kind_name(r->kind), r->id);
  }
  if (replaced)
    *replaced = existed;
  return LM_OK;
}

int lm__store_remove(lm__store *s, lm_kind kind, const char *id,
                     int *existed)
{
  int found = 0, rc;

  if (existed)
    *existed = 0;
  rc = lm__in_transaction(s, "remove");
  if (rc != LM_OK)
    return rc;
  if (id == NULL || lm__kind_name(kind) == NULL)
    return lm__fail(LM_EINVAL, "store: remove: no id or a bad kind");
  rc = lm__delete(s, kind, id, &found);
  if (rc != LM_OK) {
    lm__tx_lost(s);
    return rc;
  }
  if (existed)
    *existed = found;
  return LM_OK;
}

int lm__store_add_skill_term(lm__store *s, const char *canonical,
                             const char *alias)
{
  sqlite3_stmt *st;
  int own, rc = lm__writable(s, "add skill term");

  if (rc != LM_OK)
    return rc;
  if (canonical == NULL)
    return lm__fail(LM_EINVAL, "store: a skill term needs a canonical term");
  /* One statement is atomic on its own, but a one-connection store must
   * still hold its lock while it writes. */
  own = s->depth == 0;
  if (own && (rc = lm__store_begin(s)) != LM_OK)
    return rc;
  st = s->w[W_TERM];
  sqlite3_bind_text(st, 1, canonical, -1, SQLITE_STATIC);
  if (alias)
    sqlite3_bind_text(st, 2, alias, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 2);
  rc = lm__step_done(s->db, st, "adding a skill term");
  if (own)
    rc = rc == LM_OK ? lm__store_commit(s) : (lm__store_rollback(s), rc);
  else if (rc != LM_OK)
    lm__tx_lost(s);
  return rc;
}

/* ------------------------------------------------------------- reads */

/* Takes the reader and starts one read transaction, unless one is open
 * already (a get from a foreach callback; the writing thread of a
 * one-connection store). */
static int lm__read_enter(lm__store *s, int *began)
{
  int rc;

  *began = 0;
  pthread_mutex_lock(&s->rlock);
  if (!sqlite3_get_autocommit(s->rdb))
    return LM_OK;
  rc = lm__step_done(s->rdb, s->r[R_BEGIN], "beginning a read");
  if (rc != LM_OK) {
    pthread_mutex_unlock(&s->rlock);
    return rc;
  }
  *began = 1;
  return LM_OK;
}

static void lm__read_leave(lm__store *s, int began)
{
  /* Ending a read transaction gives nothing back to lose. */
  if (began)
    lm__step_done(s->rdb, s->r[R_END], "ending a read");
  pthread_mutex_unlock(&s->rlock);
}

/* The code for a record that is stored but does not read back: the
 * database holds what this library would not write. */
static int lm__bad_row(int rc, lm_kind kind, const char *id)
{
  if (rc == LM_ENOMEM)
    return rc;
  return lm__fail_prefix(LM_EDB, "store: stored %s %s does not read back: ",
                         lm__kind_name(kind), id);
}

/* Scalar fields from a row of R_GET or R_EACH, in field order: a free
 * text that sets other fields (salary, age) comes before them, so the
 * stored values, set or unset, have the last word. */
static int lm__load_columns(lm_record *r, sqlite3_stmt *st, int *next)
{
  int f, col = LM__FIRST_FIELD_COLUMN, rc = LM_OK;

  for (f = 1; f < LM_F_COUNT_ && rc == LM_OK; f++) {
    const lm__field_info *fi = lm__field((lm_field)f);
    if (!lm__is_column(fi))
      continue;
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
      if (r->text[f] != NULL)
        rc = lm__record_set(r, (lm_field)f, NULL);
    } else if (fi->type == LM__FT_INT) {
      rc = lm__record_set_int(r, (lm_field)f,
                              (long)sqlite3_column_int64(st, col));
    } else if (fi->type == LM__FT_REAL) {
      rc = lm__record_set_real(r, (lm_field)f, sqlite3_column_double(st, col));
    } else {
      const char *t = (const char *)sqlite3_column_text(st, col);
      rc = t ? lm__record_set(r, (lm_field)f, t)
             : lm__fail(LM_ENOMEM, "out of memory");
    }
    col++;
  }
  *next = col;
  return rc;
}

/* The packed lists of the row, from column col on. */
static int lm__load_packed(lm__store *s, lm_record *r, sqlite3_stmt *st,
                           int col)
{
  int rc = LM_OK;

  if (sqlite3_column_type(st, col) != SQLITE_NULL) {
    const void *blob = sqlite3_column_blob(st, col);
    if (blob == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    rc = lm__unpack_items(r, blob, sqlite3_column_bytes(st, col), &s->rtext);
  }
  if (rc == LM_OK && sqlite3_column_type(st, col + 1) != SQLITE_NULL) {
    const void *blob = sqlite3_column_blob(st, col + 1);
    if (blob == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    rc = lm__unpack_skills(r, blob, sqlite3_column_bytes(st, col + 1),
                           &s->rtext, &s->rcanon);
  }
  return rc;
}

/* Rebuilds the record on the current row of R_GET, R_EACH or R_SCAN,
 * through the record layer's setters, so that it is the record that was
 * stored.  Under rlock (the unpacking buffers). */
static int lm__load_record(lm__store *s, lm_kind kind, sqlite3_stmt *st,
                           lm_record **out)
{
  const char *id = (const char *)sqlite3_column_text(st, 1);
  lm_record *r = NULL;
  int col, rc;

  *out = NULL;
  if (id == NULL)
    return lm__fail(LM_EDB, "store: a stored record has no id");
  rc = lm_record_new(&r, kind, id);
  if (rc != LM_OK)
    return rc == LM_ENOMEM ? rc
                           : lm__fail_prefix(LM_EDB, "store: stored %s: ",
                                             lm__kind_name(kind));
  rc = lm__load_columns(r, st, &col);
  if (rc == LM_OK)
    rc = lm__load_packed(s, r, st, col);
  if (rc != LM_OK) {
    rc = lm__bad_row(rc, kind, r->id);
    lm_record_free(r);
    return rc;
  }
  *out = r;
  return LM_OK;
}

int lm__store_get(lm__store *s, lm_kind kind, const char *id,
                  lm_record **out)
{
  sqlite3_stmt *st;
  int began, step, rc;

  if (out == NULL)
    return lm__fail(LM_EINVAL, "store: get: out is NULL");
  *out = NULL;
  if (s == NULL || id == NULL || lm__kind_name(kind) == NULL)
    return lm__fail(LM_EINVAL, "store: get: no store, no id or a bad kind");
  rc = lm__read_enter(s, &began);
  if (rc != LM_OK)
    return rc;
  st = s->r[R_GET];
  sqlite3_bind_int(st, 1, (int)kind);
  sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
  step = sqlite3_step(st);
  if (step == SQLITE_ROW)
    rc = lm__load_record(s, kind, st, out);
  else if (step == SQLITE_DONE)
    rc = lm__fail(LM_ENOTFOUND, "no %s with id %s", lm__kind_name(kind), id);
  else
    rc = lm__db_fail(s->rdb, step, "reading a record");
  sqlite3_reset(st);
  lm__read_leave(s, began);
  return rc;
}

int lm__store_count(lm__store *s, lm_kind kind, size_t *out)
{
  sqlite3_stmt *st;
  int began, step, rc;

  if (out == NULL || s == NULL || lm__kind_name(kind) == NULL)
    return lm__fail(LM_EINVAL, "store: count: bad argument");
  *out = 0;
  rc = lm__read_enter(s, &began);
  if (rc != LM_OK)
    return rc;
  st = s->r[R_COUNT];
  sqlite3_bind_int(st, 1, (int)kind);
  step = sqlite3_step(st);
  if (step == SQLITE_ROW)
    *out = (size_t)sqlite3_column_int64(st, 0);
  else
    rc = lm__db_fail(s->rdb, step, "counting records");
  sqlite3_reset(st);
  lm__read_leave(s, began);
  return rc;
}

int lm__store_data_version(lm__store *s, long long *out)
{
  int rc;

  /* A one-connection store shares its connection with readers. */
  if (s->single)
    pthread_mutex_lock(&s->rlock);
  rc = lm__query_int(s->db, "PRAGMA data_version", out,
                     "reading the data version");
  if (s->single)
    pthread_mutex_unlock(&s->rlock);
  return rc;
}

/*
 * The whole walk is one read transaction: the callback sees one snapshot
 * even while writes commit.  The reader stays taken during the walk, so
 * other threads' reads wait for it; the callback itself may call get and
 * count (the lock is recursive) but not another foreach.
 */
int lm__store_foreach(lm__store *s, lm_kind kind,
                      int (*each)(void *ctx, const lm_record *r), void *ctx)
{
  sqlite3_stmt *st;
  int began, step, rc;

  if (s == NULL || each == NULL || lm__kind_name(kind) == NULL)
    return lm__fail(LM_EINVAL, "store: foreach: bad argument");
  rc = lm__read_enter(s, &began);
  if (rc != LM_OK)
    return rc;
  st = s->r[R_EACH];
  if (sqlite3_stmt_busy(st)) {
    lm__read_leave(s, began);
    return lm__fail(LM_EINVAL, "store: foreach inside foreach");
  }
  sqlite3_bind_int(st, 1, (int)kind);
  while (rc == LM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
    lm_record *r;
    rc = lm__load_record(s, kind, st, &r);
    if (rc == LM_OK) {
      rc = each(ctx, r);
      lm_record_free(r);
    }
  }
  if (rc == LM_OK && step != SQLITE_DONE)
    rc = lm__db_fail(s->rdb, step, "reading records");
  sqlite3_reset(st);
  lm__read_leave(s, began);
  return rc;
}

/*
 * As lm__store_foreach, in storage order rather than id order, for a
 * caller that reads everything (the index at open): one pass over the
 * record table, without the id index.
 */
int lm__store_scan(lm__store *s, lm_kind kind,
                   int (*each)(void *ctx, const lm_record *r), void *ctx)
{
  sqlite3_stmt *st;
  int began, step = SQLITE_DONE, rc;

  if (s == NULL || each == NULL || lm__kind_name(kind) == NULL)
    return lm__fail(LM_EINVAL, "store: scan: bad argument");
  rc = lm__read_enter(s, &began);
  if (rc != LM_OK)
    return rc;
  st = s->r[R_SCAN];
  if (sqlite3_stmt_busy(st)) {
    lm__read_leave(s, began);
    return lm__fail(LM_EINVAL, "store: scan inside scan");
  }
  sqlite3_bind_int(st, 1, (int)kind);
  while (rc == LM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
    lm_record *r;
    rc = lm__load_record(s, kind, st, &r);
    if (rc == LM_OK) {
      rc = each(ctx, r);
      lm_record_free(r);
    }
  }
  if (rc == LM_OK && step != SQLITE_DONE)
    rc = lm__db_fail(s->rdb, step, "reading records");
  sqlite3_reset(st);
  lm__read_leave(s, began);
  return rc;
}

int lm__store_foreach_skill_term(lm__store *s,
                                 int (*each)(void *ctx, const char *canonical,
                                             const char *alias),
                                 void *ctx)
{
  sqlite3_stmt *st;
  int began, step, rc;

  if (s == NULL || each == NULL)
    return lm__fail(LM_EINVAL, "store: foreach skill term: bad argument");
  rc = lm__read_enter(s, &began);
  if (rc != LM_OK)
    return rc;
  st = s->r[R_TERMS];
  if (sqlite3_stmt_busy(st)) {
    lm__read_leave(s, began);
    return lm__fail(LM_EINVAL, "store: foreach skill term inside itself");
  }
  while (rc == LM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *canonical = (const char *)sqlite3_column_text(st, 0);
    const char *alias = (const char *)sqlite3_column_text(st, 1);
    rc = canonical ? each(ctx, canonical, alias)
                   : lm__fail(LM_EDB, "store: a skill term has no name");
  }
  if (rc == LM_OK && step != SQLITE_DONE)
    rc = lm__db_fail(s->rdb, step, "reading skill terms");
  sqlite3_reset(st);
  lm__read_leave(s, began);
  return rc;
}
