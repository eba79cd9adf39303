/*
 * normalize.c: free text to structured values (salary, age, education,
 * dates, the closed vocabularies of FORMAT.md).
 *
 * Every normaliser folds its input first (lm__fold: half width, simplified
 * script, lower case, one space), so "５千－８千元／月" and "5千-8千元/月",
 * "碩士" and "硕士" are read once.  The patterns are written against the
 * folded form and compiled once per process (pthread_once), JIT-compiled
 * where PCRE2 can, and shared read-only by every thread; the cheap
 * per-call state (match data) is made per call.  A text that does not
 * read cleanly is rejected with LM_EPARSE and a message: a wrong salary
 * or age in the index is worse than a missing one, so nothing is guessed.
 */
#define _POSIX_C_SOURCE 200809L
#define PCRE2_CODE_UNIT_WIDTH 8

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "internal.h"

/* Longest free text a normaliser reads.  A salary, age or date longer
 * than this is not one of them; the bound also caps the work a pattern
 * can do on hostile input. */
#define LM__NORM_TEXT_MAX 256

/* Salaries outside this range (CNY per month) are typos or a misread
 * unit ("5" meant 5千, "50000000"), not wages. */
#define LM__SALARY_MONTH_MIN 100
#define LM__SALARY_MONTH_MAX 1000000

/* Working days per month and hours per day behind the hourly and daily
 * conversions (the national 21.75-day month). */
#define LM__DAYS_PER_MONTH 21.75
#define LM__HOURS_PER_DAY 8.0

/* Ages a job may ask for: the legal working age (16, 14 for a few
 * trades by exemption) up to the oldest age that postings use. */
#define LM__AGE_MIN 14
#define LM__AGE_MAX 80

/* Dates outside these years are typos rather than postings or births. */
#define LM__YEAR_MIN 1900
#define LM__YEAR_MAX 2199

/* Limits on the work a single match may do; the patterns need far less
 * on any input up to LM__NORM_TEXT_MAX bytes. */
#define LM__MATCH_LIMIT 100000u
#define LM__DEPTH_LIMIT 1000u

/* ------------------------------------------------------------- patterns */

enum {
  P_SALARY,
  P_NEGOTIABLE,
  P_AGE_RANGE,
  P_AGE_BOUND,
  P_AGE_PREFIX,
  P_AGE_BOTH,
  P_AGE_ANY,
  P_DATE,
  P_EDUCATION,
  P_COUNT
};

/* Written for folded text: ASCII digits, lower case, simplified script,
 * single spaces; full-width ～ and － are already ~ and -. */
#define LM__DASH "(?:-|~|至|到|—|–|―|‐|−|〜)"
#define LM__NUM "(?:\\d{1,3}(?:,\\d{3}){1,3}|\\d{1,9})(?:\\.\\d{1,4})?"
#define LM__UNIT "(?:k|千|w|万)"
#define LM__YUAN "(?:元|块|rmb|cny)"
#define LM__BONUS "(?:提成|绩效|奖金|计件|补贴|加班费|全勤奖?|五险一金)"
#define LM__AGE_PRE "(?:年龄(?:要求)?\\s*[:：]?\\s*)?"
#define LM__SUI "(?:周?岁)?"

static const char *const lm__pat_src[P_COUNT] = {
    /* P_SALARY: [prefix] amount [unit] [- amount [unit]] [bound]
     * [/period] [bound] [+bonus] */
    "^(?<pre>月薪|年薪|日薪|时薪|底薪|薪资|工资|薪酬|待遇)?\\s*[:：]?\\s*"
    "[¥￥]?\\s*(?<a>" LM__NUM ")\\s*(?<au>" LM__UNIT ")?\\s*" LM__YUAN "?"
    "\\s*(?:" LM__DASH "\\s*[¥￥]?\\s*(?<b>" LM__NUM ")\\s*(?<bu>" LM__UNIT
    ")?\\s*" LM__YUAN "?)?"
    "\\s*(?<b1>以上|以下|起)?"
    "\\s*(?:(?:/|每|一)\\s*个?\\s*"
    "(?<per>小时|时|hour|h|天|日|day|月|month|年|year))?"
    "\\s*(?<b2>以上|以下|起|左右)?"
    "\\s*(?<plus>\\+\\s*(?:" LM__BONUS "\\s*(?:\\+\\s*" LM__BONUS
    "\\s*)*)?)?$",
    /* P_NEGOTIABLE */
    "^(?:(?:薪资|工资|薪酬|待遇|月薪|年薪)\\s*)*[:：]?\\s*可?(?:面议|面谈)$",
    /* P_AGE_RANGE: 18-45岁, 18至45周岁 */
    "^" LM__AGE_PRE "(?<a>\\d{1,3})\\s*" LM__SUI "\\s*" LM__DASH
    "\\s*(?<b>\\d{1,3})\\s*" LM__SUI "(?:之间)?$",
    /* P_AGE_BOUND: 45岁以下, 18周岁以上 */
    "^" LM__AGE_PRE "(?<a>\\d{1,3})\\s*" LM__SUI
    "\\s*(?<bd>(?:及|或)?以上|(?:及|或)?以下|以内|之内)$",
    /* P_AGE_PREFIX: 不超过45岁, 满18周岁 */
    "^" LM__AGE_PRE "(?<pb>不超过|不高于|不大于|不低于|不小于|年满|满)"
    "\\s*(?<a>\\d{1,3})\\s*" LM__SUI "$",
    /* P_AGE_BOTH: 18周岁以上45周岁以下 */
    "^" LM__AGE_PRE "(?<a>\\d{1,3})\\s*" LM__SUI "\\s*(?:及|或)?以上"
    "\\s*[,，、;；]?\\s*(?<b>\\d{1,3})\\s*" LM__SUI
    "\\s*(?:(?:及|或)?以下|以内)$",
    /* P_AGE_ANY: 不限 */
    "^(?:年龄(?:要求)?\\s*[:：]?\\s*)?不限$",
    /* P_DATE: 2026-11-01, 2026/11/1, 2026.11.01, 2026年11月1日 */
    "^(?<y>\\d{4})\\s*(?:(?<s>[-/.])\\s*(?<m>\\d{1,2})\\s*\\k<s>"
    "\\s*(?<d>\\d{1,2})|年\\s*(?<m2>\\d{1,2})\\s*月\\s*(?<d2>\\d{1,2})"
    "\\s*[日号]?)$",
    /* P_EDUCATION: [学历:] words [及以上] [学历] */
    "^(?:(?:最低)?学历(?:要求)?\\s*[:：]?\\s*)?(?<core>.+?)"
    "\\s*(?:学历|文化程度|文化)?\\s*(?:(?:及|或)\\s*以上|以上)?"
    "\\s*(?:学历|文化程度|文化)?$",
};

