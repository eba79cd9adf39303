/*
 * fuzz_record.c: libFuzzer target for the record C API.  The input is a
 * program: each operation byte is followed by its arguments (small
 * numbers as bytes, strings as a length byte and that many bytes), run
 * against one record in the making and a fresh ":memory:" engine.
 * Checks what libmatch.h promises: a failed constructor leaves *out NULL,
 * a stored record reads back with the fields it was given, a removed one
 * is gone, the counts follow, and the final store (when the program left
 * records in it) exports and re-ingests to the same document, and each
 * exported record removes by its id.
 * Built by `make fuzz`; see doc/SECURITY.md.
 */
#define _POSIX_C_SOURCE 200809L /* api.h's pthread_rwlock_t */
#include "fuzz_common.h"

/* The engine's dictionary (struct lm_engine): the fuzz build compiles the
 * library's sources and may use its internals. */
#include "api.h"

typedef struct input {
  const uint8_t *p;
  size_t n;
} input;

static int next_byte(input *in)
{
  if (in->n == 0)
    return -1;
  in->n--;
  return *in->p++;
}

/* A string of the input into buf (NUL-terminated; a NUL inside ends the
 * C string early, as it would for any caller). */
static const char *next_string(input *in, char *buf, size_t cap)
{
  int len = next_byte(in);
  size_t n;

  if (len < 0)
    return NULL;
  n = (size_t)len < in->n ? (size_t)len : in->n;
  if (n > cap - 1)
    n = cap - 1;
  memcpy(buf, in->p, n);
  buf[n] = '\0';
  in->p += n;
  in->n -= n;
  return buf;
}

static void check_rc(int rc)
{
  CHECK(rc == LM_OK || rc == LM_EINVAL || rc == LM_ENOTFOUND ||
        rc == LM_ENOMEM);
  CHECK(rc == LM_OK || lm_errmsg(NULL)[0] != '\0');
}

/* Per field: 1 when lm_record_number answered with a number or
 * LM_ENOTFOUND, -1 when it answered LM_EINVAL.  That answer is the
 * field's, whatever the record (libmatch.h: "LM_EINVAL for a field that
 * is not numeric"), so a field that said -1 is not asked again: the same
 * message formatted again for every field of every read finds nothing,
 * and took several per cent of the target's time.  A field that answered
 * as numeric must never answer LM_EINVAL. */
static signed char numeric[LM_F_COUNT_ + 1];

/* Reads every accessor of a record: each must answer without harm. */
static void read_all(const lm_record *r)
{
  size_t i, n;
  int f, rc;
  double v;

  CHECK(lm_record_id(r) != NULL && lm_record_id(r)[0] != '\0');
  for (f = 0; f <= LM_F_COUNT_; f++) {
    const char *t = lm_record_get(r, (lm_field)f);
    if (numeric[f] >= 0) {
      rc = lm_record_number(r, (lm_field)f, &v);
      CHECK(rc == LM_OK || rc == LM_EINVAL || rc == LM_ENOTFOUND);
      CHECK(rc != LM_EINVAL || numeric[f] == 0);
      numeric[f] = rc == LM_EINVAL ? -1 : 1;
      if (rc == LM_OK)
        CHECK(t != NULL);
      if (rc == LM_ENOTFOUND)
        CHECK(t == NULL);
    }
    n = lm_record_count(r, (lm_field)f);
    for (i = 0; i < n; i++)
      CHECK(lm_record_item(r, (lm_field)f, i) != NULL);
    CHECK(lm_record_item(r, (lm_field)f, n) == NULL);
  }
  n = lm_record_skill_count(r);
  for (i = 0; i <= n; i++) {
    lm_skill s;
    rc = lm_record_skill(r, i, &s);
    CHECK(i < n ? rc == LM_OK : rc == LM_EINVAL);
    if (rc == LM_OK)
      CHECK(s.name != NULL && s.canonical != NULL);
  }
}

/* What the store gave back agrees with what was put. */
static void same_scalars(const lm_record *put, const lm_record *got)
{
  int f;

  CHECK(lm_record_kind(put) == lm_record_kind(got));
  CHECK(strcmp(lm_record_id(put), lm_record_id(got)) == 0);
  for (f = 1; f < LM_F_COUNT_; f++) {
    const char *a = lm_record_get(put, (lm_field)f);
    const char *b = lm_record_get(got, (lm_field)f);
    if (f == LM_F_STATUS)
      continue; /* "open" need not be stored */
    CHECK((a == NULL) == (b == NULL));
    if (a != NULL)
      CHECK(strcmp(a, b) == 0);
    CHECK(lm_record_count(put, (lm_field)f) ==
          lm_record_count(got, (lm_field)f));
  }
}

static lm_engine *e, *again;
static lm__skillmark *mark; /* e's dictionary as opened */
static unsigned long inputs;
static int dirty; /* a skill term was added: the dictionary changed */

