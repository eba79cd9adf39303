/*
 * test_normalize.c: free text to values, and the skills dictionary.
 *
 * Every expected value below was worked out by hand from the rules in
 * internal.h and FORMAT.md (hour x 8 x 21.75, day x 21.75, year / 12,
 * rounded to the yuan; k/千 = 1000, w/万 = 10000), not copied from the
 * code's output.  Garbage must be rejected, never guessed.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "internal.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))
#define REJECT (-99) /* a row whose text must be refused */

/* ------------------------------------------------------------ salary */

static const struct {
  const char *in;
  long min, max;
  int negotiable;
} salary_rows[] = {
    /* FORMAT.md's examples */
    {"5000-8000元/月", 5000, 8000, 0},
    {"5千-8千", 5000, 8000, 0},
    {"5千-8千元/月", 5000, 8000, 0},
    {"4.5K", 4500, 4500, 0},
    {"6萬/年", 5000, 5000, 0},      /* 60000 / 12 */
    {"200元/天", 4350, 4350, 0},    /* 200 x 21.75 */
    {"面議", -1, -1, 1},
    {"面议", -1, -1, 1},
    {"薪資面議", -1, -1, 1},
    {"工资面议", -1, -1, 1},
    /* widths and range marks */
    {"５０００－８０００元／月", 5000, 8000, 0},
    {"５千－８千", 5000, 8000, 0},
    {"5000至8000元", 5000, 8000, 0},
    {"5000到8000", 5000, 8000, 0},
    {"5000~8000", 5000, 8000, 0},
    {"5000～8000", 5000, 8000, 0},
    {"5000—8000", 5000, 8000, 0},
    {"5000 - 8000 元/月", 5000, 8000, 0},
    /* single values and bounds */
    {"4500", 4500, 4500, 0},
    {"3000以上", 3000, -1, 0},
    {"8000元以下", -1, 8000, 0},
    {"5000元/月起", 5000, -1, 0},
    {"底薪3000+提成", 3000, -1, 0},
    {"8k+", 8000, -1, 0},
    {"5000左右", 5000, 5000, 0},
    /* units */
    {"5-8千", 5000, 8000, 0},       /* the first takes the second's unit */
    {"3000-5k", 3000, 5000, 0},     /* ...only when that keeps it in order */
    {"8-12K", 8000, 12000, 0},
    {"1.2万-1.5万/月", 12000, 15000, 0},
    {"1-1.5w", 10000, 15000, 0},
    {"4.5k/月", 4500, 4500, 0},
    /* periods */
    {"年薪10万", 8333, 8333, 0},    /* 100000 / 12 = 8333.3 */
    {"年薪12万-18万", 10000, 15000, 0},
    {"20元/小时", 3480, 3480, 0},   /* 20 x 174 */
    {"25元/时", 4350, 4350, 0},
    {"150元/天", 3263, 3263, 0},    /* 3262.5 rounds up */
    {"180-220元/天", 3915, 4785, 0},
    {"月薪4,500元", 4500, 4500, 0},
    {"￥6000", 6000, 6000, 0},
    {"5000元每月", 5000, 5000, 0},
    {"100万/年", 83333, 83333, 0},
    /* garbage */
    {"五千八", REJECT, 0, 0},
    {"abc", REJECT, 0, 0},
    {"", REJECT, 0, 0},
    {"-", REJECT, 0, 0},
    {"5000-3000", REJECT, 0, 0},    /* max below min */
    {"200万/月", REJECT, 0, 0},      /* 2,000,000 a month */
    {"999999999", REJECT, 0, 0},
    {"1000000000", REJECT, 0, 0},
    {"5", REJECT, 0, 0},             /* 5 yuan: a missing unit, not a wage */
    {"0", REJECT, 0, 0},
    {"5000/周", REJECT, 0, 0},       /* no weekly period */
    {"5000-8000以上", REJECT, 0, 0},
    {"3000以下+提成", REJECT, 0, 0},
    {"元/月", REJECT, 0, 0},
    {"5000-", REJECT, 0, 0},
    {"-5000", REJECT, 0, 0},
    {"5千8", REJECT, 0, 0},
    {"5000 8000", REJECT, 0, 0},
    {"面议5000", REJECT, 0, 0},
    {"月薪5000/年", REJECT, 0, 0},   /* two periods */
    {"5e3", REJECT, 0, 0},
    {"\xFF\xFE", REJECT, 0, 0},
};

Test(normalize, salary_reads_every_format_and_rejects_garbage)
{
  lm__salary s;
  size_t i;
  int rc;

  cr_assert_geq(N(salary_rows), 30);
  for (i = 0; i < N(salary_rows); i++) {
    const char *in = salary_rows[i].in;
    lm__clear_error();
    rc = lm__norm_salary(in, &s);
    if (salary_rows[i].min == REJECT) {
      cr_expect_eq(rc, LM_EPARSE, "'%s' must be rejected (got %ld-%ld)", in,
                   s.min, s.max);
      cr_expect_neq(lm__errmsg()[0], '\0', "'%s': a message", in);
      continue;
    }
    cr_expect_eq(rc, LM_OK, "'%s': %s", in, lm__errmsg());
    cr_expect_eq(s.min, salary_rows[i].min, "'%s': min %ld", in, s.min);
    cr_expect_eq(s.max, salary_rows[i].max, "'%s': max %ld", in, s.max);
    cr_expect_eq(s.negotiable, salary_rows[i].negotiable, "'%s'", in);
  }
}