static pthread_once_t lm__norm_once = PTHREAD_ONCE_INIT;
static int lm__norm_rc = LM_OK;
static char lm__norm_msg[256];
static pcre2_code *lm__pat[P_COUNT];
static pcre2_match_context *lm__mctx;
static pcre2_general_context *lm__gctx;

/* Match data (and the interpreter's backtracking frames) are allocated
 * through lm__malloc so that allocation-failure tests reach them like
 * every other allocation of the library.  The general context itself is
 * allocated by the same function, once, before *ready is set: it takes
 * plain malloc, so that a test failing allocations cannot make the
 * one-time initialisation fail for the rest of the process.  Both kinds
 * are released with free (lm__xfree), and the context never is. */
static int lm__pcre_ready;

static void *lm__pcre_malloc(PCRE2_SIZE n, void *ctx)
{
  if (!*(const int *)ctx)
    return malloc(n);
  return lm__malloc(n);
}

static void lm__pcre_free(void *p, void *ctx)
{
  (void)ctx;
  lm__xfree(p);
}

static void lm__norm_compile(void)
{
  int err, i;
  PCRE2_SIZE off;
  PCRE2_UCHAR text[128];

  lm__gctx = pcre2_general_context_create(lm__pcre_malloc, lm__pcre_free,
                                          &lm__pcre_ready);
  lm__pcre_ready = 1;
  lm__mctx = pcre2_match_context_create(NULL);
  if (lm__gctx == NULL || lm__mctx == NULL) {
    lm__norm_rc = LM_ENOMEM;
    strcpy(lm__norm_msg, "out of memory compiling the patterns");
    return;
  }
  pcre2_set_match_limit(lm__mctx, LM__MATCH_LIMIT);
  pcre2_set_depth_limit(lm__mctx, LM__DEPTH_LIMIT);
  for (i = 0; i < P_COUNT; i++) {
    lm__pat[i] = pcre2_compile((PCRE2_SPTR)lm__pat_src[i],
                               PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off,
                               NULL);
    if (lm__pat[i] == NULL) {
      pcre2_get_error_message(err, text, sizeof text);
      lm__norm_rc = LM_ERROR;
      /* A broken built-in pattern is a bug; say which and where. */
      snprintf(lm__norm_msg, sizeof lm__norm_msg,
               "pattern %d does not compile at offset %zu: %s", i,
               (size_t)off, (const char *)text);
      return;
    }
#ifndef LM_NO_JIT
    /* Without JIT support (some platforms, or a build without it) the
     * interpreter runs the same pattern; only speed differs.  Memcheck
     * cannot follow JIT code and reports false uninitialised reads in
     * it, so -DLM_NO_JIT builds the interpreter-only variant for it. */
    (void)pcre2_jit_compile(lm__pat[i], PCRE2_JIT_COMPLETE);
#endif
  }
}

int lm__norm_init(void)
{
  if (pthread_once(&lm__norm_once, lm__norm_compile) != 0)
    return lm__fail(LM_ERROR, "cannot initialise the normalisers");
  if (lm__norm_rc != LM_OK)
    return lm__fail(lm__norm_rc, "%s", lm__norm_msg);
  return LM_OK;
}

/* A match of one pattern on a folded text, with its captures. */
typedef struct lm__match {
  const pcre2_code *re;
  pcre2_match_data *md;
  const char *subject;
} lm__match;

/* Runs pattern `which` on the folded text s.  Returns 1 on a match (m
 * holds it; free with match_free), 0 on none, or a negative LM_E code. */
