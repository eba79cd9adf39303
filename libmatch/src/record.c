/*
 * record.c: the model layer.  A record is one job, seeker, employer,
 * service point or community; every field is described once in
 * lm__fields, and that table drives parsing, the store's columns and the
 * writer.
 *
 * Every scalar field keeps its canonical text (what lm_record_get and the
 * exporter show) and, for numbers, dates and ordered words, its value, so
 * that a record read back from the store or from an export is the same
 * record.  Free text that is normalised (salary, age) keeps the text as
 * written next to the values read from it.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The model's limits are the ones libmatch.h documents. */
_Static_assert(LM__ID_MAX == LM_MAX_ID_BYTES, "LM_MAX_ID_BYTES");
_Static_assert(LM__TEXT_MAX == LM_MAX_FIELD_BYTES, "LM_MAX_FIELD_BYTES");
_Static_assert(LM__LIST_MAX == LM_MAX_LIST_ITEMS, "LM_MAX_LIST_ITEMS");
_Static_assert(LM__SKILLS_MAX == LM_MAX_SKILLS, "LM_MAX_SKILLS");

#define K(kind) (1u << (kind))
#define K_ALL                                                                \
  (K(LM_JOB) | K(LM_SEEKER) | K(LM_EMPLOYER) | K(LM_SERVICE_POINT) |        \
   K(LM_COMMUNITY))
#define K_JS (K(LM_JOB) | K(LM_SEEKER))

static const lm__field_info lm__fields[LM_F_COUNT_] = {
    [LM_F_STATUS] = {LM_F_STATUS, "status", LM__FT_WORD, K_ALL, 0},
    [LM_F_NAME] = {LM_F_NAME, "name", LM__FT_TEXT, K_ALL & ~K(LM_SEEKER), 0},
    [LM_F_EMPLOYER] = {LM_F_EMPLOYER, "employer", LM__FT_WORD, K(LM_JOB), 0},
    [LM_F_OPENINGS] = {LM_F_OPENINGS, "openings", LM__FT_INT, K(LM_JOB), 0},
    [LM_F_POSTED] = {LM_F_POSTED, "posted", LM__FT_DATE, K(LM_JOB), 0},
    [LM_F_EXPIRES] = {LM_F_EXPIRES, "expires", LM__FT_DATE, K(LM_JOB), 0},
    [LM_F_REGISTERED] = {LM_F_REGISTERED, "registered", LM__FT_DATE,
                         K(LM_SEEKER), 0},
    [LM_F_OCCUPATION] = {LM_F_OCCUPATION, "occupation", LM__FT_WORD,
                         K(LM_JOB), 0},
    [LM_F_INDUSTRY] = {LM_F_INDUSTRY, "industry", LM__FT_TEXT, K(LM_JOB), 0},
    [LM_F_LAT] = {LM_F_LAT, "lat", LM__FT_REAL, K_ALL, 0},
    [LM_F_LON] = {LM_F_LON, "lon", LM__FT_REAL, K_ALL, 0},
    [LM_F_DISTRICT] = {LM_F_DISTRICT, "district", LM__FT_WORD, K_ALL, 0},
    [LM_F_ADDRESS] = {LM_F_ADDRESS, "address", LM__FT_TEXT, K_ALL, 0},
    [LM_F_SALARY] = {LM_F_SALARY, "salary_text", LM__FT_TEXT, K_JS, 0},
    [LM_F_SALARY_MIN] = {LM_F_SALARY_MIN, "salary_min", LM__FT_INT, K_JS, 0},
    [LM_F_SALARY_MAX] = {LM_F_SALARY_MAX, "salary_max", LM__FT_INT, K(LM_JOB),
                         0},
    [LM_F_NEGOTIABLE] = {LM_F_NEGOTIABLE, "negotiable", LM__FT_INT, K_JS, 0},
    [LM_F_SHIFT] = {LM_F_SHIFT, "shift", LM__FT_WORD, K(LM_JOB), 0},
    [LM_F_WINDOW_FROM] = {LM_F_WINDOW_FROM, "window_from", LM__FT_DATE, K_JS,
                          0},
    [LM_F_WINDOW_TO] = {LM_F_WINDOW_TO, "window_to", LM__FT_DATE, K_JS, 0},
    [LM_F_EDUCATION] = {LM_F_EDUCATION, "education", LM__FT_WORD, K_JS, 0},
    [LM_F_MAJOR] = {LM_F_MAJOR, "major", LM__FT_TEXT, K(LM_SEEKER), 0},
    [LM_F_AGE] = {LM_F_AGE, "age_text", LM__FT_TEXT, K(LM_JOB), 0},
    [LM_F_AGE_MIN] = {LM_F_AGE_MIN, "age_min", LM__FT_INT, K(LM_JOB), 0},
    [LM_F_AGE_MAX] = {LM_F_AGE_MAX, "age_max", LM__FT_INT, K(LM_JOB), 0},
    [LM_F_BIRTH_YEAR] = {LM_F_BIRTH_YEAR, "birth_year", LM__FT_INT,
                         K(LM_SEEKER), 0},
    [LM_F_EXPERIENCE_YEARS] = {LM_F_EXPERIENCE_YEARS, "experience_years",
                               LM__FT_INT, K_JS, 0},
    [LM_F_EXPERIENCE_OCCUPATION] = {LM_F_EXPERIENCE_OCCUPATION,
                                    "experience_occupation", LM__FT_WORD,
                                    K(LM_SEEKER), 0},
    [LM_F_MOBILITY_MINUTES] = {LM_F_MOBILITY_MINUTES, "mobility_minutes",
                               LM__FT_INT, K(LM_SEEKER), 0},
    [LM_F_MOBILITY_MODE] = {LM_F_MOBILITY_MODE, "mobility_mode", LM__FT_WORD,
                            K(LM_SEEKER), 0},
    [LM_F_TEXT] = {LM_F_TEXT, "text", LM__FT_TEXT, K_JS, 0},
    [LM_F_DESCRIPTION] = {LM_F_DESCRIPTION, "description", LM__FT_TEXT,
                          K(LM_JOB), 0},
    [LM_F_PHONE] = {LM_F_PHONE, "phone", LM__FT_TEXT, K(LM_SEEKER), 1},
    [LM_F_ID_NUMBER] = {LM_F_ID_NUMBER, "id_number", LM__FT_TEXT,
                        K(LM_SEEKER), 1},
    [LM_F_ALLIANCE] = {LM_F_ALLIANCE, "alliance", LM__FT_WORD, K(LM_EMPLOYER),
                       0},
    [LM_F_POINT_KIND] = {LM_F_POINT_KIND, "point_kind", LM__FT_WORD,
                         K(LM_SERVICE_POINT), 0},
    [LM_F_POPULATION] = {LM_F_POPULATION, "population", LM__FT_INT,
                         K(LM_COMMUNITY), 0},
    [LM_F_GROUP] = {LM_F_GROUP, "group", LM__FT_LIST, K(LM_SEEKER), 0},
    [LM_F_CERTIFICATE] = {LM_F_CERTIFICATE, "certificate", LM__FT_LIST, K_JS,
                          0},
    [LM_F_PRIORITY_GROUP] = {LM_F_PRIORITY_GROUP, "priority_group",
                             LM__FT_LIST, K(LM_JOB), 0},
    [LM_F_PREF_OCCUPATION] = {LM_F_PREF_OCCUPATION, "pref_occupation",
                              LM__FT_LIST, K(LM_SEEKER), 0},
    [LM_F_PREF_INDUSTRY] = {LM_F_PREF_INDUSTRY, "pref_industry", LM__FT_LIST,
                            K(LM_SEEKER), 0},
    [LM_F_PREF_SHIFT] = {LM_F_PREF_SHIFT, "pref_shift", LM__FT_LIST,
                         K(LM_SEEKER), 0},
};

