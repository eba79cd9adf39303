/*
 * test_normalize_linear.c: no input up to 1 MB makes a normaliser take
 * more than linear time.
 *
 * Each normaliser reads pathological text (long digit runs, repeated
 * separators, alternating full- and half-width characters, many
 * 至/到/~ ranges, nested unit words) of 64 KB, 256 KB and 1 MB.  The CPU
 * time of the 1 MB input must stay within 8 times that of the 256 KB one
 * (a quadratic would take 16 times) plus a small constant for the clock's
 * grain; each time is the least of several runs, against noise.  The
 * regex normalisers refuse text longer than 256 bytes before any pattern
 * runs (normalize.c, LM__NORM_TEXT_MAX), so this mostly holds their
 * cost to that check; the skill scan and folding read the whole text.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "internal.h"

#define KB 1024u
#define RUNS 5
/* The constant: clock grain and cache effects, in seconds. */
#define SLACK 0.002

typedef void (*norm_fn)(const char *text);

static lm__skilldict *dict;

static void n_salary(const char *t)
{
  lm__salary s;
  lm__norm_salary(t, &s);
}
static void n_period(const char *t)
{
  int p;
  lm__norm_period(t, &p);
}
static void n_age(const char *t)
{
  int a, b;
  lm__norm_age(t, &a, &b);
}
static void n_education(const char *t)
{
  int l;
  const char *w;
  lm__norm_education(t, &l, &w);
}
static void n_date(const char *t)
{
  int32_t d;
  lm__norm_date(t, &d);
}
static void n_shift(const char *t)
{
  const char *w;
  lm__norm_shift(t, &w);
}
static void n_mode(const char *t)
{
  const char *w;
  lm__norm_mode(t, &w);
}
static void n_point(const char *t)
{
  const char *w;
  lm__norm_point_kind(t, &w);
}
static void n_group(const char *t)
{
  const char *w;
  lm__norm_group(t, &w);
}
static int count_skill(void *ctx, const char *canonical)
{
  (void)canonical;
  ++*(size_t *)ctx;
  return 0;
}
static void n_scan(const char *t)
{
  size_t n = 0;
  lm__skilldict_scan(dict, t, count_skill, &n);
}
static void n_fold(const char *t)
{
  char *out = NULL;
  lm__fold(t, strlen(t), &out);
  lm__xfree(out);
}
static void n_lookup(const char *t)
{
  lm__skilldict_lookup(dict, t);
}

static const struct {
  const char *name;
  norm_fn fn;
} norms[] = {
    {"salary", n_salary}, {"period", n_period}, {"age", n_age},
    {"education", n_education}, {"date", n_date}, {"shift", n_shift},
    {"mode", n_mode}, {"point kind", n_point}, {"group", n_group},
    {"skill scan", n_scan}, {"fold", n_fold}, {"skill lookup", n_lookup},
};

/* Units repeated to fill a text: each is a worst case for some pattern
 * or for the trie (prefixes of many skills that never complete). */
static const char *const units[] = {
    "1234567890",              /* long digit runs */
    "5000-",                   /* repeated separators */
    "--~~至至到到",
    "５5０0千k",               /* full and half width alternating */
    "18至45到60~70至",         /* many ranges */
    "5千万k元w万元/月/年",     /* nested unit words */
    "数控数控车数控编",        /* skill prefixes that do not complete */
    "中专及以上学历或",        /* education's lazy core and separators */
    "年龄:18周岁以上",
    "2026年11月1日-",
    "　\t ",                   /* white space of every width */
};

static char *fill(const char *unit, size_t bytes)
{
  size_t u = strlen(unit), n = 0;
  char *t = malloc(bytes + 8);

  cr_assert_not_null(t);
  while (n + u <= bytes) {
    memcpy(t + n, unit, u);
    n += u;
  }
  t[n] = '\0';
  return t;
}

static double cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double least_time(norm_fn fn, const char *text)
{
  double best = 1e9;
  int r;

  for (r = 0; r < RUNS; r++) {
    double t0 = cpu_seconds(), dt;
    fn(text);
    dt = cpu_seconds() - t0;
    if (dt < best)
      best = dt;
  }
  return best;
}

static void setup(void)
{
  const char *path = getenv("LIBMATCH_SKILLS");

  cr_assert(path != NULL && *path, "LIBMATCH_SKILLS is not set");
  cr_assert_eq(lm__norm_init(), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(lm__skilldict_new(&dict), LM_OK);
  cr_assert_eq(lm__skilldict_load(dict, path), LM_OK, "%s", lm__errmsg());
}

static void teardown(void)
{
  lm__skilldict_free(dict);
}

Test(normalize_linear, every_normaliser_is_linear_up_to_1_mb,
     .init = setup, .fini = teardown, .timeout = 600)
{
  static const size_t sizes[] = {64 * KB, 256 * KB, 1024 * KB};
  size_t i, j, k;

  for (i = 0; i < sizeof norms / sizeof norms[0]; i++)
    for (j = 0; j < sizeof units / sizeof units[0]; j++) {
      double t[3];
      for (k = 0; k < 3; k++) {
        char *text = fill(units[j], sizes[k]);
        t[k] = least_time(norms[i].fn, text);
        free(text);
      }
      cr_expect_leq(t[2], 8 * t[1] + SLACK,
                    "%s on '%s': 64K %.4fs, 256K %.4fs, 1M %.4fs",
                    norms[i].name, units[j], t[0], t[1], t[2]);
    }
}

Test(normalize_linear, regex_normalisers_refuse_long_text_at_once,
     .init = setup, .fini = teardown)
{
  /* The bound that keeps the patterns cheap: 1 MB is refused by its
   * length, with a message saying so. */
  char *text = fill("5000-", 1024 * KB);
  lm__salary s;

  cr_expect_eq(lm__norm_salary(text, &s), LM_EPARSE);
  cr_expect(strstr(lm__errmsg(), "longer than") != NULL, "%s",
            lm__errmsg());
  free(text);
}