Test(normalize, salary_range_in_thousands_is_monthly)
{
  lm__salary s;

  cr_assert_eq(lm__norm_salary("5千-8千", &s), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(s.min, 5000);
  cr_expect_eq(s.max, 8000);
  cr_expect_eq(s.negotiable, 0);
}

Test(normalize, salary_message_names_the_text)
{
  lm__salary s;

  cr_assert_eq(lm__norm_salary("五千八", &s), LM_EPARSE);
  cr_expect_not_null(strstr(lm__errmsg(), "五千八"), "%s", lm__errmsg());
  cr_expect_eq(s.min, -1);
  cr_expect_eq(s.max, -1);
  cr_expect_eq(lm__norm_salary(NULL, &s), LM_EINVAL);
}

Test(normalize, salary_rejects_long_and_hostile_text_quickly)
{
  char text[1024];
  lm__salary s;
  int lo, hi;
  size_t i;

  /* Past 256 bytes nothing is a salary or an age. */
  memset(text, '5', 300);
  text[300] = '\0';
  cr_expect_eq(lm__norm_salary(text, &s), LM_EPARSE);
  cr_expect_eq(lm__norm_age(text, &lo, &hi), LM_EPARSE);
  /* Backtracking bait within the limit: many almost-ranges. */
  for (i = 0; i + 5 <= 255; i += 5)
    memcpy(text + i, "5000-", 5);
  text[i] = '\0';
  cr_expect_eq(lm__norm_salary(text, &s), LM_EPARSE);
  for (i = 0; i + 3 <= 255; i += 3)
    memcpy(text + i, "万", 3);
  text[i] = '\0';
  cr_expect_eq(lm__norm_salary(text, &s), LM_EPARSE);
  cr_expect_eq(lm__norm_age(text, &lo, &hi), LM_EPARSE);
}

Test(normalize, salary_per_month_converts_each_period)
{
  static const struct {
    double amount;
    int period;
    long want;
  } rows[] = {
      {1, LM__PER_HOUR, 174},        {10, LM__PER_HOUR, 1740},
      {22.5, LM__PER_HOUR, 3915},    {200, LM__PER_DAY, 4350},
      {150, LM__PER_DAY, 3263},      {1, LM__PER_DAY, 22},
      {5000, LM__PER_MONTH, 5000},   {4999.5, LM__PER_MONTH, 5000},
      {4999.4, LM__PER_MONTH, 4999}, {60000, LM__PER_YEAR, 5000},
      {100000, LM__PER_YEAR, 8333},  {0, LM__PER_MONTH, 0},
      {-1, LM__PER_MONTH, -1},       {5000, 0, -1},
      {5000, 99, -1},
  };
  size_t i;

  for (i = 0; i < N(rows); i++)
    cr_expect_eq(lm__salary_per_month(rows[i].amount, rows[i].period),
                 rows[i].want, "%g per period %d", rows[i].amount,
                 rows[i].period);
}

Test(normalize, period_words_in_any_script)
{
  static const struct {
    const char *in;
    int want;
  } rows[] = {
      {"hour", LM__PER_HOUR},   {"HOUR", LM__PER_HOUR},
      {"時", LM__PER_HOUR},     {"小時", LM__PER_HOUR},
      {"小时", LM__PER_HOUR},   {"day", LM__PER_DAY},
      {"天", LM__PER_DAY},      {"日", LM__PER_DAY},
      {"month", LM__PER_MONTH}, {"Month", LM__PER_MONTH},
      {"月", LM__PER_MONTH},    {"/月", LM__PER_MONTH},
      {"每月", LM__PER_MONTH},  {"per month", LM__PER_MONTH},
      {"year", LM__PER_YEAR},   {"年", LM__PER_YEAR},
      {"每年", LM__PER_YEAR},   {"／年", LM__PER_YEAR},
      {"周", REJECT},           {"week", REJECT},
      {"", REJECT},             {"minute", REJECT},
      {"月月", REJECT},         {"hours", REJECT},
  };
  size_t i;
  int p, rc;

  for (i = 0; i < N(rows); i++) {
    p = 0;
    rc = lm__norm_period(rows[i].in, &p);
    if (rows[i].want == REJECT) {
      cr_expect_eq(rc, LM_EPARSE, "'%s' must be rejected", rows[i].in);
    } else {
      cr_expect_eq(rc, LM_OK, "'%s': %s", rows[i].in, lm__errmsg());
      cr_expect_eq(p, rows[i].want, "'%s'", rows[i].in);
    }
  }
}

/* --------------------------------------------------------------- age */

Test(normalize, age_reads_ranges_and_bounds_and_rejects_garbage)
{
  static const struct {
    const char *in;
    int min, max;
  } rows[] = {
      {"18至45周歲", 18, 45},
      {"45歲以下", -1, 45},
      {"18-45岁", 18, 45},
      {"18周岁以上", 18, -1},
      {"年齡18-45歲", 18, 45},
      {"年龄：18-45周岁", 18, 45},
      {"年龄要求:20-40岁", 20, 40},
      {"１８－４５岁", 18, 45},
      {"18~45", 18, 45},
      {"16到60岁", 16, 60},
      {"20至35周岁之间", 20, 35},
      {"35岁以内", -1, 35},
      {"50岁及以下", -1, 50},
      {"18岁及以上", 18, -1},
      {"不限", -1, -1},
      {"年龄不限", -1, -1},
      {"18周岁以上45周岁以下", 18, 45},
      {"18岁以上，50岁以下", 18, 50},
      {"不超过45岁", -1, 45},
      {"满18周岁", 18, -1},
      {"年滿16周歲", 16, -1},
      {"14-16", 14, 16},
      {"60-80", 60, 80},
      {"18至18", 18, 18},
      {"25 - 55 歲", 25, 55},
      /* garbage */
      {"10-45", REJECT, 0},      /* below 14 */
      {"45-18", REJECT, 0},      /* min above max */
      {"18-90", REJECT, 0},      /* above 80 */
      {"13岁以上", REJECT, 0},
      {"81岁以下", REJECT, 0},
      {"abc", REJECT, 0},
      {"", REJECT, 0},
      {"18岁", REJECT, 0},        /* one age: a bound is missing */
      {"18至", REJECT, 0},
      {"十八至四十五岁", REJECT, 0},
      {"18-45-60", REJECT, 0},
      {"-", REJECT, 0},
      {"1800-4500", REJECT, 0},
      {"18-45元", REJECT, 0},
      {"\xC0\xAF", REJECT, 0},
  };
  size_t i;
  int lo, hi, rc;

  cr_assert_geq(N(rows), 30);
  for (i = 0; i < N(rows); i++) {
    rc = lm__norm_age(rows[i].in, &lo, &hi);
    if (rows[i].min == REJECT) {
      cr_expect_eq(rc, LM_EPARSE, "'%s' must be rejected (got %d-%d)",
                   rows[i].in, lo, hi);
      continue;
    }
    cr_expect_eq(rc, LM_OK, "'%s': %s", rows[i].in, lm__errmsg());
    cr_expect_eq(lo, rows[i].min, "'%s': min %d", rows[i].in, lo);
    cr_expect_eq(hi, rows[i].max, "'%s': max %d", rows[i].in, hi);
  }
}

/* --------------------------------------------------------- education */

Test(normalize, education_reads_words_and_chinese_levels)
{
  static const struct {
    const char *in;
    int level;
    const char *word;
  } rows[] = {
      {"本科", LM__EDU_BACHELOR, "bachelor"},
      {"bachelor", LM__EDU_BACHELOR, "bachelor"},
      {"Bachelor", LM__EDU_BACHELOR, "bachelor"},
      {"大專及以上學歷", LM__EDU_ASSOCIATE, "associate"},
      {"中专及以上", LM__EDU_SECONDARY_VOCATIONAL, "secondary-vocational"},
      {"高中/中专", LM__EDU_SENIOR_HIGH, "senior-high"},
      {"中專/高中", LM__EDU_SECONDARY_VOCATIONAL, "secondary-vocational"},
      {"學歷不限", LM__EDU_NONE, "none"},
      {"不限", LM__EDU_NONE, "none"},
      {"碩士", LM__EDU_MASTER, "master"},
      {"研究生", LM__EDU_MASTER, "master"},
      {"博士", LM__EDU_DOCTORATE, "doctorate"},
      {"本科以上学历", LM__EDU_BACHELOR, "bachelor"},
      {"学历：大专", LM__EDU_ASSOCIATE, "associate"},
      {"小學", LM__EDU_PRIMARY, "primary"},
      {"初中", LM__EDU_JUNIOR_MIDDLE, "junior-middle"},
      {"技校", LM__EDU_SECONDARY_VOCATIONAL, "secondary-vocational"},
      {"職高", LM__EDU_SECONDARY_VOCATIONAL, "secondary-vocational"},
      {"专科", LM__EDU_ASSOCIATE, "associate"},
      {"高中或中专及以上", LM__EDU_SENIOR_HIGH, "senior-high"},
      {"初中/小学", LM__EDU_PRIMARY, "primary"}, /* the lower one */
      {"大专/本科", LM__EDU_ASSOCIATE, "associate"},
      {"none", LM__EDU_NONE, "none"},
      {"junior-middle", LM__EDU_JUNIOR_MIDDLE, "junior-middle"},
      {"secondary-vocational", LM__EDU_SECONDARY_VOCATIONAL,
       "secondary-vocational"},
      {"doctorate", LM__EDU_DOCTORATE, "doctorate"},
      {"硕士研究生", LM__EDU_MASTER, "master"},
      {"本科学历", LM__EDU_BACHELOR, "bachelor"},
      {"大学本科及以上", LM__EDU_BACHELOR, "bachelor"},
      {"高中及以上文化程度", LM__EDU_SENIOR_HIGH, "senior-high"},
      {"ＭＡＳＴＥＲ", LM__EDU_MASTER, "master"},
      {"中專", LM__EDU_SECONDARY_VOCATIONAL, "secondary-vocational"},
      /* garbage */
      {"大学", REJECT, NULL},      /* 本科 or 专科: not guessed */
      {"", REJECT, NULL},
      {"本科/", REJECT, NULL},
      {"高中以下", REJECT, NULL},
      {"幼儿园", REJECT, NULL},
      {"abc", REJECT, NULL},
      {"bachelors", REJECT, NULL},
      {"及以上", REJECT, NULL},
      {"学历", REJECT, NULL},
      {"本科硕士", REJECT, NULL},
      {"本科/abc", REJECT, NULL},
  };
  size_t i;
  int level, rc;
  const char *word;

  cr_assert_geq(N(rows), 30);
  for (i = 0; i < N(rows); i++) {
    rc = lm__norm_education(rows[i].in, &level, &word);
    if (rows[i].level == REJECT) {
      cr_expect_eq(rc, LM_EPARSE, "'%s' must be rejected", rows[i].in);
      cr_expect_null(word, "'%s'", rows[i].in);
      continue;
    }
    cr_expect_eq(rc, LM_OK, "'%s': %s", rows[i].in, lm__errmsg());
    cr_expect_eq(level, rows[i].level, "'%s': level %d", rows[i].in, level);
    cr_expect_str_eq(word, rows[i].word, "'%s'", rows[i].in);
  }
}

Test(normalize, education_ranks_senior_high_with_secondary_vocational)
{
  int l;

  cr_expect_eq(lm__edu_rank(LM__EDU_SENIOR_HIGH),
               lm__edu_rank(LM__EDU_SECONDARY_VOCATIONAL));
  for (l = LM__EDU_NONE; l < LM__EDU_DOCTORATE; l++)
    if (l != LM__EDU_SENIOR_HIGH)
      cr_expect_lt(lm__edu_rank(l), lm__edu_rank(l + 1), "level %d", l);
  cr_expect_eq(lm__edu_rank(-1), -1);
  cr_expect_eq(lm__edu_rank(99), -1);
  cr_expect_str_eq(lm__edu_word(LM__EDU_JUNIOR_MIDDLE), "junior-middle");
  cr_expect_str_eq(lm__edu_word(LM__EDU_DOCTORATE), "doctorate");
  cr_expect_null(lm__edu_word(42));
}

/* -------------------------------------------------------------- date */

Test(normalize, date_reads_each_form_and_rejects_impossible_dates)
{
  static const struct {
    const char *in;
    const char *want; /* NULL: reject */
  } rows[] = {
      {"2026-11-01", "2026-11-01"},
      {"2026/11/1", "2026-11-01"},
      {"2026.11.01", "2026-11-01"},
      {"2026年11月1日", "2026-11-01"},
      {"２０２６－１１－０１", "2026-11-01"},
      {"２０２６年１１月１日", "2026-11-01"},
      {"2026年11月1号", "2026-11-01"},
      {"2026 年 11 月 1 日", "2026-11-01"},
      {" 2026-11-01 ", "2026-11-01"},
      {"2026/1/5", "2026-01-05"},
      {"2026.1.1", "2026-01-01"},
      {"2024-02-29", "2024-02-29"},
      {"2000-02-29", "2000-02-29"},
      {"1970-01-01", "1970-01-01"},
      {"1900-01-01", "1900-01-01"},
      {"2199-12-31", "2199-12-31"},
      {"2026-12-31", "2026-12-31"},
      {"2027-02-28", "2027-02-28"},
      {"2003年1月1日", "2003-01-01"},
      {"2026-11-30", "2026-11-30"},
      /* garbage */
      {"2026-02-30", NULL},
      {"2025-02-29", NULL},
      {"1900-02-29", NULL}, /* 1900 is not a leap year */
      {"2100-02-29", NULL},
      {"2026-13-01", NULL},
      {"2026-00-10", NULL},
      {"2026-11-00", NULL},
      {"2026-11-31", NULL},
      {"2026-11", NULL},
      {"2026/11-01", NULL}, /* mixed separators */
      {"1899-12-31", NULL},
      {"2200-01-01", NULL},
      {"abc", NULL},
      {"", NULL},
      {"26-11-01", NULL},
      {"2026-11-01T08:00", NULL},
      {"二〇二六年十一月一日", NULL},
      {"20261101", NULL},
      {"2026-011-01", NULL},
      {"2026年11月", NULL},
  };
  size_t i;
  int32_t days;
  char buf[11];
  int rc;

  cr_assert_geq(N(rows), 30);
  for (i = 0; i < N(rows); i++) {
    rc = lm__norm_date(rows[i].in, &days);
    if (rows[i].want == NULL) {
      cr_expect_eq(rc, LM_EPARSE, "'%s' must be rejected", rows[i].in);
      continue;
    }
    cr_expect_eq(rc, LM_OK, "'%s': %s", rows[i].in, lm__errmsg());
    lm__date_format(days, buf);
    cr_expect_str_eq(buf, rows[i].want, "'%s'", rows[i].in);
  }
}

Test(normalize, date_counts_days_from_the_unix_epoch)
{
  /* Known values: 946684800 s and -2208988800 s are 2000-01-01 and
   * 1900-01-01; 2026-11-01 is 56 years (14 leap) and 304 days on. */
  static const struct {
    const char *in;
    int32_t days;
  } rows[] = {
      {"1970-01-01", 0},       {"1970-01-02", 1},
      {"1969-12-31", -1},      {"2000-01-01", 10957},
      {"2000-03-01", 11017},   {"1900-01-01", -25567},
      {"2026-11-01", 20758},
  };
  size_t i;
  int32_t d;

  for (i = 0; i < N(rows); i++) {
    int rc = lm__norm_date(rows[i].in, &d);
    cr_expect_eq(rc, LM_OK, "'%s'", rows[i].in);
    cr_expect_eq(d, rows[i].days, "'%s': %d", rows[i].in, (int)d);
  }
}

Test(normalize, date_round_trips_every_day_against_a_counted_calendar)
{
  /* Brute force: walk the calendar a day at a time from 1900-01-01 and
   * check that parsing and formatting agree with the walk. */
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y = 1900, m = 1, d = 1, ml;
  int32_t want = -25567, got;
  char text[48], buf[11];

  while (y <= 2199) {
    snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
    if (lm__norm_date(text, &got) != LM_OK || got != want)
      cr_assert_fail("%s: %d, want %d", text, (int)got, (int)want);
    lm__date_format(want, buf);
    if (strcmp(buf, text) != 0)
      cr_assert_fail("%d formats as %s, want %s", (int)want, buf, text);
    want++;
    ml = mdays[m - 1] +
         (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (++d > ml) {
      d = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }
}

Test(normalize, date_format_marks_days_beyond_four_digit_years)
{
  char buf[11];

  lm__date_format(INT32_MAX, buf);
  cr_expect_str_eq(buf, "0000-00-00");
  lm__date_format(INT32_MIN, buf);
  cr_expect_str_eq(buf, "0000-00-00");
  lm__date_format(2932896, buf); /* 9999-12-31 */
  cr_expect_str_eq(buf, "9999-12-31");
}

/* ------------------------------------------------------ vocabularies */

typedef struct vrow {
  const char *in;
  const char *want; /* NULL: reject (or, for groups, unknown) */
} vrow;

static void check_vocab(const char *what,
                        int (*fn)(const char *, const char **),
                        const vrow *rows, size_t n)
{
  size_t i;
  const char *w;
  int rc;

  cr_assert_geq(n, 30, "%s: at least 30 rows", what);
  for (i = 0; i < n; i++) {
    w = "sentinel";
    rc = fn(rows[i].in, &w);
    if (rows[i].want == NULL) {
      cr_expect_eq(rc, LM_EPARSE, "%s '%s' must be rejected", what,
                   rows[i].in);
      cr_expect_null(w, "%s '%s'", what, rows[i].in);
      continue;
    }
    cr_expect_eq(rc, LM_OK, "%s '%s': %s", what, rows[i].in, lm__errmsg());
    if (w != NULL)
      cr_expect_str_eq(w, rows[i].want, "%s '%s'", what, rows[i].in);
    else
      cr_expect_fail("%s '%s': no word", what, rows[i].in);
  }
}

Test(normalize, shift_words_in_english_and_chinese)
{
  static const vrow rows[] = {
      {"day", "day"},           {"night", "night"},
      {"rotating", "rotating"}, {"flexible", "flexible"},
      {"part-time", "part-time"}, {"Part-Time", "part-time"},
      {"ＤＡＹ", "day"},        {"白班", "day"},
      {"長白班", "day"},        {"常白班", "day"},
      {"　白班　", "day"},      {"夜班", "night"},
      {"晚班", "night"},        {"大夜班", "night"},
      {"倒班", "rotating"},     {"輪班", "rotating"},
      {"兩班倒", "rotating"},   {"三班倒", "rotating"},
      {"四班三倒", "rotating"}, {"两班制", "rotating"},
      {"彈性", "flexible"},     {"彈性工作制", "flexible"},
      {"兼職", "part-time"},    {"小時工", "part-time"},
      {"钟点工", "part-time"},  {"part time", "part-time"},
      /* garbage */
      {"", NULL},               {"daytime", NULL},
      {"全职", NULL},           {"白班/夜班", NULL},
      {"abc", NULL},            {"班", NULL},
      {"\xFF", NULL},           {"nights", NULL},
  };

  check_vocab("shift", lm__norm_shift, rows, N(rows));
}

Test(normalize, mobility_mode_words_in_english_and_chinese)
{
  static const vrow rows[] = {
      {"walk", "walk"},       {"bike", "bike"},
      {"ebike", "ebike"},     {"bus", "bus"},
      {"car", "car"},         {"E-Bike", "ebike"},
      {"ＢＵＳ", "bus"},      {"步行", "walk"},
      {"走路", "walk"},       {"自行車", "bike"},
      {"單車", "bike"},       {"共享單車", "bike"},
      {"電動車", "ebike"},    {"電瓶車", "ebike"},
      {"電動自行車", "ebike"}, {"公交", "bus"},
      {"公交車", "bus"},      {"公共汽車", "bus"},
      {"開車", "car"},        {"自駕", "car"},
      {"自驾车", "car"},      {"私家車", "car"},
      {"驾车", "car"},        {"汽車", "car"},
      /* garbage */
      {"", NULL},             {"train", NULL},
      {"地铁", NULL},         {"飞机", NULL},
      {"步行/公交", NULL},    {"abc", NULL},
      {"walk ing", NULL},     {"\xC0\xAF", NULL},
      {"cars", NULL},
  };

  check_vocab("mode", lm__norm_mode, rows, N(rows));
}

Test(normalize, service_point_kinds_in_english_and_chinese)
{
  static const vrow rows[] = {
      {"station", "station"},           {"gig-market", "gig-market"},
      {"training", "training"},         {"fair-venue", "fair-venue"},
      {"ＳＴＡＴＩＯＮ", "station"},    {"Gig-Market", "gig-market"},
      {"就業服務站", "station"},        {"就业服务站", "station"},
      {"社區就業服務站", "station"},    {"街道就业服务站", "station"},
      {"就業服務站點", "station"},      {"零工市場", "gig-market"},
      {"零工驛站", "gig-market"},       {"勞務市場", "gig-market"},
      {"培訓基地", "training"},         {"培訓點", "training"},
      {"培训中心", "training"},         {"職業培訓學校", "training"},
      {"招聘會場", "fair-venue"},       {"招聘会", "fair-venue"},
      {"人才市場", "fair-venue"},       {"招聘会现场", "fair-venue"},
      /* garbage */
      {"", NULL},                       {"market", NULL},
      {"gig market", NULL},             {"学校", NULL},
      {"医院", NULL},                   {"abc", NULL},
      {"站", NULL},                     {"fair venue", NULL},
      {"\xED\xA0\x80", NULL},
  };

  check_vocab("point kind", lm__norm_point_kind, rows, N(rows));
}

Test(normalize, groups_map_chinese_names_and_keep_unknown_ones)
{
  static const vrow rows[] = {
      {"graduate", "graduate"},
      {"returning-migrant", "returning-migrant"},
      {"retired-fisher", "retired-fisher"},
      {"older-worker", "older-worker"},
      {"veteran", "veteran"},
      {"disabled", "disabled"},
      {"poverty-alleviated", "poverty-alleviated"},
      {"zero-employment-family", "zero-employment-family"},
      {"new-resident", "new-resident"},
      {"ＧＲＡＤＵＡＴＥ", "graduate"},
      {"高校畢業生", "graduate"},
      {"大學生", "graduate"},
      {"應屆畢業生", "graduate"},
      {"返鄉農民工", "returning-migrant"},
      {"返乡农民工", "returning-migrant"},
      {"退捕漁民", "retired-fisher"},
      {"長江退捕漁民", "retired-fisher"},
      {"大齡", "older-worker"},
      {"大龄劳动者", "older-worker"},
      {"4050人員", "older-worker"},
      {"退役軍人", "veteran"},
      {"退伍军人", "veteran"},
      {"殘疾人", "disabled"},
      {"殘障人士", "disabled"},
      {"脫貧勞動力", "poverty-alleviated"},
      {"零就業家庭", "zero-employment-family"},
      {"零就业家庭成员", "zero-employment-family"},
      {"新市民", "new-resident"},
      {"退役士兵", "veteran"},
      {"殘疾人員", "disabled"},
      {"脫貧人口", "poverty-alleviated"},
      {"畢業生", "graduate"},
      {"农民工", "returning-migrant"},
      {"退捕上岸漁民", "retired-fisher"},
  };
  /* Kept as written: LM_OK with no vocabulary word. */
  static const char *const unknown[] = {"就業困難人員", "低保户",
                                        "single-parent", "graduates"};
  static const char *const bad[] = {"", "   ", "\xFF"};
  size_t i;
  const char *w;

  check_vocab("group", lm__norm_group, rows, N(rows));
  for (i = 0; i < N(unknown); i++) {
    w = "sentinel";
    cr_expect_eq(lm__norm_group(unknown[i], &w), LM_OK, "'%s'", unknown[i]);
    cr_expect_null(w, "'%s' is not in the vocabulary", unknown[i]);
  }
  for (i = 0; i < N(bad); i++) {
    w = "sentinel";
    cr_expect_eq(lm__norm_group(bad[i], &w), LM_EPARSE, "row %zu", i);
    cr_expect_null(w);
  }
}

/* -------------------------------------------------- thread safety */

typedef struct salary_job {
  int ok;
} salary_job;

static void *salary_worker(void *arg)
{
  salary_job *j = arg;
  lm__salary s;
  int i;

  j->ok = 1;
  for (i = 0; i < 200; i++) {
    if (lm__norm_salary("5千-8千元/月", &s) != LM_OK || s.min != 5000 ||
        s.max != 8000)
      j->ok = 0;
    if (lm__norm_salary("6萬/年", &s) != LM_OK || s.min != 5000)
      j->ok = 0;
  }
  return NULL;
}

Test(normalize, normalisers_run_from_many_threads_at_first_use)
{
  pthread_t t[8];
  salary_job jobs[8];
  int i;

  /* No lm__norm_init beforehand: the threads race to compile. */
  for (i = 0; i < 8; i++)
    cr_assert_eq(pthread_create(&t[i], NULL, salary_worker, &jobs[i]), 0);
  for (i = 0; i < 8; i++) {
    pthread_join(t[i], NULL);
    cr_expect(jobs[i].ok, "thread %d read a wrong salary", i);
  }
}

Test(normalize, salary_survives_every_allocation_failure)
{
  lm__salary s;
  long n;
  int rc = LM_ENOMEM;

  cr_assert_eq(lm__norm_init(), LM_OK);
  for (n = 0; n < 20 && rc != LM_OK; n++) {
    lm__alloc_fail_after(n);
    rc = lm__norm_salary("5千-8千元/月", &s);
    lm__alloc_fail_after(-1);
    cr_expect(rc == LM_OK || rc == LM_ENOMEM, "fail after %ld: %d", n, rc);
  }
  cr_assert_eq(rc, LM_OK);
  cr_expect_eq(s.min, 5000);
  cr_expect_eq(s.max, 8000);
}

Test(normalize, first_use_while_allocations_fail_does_not_break_later_use)
{
  lm__salary s;
  int32_t days;

  /* The first call compiles the patterns; a failing allocator then must
   * cost that call only, not every later one. */
  lm__alloc_fail_after(0);
  cr_expect_eq(lm__norm_salary("5000", &s), LM_ENOMEM);
  lm__alloc_fail_after(-1);
  cr_expect_eq(lm__norm_salary("5000", &s), LM_OK, "%s", lm__errmsg());
  cr_expect_eq(s.min, 5000);
  cr_expect_eq(lm__norm_date("2026-11-01", &days), LM_OK);
}

/* ------------------------------------------------ skills dictionary */

/* The shipped dictionary: $LIBMATCH_SKILLS (the Makefile sets it), else
 * the source tree's copy. */
static const char *skills_path(void)
{
  static char buf[4096];
  const char *p = getenv("LIBMATCH_SKILLS");

  if (p != NULL && *p != '\0')
    return p;
  return LMT_SRCPATH(buf, "libmatch/data/skills.tsv");
}

static lm__skilldict *shipped(void)
{
  lm__skilldict *d = NULL;

  cr_assert_eq(lm__skilldict_new(&d), LM_OK);
  cr_assert_eq(lm__skilldict_load(d, skills_path()), LM_OK, "%s: %s",
               skills_path(), lm__errmsg());
  return d;
}

/* Collects what a scan reports, "a|b|c". */
typedef struct found_list {
  char text[1024];
  int count;
} found_list;

static int collect(void *ctx, const char *canonical)
{
  found_list *f = ctx;
  size_t n = strlen(f->text);

  snprintf(f->text + n, sizeof f->text - n, "%s%s", n ? "|" : "",
           canonical);
  f->count++;
  return 0;
}

static int count_only(void *ctx, const char *canonical)
{
  (void)canonical;
  ++*(int *)ctx;
  return 0;
}

Test(normalize, skill_lookup_finds_terms_and_aliases_in_any_script)
{
  static const vrow rows[] = {
      {"數控車床", "数控车床"},       {"数控车床", "数控车床"},
      {" 數控車床 ", "数控车床"},     {"ＣＮＣ車床", "数控车床"},
      {"数控车工", "数控车床"},       {"電焊", "焊接"},
      {"焊工", "焊接"},               {"電焊工", "焊接"},
      {"CAD製圖", "CAD制图"},         {"cad", "CAD制图"},
      {"AutoCAD", "CAD制图"},         {"PLC", "PLC编程"},
      {"plc編程", "PLC编程"},         {"可編程控制器", "PLC编程"},
      {"電工", "电工"},               {"低壓電工證", "低压电工证"},
      {"叉車", "叉车"},               {"叉車證", "叉车证"},
      {"直播帶貨", "直播带货"},       {"帶貨主播", "直播带货"},
      {"養老護理員", "养老护理"},     {"家政服務員", "家政服务"},
      {"水產養殖", "水产养殖"},       {"稻蝦共作", "稻渔综合种养"},
      {"修船", "船舶修造"},           {"冶煉", "冶炼"},
      {"選礦", "选矿"},               {"服裝縫紉", "服装缝纫"},
      {"會計", "会计"},               {"做賬", "会计"},
      {"Excel", "电子表格"},          {"C1", "C1驾照"},
      {"B2駕駛證", "B2驾照"},         {"駕駛員", "驾驶"},
      {"SMT", "SMT贴片"},             {"輪機員", "轮机"},
  };
  static const char *const unknown[] = {"火箭科学", "数控", "", "   ",
                                        "\xFF", "cad制图员"};
  lm__skilldict *d = shipped();
  const char *c;
  size_t i;

  cr_assert_geq(N(rows), 30);
  for (i = 0; i < N(rows); i++) {
    c = lm__skilldict_lookup(d, rows[i].in);
    cr_expect_not_null(c, "'%s' not found", rows[i].in);
    if (c != NULL)
      cr_expect_str_eq(c, rows[i].want, "'%s'", rows[i].in);
  }
  for (i = 0; i < N(unknown); i++)
    cr_expect_null(lm__skilldict_lookup(d, unknown[i]), "'%s'", unknown[i]);
  lm__skilldict_free(d);
}

Test(normalize, skill_scan_reports_each_skill_found_in_text)
{
  static const struct {
    const char *text;
    const char *want; /* canonicals in order of first occurrence */
  } rows[] = {
      {"要求：中專及以上學歷，1年以上相關工作經驗，能適應倒班", ""},
      {"熟悉數控編程，會看圖紙", "数控编程|机械制图"},
      {"招聘數控車床操作工，會CAD製圖優先", "数控车床|CAD制图"},
      {"電焊工2名，持焊工證上崗", "焊接|焊工证"},
      {"需持低壓電工證，熟悉PLC", "低压电工证|PLC编程"},
      {"叉車司機，有叉車證", "叉车|叉车证"},
      {"arcade game designer", ""},
      {"CAD/CAM", "CAD制图"},
      {"会用Excel和Word", "电子表格|文字处理"},
      {"C1驾照，会开车", "C1驾照|驾驶"},
      {"ABC1 model", ""},
      {"直播带货主播", "直播带货|网络主播"},
      {"养老护理员、家政服务员、月嫂", "养老护理|家政服务|月嫂"},
      {"退捕渔民优先，会水产养殖、稻虾共作", "水产养殖|稻渔综合种养"},
      {"数控车床数控车床數控車床", "数控车床"},
      {"冶炼、选矿、采矿经验", "冶炼|选矿|采矿"},
      {"服装缝纫工，平车熟练", "服装缝纫"},
      {"", ""},
      {"ＰＬＣ編程", "PLC编程"},
      {"會計（持初級會計證）", "会计|初级会计职称"},
      {"焊工", "焊接"},
      {"二保焊、氩弧焊均可", "二氧化碳保护焊|氩弧焊"},
      {"船舶修造厂招轮机员", "船舶修造|轮机"},
      {"熟悉UG编程与SolidWorks", "UG编程|SolidWorks"},
      {"会plc", "PLC编程"},
      {"能看懂图纸", "机械制图"},
      {"食品加工厂", "食品加工"},
      {"有B2驾驶证，能跑长途货车司机", "B2驾照|货车司机"},
      {"挖掘機、裝載機操作", "挖掘机|装载机"},
      {"電子廠裝配工", "电子装配"},
      {"月薪5000", ""},
      {"熟练使用Office办公软件", "办公软件"},
      {"plcx and xplc", ""},
  };
  lm__skilldict *d = shipped();
  found_list f;
  size_t i;
  int rc;

  cr_assert_geq(N(rows), 30);
  for (i = 0; i < N(rows); i++) {
    memset(&f, 0, sizeof f);
    rc = lm__skilldict_scan(d, rows[i].text, collect, &f);
    cr_expect_eq(rc, LM_OK, "'%s': %s", rows[i].text, lm__errmsg());
    cr_expect_str_eq(f.text, rows[i].want, "'%s'", rows[i].text);
  }
  lm__skilldict_free(d);
}

static int stop_at_first(void *ctx, const char *canonical)
{
  (void)canonical;
  ++*(int *)ctx;
  return 7;
}

Test(normalize, skill_scan_stops_when_the_callback_says_so)
{
  lm__skilldict *d = shipped();
  int calls = 0;

  cr_expect_eq(lm__skilldict_scan(d, "电焊、叉车、会计", stop_at_first,
                                  &calls), 7);
  cr_expect_eq(calls, 1);
  cr_expect_eq(lm__skilldict_scan(d, "数控\xFF", count_only, &calls),
               LM_EINVAL);
  cr_expect_eq(lm__skilldict_scan(d, NULL, count_only, &calls), LM_EINVAL);
  cr_expect_eq(lm__skilldict_scan(d, "x", NULL, NULL), LM_EINVAL);
  lm__skilldict_free(d);
}

Test(normalize, shipped_dictionary_has_distinct_terms_whose_aliases_agree)
{
  /* Oracle: the file itself.  Every field of a line must look up to the
   * line's first field, and each line must be a skill of its own (a line
   * whose term was already an alias elsewhere would merge silently). */
  lm__skilldict *d = shipped();
  FILE *f = fopen(skills_path(), "r");
  char line[4096], *field, *save, *canonical;
  size_t terms = 0;
  const char *c;

  cr_assert_not_null(f);
  while (fgets(line, sizeof line, f) != NULL) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '#' || line[0] == '\0')
      continue;
    terms++;
    canonical = strtok_r(line, "\t", &save);
    for (field = canonical; field != NULL;
         field = strtok_r(NULL, "\t", &save)) {
      c = lm__skilldict_lookup(d, field);
      cr_expect_not_null(c, "'%s'", field);
      if (c != NULL)
        cr_expect_str_eq(c, canonical, "'%s' belongs to '%s'", field,
                         canonical);
    }
  }
  fclose(f);
  cr_expect_geq(terms, 250, "a few hundred terms");
  cr_expect_eq(lm__skilldict_size(d), terms);
  lm__skilldict_free(d);
}

Test(normalize, skill_add_works_at_run_time)
{
  lm__skilldict *d = NULL;
  found_list f = {{0}, 0};
  char longterm[200];

  cr_assert_eq(lm__skilldict_new(&d), LM_OK);
  cr_expect_eq(lm__skilldict_size(d), 0);
  cr_expect_null(lm__skilldict_lookup(d, "数控车床"));
  cr_expect_eq(lm__skilldict_scan(d, "数控车床", collect, &f), LM_OK);
  cr_expect_eq(f.count, 0);

  cr_assert_eq(lm__skilldict_add(d, "数控车床", NULL), LM_OK);
  cr_assert_eq(lm__skilldict_add(d, "数控车床", "數控車工"), LM_OK);
  cr_assert_eq(lm__skilldict_add(d, "焊接", "电焊"), LM_OK);
  cr_expect_eq(lm__skilldict_add(d, "焊接", "電焊"), LM_OK, "same alias");
  cr_expect_eq(lm__skilldict_add(d, "電焊", NULL), LM_OK, "known alias");
  cr_expect_eq(lm__skilldict_size(d), 2);
  cr_expect_str_eq(lm__skilldict_lookup(d, "数控车工"), "数控车床");
  cr_expect_str_eq(lm__skilldict_lookup(d, "數控車床"), "数控车床");
  cr_expect_str_eq(lm__skilldict_lookup(d, "電焊"), "焊接");

  /* An alias names one skill; a conflicting add changes nothing. */
  cr_expect_eq(lm__skilldict_add(d, "数控车床", "电焊"), LM_EINVAL);
  cr_expect_eq(lm__skilldict_add(d, "气焊", "电焊"), LM_EINVAL);
  cr_expect_str_eq(lm__skilldict_lookup(d, "电焊"), "焊接");
  cr_expect_null(lm__skilldict_lookup(d, "气焊"));
  cr_expect_eq(lm__skilldict_size(d), 2);

  /* Bad terms. */
  cr_expect_eq(lm__skilldict_add(d, "\xFF", NULL), LM_EINVAL);
  cr_expect_eq(lm__skilldict_add(d, "", NULL), LM_EINVAL);
  cr_expect_eq(lm__skilldict_add(d, "   ", NULL), LM_EINVAL);
  cr_expect_eq(lm__skilldict_add(d, NULL, "x"), LM_EINVAL);
  cr_expect_eq(lm__skilldict_add(d, "焊接", "\xC0\xAF"), LM_EINVAL);
  memset(longterm, 'a', sizeof longterm - 1);
  longterm[sizeof longterm - 1] = '\0';
  cr_expect_eq(lm__skilldict_add(d, longterm, NULL), LM_EINVAL);
  cr_expect_eq(lm__skilldict_size(d), 2);

  cr_expect_eq(lm__skilldict_scan(d, "会電焊和數控車工", collect, &f),
               LM_OK);
  cr_expect_str_eq(f.text, "焊接|数控车床");

  /* Blanks around a term are not part of it. */
  cr_expect_eq(lm__skilldict_add(d, "  叉车 ", NULL), LM_OK);
  cr_expect_str_eq(lm__skilldict_lookup(d, "叉車"), "叉车");
  lm__skilldict_free(d);
}

Test(normalize, skill_add_to_the_shipped_dictionary_is_found_by_scan)
{
  lm__skilldict *d = shipped();
  size_t before = lm__skilldict_size(d);
  found_list f = {{0}, 0};

  cr_expect_null(lm__skilldict_lookup(d, "光刻机操作"));
  cr_assert_eq(lm__skilldict_add(d, "光刻机操作", "光刻"), LM_OK);
  cr_expect_eq(lm__skilldict_size(d), before + 1);
  cr_expect_eq(lm__skilldict_scan(d, "招光刻工，会焊工", collect, &f),
               LM_OK);
  cr_expect_str_eq(f.text, "光刻机操作|焊接");
  lm__skilldict_free(d);
}

/* Writes text to a new temporary file; returns its name (static). */
static const char *temp_file(const char *text)
{
  static char name[256];
  FILE *f;

  lmt_tmpname(name, sizeof name, "skills");
  f = fopen(name, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
  return name;
}

Test(normalize, skill_load_reads_comments_crlf_and_reports_bad_lines)
{
  lm__skilldict *d = NULL;
  const char *path;

  cr_assert_eq(lm__skilldict_new(&d), LM_OK);
  path = temp_file("\xEF\xBB\xBF# a comment\n\n"
                   "數控車床\t数控车工\tCNC车床\r\n"
                   "  # indented comment\n"
                   "焊接\t電焊\t\t焊工 \n"
                   "C#编程\tc#\n");
  cr_expect_eq(lm__skilldict_load(d, path), LM_OK, "%s", lm__errmsg());
  unlink(path);
  cr_expect_eq(lm__skilldict_size(d), 3);
  cr_expect_str_eq(lm__skilldict_lookup(d, "cnc车床"), "數控車床");
  cr_expect_str_eq(lm__skilldict_lookup(d, "焊工"), "焊接");
  cr_expect_str_eq(lm__skilldict_lookup(d, "C#"), "C#编程");
  lm__skilldict_free(d);

  cr_assert_eq(lm__skilldict_new(&d), LM_OK);
  path = temp_file("焊接\t电焊\n气焊\t火焰焊\n数控车床\t电焊\n");
  cr_expect_eq(lm__skilldict_load(d, path), LM_EPARSE);
  cr_expect_not_null(strstr(lm__errmsg(), ":3:"), "%s", lm__errmsg());
  unlink(path);
  cr_expect_eq(lm__skilldict_load(d, "/nonexistent/skills.tsv"), LM_ERROR);
  lm__skilldict_free(d);
}

Test(normalize, skill_add_leaves_the_dictionary_unchanged_when_memory_fails)
{
  lm__skilldict *d = NULL;
  long n;
  int rc = LM_ENOMEM, i;
  char term[32];

  cr_assert_eq(lm__skilldict_new(&d), LM_OK);
  /* Enough terms that the next add must grow every table. */
  for (i = 0; i < 63; i++) {
    snprintf(term, sizeof term, "技能%d", i);
    cr_assert_eq(lm__skilldict_add(d, term, NULL), LM_OK);
  }
  for (n = 0; n < 50 && rc != LM_OK; n++) {
    lm__alloc_fail_after(n);
    rc = lm__skilldict_add(d, "数控车床", "数控车工");
    lm__alloc_fail_after(-1);
    if (rc != LM_OK) {
      cr_assert_eq(rc, LM_ENOMEM, "fail after %ld", n);
      cr_assert_eq(lm__skilldict_size(d), 63, "fail after %ld", n);
      cr_assert_null(lm__skilldict_lookup(d, "数控车工"));
      cr_assert_null(lm__skilldict_lookup(d, "数控车床"));
    }
  }
  cr_assert_eq(rc, LM_OK);
  cr_expect_eq(lm__skilldict_size(d), 64);
  cr_expect_str_eq(lm__skilldict_lookup(d, "数控车工"), "数控车床");
  cr_expect_str_eq(lm__skilldict_lookup(d, "技能7"), "技能7");
  lm__skilldict_free(d);
}

/* 64 KiB of text in which every position starts a long near-match. */
Test(normalize, skill_scan_of_64k_pathological_text_is_linear,
     .timeout = 60)
{
  lm__skilldict *d = NULL;
  char term[128], *text;
  size_t i, n = 64 * 1024 / 3 * 3;
  int count = 0;
  clock_t t0;

  cr_assert_eq(lm__skilldict_new(&d), LM_OK);
  /* "哈" x 41 + "笑": the walk from every "哈" goes 41 deep and fails. */
  for (i = 0; i < 41; i++)
    memcpy(term + 3 * i, "哈", 3);
  memcpy(term + 123, "笑", 3);
  term[126] = '\0';
  cr_assert_eq(lm__skilldict_add(d, term, NULL), LM_OK, "%s", lm__errmsg());
  cr_assert_eq(lm__skilldict_add(d, "哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈"
                                    "哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈"
                                    "哈哈",
                                 NULL),
               LM_OK); /* 42: never found in a run cut to 41 */
  cr_assert_eq(lm__skilldict_add(d, "数控车床", NULL), LM_OK);

  text = malloc(n + 1);
  cr_assert_not_null(text);
  for (i = 0; i < n; i += 3)
    memcpy(text + i, (i / 3) % 42 == 41 ? "\n" "\n" "\n" : "哈", 3);
  text[n] = '\0';
  t0 = clock();
  cr_assert_eq(lm__skilldict_scan(d, text, count_only, &count), LM_OK);
  cr_expect_eq(count, 0, "runs of 41 哈 match nothing");

  /* The same text ending in the long term and a second skill. */
  memcpy(text + n - 3 - 126 - 12, "\n\n\n", 3);
  memcpy(text + n - 126 - 12, term, 126);
  memcpy(text + n - 12, "数控车床", 12);
  count = 0;
  cr_assert_eq(lm__skilldict_scan(d, text, count_only, &count), LM_OK);
  cr_expect_eq(count, 2);
  cr_log_info("two 64 KiB scans: %.3f s",
              (double)(clock() - t0) / CLOCKS_PER_SEC);
  free(text);
  lm__skilldict_free(d);
}

Test(normalize, skill_scan_of_64k_repeated_skills_reports_each_once,
     .timeout = 60)
{
  static const char unit[] = "數控車床焊工叉车会计";
  lm__skilldict *d = shipped();
  size_t n = 64 * 1024, i;
  char *text = malloc(n + 1);
  found_list f = {{0}, 0};

  cr_assert_not_null(text);
  for (i = 0; i + sizeof unit - 1 <= n; i += sizeof unit - 1)
    memcpy(text + i, unit, sizeof unit - 1);
  text[i] = '\0';
  cr_assert_eq(lm__skilldict_scan(d, text, collect, &f), LM_OK);
  cr_expect_str_eq(f.text, "数控车床|焊接|叉车|会计");
  cr_expect_eq(f.count, 4);
  free(text);
  lm__skilldict_free(d);
}

typedef struct scan_job {
  const lm__skilldict *d;
  int ok;
} scan_job;

static void *scan_worker(void *arg)
{
  scan_job *j = arg;
  found_list f;
  const char *c;
  int i;

  j->ok = 1;
  for (i = 0; i < 300; i++) {
    memset(&f, 0, sizeof f);
    if (lm__skilldict_scan(j->d, "招聘數控車床操作工，會CAD製圖，持焊工證",
                           collect, &f) != LM_OK ||
        strcmp(f.text, "数控车床|CAD制图|焊工证") != 0)
      j->ok = 0;
    c = lm__skilldict_lookup(j->d, "電焊");
    if (c == NULL || strcmp(c, "焊接") != 0)
      j->ok = 0;
  }
  return NULL;
}

Test(normalize, skill_scans_and_lookups_run_from_many_threads)
{
  lm__skilldict *d = shipped();
  pthread_t t[8];
  scan_job jobs[8];
  int i;

  for (i = 0; i < 8; i++) {
    jobs[i].d = d;
    cr_assert_eq(pthread_create(&t[i], NULL, scan_worker, &jobs[i]), 0);
  }
  for (i = 0; i < 8; i++) {
    pthread_join(t[i], NULL);
    cr_expect(jobs[i].ok, "thread %d saw a wrong result", i);
  }
  lm__skilldict_free(d);
}

Test(normalize, skill_scan_survives_allocation_failure)
{
  lm__skilldict *d = shipped();
  char *long_text = malloc(4000);
  int count = 0;
  size_t i;

  /* A short text is folded on the stack: no allocation to fail. */
  lm__alloc_fail_after(0);
  cr_expect_eq(lm__skilldict_scan(d, "焊工", count_only, &count), LM_OK);
  lm__alloc_fail_after(-1);
  cr_expect_eq(count, 1);
  /* A long one needs its fold allocated: that failing is LM_ENOMEM,
   * before any skill is reported. */
  cr_assert_not_null(long_text);
  for (i = 0; i + 6 < 3990; i += 6)
    memcpy(long_text + i, "焊工", 6);
  long_text[i] = '\0';
  count = 0;
  lm__alloc_fail_after(0);
  cr_expect_eq(lm__skilldict_scan(d, long_text, count_only, &count),
               LM_ENOMEM);
  lm__alloc_fail_after(-1);
  cr_expect_eq(count, 0);
  cr_expect_eq(lm__skilldict_scan(d, long_text, count_only, &count), LM_OK);
  cr_expect_eq(count, 1, "each skill once, however often it is written");
  free(long_text);
  lm__skilldict_free(d);
}

/* Every term and alias of the shipped dictionary, written in a sentence,
 * is found by a scan as its canonical term (the scan's first-character
 * filter must let each through), in simplified and in full-width upper
 * case alike. */
Test(normalize, skill_scan_finds_every_term_of_the_shipped_dictionary)
{
  lm__skilldict *d = shipped();
  FILE *f = fopen(skills_path(), "r");
  char line[2048], text[1200];
  int terms = 0;

  cr_assert_not_null(f);
  while (fgets(line, sizeof line, f) != NULL) {
    char *save = NULL, *term;
    if (line[0] == '#' || line[0] == '\n')
      continue;
    line[strcspn(line, "\r\n")] = '\0';
    for (term = strtok_r(line, "\t", &save); term != NULL;
         term = strtok_r(NULL, "\t", &save)) {
      const char *canon = lm__skilldict_lookup(d, term);
      found_list got = {{0}, 0};
      if (*term == '\0')
        continue;
      cr_assert_not_null(canon, "lookup '%s'", term);
      snprintf(text, sizeof text, "、%s。", term);
      cr_assert_eq(lm__skilldict_scan(d, text, collect, &got), LM_OK);
      cr_expect_eq(got.count, 1, "'%s': found '%s'", text, got.text);
      cr_expect_str_eq(got.text, canon, "'%s'", text);
      terms++;
    }
  }
  fclose(f);
  cr_expect_gt(terms, 600, "only %d terms read", terms);
  lm__skilldict_free(d);
}

/* A mark and a rollback give back the dictionary as it was: after terms
 * added since (enough to grow every table), lookups and scans answer as
 * a dictionary freshly loaded does, and a second round works the same. */
Test(normalize, skill_rollback_forgets_terms_added_since_the_mark)
{
  static const char *const probes[] = {
      "数控车床", "數控車工", "焊工", "技能17", "新术语5", "电焊", "会计"};
  lm__skilldict *d = shipped(), *fresh = shipped();
  lm__skillmark *m = NULL;
  char term[32], text[256];
  int round, i;
  size_t k;

  cr_assert_eq(lm__skilldict_mark(d, &m), LM_OK);
  for (round = 0; round < 2; round++) {
    for (i = 0; i < 3000; i++) {
      char alias[32];
      snprintf(term, sizeof term, "技能%d", i);
      snprintf(alias, sizeof alias, "新术语%d", i);
      cr_assert_eq(lm__skilldict_add(d, term, i % 2 ? alias : NULL), LM_OK,
                   "%s: %s", term, lm__errmsg());
    }
    cr_assert_not_null(lm__skilldict_lookup(d, "技能17"));
    lm__skilldict_rollback(d, m);
    cr_expect_eq(lm__skilldict_size(d), lm__skilldict_size(fresh));
    for (k = 0; k < sizeof probes / sizeof *probes; k++) {
      const char *a = lm__skilldict_lookup(d, probes[k]);
      const char *b = lm__skilldict_lookup(fresh, probes[k]);
      cr_expect((a == NULL) == (b == NULL) && (a == NULL || !strcmp(a, b)),
                "round %d: '%s'", round, probes[k]);
    }
    for (k = 0; k < sizeof probes / sizeof *probes; k++) {
      found_list x = {{0}, 0}, y = {{0}, 0};
      snprintf(text, sizeof text, "会%s和技能3", probes[k]);
      cr_assert_eq(lm__skilldict_scan(d, text, collect, &x), LM_OK);
      cr_assert_eq(lm__skilldict_scan(fresh, text, collect, &y), LM_OK);
      cr_expect_str_eq(x.text, y.text, "round %d: '%s'", round, text);
    }
  }
  lm__skillmark_free(m);
  lm__skilldict_free(d);
  lm__skilldict_free(fresh);
}