static const char *const lm__kind_names[] = {
    NULL, "job", "seeker", "employer", "service-point", "community"};

const lm__field_info *lm__field(lm_field f)
{
  if ((int)f <= 0 || f >= LM_F_COUNT_)
    return NULL;
  return &lm__fields[f];
}

const char *lm__kind_name(lm_kind kind)
{
  if ((int)kind < LM_JOB || kind > LM_COMMUNITY)
    return NULL;
  return lm__kind_names[kind];
}

lm_kind lm__kind_from_name(const char *name)
{
  int k;
  for (k = LM_JOB; k <= LM_COMMUNITY; k++)
    if (strcmp(lm__kind_names[k], name) == 0)
      return (lm_kind)k;
  return (lm_kind)0;
}

/* What a value may hold.  UTF-8, and not what XML 1.0 cannot carry:
 * control characters other than tab and line ends (and DEL), and the
 * noncharacters U+FFFE and U+FFFF.  A record holding one could not be
 * exported and read back as it is (the writer would put U+FFFD in its
 * place, and two values that differ only there would become one), so it
 * is refused. */
enum { LM__TEXT_OK = 0, LM__TEXT_NOT_UTF8, LM__TEXT_NONXML };

/* Per ASCII byte: 0 fine, LM__TEXT_NOT_UTF8 for NUL, LM__TEXT_NONXML for
 * the other controls. */
static const unsigned char lm__ascii_check[128] = {
    1, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 2, 0, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    [0x7f] = 2};

/* One pass over a value: LM__TEXT_NOT_UTF8 wins over LM__TEXT_NONXML
 * wherever each is found, as the messages name the first check. */
static int lm__text_check(const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, len;
  uint32_t cp;
  int nonxml = 0;

  while (i < n) {
    unsigned char c = u[i];
    if (c < 0x80) {
      if (lm__ascii_check[c] == LM__TEXT_NOT_UTF8)
        return LM__TEXT_NOT_UTF8;
      nonxml |= lm__ascii_check[c];
      i++;
      continue;
    }
    if (lm__utf8_is_cjk3(u, i, n)) {
      i += 3;
      continue;
    }
    len = lm__utf8_decode(s + i, n - i, &cp);
    if (len == 0)
      return LM__TEXT_NOT_UTF8;
    if (cp == 0xFFFEu || cp == 0xFFFFu)
      nonxml = LM__TEXT_NONXML;
    i += len;
  }
  return nonxml;
}

int lm__id_valid(const char *id)
{
  size_t n = 0;
  const unsigned char *p;

  if (id == NULL)
    return 0;
  for (p = (const unsigned char *)id; *p; p++, n++) {
    /* Printable: no ASCII control or space; bytes >= 0x80 are checked as
     * UTF-8 below. */
    if (*p <= 0x20 || *p == 0x7f)
      return 0;
    if (n >= LM__ID_MAX)
      return 0;
  }
  return n > 0 && lm__text_check(id, n) == LM__TEXT_OK;
}

/* ------------------------------------------------------------ life cycle */

/* A kind and id that a record may have: LM_OK or LM_EINVAL. */
static int lm__new_check(lm_kind kind, const char *id)
{
  if (lm__kind_name(kind) == NULL)
    return lm__fail(LM_EINVAL, "lm_record_new: bad kind %d", (int)kind);
  if (id != NULL && strlen(id) > LM__ID_MAX)
    return lm__fail(LM_EINVAL, "%s: id longer than %d bytes "
                    "(LM_MAX_ID_BYTES)", lm__kind_name(kind), LM__ID_MAX);
  if (!lm__id_valid(id))
    return lm__fail(LM_EINVAL,
                    "%s: bad id (1-%d printable bytes, no white space)",
                    lm__kind_name(kind), LM__ID_MAX);
  return LM_OK;
}