static int match_run(int which, const char *s, lm__match *m)
{
  int rc;

  m->re = lm__pat[which];
  m->subject = s;
  m->md = pcre2_match_data_create_from_pattern(m->re, lm__gctx);
  if (m->md == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  /* The text is valid UTF-8: lm__fold checked it. */
  rc = pcre2_match(m->re, (PCRE2_SPTR)s, strlen(s), 0, PCRE2_NO_UTF_CHECK,
                   m->md, lm__mctx);
  if (rc >= 0)
    return 1;
  pcre2_match_data_free(m->md);
  m->md = NULL;
  if (rc == PCRE2_ERROR_NOMATCH)
    return 0;
  /* The interpreter takes heap for its backtracking frames through the
   * match data's allocator: that failing is memory, not the text. */
  if (rc == PCRE2_ERROR_NOMEMORY)
    return lm__fail(LM_ENOMEM, "out of memory");
  return lm__fail(LM_EPARSE, "text too complex to read (PCRE2 error %d)",
                  rc);
}

static void match_free(lm__match *m)
{
  pcre2_match_data_free(m->md);
  m->md = NULL;
}

/* The named capture into *p and *n; 0 when the group did not take part. */
static int match_group(const lm__match *m, const char *name, const char **p,
                       size_t *n)
{
  int i = pcre2_substring_number_from_name(m->re, (PCRE2_SPTR)name);
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);

  if (i < 0 || (uint32_t)i >= pcre2_get_ovector_count(m->md) ||
      ov[2 * i] == PCRE2_UNSET)
    return 0;
  *p = m->subject + ov[2 * i];
  *n = ov[2 * i + 1] - ov[2 * i];
  return 1;
}

/* 1 when group `name` took part and equals the string w. */
static int group_is(const lm__match *m, const char *name, const char *w)
{
  const char *p;
  size_t n;

  return match_group(m, name, &p, &n) && n == strlen(w) &&
         memcmp(p, w, n) == 0;
}

static int group_int(const lm__match *m, const char *name, int *out)
{
  const char *p;
  size_t n, i;
  int v = 0;

  if (!match_group(m, name, &p, &n) || n == 0 || n > 4)
    return 0;
  for (i = 0; i < n; i++)
    v = v * 10 + (p[i] - '0');
  *out = v;
  return 1;
}

/* ----------------------------------------------------------- input */

/* How many bytes of s, at most max and ending on a character boundary,
 * may be quoted in a message. */
static int quote_len(const char *s, size_t max)
{
  size_t n = strlen(s);

  if (n <= max)
    return (int)n;
  while (max > 0 && ((unsigned char)s[max] & 0xC0u) == 0x80u)
    max--;
  return (int)max;
}

/* Folds text for a normaliser; `what` names it in messages.  LM_OK with
 * *out the caller's, or LM_EINVAL / LM_EPARSE / LM_ENOMEM. */
/* Bytes of a folded key of at most LM__NORM_TEXT_MAX bytes (lm__fold_to). */
#define LM__NORM_KEY_BYTES (LM__NORM_TEXT_MAX + LM__NORM_TEXT_MAX / 3 + 5)

/* The folded key of text into key (LM__NORM_KEY_BYTES, the caller's):
 * never allocates, as every text the normalisers read is short. */
static int norm_fold(const char *what, const char *text, char *key,
                     char **out)
{
  size_t len;
  int rc;

  *out = NULL;
  if (text == NULL)
    return lm__fail(LM_EINVAL, "%s: no text", what);
  len = strlen(text);
  if (len > LM__NORM_TEXT_MAX)
    return lm__fail(LM_EPARSE, "%s: longer than %d bytes", what,
                    LM__NORM_TEXT_MAX);
  rc = lm__fold_to(text, len, key, LM__NORM_KEY_BYTES, out);
  if (rc == LM_EINVAL)
    return lm__fail(LM_EPARSE, "%s: not valid UTF-8", what);
  if (rc != LM_OK)
    return rc;
  if ((*out)[0] == '\0') {
    *out = NULL;
    return lm__fail(LM_EPARSE, "%s: empty", what);
  }
  return LM_OK;
}

/* A word from a closed table of folded spellings. */
typedef struct lm__word {
  const char *text;
  const char *word;
} lm__word;

static const char *word_find(const lm__word *t, size_t n, const char *key)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp(t[i].text, key) == 0)
      return t[i].word;
  return NULL;
}

/* Folds text and looks it up in t.  LM_OK with *word (NULL when absent
 * and `unknown_ok`), LM_EPARSE when absent otherwise. */
static int vocab(const char *what, const lm__word *t, size_t n,
                 const char *text, const char **word, int unknown_ok)
{
  char keybuf[LM__NORM_KEY_BYTES], *key;
  int rc;

  if (word == NULL)
    return lm__fail(LM_EINVAL, "%s: no output", what);
  *word = NULL;
  rc = norm_fold(what, text, keybuf, &key);
  if (rc != LM_OK)
    return rc;
  *word = word_find(t, n, key);
  if (*word == NULL && !unknown_ok)
    rc = lm__fail(LM_EPARSE, "%s: unknown value '%.*s'", what,
                  quote_len(text, 60), text);
  return rc;
}

#define LM__N(t) (sizeof(t) / sizeof((t)[0]))

/* ---------------------------------------------------------- salary */

static const lm__word lm__periods[] = {
    {"hour", "h"},  {"hourly", "h"}, {"h", "h"},       {"小时", "h"},
    {"时", "h"},    {"day", "d"},    {"daily", "d"},   {"天", "d"},
    {"日", "d"},    {"month", "m"},  {"monthly", "m"}, {"月", "m"},
    {"year", "y"},  {"yearly", "y"}, {"annual", "y"},  {"年", "y"},
};

static int period_of(const char *w)
{
  switch (w[0]) {
  case 'h':
    return LM__PER_HOUR;
  case 'd':
    return LM__PER_DAY;
  case 'm':
    return LM__PER_MONTH;
  default:
    return LM__PER_YEAR;
  }
}