static void open_e(void)
{
  lm__skillmark_free(mark);
  lm_engine_close(e);
  e = fuzz_open(0);
  CHECK(lm__skilldict_mark(e->skills, &mark) == LM_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  input in = {data, size};
  lm_record *r = NULL, *got;
  char s1[300], s2[300];
  const char *a;
  int op, b, rc, steps = 0;
  size_t before, after;

  if (inputs++ % LM_FUZZ_REOPEN == 0) {
    lm_engine_close(again);
    again = fuzz_open(0);
    open_e();
    dirty = 0;
  }
  /* Only e takes skill terms (ingest never adds any).  Its dictionary
   * goes back to the mark taken at open (lm__skilldict_rollback): the
   * same terms, keys and trie as the open loaded, in 0.2 ms where a
   * reopen took 15-30 ms.  The terms stay in the store's skill_term
   * table, which only an open reads, so no later input can tell (ingest,
   * export, put and get never read it); the reopen every LM_FUZZ_REOPEN
   * inputs drops them. */
  if (dirty) {
    pthread_rwlock_wrlock(&e->dict_lock);
    lm__skilldict_rollback(e->skills, mark);
    pthread_rwlock_unlock(&e->dict_lock);
    dirty = 0;
  }

  while ((op = next_byte(&in)) >= 0 && steps++ < 200) {
    switch (op % 9) {
    case 0: /* new record */
      b = next_byte(&in);
      a = next_string(&in, s1, sizeof s1);
      lm_record_free(r);
      r = (lm_record *)1;
      rc = lm_record_new(&r, (lm_kind)(b < 0 ? 0 : b % 7), a);
      check_rc(rc);
      CHECK(rc == LM_OK ? r != NULL : r == NULL);
      break;
    case 1: /* set a field, or clear it */
      b = next_byte(&in);
      a = next_string(&in, s1, sizeof s1);
      if (r != NULL && b >= 0)
        check_rc(lm_record_set(r, (lm_field)(b % (LM_F_COUNT_ + 1)),
                               b >= 128 ? NULL : a));
      break;
    case 2: /* add a skill */
      b = next_byte(&in);
      a = next_string(&in, s1, sizeof s1);
      if (r != NULL && b >= 0 && a != NULL)
        check_rc(lm_record_add_skill(r, a, b % 4 - 1, b / 4 - 2));
      break;
    case 3: /* store it, and read it back */
      if (r == NULL)
        break;
      read_all(r);
      rc = lm_engine_put(e, r);
      CHECK(rc == LM_OK || rc == LM_EINVAL);
      got = (lm_record *)1;
      b = lm_engine_get(e, lm_record_kind(r), lm_record_id(r), &got);
      CHECK(b == LM_OK ? got != NULL : got == NULL);
      if (rc == LM_OK && lm_record_get(r, LM_F_STATUS) != NULL &&
          strcmp(lm_record_get(r, LM_F_STATUS), "open") != 0) {
        CHECK(b == LM_ENOTFOUND); /* closed or withdrawn: a removal */
      } else if (rc == LM_OK) {
        CHECK(b == LM_OK);
        read_all(got);
        same_scalars(r, got);
      }
      lm_record_free(got);
      break;
    case 4: /* remove */
      b = next_byte(&in);
      a = next_string(&in, s2, sizeof s2);
      if (b < 0 || a == NULL)
        break;
      CHECK(lm_engine_count(e, (lm_kind)(b % 5 + 1), &before) == LM_OK);
      rc = lm_engine_remove(e, (lm_kind)(b % 5 + 1), a);
      CHECK(rc == LM_OK || rc == LM_ENOTFOUND || rc == LM_EINVAL);
      CHECK(lm_engine_count(e, (lm_kind)(b % 5 + 1), &after) == LM_OK);
      CHECK(after == before - (rc == LM_OK));
      break;
    case 5: /* get by any kind and id */
      b = next_byte(&in);
      a = next_string(&in, s2, sizeof s2);
      if (b < 0 || a == NULL)
        break;
      got = (lm_record *)1;
      rc = lm_engine_get(e, (lm_kind)(b % 7), a, &got);
      CHECK(rc == LM_OK || rc == LM_ENOTFOUND || rc == LM_EINVAL);
      CHECK(rc == LM_OK ? got != NULL : got == NULL);
      if (got != NULL)
        read_all(got);
      lm_record_free(got);
      break;
    case 6: /* read the record in the making */
      if (r != NULL)
        read_all(r);
      break;
    case 7: /* a skill term at run time (op 7 alone): forgotten before
             * the next input */
      if (op != 7)
        break;
      a = next_string(&in, s1, sizeof s1);
      if (a == NULL)
        break;
      b = next_byte(&in);
      rc = lm_engine_add_skill_term(e, a,
                                    b & 1 ? next_string(&in, s2, sizeof s2)
                                          : NULL);
      CHECK(rc == LM_OK || rc == LM_EINVAL || rc == LM_EPARSE);
      /* A refused term reaches neither the store nor the dictionary
       * (engine.c adds it to both or to neither): nothing to forget. */
      dirty |= rc == LM_OK;
      break;
    default: /* a skill looked up */
      a = next_string(&in, s1, sizeof s1);
      if (a != NULL) {
        const char *canon = NULL;
        rc = lm_engine_skill_lookup(e, a, &canon);
        CHECK(rc == LM_OK ? canon != NULL : rc == LM_ENOTFOUND);
      }
      break;
    }
  }
  lm_record_free(r);
  fuzz_settle(e, again, fuzz_total(e), 0);
  return 0;
}