int lm_record_new(lm_record **out, lm_kind kind, const char *id)
{
  lm_record *r;
  int rc;

  if (out == NULL)
    return lm__fail(LM_EINVAL, "lm_record_new: out is NULL");
  *out = NULL;
  rc = lm__new_check(kind, id);
  if (rc != LM_OK)
    return rc;
  r = lm__calloc(1, sizeof *r);
  if (r == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  r->kind = kind;
  memcpy(r->id, id, strlen(id) + 1);
  *out = r;
  return LM_OK;
}

/* ------------------------------------------------------------ strings */

/*
 * A record's strings are cut from blocks it owns (r->chunks, newest
 * first), so building a record of twenty values costs a block or two
 * instead of twenty allocations, and emptying it for the next record of a
 * document costs nothing (lm__record_reuse).  A string replaced or
 * cleared stays in its block until the record is freed or emptied; when
 * such dropped bytes outgrow the live ones (a portal setting one field
 * over and over), the live strings are copied into one new block.
 */
struct lm__rchunk {
  lm__rchunk *next;
  size_t cap, used;
  char data[];
};

#define LM__RCHUNK_MIN 1024
#define LM__RDROPPED_MAX (16 * 1024)

static void lm__rchunks_free(lm__rchunk *c)
{
  while (c != NULL) {
    lm__rchunk *next = c->next;
    lm__xfree(c);
    c = next;
  }
}

/* A new block of at least `need` bytes in front of r's. */
static lm__rchunk *lm__rchunk_add(lm_record *r, size_t need)
{
  size_t cap = r->chunks != NULL ? r->chunks->cap * 2 : LM__RCHUNK_MIN;
  lm__rchunk *c;

  if (cap < need)
    cap = need;
  c = lm__malloc(sizeof *c + cap);
  if (c == NULL)
    return NULL;
  c->cap = cap;
  c->used = 0;
  c->next = r->chunks;
  r->chunks = c;
  return c;
}

/* A copy of s[0..n) and a NUL in r's blocks, or NULL. */
static char *lm__rstrndup(lm_record *r, const char *s, size_t n)
{
  lm__rchunk *c = r->chunks;
  char *p;

  if (n >= (size_t)-1 / 4)
    return NULL;
  if (c == NULL || c->cap - c->used < n + 1) {
    c = lm__rchunk_add(r, n + 1);
    if (c == NULL)
      return NULL;
  }
  p = c->data + c->used;
  c->used += n + 1;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

static char *lm__rstrdup(lm_record *r, const char *s)
{
  return lm__rstrndup(r, s, strlen(s));
}

/* s, one of r's strings (or NULL), is no longer used. */
static void lm__rdrop(lm_record *r, const char *s)
{
  if (s != NULL)
    r->dropped += strlen(s) + 1;
}

/* Bytes of the strings r refers to. */
static size_t lm__rlive(const lm_record *r)
{
  size_t n = 0, i, f;

  for (f = 0; f < LM_F_COUNT_; f++) {
    if (r->text[f] != NULL)
      n += strlen(r->text[f]) + 1;
    for (i = 0; i < r->list[f].n; i++)
      n += strlen(r->list[f].items[i]) + 1;
  }
  for (i = 0; i < r->nskills; i++) {
    n += strlen(r->skills[i].name) + 1;
    if (r->skills[i].canonical != NULL)
      n += strlen(r->skills[i].canonical) + 1;
  }
  return n;
}

/*
 * When dropped strings outweigh the live ones, the live ones move into
 * one block and the old blocks go.  Only from the public setters: inside
 * the library a string of the record may be held elsewhere for a while
 * (the skills a prepare takes out), and the reader bounds what one record
 * takes (LM_MAX_RECORD_BYTES).  Without the memory for the new block the
 * record keeps the blocks it has: nothing is lost but room.
 */
static void lm__rcompact(lm_record *r)
{
  lm__rchunk *old = r->chunks;
  size_t live, i, f;

  if (r->dropped <= LM__RDROPPED_MAX)
    return;
  live = lm__rlive(r);
  if (r->dropped <= live)
    return;
  r->chunks = NULL;
  if (lm__rchunk_add(r, live + 1) == NULL) {
    r->chunks = old;
    return;
  }
  /* Cannot fail: the block holds every live string. */
  for (f = 0; f < LM_F_COUNT_; f++) {
    if (r->text[f] != NULL)
      r->text[f] = lm__rstrdup(r, r->text[f]);
    for (i = 0; i < r->list[f].n; i++)
      r->list[f].items[i] = lm__rstrdup(r, r->list[f].items[i]);
  }
  for (i = 0; i < r->nskills; i++) {
    r->skills[i].name = lm__rstrdup(r, r->skills[i].name);
    if (r->skills[i].canonical != NULL)
      r->skills[i].canonical = lm__rstrdup(r, r->skills[i].canonical);
  }
  r->dropped = 0;
  lm__rchunks_free(old);
}

size_t lm__record_bytes_held(const lm_record *r)
{
  const lm__rchunk *c;
  size_t n = 0;

  for (c = r->chunks; c != NULL; c = c->next)
    n += c->cap;
  return n;
}

/* Every string gone; the largest block stays for the next ones. */
static void lm__rreset(lm_record *r)
{
  lm__rchunk *c = r->chunks;

  if (c != NULL) {
    lm__rchunks_free(c->next); /* the newest block is the largest */
    c->next = NULL;
    c->used = 0;
  }
  r->dropped = 0;
}

static void lm__list_clear(lm_record *r, lm__list *l)
{
  size_t i;
  for (i = 0; i < l->n; i++)
    lm__rdrop(r, l->items[i]);
  lm__xfree(l->items);
  l->items = NULL;
  l->n = l->cap = 0;
}

void lm__record_take_skills(lm_record *r, lm__rskill **skills, size_t *n)
{
  *skills = r->skills;
  *n = r->nskills;
  r->skills = NULL;
  r->nskills = r->capskills = 0;
}

void lm__skills_free(lm__rskill *skills, size_t n)
{
  (void)n; /* the strings are the record's */
  lm__xfree(skills);
}

void lm_record_free(lm_record *r)
{
  int f;

  if (r == NULL)
    return;
  for (f = 0; f < LM_F_COUNT_; f++)
    lm__xfree(r->list[f].items);
  lm__xfree(r->skills);
  lm__rchunks_free(r->chunks);
  lm__xfree(r);
}

/* The record struct is two kilobytes, past what malloc keeps per thread
 * for quick reuse: allocating and freeing one for every record of a
 * document made malloc sort its free lists each time. */
int lm__record_reuse(lm_record *r, lm_kind kind, const char *id)
{
  int f, rc = lm__new_check(kind, id);

  if (rc != LM_OK)
    return rc;
  for (f = 0; f < LM_F_COUNT_; f++) {
    r->text[f] = NULL;
    r->num[f] = 0;
    r->list[f].n = 0;
  }
  r->nskills = 0;
  lm__rreset(r);
  r->kind = kind;
  memcpy(r->id, id, strlen(id) + 1);
  r->line = 0;
  r->removal = 0;
  return LM_OK;
}

/* ------------------------------------------------------------ setting */

static int lm__put_text(lm_record *r, lm_field f, const char *s, size_t n)
{
  char *copy = lm__rstrndup(r, s, n), *old = r->text[f];
  if (copy == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  r->text[f] = copy;
  lm__rdrop(r, old);
  return LM_OK;
}

static void lm__unset(lm_record *r, lm_field f)
{
  char *old = r->text[f];
  r->text[f] = NULL;
  r->num[f] = 0;
  lm__rdrop(r, old);
}

/* Decimal digits of v into the end of buf; returns where they start.
 * snprintf costs more than the rest of a load (index rebuild at open). */
static char *lm__format_long(long v, char *end)
{
  unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

  *--end = '\0';
  do
    *--end = (char)('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0)
    *--end = '-';
  return end;
}

int lm__record_set_int(lm_record *r, lm_field f, long v)
{
  char buf[32], *t = lm__format_long(v, buf + sizeof buf);
  int rc;

  rc = lm__put_text(r, f, t, (size_t)(buf + sizeof buf - 1 - t));
  if (rc == LM_OK)
    r->num[f] = (double)v;
  return rc;
}

/*
 * "%.10g" for the values records hold (coordinates, amounts) without
 * printf: the ten significant digits as an integer, rounded, then
 * trailing zeros dropped.  The rounding is exact unless the scaled value
 * sits near a half, where the product's own error could tip it; those,
 * and anything outside 1e-4 .. 1e9, go to snprintf.  Returns 0 then.
 */
static int lm__format_g10(double v, char *buf, size_t size)
{
  static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13};
  double a = fabs(v), x, fl;
  long long m;
  int digits = 1, decimals, i, n = 0;
  char tmp[32];

  if (!(a >= 1e-4 && a < 1e9) || size < 32)
    return 0;
  while (digits < 10 && a >= p10[digits])
    digits++;
  decimals = 10 - digits;
  if (a < 1.0) { /* leading zeros after the point are not significant */
    int z = 0;
    while (a * p10[z + 1] < 1.0)
      z++;
    decimals += z + 1;
  }
  if (decimals > 13)
    return 0;
  x = a * p10[decimals];
  fl = floor(x);
  if (fabs(x - fl - 0.5) < 1e-3)
    return 0;
  m = (long long)(x - fl > 0.5 ? fl + 1 : fl);
  if (m >= 10000000000LL)
    return 0; /* rounding carried into an eleventh digit */
  for (i = 0; i < decimals && m % 10 == 0; i++)
    m /= 10;
  decimals -= i;
  do {
    tmp[n++] = (char)('0' + m % 10);
    m /= 10;
    if (n == decimals)
      tmp[n++] = '.';
  } while (m != 0 || n <= decimals);
  if (tmp[n - 1] == '.')
    tmp[n++] = '0';
  if (v < 0)
    tmp[n++] = '-';
  for (i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return 1;
}

int lm__record_set_real(lm_record *r, lm_field f, double v)
{
  char buf[40];
  int rc;

  /* Zero has no sign here: SQLite keeps a whole REAL as an integer and
   * gives -0.0 back as 0 (found by fuzz_record). */
  if (v == 0)
    v = 0.0;
  /* Ten significant digits keep a coordinate to well under a metre and
   * print the same after a round trip through SQLite's REAL. */
  if (!lm__format_g10(v, buf, sizeof buf))
    snprintf(buf, sizeof buf, "%.10g", v);
  rc = lm__put_text(r, f, buf, strlen(buf));
  if (rc == LM_OK)
    r->num[f] = lm__strtod(buf, NULL);
  return rc;
}

static int lm__set_date(lm_record *r, lm_field f, int32_t days)
{
  char buf[11];
  int rc;

  lm__date_format(days, buf);
  rc = lm__put_text(r, f, buf, strlen(buf));
  if (rc == LM_OK)
    r->num[f] = days;
  return rc;
}

/* isspace in the C locale, whatever the caller's: another locale's
 * isspace may take a byte of a UTF-8 sequence (0x85, 0xA0) for a space. */
static int lm__ascii_space(char c)
{
  return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Strips leading and trailing ASCII white space: XML text often carries
 * the indentation around it. */
static const char *lm__trim(const char *s, size_t *len)
{
  size_t n = strlen(s);
  while (n > 0 && lm__ascii_space(*s)) {
    s++;
    n--;
  }
  while (n > 0 && lm__ascii_space(s[n - 1]))
    n--;
  *len = n;
  return s;
}


/* A whole number after folding (full-width digits allowed). */
static int lm__parse_long(const char *folded, long lo, long hi, long *out)
{
  char *end;
  long v;

  errno = 0;
  if (*folded == '\0')
    return 0;
  v = strtol(folded, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi)
    return 0;
  *out = v;
  return 1;
}

static int lm__parse_real(const char *folded, double lo, double hi,
                          double *out)
{
  char *end;
  double v;

  errno = 0;
  if (*folded == '\0')
    return 0;
  v = lm__strtod(folded, &end);
  if (errno != 0 || *end != '\0' || !isfinite(v) || v < lo || v > hi)
    return 0;
  *out = v;
  return 1;
}

/* Bounds of the integer fields: beyond them a value is a typo. */
static void lm__int_bounds(lm_field f, long *lo, long *hi)
{
  *lo = 0;
  *hi = 1000000000L;
  switch (f) {
  case LM_F_OPENINGS:
    *lo = 1;
    *hi = 100000;
    break;
  case LM_F_SALARY_MIN:
  case LM_F_SALARY_MAX:
    *hi = 1000000;
    break;
  case LM_F_NEGOTIABLE:
    *hi = 1;
    break;
  case LM_F_AGE_MIN:
  case LM_F_AGE_MAX:
    *lo = 14;
    *hi = 80;
    break;
  case LM_F_BIRTH_YEAR:
    *lo = 1900;
    *hi = 2100;
    break;
  case LM_F_EXPERIENCE_YEARS:
    *hi = 70;
    break;
  case LM_F_MOBILITY_MINUTES:
    *lo = 1;
    *hi = 600;
    break;
  default:
    break;
  }
}

/* Occupation codes: digits in dash-separated groups, "6-18-01-01". */
static int lm__occupation_valid(const char *s)
{
  size_t n = 0;
  int digit_run = 0;

  for (; *s; s++, n++) {
    if (isdigit((unsigned char)*s)) {
      digit_run++;
    } else if (*s == '-' && digit_run > 0) {
      digit_run = 0;
    } else {
      return 0;
    }
  }
  return n > 0 && n <= 32 && digit_run > 0;
}

static int lm__district_valid(const char *s)
{
  size_t i;
  for (i = 0; i < 6; i++)
    if (!isdigit((unsigned char)s[i]))
      return 0;
  return s[6] == '\0';
}

/* A phone number as people write one: digits with + - ( ) and spaces,
 * 5 to 20 digits ("13800000000", "0714-6221234", "+86 138 0000 0000"). */
static int lm__phone_valid(const char *s, size_t n)
{
  size_t i, digits = 0;

  for (i = 0; i < n; i++) {
    if (isdigit((unsigned char)s[i]))
      digits++;
    else if (strchr("+-() ", s[i]) == NULL)
      return 0;
  }
  return digits >= 5 && digits <= 20;
}

/* A resident ID number's shape: 18 characters (17 digits and a digit or
 * X) or the older 15 digits.  The check digit is not checked: a record
 * is not refused over a typo the portal can correct later. */
static int lm__id_number_valid(const char *s, size_t n)
{
  size_t i;

  if (n != 18 && n != 15)
    return 0;
  for (i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i]) &&
        !(i == 17 && (s[i] == 'X' || s[i] == 'x')))
      return 0;
  return 1;
}

/* Personal data is checked for its shape and kept as given; a message
 * says what is wrong without ever quoting it. */
static int lm__set_personal(lm_record *r, lm_field f, const char *v,
                            size_t n)
{
  if (f == LM_F_PHONE && !lm__phone_valid(v, n))
    return lm__fail(LM_EINVAL, "phone: not a phone number (5-20 digits; "
                    "+ - ( ) and spaces allowed)");
  if (f == LM_F_ID_NUMBER && !lm__id_number_valid(v, n))
    return lm__fail(LM_EINVAL, "id_number: not an ID number (17 digits "
                    "and a digit or X, or 15 digits)");
  return lm__put_text(r, f, v, n);
}

static int lm__set_word(lm_record *r, lm_field f, const char *v)
{
  const char *word = NULL;
  int level, rc = LM_OK;

  switch (f) {
  case LM_F_STATUS:
    if (strcmp(v, "closed") == 0 || strcmp(v, "withdrawn") == 0)
      r->removal = 1;
    else if (strcmp(v, "open") == 0)
      r->removal = 0;
    else
      return lm__fail(LM_EINVAL,
                      "status: '%s' is not open, closed or withdrawn", v);
    return lm__put_text(r, f, v, strlen(v));
  case LM_F_EDUCATION:
    rc = lm__norm_education(v, &level, &word);
    if (rc == LM_ENOMEM)
      return rc;
    if (rc != LM_OK)
      return lm__fail(LM_EINVAL, "education: unknown level '%s'", v);
    rc = lm__put_text(r, f, word, strlen(word));
    if (rc == LM_OK)
      r->num[f] = level;
    return rc;
  case LM_F_SHIFT:
    rc = lm__norm_shift(v, &word);
    break;
  case LM_F_MOBILITY_MODE:
    rc = lm__norm_mode(v, &word);
    break;
  case LM_F_POINT_KIND:
    rc = lm__norm_point_kind(v, &word);
    break;
  case LM_F_OCCUPATION:
  case LM_F_EXPERIENCE_OCCUPATION:
    if (!lm__occupation_valid(v))
      return lm__fail(LM_EINVAL, "%s: '%s' is not an occupation code",
                      lm__fields[f].name, v);
    word = v;
    break;
  case LM_F_DISTRICT:
    if (!lm__district_valid(v))
      return lm__fail(LM_EINVAL, "district: '%s' is not a six-digit code",
                      v);
    word = v;
    break;
  default: /* employer ids, alliance names: one token */
    if (!lm__id_valid(v))
      return lm__fail(LM_EINVAL, "%s: '%s' is not a valid identifier",
                      lm__fields[f].name, v);
    word = v;
    break;
  }
  if (rc == LM_ENOMEM)
    return rc;
  if (rc != LM_OK)
    return lm__fail(LM_EINVAL, "%s: unknown value '%s'", lm__fields[f].name,
                    v);
  return lm__put_text(r, f, word, strlen(word));
}

static int lm__set_salary_text(lm_record *r, const char *v, size_t n)
{
  lm__salary s;
  int rc;

  rc = lm__norm_salary(v, &s);
  if (rc == LM_ENOMEM)
    return rc;
  if (rc != LM_OK)
    return lm__fail(LM_EINVAL, "salary: cannot read '%s'", v);
  rc = lm__put_text(r, LM_F_SALARY, v, n);
  lm__unset(r, LM_F_SALARY_MIN);
  lm__unset(r, LM_F_SALARY_MAX);
  lm__unset(r, LM_F_NEGOTIABLE);
  if (rc == LM_OK && s.min >= 0)
    rc = lm__record_set_int(r, LM_F_SALARY_MIN, s.min);
  if (rc == LM_OK && s.max >= 0 && r->kind == LM_JOB)
    rc = lm__record_set_int(r, LM_F_SALARY_MAX, s.max);
  if (rc == LM_OK && s.negotiable)
    rc = lm__record_set_int(r, LM_F_NEGOTIABLE, 1);
  return rc;
}

static int lm__set_age_text(lm_record *r, const char *v, size_t n)
{
  int lo, hi, rc;

  rc = lm__norm_age(v, &lo, &hi);
  if (rc == LM_ENOMEM)
    return rc;
  if (rc != LM_OK)
    return lm__fail(LM_EINVAL, "age: cannot read '%s'", v);
  rc = lm__put_text(r, LM_F_AGE, v, n);
  lm__unset(r, LM_F_AGE_MIN);
  lm__unset(r, LM_F_AGE_MAX);
  if (rc == LM_OK && lo >= 0)
    rc = lm__record_set_int(r, LM_F_AGE_MIN, lo);
  if (rc == LM_OK && hi >= 0)
    rc = lm__record_set_int(r, LM_F_AGE_MAX, hi);
  return rc;
}

static int lm__list_add(lm_record *r, lm__list *l, const char *s, size_t n)
{
  char *copy;
  size_t i;

  for (i = 0; i < l->n; i++)
    if (strlen(l->items[i]) == n && memcmp(l->items[i], s, n) == 0)
      return LM_OK; /* a set: the same group twice is one group */
  if (l->n >= LM__LIST_MAX)
    return lm__fail(LM_EINVAL, "more than %d items (LM_MAX_LIST_ITEMS)",
                    LM__LIST_MAX);
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 4;
    char **items = lm__realloc(l->items, cap * sizeof *items);
    if (items == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    l->items = items;
    l->cap = cap;
  }
  copy = lm__rstrndup(r, s, n);
  if (copy == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  l->items[l->n++] = copy;
  return LM_OK;
}

static int lm__set_list_item(lm_record *r, lm_field f, const char *v,
                             size_t n)
{
  const char *word = NULL;
  int rc;

  switch (f) {
  case LM_F_GROUP:
  case LM_F_PRIORITY_GROUP:
    lm__norm_group(v, &word);
    break;
  case LM_F_PREF_SHIFT:
    rc = lm__norm_shift(v, &word);
    if (rc == LM_ENOMEM)
      return rc;
    if (rc != LM_OK)
      return lm__fail(LM_EINVAL, "preference shift: unknown value '%s'", v);
    break;
  case LM_F_PREF_OCCUPATION:
    if (!lm__occupation_valid(v))
      return lm__fail(LM_EINVAL,
                      "preference occupation: '%s' is not an occupation code",
                      v);
    break;
  default:
    break;
  }
  rc = word ? lm__list_add(r, &r->list[f], word, strlen(word))
            : lm__list_add(r, &r->list[f], v, n);
  if (rc == LM_EINVAL)
    return lm__fail_prefix(rc, "%s: ", lm__fields[f].name);
  return rc;
}

/*
 * lm__fold for the short ASCII values most fields hold (numbers, dates,
 * vocabulary words), into out without an allocation; `keep` copies as
 * written.  1 when done; 0 leaves the value to lm__fold.  Identical to
 * lm__fold on ASCII: lower case, white space runs made one space.
 */
static int lm__fold_small(const char *v, size_t n, int keep, char *out,
                          size_t cap)
{
  size_t i, o = 0;
  int pending = 0;

  if (n >= cap)
    return 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (c >= 0x80 || c == 0)
      return 0;
    if (keep) {
      out[o++] = (char)c;
    } else if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
      pending = o > 0;
    } else {
      if (pending) {
        out[o++] = ' ';
        pending = 0;
      }
      out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
  }
  out[o] = '\0';
  return 1;
}

int lm__record_set(lm_record *r, lm_field f, const char *value)
{
  const lm__field_info *fi = lm__field(f);
  const char *v;
  char *folded = NULL;
  char small[128];
  size_t n;
  int rc = LM_OK, check;

  if (r == NULL || fi == NULL)
    return lm__fail(LM_EINVAL, "bad field %d", (int)f);
  if (!(fi->kinds & K(r->kind)))
    return lm__fail(LM_EINVAL, "a %s has no field %s", lm__kind_name(r->kind),
                    fi->name);
  if (value == NULL) {
    if (fi->type == LM__FT_LIST)
      lm__list_clear(r, &r->list[f]);
    else
      lm__unset(r, f);
    if (f == LM_F_STATUS)
      r->removal = 0;
    return LM_OK;
  }
  v = lm__trim(value, &n);
  if (n > LM__TEXT_MAX)
    return lm__fail(LM_EINVAL, "%s: longer than %d bytes "
                    "(LM_MAX_FIELD_BYTES)", fi->name, LM__TEXT_MAX);
  check = lm__text_check(v, n);
  if (check == LM__TEXT_NOT_UTF8)
    return lm__fail(LM_EINVAL, "%s: not valid UTF-8", fi->name);
  if (n == 0)
    return lm__fail(LM_EINVAL, "%s: empty", fi->name);
  if (check == LM__TEXT_NONXML)
    return lm__fail(LM_EINVAL, "%s: control characters (and U+FFFE, "
                               "U+FFFF) are not allowed",
                    fi->name);
  if (fi->personal)
    return lm__set_personal(r, f, v, n);
  if (f == LM_F_SALARY)
    return lm__set_salary_text(r, v, n);
  if (f == LM_F_AGE)
    return lm__set_age_text(r, v, n);
  if (fi->type == LM__FT_TEXT)
    return lm__put_text(r, f, v, n);
  if (fi->type == LM__FT_LIST)
    return lm__set_list_item(r, f, v, n);

  /* Words, numbers and dates are read from their folded form so that
   * full-width digits and traditional script read like the plain ones;
   * identifiers (an employer's id) are opaque and kept as written. */
  if (lm__fold_small(v, n, f == LM_F_EMPLOYER || f == LM_F_ALLIANCE,
                     small, sizeof small)) {
    folded = small;
  } else {
    if (f == LM_F_EMPLOYER || f == LM_F_ALLIANCE) {
      folded = lm__strndup(v, n);
      rc = folded ? LM_OK : lm__fail(LM_ENOMEM, "out of memory");
    } else {
      rc = lm__fold(v, n, &folded);
    }
    if (rc != LM_OK)
      return lm__fail_prefix(rc, "%s: ", fi->name);
  }
  switch (fi->type) {
  case LM__FT_WORD:
    rc = lm__set_word(r, f, folded);
    break;
  case LM__FT_INT: {
    long lo, hi, iv;
    lm__int_bounds(f, &lo, &hi);
    if (!lm__parse_long(folded, lo, hi, &iv))
      rc = lm__fail(LM_EINVAL, "%s: '%s' is not a whole number in %ld..%ld",
                    fi->name, folded, lo, hi);
    else
      rc = lm__record_set_int(r, f, iv);
    break;
  }
  case LM__FT_REAL: {
    double dv, lim = f == LM_F_LAT ? 90.0 : 180.0;
    if (!lm__parse_real(folded, -lim, lim, &dv))
      rc = lm__fail(LM_EINVAL, "%s: '%s' is not a number in %g..%g",
                    fi->name, folded, -lim, lim);
    else
      rc = lm__record_set_real(r, f, dv);
    break;
  }
  case LM__FT_DATE: {
    int32_t days;
    rc = lm__norm_date(folded, &days);
    if (rc == LM_OK)
      rc = lm__set_date(r, f, days);
    else if (rc != LM_ENOMEM)
      rc = lm__fail(LM_EINVAL, "%s: '%s' is not a date", fi->name, folded);
    break;
  }
  default:
    rc = lm__fail(LM_ERROR, "field %s has no type", fi->name);
    break;
  }
  if (folded != small)
    lm__xfree(folded);
  return rc;
}

int lm__record_set_salary(lm_record *r, double min, double max, int period)
{
  int rc = LM_OK;

  if (!(lm__fields[LM_F_SALARY_MIN].kinds & K(r->kind)))
    return lm__fail(LM_EINVAL, "a %s has no salary", lm__kind_name(r->kind));
  if ((min >= 0 && !isfinite(min)) || (max >= 0 && !isfinite(max)))
    return lm__fail(LM_EINVAL, "salary: not a number");
  if (min >= 0) {
    long m = lm__salary_per_month(min, period);
    if (m > 1000000)
      return lm__fail(LM_EINVAL, "salary: minimum %ld per month is too high",
                      m);
    rc = lm__record_set_int(r, LM_F_SALARY_MIN, m);
  }
  if (rc == LM_OK && max >= 0) {
    long m = lm__salary_per_month(max, period);
    if (r->kind != LM_JOB)
      return lm__fail(LM_EINVAL, "salary: a seeker states a minimum only");
    if (m > 1000000)
      return lm__fail(LM_EINVAL, "salary: maximum %ld per month is too high",
                      m);
    rc = lm__record_set_int(r, LM_F_SALARY_MAX, m);
  }
  return rc;
}

/* ------------------------------------------------------------ skills */

static lm__rskill *lm__find_skill(lm_record *r, const char *name,
                                  const char *canonical)
{
  size_t i;
  for (i = 0; i < r->nskills; i++) {
    lm__rskill *s = &r->skills[i];
    if (canonical && s->canonical) {
      if (strcmp(s->canonical, canonical) == 0)
        return s;
    } else if (strcmp(s->name, name) == 0) {
      return s;
    }
  }
  return NULL;
}

int lm__record_add_skill(lm_record *r, const char *name,
                         const char *canonical, int level, int years,
                         unsigned int found_in)
{
  lm__rskill *s;
  char *n = NULL, *c = NULL;

  s = lm__find_skill(r, name, canonical);
  if (s != NULL) {
    /* One skill named twice, or named and also found in the text: keep
     * one entry, the named form and the stronger requirement. */
    if ((found_in & LM_FOUND_SKILL) && !(s->found_in & LM_FOUND_SKILL)) {
      n = lm__rstrdup(r, name);
      if (n == NULL)
        return lm__fail(LM_ENOMEM, "out of memory");
      c = s->name;
      s->name = n;
      lm__rdrop(r, c);
      s->level = level;
      s->years = years;
    } else if ((found_in & LM_FOUND_SKILL) && level == LM_SKILL_REQUIRED) {
      s->level = level;
    }
    if (years > s->years)
      s->years = years;
    s->found_in |= found_in;
    return LM_OK;
  }
  if (r->nskills >= LM__SKILLS_MAX && !(found_in & LM_FOUND_SKILL))
    return LM_OK; /* a long text may mention more skills than a record
                     holds: not the writer's error, the first ones stay */
  if (r->nskills >= LM__SKILLS_MAX)
    return lm__fail(LM_EINVAL, "more than %d skills (LM_MAX_SKILLS)",
                    LM__SKILLS_MAX);
  if (r->nskills == r->capskills) {
    size_t cap = r->capskills ? r->capskills * 2 : 4;
    lm__rskill *v = lm__realloc(r->skills, cap * sizeof *v);
    if (v == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    r->skills = v;
    r->capskills = cap;
  }
  n = lm__rstrdup(r, name);
  c = canonical && n != NULL ? lm__rstrdup(r, canonical) : NULL;
  if (n == NULL || (canonical && c == NULL)) {
    lm__rdrop(r, n);
    return lm__fail(LM_ENOMEM, "out of memory");
  }
  s = &r->skills[r->nskills++];
  s->name = n;
  s->canonical = c;
  s->level = level;
  s->years = years;
  s->found_in = found_in;
  return LM_OK;
}

int lm_record_add_skill(lm_record *r, const char *name, int level, int years)
{
  size_t n;
  const char *v;
  char *copy;
  int rc, check;

  if (r == NULL || name == NULL)
    return lm__fail(LM_EINVAL, "lm_record_add_skill: NULL argument");
  lm__rcompact(r);
  if (r->kind != LM_JOB && r->kind != LM_SEEKER)
    return lm__fail(LM_EINVAL, "%s %s: only jobs and seekers have skills",
                    lm__kind_name(r->kind), r->id);
  if (r->kind == LM_JOB
          ? (level != LM_SKILL_REQUIRED && level != LM_SKILL_PREFERRED)
          : level != LM_SKILL_HELD)
    return lm__fail(LM_EINVAL, "%s %s: skill level %d does not fit a %s",
                    lm__kind_name(r->kind), r->id, level,
                    lm__kind_name(r->kind));
  if (years < -1 || years > 70)
    return lm__fail(LM_EINVAL, "%s %s: skill years %d out of range",
                    lm__kind_name(r->kind), r->id, years);
  v = lm__trim(name, &n);
  check = n > LM_MAX_SKILL_BYTES ? LM__TEXT_NOT_UTF8 : lm__text_check(v, n);
  if (n == 0 || check == LM__TEXT_NOT_UTF8)
    return lm__fail(LM_EINVAL,
                    "%s %s: a skill name must be 1-%d bytes of UTF-8 "
                    "(LM_MAX_SKILL_BYTES)",
                    lm__kind_name(r->kind), r->id, LM_MAX_SKILL_BYTES);
  if (check == LM__TEXT_NONXML)
    return lm__fail(LM_EINVAL, "%s %s: a skill name holds a character XML "
                               "cannot carry (a control character, U+FFFE "
                               "or U+FFFF)",
                    lm__kind_name(r->kind), r->id);
  copy = lm__strndup(v, n);
  if (copy == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  rc = lm__record_add_skill(r, copy, NULL, level, years, LM_FOUND_SKILL);
  lm__xfree(copy);
  if (rc == LM_EINVAL)
    return lm__fail_prefix(rc, "%s %s: ", lm__kind_name(r->kind), r->id);
  return rc;
}

/* ------------------------------------------------------------ checks */

static int lm__before(const lm_record *r, lm_field a, lm_field b)
{
  return r->text[a] && r->text[b] && r->num[a] > r->num[b];
}

/* Bytes of the record's values: what LM_MAX_RECORD_BYTES bounds. */
static size_t lm__record_bytes(const lm_record *r)
{
  size_t total = 0, i;
  int f;

  for (f = 1; f < LM_F_COUNT_; f++) {
    if (r->text[f] != NULL)
      total += strlen(r->text[f]);
    for (i = 0; i < r->list[f].n; i++)
      total += strlen(r->list[f].items[i]);
  }
  for (i = 0; i < r->nskills; i++)
    total += strlen(r->skills[i].name);
  return total;
}

int lm__record_validate(const lm_record *r)
{
  size_t bytes;

  if (r->removal)
    return LM_OK;
  bytes = lm__record_bytes(r);
  if (bytes > LM_MAX_RECORD_BYTES)
    return lm__fail(LM_EINVAL, "%zu bytes of values, more than %d "
                    "(LM_MAX_RECORD_BYTES)", bytes, LM_MAX_RECORD_BYTES);
  if ((r->text[LM_F_LAT] == NULL) != (r->text[LM_F_LON] == NULL))
    return lm__fail(LM_EINVAL, "location: lat and lon go together");
  if (lm__before(r, LM_F_SALARY_MIN, LM_F_SALARY_MAX))
    return lm__fail(LM_EINVAL, "salary: minimum %s above maximum %s",
                    r->text[LM_F_SALARY_MIN], r->text[LM_F_SALARY_MAX]);
  if (lm__before(r, LM_F_AGE_MIN, LM_F_AGE_MAX))
    return lm__fail(LM_EINVAL, "age: minimum %s above maximum %s",
                    r->text[LM_F_AGE_MIN], r->text[LM_F_AGE_MAX]);
  if (lm__before(r, LM_F_WINDOW_FROM, LM_F_WINDOW_TO))
    return lm__fail(LM_EINVAL, "window: from %s is after to %s",
                    r->text[LM_F_WINDOW_FROM], r->text[LM_F_WINDOW_TO]);
  if (lm__before(r, LM_F_POSTED, LM_F_EXPIRES))
    return lm__fail(LM_EINVAL, "expires %s before posted %s",
                    r->text[LM_F_EXPIRES], r->text[LM_F_POSTED]);
  return LM_OK;
}

/* ------------------------------------------------------------ copies */

int lm__record_clone(const lm_record *r, lm_record **out)
{
  lm_record *c;
  int f, rc = LM_OK;
  size_t i;

  *out = NULL;
  rc = lm_record_new(&c, r->kind, r->id);
  if (rc != LM_OK)
    return rc;
  c->line = r->line;
  c->removal = r->removal;
  for (f = 1; f < LM_F_COUNT_ && rc == LM_OK; f++) {
    if (r->text[f]) {
      c->text[f] = lm__rstrdup(c, r->text[f]);
      c->num[f] = r->num[f];
      if (c->text[f] == NULL)
        rc = lm__fail(LM_ENOMEM, "out of memory");
    }
    for (i = 0; i < r->list[f].n && rc == LM_OK; i++)
      rc = lm__list_add(c, &c->list[f], r->list[f].items[i],
                        strlen(r->list[f].items[i]));
  }
  for (i = 0; i < r->nskills && rc == LM_OK; i++) {
    const lm__rskill *s = &r->skills[i];
    rc = lm__record_add_skill(c, s->name, s->canonical, s->level, s->years,
                              s->found_in);
  }
  if (rc != LM_OK) {
    lm_record_free(c);
    return rc;
  }
  *out = c;
  return LM_OK;
}

/* ------------------------------------------------------------ public */

/* 1 when number field f holds v (v < 0: unset). */
static int lm__holds(const lm_record *r, lm_field f, long v)
{
  if (v < 0)
    return r->text[f] == NULL;
  return r->text[f] != NULL && r->num[f] == (double)v;
}

/* Unsets the free text `f` (LM_F_SALARY or LM_F_AGE) when the numbers no
 * longer are what it reads as. */
static int lm__drop_stale_text(lm_record *r, lm_field f)
{
  int rc, same, lo, hi;
  lm__salary s;

  if (r->text[f] == NULL)
    return LM_OK;
  if (f == LM_F_SALARY) {
    rc = lm__norm_salary(r->text[f], &s);
    same = rc == LM_OK && lm__holds(r, LM_F_SALARY_MIN, s.min) &&
           (r->kind != LM_JOB || lm__holds(r, LM_F_SALARY_MAX, s.max)) &&
           lm__holds(r, LM_F_NEGOTIABLE, s.negotiable ? 1 : -1);
  } else {
    rc = lm__norm_age(r->text[f], &lo, &hi);
    same = rc == LM_OK && lm__holds(r, LM_F_AGE_MIN, lo) &&
           lm__holds(r, LM_F_AGE_MAX, hi);
  }
  if (rc == LM_ENOMEM)
    return rc;
  lm__clear_error();
  if (!same)
    lm__unset(r, f);
  return LM_OK;
}

int lm_record_set(lm_record *r, lm_field f, const char *value)
{
  int rc;

  if (r == NULL)
    return lm__fail(LM_EINVAL, "lm_record_set: record is NULL");
  lm__rcompact(r);
  rc = lm__record_set(r, f, value);
  if (rc == LM_EINVAL)
    return lm__fail_prefix(rc, "%s %s: ", lm__kind_name(r->kind), r->id);
  /* Numbers set by the caller that the free text no longer says replace
   * it: kept, the text would be read again on the next ingest of an
   * export and bring the old numbers back (found by fuzz_record).  Numbers
   * that agree with it (a record read back and set again) keep it. */
  if (rc == LM_OK && (f == LM_F_SALARY_MIN || f == LM_F_SALARY_MAX ||
                      f == LM_F_NEGOTIABLE || f == LM_F_AGE_MIN ||
                      f == LM_F_AGE_MAX))
    rc = lm__drop_stale_text(r, f == LM_F_AGE_MIN || f == LM_F_AGE_MAX
                                    ? LM_F_AGE
                                    : LM_F_SALARY);
  return rc;
}

lm_kind lm_record_kind(const lm_record *r)
{
  return r ? r->kind : (lm_kind)0;
}

const char *lm_record_id(const lm_record *r)
{
  return r ? r->id : NULL;
}

const char *lm_record_get(const lm_record *r, lm_field f)
{
  const lm__field_info *fi = lm__field(f);
  if (r == NULL || fi == NULL || fi->type == LM__FT_LIST)
    return NULL;
  return r->text[f];
}

int lm_record_number(const lm_record *r, lm_field f, double *out)
{
  const lm__field_info *fi = lm__field(f);

  if (r == NULL || fi == NULL || out == NULL)
    return lm__fail(LM_EINVAL, "lm_record_number: bad argument");
  if (fi->type == LM__FT_TEXT || fi->type == LM__FT_LIST ||
      (fi->type == LM__FT_WORD && f != LM_F_EDUCATION))
    return lm__fail(LM_EINVAL, "%s is not a number", fi->name);
  if (r->text[f] == NULL)
    return lm__fail(LM_ENOTFOUND, "%s is not set", fi->name);
  *out = r->num[f];
  return LM_OK;
}

size_t lm_record_count(const lm_record *r, lm_field f)
{
  const lm__field_info *fi = lm__field(f);
  if (r == NULL || fi == NULL || fi->type != LM__FT_LIST)
    return 0;
  return r->list[f].n;
}

const char *lm_record_item(const lm_record *r, lm_field f, size_t i)
{
  if (i >= lm_record_count(r, f))
    return NULL;
  return r->list[f].items[i];
}

size_t lm_record_skill_count(const lm_record *r)
{
  return r ? r->nskills : 0;
}

int lm_record_skill(const lm_record *r, size_t i, lm_skill *out)
{
  const lm__rskill *s;

  if (r == NULL || out == NULL || i >= r->nskills)
    return lm__fail(LM_EINVAL, "lm_record_skill: no skill %zu", i);
  s = &r->skills[i];
  out->name = s->name;
  out->canonical = s->canonical ? s->canonical : s->name;
  out->level = s->level;
  out->years = s->years;
  out->found_in = s->found_in;
  return LM_OK;
}