/* The period named by a folded word, or 0. */
static int period_word(const char *p, size_t n)
{
  size_t i;

  for (i = 0; i < LM__N(lm__periods); i++)
    if (strlen(lm__periods[i].text) == n &&
        memcmp(lm__periods[i].text, p, n) == 0)
      return period_of(lm__periods[i].word);
  return 0;
}

int lm__norm_period(const char *text, int *period)
{
  char keybuf[LM__NORM_KEY_BYTES], *key;
  const char *k;
  int rc;

  if (period == NULL)
    return lm__fail(LM_EINVAL, "period: no output");
  rc = norm_fold("period", text, keybuf, &key);
  if (rc != LM_OK)
    return rc;
  /* "/月", "每月", "per month" name the same period as "月". */
  k = key;
  if (k[0] == '/')
    k++;
  else if (strncmp(k, "每", strlen("每")) == 0)
    k += strlen("每");
  else if (strncmp(k, "per ", 4) == 0)
    k += 4;
  *period = period_word(k, strlen(k));
  if (*period == 0)
    rc = lm__fail(LM_EPARSE, "period: '%.*s' is not hour, day, month or year",
                  quote_len(text, 60), text);
  return rc;
}

long lm__salary_per_month(double amount, int period)
{
  double v;

  /* !(>=) also refuses NaN. */
  if (!(amount >= 0))
    return -1;
  switch (period) {
  case LM__PER_HOUR:
    v = amount * LM__HOURS_PER_DAY * LM__DAYS_PER_MONTH;
    break;
  case LM__PER_DAY:
    v = amount * LM__DAYS_PER_MONTH;
    break;
  case LM__PER_MONTH:
    v = amount;
    break;
  case LM__PER_YEAR:
    v = amount / 12.0;
    break;
  default:
    return -1;
  }
  /* Saturate rather than overflow (also for infinity); the callers
   * reject anything that large anyway. */
  if (!(v < (double)(LONG_MAX / 2)))
    return LONG_MAX;
  return (long)(v + 0.5);
}

/* Multiplier of a unit: k/千 thousand, w/万 ten thousand; 1 when none. */
static double unit_mult(const lm__match *m, const char *name, int *has)
{
  const char *p;
  size_t n;

  *has = match_group(m, name, &p, &n);
  if (!*has)
    return 1.0;
  if ((n == 1 && p[0] == 'k') || (n == strlen("千") && !memcmp(p, "千", n)))
    return 1000.0;
  return 10000.0; /* w or 万 */
}

/* The amount in group `name`, thousands separators dropped.  Read by
 * hand: strtod would follow the caller's locale (a decimal comma). */
static double group_amount(const lm__match *m, const char *name)
{
  const char *p;
  size_t n, i;
  double v = 0, div = 1;
  int frac = 0;

  if (!match_group(m, name, &p, &n))
    return -1;
  /* The pattern bounds it to 9 digits and 4 decimals, so v and div are
   * exact integers and the one division is correctly rounded. */
  for (i = 0; i < n; i++) {
    if (p[i] == ',')
      continue;
    if (p[i] == '.') {
      frac = 1;
      continue;
    }
    if (frac)
      div *= 10;
    v = v * 10 + (p[i] - '0');
  }
  return v / div;
}

/* A monthly amount within the plausible range, or LM_EPARSE. */
static int salary_check(const char *text, long v)
{
  if (v < LM__SALARY_MONTH_MIN || v > LM__SALARY_MONTH_MAX)
    return lm__fail(LM_EPARSE,
                    "salary '%.*s': %ld yuan a month is not plausible "
                    "(%d..%d)",
                    quote_len(text, 60), text, v, LM__SALARY_MONTH_MIN,
                    LM__SALARY_MONTH_MAX);
  return LM_OK;
}

/* The period: from the prefix (年薪), the suffix (/年), or the month. */
static int salary_period(const lm__match *m, const char *text, int *period)
{
  const char *p;
  size_t n;
  int pre = 0, suf = 0;

  if (group_is(m, "pre", "月薪"))
    pre = LM__PER_MONTH;
  else if (group_is(m, "pre", "年薪"))
    pre = LM__PER_YEAR;
  else if (group_is(m, "pre", "日薪"))
    pre = LM__PER_DAY;
  else if (group_is(m, "pre", "时薪"))
    pre = LM__PER_HOUR;
  if (match_group(m, "per", &p, &n))
    suf = period_word(p, n);
  if (pre && suf && pre != suf)
    return lm__fail(LM_EPARSE, "salary '%.*s': two different periods",
                    quote_len(text, 60), text);
  *period = pre ? pre : suf ? suf : LM__PER_MONTH;
  return LM_OK;
}

