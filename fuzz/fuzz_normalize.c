/*
 * fuzz_normalize.c: libFuzzer target for the normalisers (normalize.c)
 * and the skills dictionary (skills.c).  The first byte picks the
 * normaliser, the rest is its text.  Besides crashes, each result is
 * checked against what internal.h promises (ranges, order, a date that
 * formats back to itself, a scan that reports each skill once).
 * Built by `make fuzz`; see doc/SECURITY.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifndef LM_FUZZ_SKILLS
#define LM_FUZZ_SKILLS NULL
#endif

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,     \
              #cond);                                                        \
      abort();                                                               \
    }                                                                        \
  } while (0)

static lm__skilldict *dict;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *path = getenv("LIBMATCH_SKILLS");

  (void)argc;
  (void)argv;
  if (path == NULL || *path == '\0')
    path = LM_FUZZ_SKILLS;
  CHECK(lm__skilldict_new(&dict) == LM_OK);
  CHECK(path != NULL && lm__skilldict_load(dict, path) == LM_OK);
  return 0;
}

/* Every normaliser answers with one of these. */
static void check_rc(int rc)
{
  CHECK(rc == LM_OK || rc == LM_EPARSE || rc == LM_EINVAL ||
        rc == LM_ENOMEM);
  CHECK(rc == LM_OK || lm__errmsg()[0] != '\0');
  /* Messages stay UTF-8 (they reach Python callers). */
  CHECK(lm__utf8_valid(lm__errmsg(), strlen(lm__errmsg())));
}

static void word_ok(int rc, const char *word)
{
  check_rc(rc);
  if (rc == LM_OK)
    CHECK(word != NULL && word[0] != '\0');
}

typedef struct scan_seen {
  const char *names[LM__SKILLS_MAX * 8];
  size_t n;
} scan_seen;

static int on_skill(void *ctx, const char *canonical)
{
  scan_seen *s = ctx;
  size_t i;

  CHECK(canonical != NULL && lm__skilldict_lookup(dict, canonical) != NULL);
  for (i = 0; i < s->n; i++)
    CHECK(s->names[i] != canonical);
  if (s->n < sizeof s->names / sizeof s->names[0])
    s->names[s->n++] = canonical;
  return 0;
}

static void run(int which, const char *t, size_t n)
{
  lm__salary sal;
  const char *word = NULL;
  int rc, a, b, level;
  int32_t days, again;
  char date[11], *folded = NULL;
  scan_seen seen;

  lm__clear_error();
  switch (which) {
  case 0:
    rc = lm__norm_salary(t, &sal);
    check_rc(rc);
    if (rc == LM_OK && !sal.negotiable) {
      CHECK(sal.min >= 0 || sal.max >= 0);
      CHECK(sal.min < 0 || sal.max < 0 || sal.min <= sal.max);
      CHECK(sal.min <= 1000000 && sal.max <= 1000000);
    }
    break;
  case 1:
    rc = lm__norm_period(t, &a);
    check_rc(rc);
    if (rc == LM_OK)
      CHECK(a >= LM__PER_HOUR && a <= LM__PER_YEAR);
    break;
  case 2:
    rc = lm__norm_age(t, &a, &b);
    check_rc(rc);
    if (rc == LM_OK) {
      CHECK(a == -1 || (a >= 14 && a <= 80));
      CHECK(b == -1 || (b >= 14 && b <= 80));
      CHECK(a == -1 || b == -1 || a <= b);
    }
    break;
  case 3:
    rc = lm__norm_education(t, &level, &word);
    word_ok(rc, word);
    if (rc == LM_OK)
      CHECK(lm__edu_word(level) == word);
    break;
  case 4:
    rc = lm__norm_date(t, &days);
    check_rc(rc);
    if (rc == LM_OK) {
      /* The canonical form reads back as the same day. */
      lm__date_format(days, date);
      CHECK(lm__norm_date(date, &again) == LM_OK && again == days);
    }
    break;
  case 5:
    word_ok(lm__norm_shift(t, &word), word);
    break;
  case 6:
    word_ok(lm__norm_mode(t, &word), word);
    break;
  case 7:
    word_ok(lm__norm_point_kind(t, &word), word);
    break;
  case 8:
    /* Unknown groups are kept: LM_OK with no word. */
    check_rc(lm__norm_group(t, &word));
    break;
  case 9:
    seen.n = 0;
    check_rc(lm__skilldict_scan(dict, t, on_skill, &seen));
    break;
  case 10:
    word = lm__skilldict_lookup(dict, t);
    if (word != NULL)
      CHECK(lm__skilldict_lookup(dict, word) == word);
    break;
  default:
    rc = lm__fold(t, n, &folded);
    CHECK(rc == LM_OK || rc == LM_EINVAL);
    CHECK(rc == LM_EINVAL || lm__utf8_valid(t, n));
    if (rc == LM_OK) {
      char *twice = NULL;
      CHECK(lm__utf8_valid(folded, strlen(folded)));
      /* Folding is idempotent: a key folds to itself. */
      CHECK(lm__fold(folded, strlen(folded), &twice) == LM_OK);
      CHECK(strcmp(folded, twice) == 0);
      lm__xfree(twice);
    }
    lm__xfree(folded);
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *t;

  if (size == 0)
    return 0;
  /* The normalisers take C strings: the text ends at its first NUL, as
   * it would coming from lm_record_set. */
  t = malloc(size);
  if (t == NULL)
    return 0;
  memcpy(t, data + 1, size - 1);
  t[size - 1] = '\0';
  run(data[0] % 12, t, strlen(t));
  free(t);
  return 0;
}