/* Reads a matched P_SALARY into *out. */
static int salary_read(const lm__match *m, const char *text, lm__salary *out)
{
  double a, b = -1, ma, mb = 1;
  int has_au, has_bu = 0, period = LM__PER_MONTH, rc, open_above, has_b;
  int is_below;
  const char *bound = NULL, *p;
  size_t n;

  rc = salary_period(m, text, &period);
  if (rc != LM_OK)
    return rc;
  a = group_amount(m, "a");
  ma = unit_mult(m, "au", &has_au);
  has_b = match_group(m, "b", &p, &n);
  if (has_b) {
    b = group_amount(m, "b");
    mb = unit_mult(m, "bu", &has_bu);
    /* "5-8千" is 5000-8000: the first number takes the second's unit
     * when that keeps the range in order ("3000-5k" stays 3000). */
    if (!has_au && has_bu && a <= b)
      ma = mb;
    b *= mb;
  }
  a *= ma;

  if (match_group(m, "b1", &p, &n) && match_group(m, "b2", &p, &n))
    return lm__fail(LM_EPARSE, "salary '%.*s': two bounds",
                    quote_len(text, 60), text);
  if (match_group(m, "b1", &p, &n) || match_group(m, "b2", &p, &n))
    bound = p;
  /* 底薪 (base pay) and "+提成" (plus commission) state a floor. */
  open_above = group_is(m, "pre", "底薪") || match_group(m, "plus", &p, &n);

  out->min = lm__salary_per_month(a, period);
  out->max = has_b ? lm__salary_per_month(b, period) : out->min;
  out->negotiable = 0;
  if ((rc = salary_check(text, out->min)) != LM_OK ||
      (rc = salary_check(text, out->max)) != LM_OK)
    return rc;
  if (out->max < out->min)
    return lm__fail(LM_EPARSE, "salary '%.*s': maximum below minimum",
                    quote_len(text, 60), text);

  is_below = bound != NULL && !strncmp(bound, "以下", strlen("以下"));
  /* A bound on a range ("5000-8000以上") says two things at once, and
   * "3000以下+提成" contradicts itself. */
  if ((bound != NULL && has_b) || (is_below && open_above))
    return lm__fail(LM_EPARSE, "salary '%.*s': a bound that contradicts "
                    "the amounts", quote_len(text, 60), text);
  if (is_below)
    out->min = -1;
  else if (open_above ||
           (bound != NULL && strncmp(bound, "左右", strlen("左右")) != 0))
    out->max = -1; /* 以上, 起, +提成, 底薪 */
  return LM_OK;
}

int lm__norm_salary(const char *text, lm__salary *out)
{
  char keybuf[LM__NORM_KEY_BYTES], *key = NULL;
  lm__match m = {0};
  int rc;

  if (out == NULL)
    return lm__fail(LM_EINVAL, "salary: no output");
  out->min = out->max = -1;
  out->negotiable = 0;
  if ((rc = lm__norm_init()) != LM_OK)
    return rc;
  if ((rc = norm_fold("salary", text, keybuf, &key)) != LM_OK)
    return rc;

  rc = match_run(P_NEGOTIABLE, key, &m);
  if (rc == 1) {
    match_free(&m);
    out->negotiable = 1;
    rc = LM_OK;
    goto cleanup;
  }
  if (rc < 0)
    goto cleanup;
  rc = match_run(P_SALARY, key, &m);
  if (rc == 1) {
    rc = salary_read(&m, text, out);
    match_free(&m);
  } else if (rc == 0) {
    rc = lm__fail(LM_EPARSE,
                  "salary '%.*s' cannot be read (e.g. 5000-8000元/月, "
                  "5千-8千, 4.5K, 6万/年, 200元/天, 面议)",
                  quote_len(text, 60), text);
  }
  if (rc != LM_OK) {
    out->min = out->max = -1;
    out->negotiable = 0;
  }

cleanup:
  return rc;
}

/* ------------------------------------------------------------- age */

static int age_check(const char *text, int lo, int hi)
{
  if ((lo >= 0 && (lo < LM__AGE_MIN || lo > LM__AGE_MAX)) ||
      (hi >= 0 && (hi < LM__AGE_MIN || hi > LM__AGE_MAX)))
    return lm__fail(LM_EPARSE, "age '%.*s': outside %d..%d",
                    quote_len(text, 60), text, LM__AGE_MIN, LM__AGE_MAX);
  if (lo >= 0 && hi >= 0 && lo > hi)
    return lm__fail(LM_EPARSE, "age '%.*s': minimum above maximum",
                    quote_len(text, 60), text);
  return LM_OK;
}

/* Reads a folded age text into lo, hi (-1 open).  1 when a pattern
 * matched, 0 when none did, or a negative LM_E code. */
static int age_read(const char *key, int *lo, int *hi)
{
  lm__match m = {0};
  const char *p = "";
  size_t n;
  int rc, a = -1, b = -1;

  if ((rc = match_run(P_AGE_ANY, key, &m)) != 0) {
    if (rc == 1)
      match_free(&m);
    return rc;
  }
  if ((rc = match_run(P_AGE_RANGE, key, &m)) == 1 ||
      (rc == 0 && (rc = match_run(P_AGE_BOTH, key, &m)) == 1)) {
    group_int(&m, "a", &a);
    group_int(&m, "b", &b);
    *lo = a;
    *hi = b;
  } else if (rc == 0 && (rc = match_run(P_AGE_BOUND, key, &m)) == 1) {
    group_int(&m, "a", &a);
    match_group(&m, "bd", &p, &n);
    if (strstr(p, "以上") != NULL)
      *lo = a;
    else
      *hi = a; /* 以下, 以内, 之内 */
  } else if (rc == 0 && (rc = match_run(P_AGE_PREFIX, key, &m)) == 1) {
    group_int(&m, "a", &a);
    if (group_is(&m, "pb", "不超过") || group_is(&m, "pb", "不高于") ||
        group_is(&m, "pb", "不大于"))
      *hi = a;
    else
      *lo = a; /* 不低于, 不小于, 满, 年满 */
  }
  if (rc == 1)
    match_free(&m);
  return rc;
}

int lm__norm_age(const char *text, int *min, int *max)
{
  char keybuf[LM__NORM_KEY_BYTES], *key = NULL;
  int rc, lo = -1, hi = -1;

  if (min == NULL || max == NULL)
    return lm__fail(LM_EINVAL, "age: no output");
  *min = *max = -1;
  if ((rc = lm__norm_init()) != LM_OK)
    return rc;
  if ((rc = norm_fold("age", text, keybuf, &key)) != LM_OK)
    return rc;
  rc = age_read(key, &lo, &hi);
  if (rc == 0)
    rc = lm__fail(LM_EPARSE,
                  "age '%.*s' cannot be read (e.g. 18-45岁, 18至45周岁, "
                  "45岁以下, 18周岁以上)",
                  quote_len(text, 60), text);
  else if (rc == 1)
    rc = age_check(text, lo, hi);
  if (rc == LM_OK) {
    *min = lo;
    *max = hi;
  }
  return rc;
}

/* ------------------------------------------------------- education */

static const char *const lm__edu_words[] = {
    "none",        "primary",   "junior-middle",
    "senior-high", "secondary-vocational",
    "associate",   "bachelor",  "master",
    "doctorate",
};

/* Folded spellings; the level is the index into lm__edu_words. */
static const struct {
  const char *text;
  int level;
} lm__edu_names[] = {
    {"none", LM__EDU_NONE},
    {"primary", LM__EDU_PRIMARY},
    {"junior-middle", LM__EDU_JUNIOR_MIDDLE},
    {"senior-high", LM__EDU_SENIOR_HIGH},
    {"secondary-vocational", LM__EDU_SECONDARY_VOCATIONAL},
    {"associate", LM__EDU_ASSOCIATE},
    {"bachelor", LM__EDU_BACHELOR},
    {"master", LM__EDU_MASTER},
    {"doctorate", LM__EDU_DOCTORATE},
    {"不限", LM__EDU_NONE},
    {"无", LM__EDU_NONE},
    {"无要求", LM__EDU_NONE},
    {"无学历要求", LM__EDU_NONE},
    {"小学", LM__EDU_PRIMARY},
    {"初中", LM__EDU_JUNIOR_MIDDLE},
    {"高中", LM__EDU_SENIOR_HIGH},
    {"普高", LM__EDU_SENIOR_HIGH},
    {"中专", LM__EDU_SECONDARY_VOCATIONAL},
    {"中职", LM__EDU_SECONDARY_VOCATIONAL},
    {"中技", LM__EDU_SECONDARY_VOCATIONAL},
    {"技校", LM__EDU_SECONDARY_VOCATIONAL},
    {"技工学校", LM__EDU_SECONDARY_VOCATIONAL},
    {"职高", LM__EDU_SECONDARY_VOCATIONAL},
    {"大专", LM__EDU_ASSOCIATE},
    {"专科", LM__EDU_ASSOCIATE},
    {"大学专科", LM__EDU_ASSOCIATE},
    {"高职", LM__EDU_ASSOCIATE},
    {"本科", LM__EDU_BACHELOR},
    {"大学本科", LM__EDU_BACHELOR},
    {"学士", LM__EDU_BACHELOR},
    {"硕士", LM__EDU_MASTER},
    {"研究生", LM__EDU_MASTER},
    {"硕士研究生", LM__EDU_MASTER},
    {"博士", LM__EDU_DOCTORATE},
    {"博士研究生", LM__EDU_DOCTORATE},
};

int lm__edu_rank(int level)
{
  static const int rank[] = {0, 1, 2, 3, 3, 4, 5, 6, 7};

  if (level < LM__EDU_NONE || level > LM__EDU_DOCTORATE)
    return -1;
  return rank[level];
}

const char *lm__edu_word(int level)
{
  if (level < LM__EDU_NONE || level > LM__EDU_DOCTORATE)
    return NULL;
  return lm__edu_words[level];
}

/* The level of one folded word p[0..n), or -1. */
static int edu_level(const char *p, size_t n)
{
  size_t i;

  for (i = 0; i < LM__N(lm__edu_names); i++)
    if (strlen(lm__edu_names[i].text) == n &&
        memcmp(lm__edu_names[i].text, p, n) == 0)
      return lm__edu_names[i].level;
  return -1;
}

/* The next alternative in "高中/中专/技校" (separators / 、 或 ,). */
static size_t edu_token(const char *p, size_t n, size_t *skip)
{
  static const char *const seps[] = {"/", "、", "或", ",", " "};
  size_t i, j;

  for (i = 0; i < n; i++)
    for (j = 0; j < LM__N(seps); j++)
      if (strncmp(p + i, seps[j], strlen(seps[j])) == 0) {
        *skip = strlen(seps[j]);
        return i;
      }
  *skip = 0;
  return n;
}

int lm__norm_education(const char *text, int *level, const char **word)
{
  char keybuf[LM__NORM_KEY_BYTES], *key = NULL;
  lm__match m = {0};
  const char *p;
  size_t n, tok, skip;
  int rc, lv, best = -1;

  if (level == NULL || word == NULL)
    return lm__fail(LM_EINVAL, "education: no output");
  *level = -1;
  *word = NULL;
  if ((rc = lm__norm_init()) != LM_OK)
    return rc;
  /* The vocabulary word itself, what FORMAT.md documents carry: the
   * pattern would take the whole of it as the core, so skip it. */
  if (text != NULL)
    for (lv = 0; lv < (int)LM__N(lm__edu_words); lv++)
      if (strcmp(text, lm__edu_words[lv]) == 0) {
        *level = lv;
        *word = lm__edu_words[lv];
        return LM_OK;
      }
  if ((rc = norm_fold("education", text, keybuf, &key)) != LM_OK)
    return rc;
  rc = match_run(P_EDUCATION, key, &m);
  if (rc < 0)
    goto cleanup;
  if (rc == 1 && match_group(&m, "core", &p, &n)) {
    /* Alternatives ("高中/中专") are each acceptable, so a minimum is
     * the lowest of them; any unknown word rejects the whole text. */
    while (n > 0) {
      tok = edu_token(p, n, &skip);
      lv = tok > 0 ? edu_level(p, tok) : -1;
      if (lv < 0) {
        best = -1;
        break;
      }
      if (best < 0 || lm__edu_rank(lv) < lm__edu_rank(best))
        best = lv;
      p += tok + skip;
      n -= tok + skip;
      if (skip > 0 && n == 0)
        best = -1; /* a trailing separator */
    }
  }
  if (rc == 1)
    match_free(&m);
  if (best < 0) {
    rc = lm__fail(LM_EPARSE, "education '%.*s' is not a known level",
                  quote_len(text, 60), text);
    goto cleanup;
  }
  *level = best;
  *word = lm__edu_words[best];
  rc = LM_OK;

cleanup:
  return rc;
}

/* ------------------------------------------------------------ date */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil: exact for every year). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
  long era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int is_leap(long y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long y, int m)
{
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* n decimal digits of v (0 <= v < 10^n), zero-padded, no NUL. */
static void put_digits(char *out, long v, int n)
{
  while (n-- > 0) {
    out[n] = (char)('0' + v % 10);
    v /= 10;
  }
}

void lm__date_format(int32_t days, char out[11])
{
  long z = (long)days + 719468, era, doe, yoe, y, doy, mp, d, m;

  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  /* Four digits of year fit; anything else is no date we could have
   * read, and a fixed marker beats overflowing out. */
  if (y < 0 || y > 9999) {
    memcpy(out, "0000-00-00", 11);
    return;
  }
  put_digits(out, y, 4);
  out[4] = '-';
  put_digits(out + 5, m, 2);
  out[7] = '-';
  put_digits(out + 8, d, 2);
  out[10] = '\0';
}

/* The common case, "2026-11-01" exactly, read without the pattern: 1 when
 * it is that and a day that exists in range (what the pattern would read
 * it as); 0 sends everything else, errors included, the long way. */
static int date_iso(const char *t, int32_t *days)
{
  int i, y, mo, d;

  if (t == NULL)
    return 0;
  for (i = 0; i < 10; i++)
    if (i == 4 || i == 7 ? t[i] != '-' : (t[i] < '0' || t[i] > '9'))
      return 0;
  if (t[10] != '\0')
    return 0;
  y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 +
      (t[3] - '0');
  mo = (t[5] - '0') * 10 + (t[6] - '0');
  d = (t[8] - '0') * 10 + (t[9] - '0');
  if (y < LM__YEAR_MIN || y > LM__YEAR_MAX || mo < 1 || mo > 12 || d < 1 ||
      d > month_days(y, mo))
    return 0;
  *days = (int32_t)days_from_civil(y, (unsigned)mo, (unsigned)d);
  return 1;
}

int lm__norm_date(const char *text, int32_t *days)
{
  char keybuf[LM__NORM_KEY_BYTES], *key = NULL;
  lm__match m = {0};
  int rc, y = 0, mo = 0, d = 0;

  if (days == NULL)
    return lm__fail(LM_EINVAL, "date: no output");
  *days = 0;
  if ((rc = lm__norm_init()) != LM_OK)
    return rc;
  if (date_iso(text, days))
    return LM_OK;
  if ((rc = norm_fold("date", text, keybuf, &key)) != LM_OK)
    return rc;
  rc = match_run(P_DATE, key, &m);
  if (rc == 0) {
    rc = lm__fail(LM_EPARSE,
                  "date '%.*s' cannot be read (e.g. 2026-11-01, "
                  "2026年11月1日)",
                  quote_len(text, 60), text);
    goto cleanup;
  }
  if (rc < 0)
    goto cleanup;
  group_int(&m, "y", &y);
  if (!group_int(&m, "m", &mo)) {
    group_int(&m, "m2", &mo);
    group_int(&m, "d2", &d);
  } else {
    group_int(&m, "d", &d);
  }
  match_free(&m);
  if (y < LM__YEAR_MIN || y > LM__YEAR_MAX) {
    rc = lm__fail(LM_EPARSE, "date '%.*s': year outside %d..%d",
                  quote_len(text, 60), text, LM__YEAR_MIN, LM__YEAR_MAX);
    goto cleanup;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo)) {
    rc = lm__fail(LM_EPARSE, "date '%.*s' does not exist",
                  quote_len(text, 60), text);
    goto cleanup;
  }
  *days = (int32_t)days_from_civil(y, (unsigned)mo, (unsigned)d);
  rc = LM_OK;

cleanup:
  return rc;
}

/* ---------------------------------------------------- vocabularies */

static const lm__word lm__shifts[] = {
    {"day", "day"},
    {"night", "night"},
    {"rotating", "rotating"},
    {"flexible", "flexible"},
    {"part-time", "part-time"},
    {"part time", "part-time"},
    {"parttime", "part-time"},
    {"白班", "day"},
    {"长白班", "day"},
    {"常白班", "day"},
    {"日班", "day"},
    {"正常班", "day"},
    {"夜班", "night"},
    {"大夜班", "night"},
    {"晚班", "night"},
    {"倒班", "rotating"},
    {"轮班", "rotating"},
    {"两班倒", "rotating"},
    {"三班倒", "rotating"},
    {"四班三倒", "rotating"},
    {"两班制", "rotating"},
    {"三班制", "rotating"},
    {"倒班制", "rotating"},
    {"轮班制", "rotating"},
    {"白夜班", "rotating"},
    {"弹性", "flexible"},
    {"弹性工作", "flexible"},
    {"弹性工作制", "flexible"},
    {"弹性时间", "flexible"},
    {"兼职", "part-time"},
    {"小时工", "part-time"},
    {"钟点工", "part-time"},
};

int lm__norm_shift(const char *text, const char **word)
{
  return vocab("shift", lm__shifts, LM__N(lm__shifts), text, word, 0);
}

static const lm__word lm__modes[] = {
    {"walk", "walk"},     {"walking", "walk"},  {"foot", "walk"},
    {"bike", "bike"},     {"bicycle", "bike"},  {"cycling", "bike"},
    {"ebike", "ebike"},   {"e-bike", "ebike"},  {"bus", "bus"},
    {"car", "car"},       {"drive", "car"},     {"driving", "car"},
    {"步行", "walk"},     {"走路", "walk"},     {"徒步", "walk"},
    {"自行车", "bike"},   {"单车", "bike"},     {"骑车", "bike"},
    {"共享单车", "bike"}, {"电动车", "ebike"},  {"电瓶车", "ebike"},
    {"电单车", "ebike"},  {"电动自行车", "ebike"}, {"公交", "bus"},
    {"公交车", "bus"},    {"公共汽车", "bus"},  {"巴士", "bus"},
    {"开车", "car"},      {"自驾", "car"},      {"自驾车", "car"},
    {"驾车", "car"},      {"私家车", "car"},    {"汽车", "car"},
};

int lm__norm_mode(const char *text, const char **word)
{
  return vocab("mobility mode", lm__modes, LM__N(lm__modes), text, word, 0);
}

static const lm__word lm__point_kinds[] = {
    {"station", "station"},
    {"gig-market", "gig-market"},
    {"training", "training"},
    {"fair-venue", "fair-venue"},
    {"就业服务站", "station"},
    {"就业服务站点", "station"},
    {"社区就业服务站", "station"},
    {"街道就业服务站", "station"},
    {"服务站", "station"},
    {"零工市场", "gig-market"},
    {"零工驿站", "gig-market"},
    {"劳务市场", "gig-market"},
    {"培训基地", "training"},
    {"培训点", "training"},
    {"培训中心", "training"},
    {"职业培训学校", "training"},
    {"招聘会场", "fair-venue"},
    {"招聘会", "fair-venue"},
    {"招聘会现场", "fair-venue"},
    {"人才市场", "fair-venue"},
};

int lm__norm_point_kind(const char *text, const char **word)
{
  return vocab("service point kind", lm__point_kinds,
               LM__N(lm__point_kinds), text, word, 0);
}

/* 就业困难人员 (people with difficulty finding work) is a wider official
 * category than older workers (it also takes in the disabled and the
 * long-term unemployed), so it is kept as written, not mapped. */
static const lm__word lm__groups[] = {
    {"graduate", "graduate"},
    {"returning-migrant", "returning-migrant"},
    {"retired-fisher", "retired-fisher"},
    {"older-worker", "older-worker"},
    {"veteran", "veteran"},
    {"disabled", "disabled"},
    {"poverty-alleviated", "poverty-alleviated"},
    {"zero-employment-family", "zero-employment-family"},
    {"new-resident", "new-resident"},
    {"高校毕业生", "graduate"},
    {"大学生", "graduate"},
    {"毕业生", "graduate"},
    {"应届毕业生", "graduate"},
    {"应届生", "graduate"},
    {"离校未就业高校毕业生", "graduate"},
    {"返乡农民工", "returning-migrant"},
    {"返乡创业农民工", "returning-migrant"},
    {"返乡人员", "returning-migrant"},
    {"农民工", "returning-migrant"},
    {"退捕渔民", "retired-fisher"},
    {"长江退捕渔民", "retired-fisher"},
    {"退捕上岸渔民", "retired-fisher"},
    {"大龄", "older-worker"},
    {"大龄劳动者", "older-worker"},
    {"大龄人员", "older-worker"},
    {"大龄失业人员", "older-worker"},
    {"4050人员", "older-worker"},
    {"退役军人", "veteran"},
    {"退伍军人", "veteran"},
    {"退役士兵", "veteran"},
    {"残疾人", "disabled"},
    {"残障人士", "disabled"},
    {"残疾人员", "disabled"},
    {"脱贫劳动力", "poverty-alleviated"},
    {"脱贫人口", "poverty-alleviated"},
    {"脱贫户", "poverty-alleviated"},
    {"零就业家庭", "zero-employment-family"},
    {"零就业家庭成员", "zero-employment-family"},
    {"新市民", "new-resident"},
};

int lm__norm_group(const char *text, const char **word)
{
  return vocab("group", lm__groups, LM__N(lm__groups), text, word, 1);
}
