/*
 * test_score.c: the geo and score layers: distances and the commute model,
 * the hard filters, the fit components, the exactness of the sum, and the
 * explanations.
 *
 * Oracles: distances computed independently (Python's math module, and a
 * long-double haversine here), fits worked out by hand from the model in
 * doc/SCORING.md, and invariants on random pairs (the parts add up to the
 * score bit for bit; lm__filter_score agrees with lm__filter and
 * lm__score; no reason carries a long run of digits).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* --------------------------------------------------------------- helpers */

/* Days since 1970-01-01 (the usual proleptic Gregorian count). */
static int32_t day(int y, int m, int d)
{
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + doe - 719468);
}

#define TODAY day(2026, 12, 15)

/* Feature value of an education level (its rank + 1; FORMAT.md's order,
 * senior-high and secondary-vocational ranking equal). */
static uint8_t edu(int level)
{
  static const uint8_t rank[] = {0, 1, 2, 3, 3, 4, 5, 6, 7};

  return (uint8_t)(rank[level] + 1);
}

/* A job and a seeker about which nothing is known: every filter passes. */
static lm__jobf blank_job(void)
{
  lm__jobf j;

  memset(&j, 0, sizeof j);
  j.id = "J1";
  j.sal_min = j.sal_max = -1;
  j.posted = j.expires = j.win_from = j.win_to = LM__NO_DAY;
  return j;
}

static lm__seekerf blank_seeker(void)
{
  lm__seekerf s;

  memset(&s, 0, sizeof s);
  s.id = "S1";
  s.sal_min = -1;
  s.win_from = s.win_to = s.registered = LM__NO_DAY;
  return s;
}

static lm__scorer scorer(void)
{
  lm__scorer sc;

  lm__scorer_init(&sc, TODAY);
  return sc;
}

static lm__occ occ(const char *code)
{
  lm__occ o;

  cr_assert(lm__occ_parse(code, &o), "code %s", code);
  return o;
}

/* One component's fit: its contribution under weight 1. */
static double fit(const lm__scorer *base, const lm__seekerf *s,
                  const lm__jobf *j, lm_component c)
{
  lm__scorer sc = *base;
  double part[LM_C_COUNT_];
  int k;

  for (k = 0; k < LM_C_COUNT_; k++)
    sc.weight[k] = k == (int)c ? 1.0 : 0.0;
  lm__score(&sc, s, j, part);
  return part[c];
}

/* An independent haversine in long double (libm's sinl, cosl, atan2l). */
static double haversine_ref(double lat1, double lon1, double lat2,
                            double lon2)
{
  const long double r = 6371.0088L, k = 3.14159265358979323846264338L / 180;
  long double p1 = lat1 * k, p2 = lat2 * k;
  long double sa = sinl((p2 - p1) / 2), so = sinl((lon2 - lon1) * k / 2);
  long double h = sa * sa + cosl(p1) * cosl(p2) * so * so;

  return (double)(2 * r * atan2l(sqrtl(h), sqrtl(1 - h)));
}

static const char *names[] = {
    [1] = "数控车床", [2] = "CAD制图", [3] = "焊工", [4] = "叉车",
    [5] = "电工",     [6] = "钳工",    [7] = "PLC编程", [8] = "质检",
};
static const char *certs[] = {[1] = "焊工证", [2] = "电工证",
                              [3] = "叉车证"};
static const char *industries[] = {[1] = "智能制造", [2] = "物流"};

static const char *name_of(void *ctx, int vocab, uint32_t id)
{
  (void)ctx;
  if (vocab == LM__VOCAB_SKILL && id < sizeof names / sizeof *names)
    return names[id];
  if (vocab == LM__VOCAB_CERT && id < sizeof certs / sizeof *certs)
    return certs[id];
  if (vocab == LM__VOCAB_INDUSTRY &&
      id < sizeof industries / sizeof *industries)
    return industries[id];
  return NULL;
}

/* Reasons of a pair, freed by free_reasons. */
static void explain(const lm__scorer *sc, const lm__seekerf *s,
                    const lm__jobf *j, lm__buf r[LM_C_COUNT_])
{
  memset(r, 0, sizeof(lm__buf) * LM_C_COUNT_);
  cr_assert_eq(lm__explain(sc, s, j, NULL, name_of, NULL, r), LM_OK);
}

static void free_reasons(lm__buf r[LM_C_COUNT_])
{
  int c;

  for (c = 0; c < LM_C_COUNT_; c++)
    lm__buf_free(&r[c]);
}

#define expect_has(buf, want)                                                \
  cr_expect(strstr(lm__buf_cstr(buf), (want)) != NULL,                       \
            "'%s' lacks '%s'", lm__buf_cstr(buf), (want))

/* Places around Huangshi (degrees). */
#define HSG_LAT 30.23f /* 黄石港区 */
#define HSG_LON 115.07f
#define DAYE_LAT 30.10f /* 大冶市 */
#define DAYE_LON 114.98f

/* ------------------------------------------------------------------ geo */

Test(geo, distance_matches_published_values)
{
  /* Python math: 2 R asin(sqrt(hav)), R = 6371.0088. */
  cr_expect_float_eq(lm__distance_km(30.23, 115.07, 30.10, 114.98),
                     16.84697567401226, 1e-9, "黄石港区 to 大冶市");
  cr_expect_float_eq(lm__distance_km(30.5928, 114.3055, 39.9042, 116.4074),
                     1052.7321146388465, 1e-8, "Wuhan to Beijing");
  cr_expect_float_eq(lm__distance_km(0, 179.5, 0, -179.5),
                     111.19508023353322, 1e-9, "across the date line");
  cr_expect_float_eq(lm__distance_km(0, 0, 0, 180), 20015.114442035923,
                     1e-7, "half the equator");
  cr_expect_float_eq(lm__distance_km(29.85, 115.55, 30.25, 114.9),
                     76.76102576054721, 1e-9, "阳新 to 下陆");
  cr_expect_eq(lm__distance_km(30.23, 115.07, 30.23, 115.07), 0.0);
}

Test(geo, distance_is_haversine_to_the_last_digits)
{
  uint64_t x = 88172645463325252ull;
  int i;

  for (i = 0; i < 200000; i++) {
    double v[4], got, want;
    int k;

    for (k = 0; k < 4; k++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      v[k] = (double)(x >> 11) / 9007199254740992.0;
    }
    if (i % 2) { /* anywhere */
      v[0] = v[0] * 180 - 90, v[2] = v[2] * 180 - 90;
      v[1] = v[1] * 360 - 180, v[3] = v[3] * 360 - 180;
    } else { /* the city and its surroundings */
      v[0] = 29.5 + v[0], v[1] = 114.5 + 1.2 * v[1];
      v[2] = v[0] + v[2] - 0.5, v[3] = v[1] + v[3] - 0.5;
    }
    got = lm__distance_km(v[0], v[1], v[2], v[3]);
    want = haversine_ref(v[0], v[1], v[2], v[3]);
    cr_assert(fabs(got - want) <= 1e-12 * want + 1e-12,
              "(%.6f,%.6f)-(%.6f,%.6f): %.17g, want %.17g", v[0], v[1],
              v[2], v[3], got, want);
    cr_assert_eq(got, lm__distance_km(v[2], v[3], v[0], v[1]),
                 "distance is symmetric");
  }
}

Test(geo, modes_have_their_speeds)
{
  cr_expect_eq(lm__mode_code("walk"), LM__MODE_WALK);
  cr_expect_eq(lm__mode_code("bike"), LM__MODE_BIKE);
  cr_expect_eq(lm__mode_code("ebike"), LM__MODE_EBIKE);
  cr_expect_eq(lm__mode_code("bus"), LM__MODE_BUS);
  cr_expect_eq(lm__mode_code("car"), LM__MODE_CAR);
  cr_expect_eq(lm__mode_code("rocket"), LM__MODE_NONE);
  cr_expect_eq(lm__mode_code(NULL), LM__MODE_NONE);
  cr_expect_eq(lm__mode_speed(LM__MODE_WALK), 5.0);
  cr_expect_eq(lm__mode_speed(LM__MODE_BIKE), 15.0);
  cr_expect_eq(lm__mode_speed(LM__MODE_EBIKE), 20.0);
  cr_expect_eq(lm__mode_speed(LM__MODE_BUS), 20.0);
  cr_expect_eq(lm__mode_speed(LM__MODE_CAR), 35.0);
  cr_expect_eq(lm__mode_speed(LM__MODE_NONE), 20.0, "unknown is the bus");
  cr_expect_eq(lm__mode_speed(99), 20.0);
}

Test(geo, commute_minutes_follow_the_detour_model)
{
  /* 3 km straight, x 1.3 = 3.9 km; by bike at 15 km/h: 15.6 minutes. */
  cr_expect_float_eq(lm__commute_minutes(3.0, LM__MODE_BIKE), 15.6, 1e-12,
                     "bike");
  cr_expect_float_eq(lm__commute_minutes(3.0, LM__MODE_WALK), 46.8, 1e-12,
                     "walk");
  cr_expect_float_eq(lm__commute_minutes(10.0, LM__MODE_CAR),
                     10 * 1.3 / 35 * 60, 1e-12, "car");
  /* 15 minutes by bike reach 15/60 x 15 / 1.3 km. */
  cr_expect_float_eq(lm__reach_km(15, LM__MODE_BIKE), 2.884615384615385,
                     1e-12, "bike reach");
}

Test(geo, commute_minutes_and_reach_are_inverse)
{
  static const double minutes[] = {0.5, 5, 15, 20, 30, 45, 60, 120, 600};
  int mode;
  size_t i;

  for (mode = LM__MODE_NONE; mode <= LM__MODE_CAR; mode++)
    for (i = 0; i < sizeof minutes / sizeof *minutes; i++) {
      double km = lm__reach_km(minutes[i], mode);
      cr_expect_float_eq(lm__commute_minutes(km, mode), minutes[i],
                         1e-12 * minutes[i], "mode %d, %g min", mode,
                         minutes[i]);
      cr_expect_float_eq(lm__reach_km(lm__commute_minutes(km, mode), mode),
                         km, 1e-12 * km, "mode %d, %g km", mode, km);
    }
}

Test(geo, shifts_and_groups_are_bits)
{
  cr_expect_eq(lm__shift_bit("day"), LM__SHIFT_DAY);
  cr_expect_eq(lm__shift_bit("night"), LM__SHIFT_NIGHT);
  cr_expect_eq(lm__shift_bit("rotating"), LM__SHIFT_ROTATING);
  cr_expect_eq(lm__shift_bit("flexible"), LM__SHIFT_FLEXIBLE);
  cr_expect_eq(lm__shift_bit("part-time"), LM__SHIFT_PART_TIME);
  cr_expect_eq(lm__shift_bit("siesta"), 0);
  cr_expect_eq(lm__shift_bit(NULL), 0);

  cr_expect_eq(lm__group_bit("graduate"), 1 << 0);
  cr_expect_eq(lm__group_bit("returning-migrant"), 1 << 1);
  cr_expect_eq(lm__group_bit("retired-fisher"), 1 << 2);
  cr_expect_eq(lm__group_bit("older-worker"), 1 << 3);
  cr_expect_eq(lm__group_bit("veteran"), 1 << 4);
  cr_expect_eq(lm__group_bit("disabled"), 1 << 5);
  cr_expect_eq(lm__group_bit("poverty-alleviated"), 1 << 6);
  cr_expect_eq(lm__group_bit("zero-employment-family"), 1 << 7);
  cr_expect_eq(lm__group_bit("new-resident"), 1 << 8);
  cr_expect_eq(lm__group_bit("就业困难人员"), 0, "kept, but no bit");
  cr_expect_eq(lm__group_bit(NULL), 0);
}

Test(geo, occupation_codes_parse_into_levels)
{
  lm__occ o;

  cr_assert(lm__occ_parse("6-18-01-01", &o));
  cr_expect_eq(o.len, 4);
  cr_expect(o.level[0] == 6 && o.level[1] == 18 && o.level[2] == 1 &&
            o.level[3] == 1);
  cr_assert(lm__occ_parse("6-18", &o));
  cr_expect_eq(o.len, 2);
  cr_expect(o.level[0] == 6 && o.level[1] == 18 && o.level[2] == 0);
  cr_assert(lm__occ_parse("4", &o));
  cr_expect_eq(o.len, 1);
  cr_assert(lm__occ_parse("2-255-0-9", &o));
  cr_expect_eq(o.level[1], 255);
}

Test(geo, bad_occupation_codes_are_refused)
{
  static const char *const bad[] = {
      "",       "-",        "6-",        "-6",          "6--18",
      "6-18-",  "6-256",    "6-18-01-01-01", "6.18",    "六-18",
      "6-18a",  " 6-18",    "6-00018",   "1000",        "6-18-01-1x",
  };
  size_t i;
  lm__occ o;

  for (i = 0; i < sizeof bad / sizeof *bad; i++) {
    memset(&o, 0xAA, sizeof o);
    cr_expect_eq(lm__occ_parse(bad[i], &o), 0, "'%s' accepted", bad[i]);
    cr_expect_eq(o.len, 0, "'%s' left a length", bad[i]);
  }
  cr_expect_eq(lm__occ_parse(NULL, &o), 0);
}

Test(geo, occupation_codes_share_levels_from_the_top)
{
  lm__occ a = occ("6-18-01-01"), b = occ("6-18-01-02"), c = occ("6-18"),
          d = occ("6-19-01-01"), e = occ("2-18-01-01");

  cr_expect_eq(lm__occ_shared(&a, &a), 4);
  cr_expect_eq(lm__occ_shared(&a, &b), 3);
  cr_expect_eq(lm__occ_shared(&a, &c), 2);
  cr_expect_eq(lm__occ_shared(&c, &a), 2);
  cr_expect_eq(lm__occ_shared(&a, &d), 1);
  cr_expect_eq(lm__occ_shared(&a, &e), 0, "only from the top");
}

/* --------------------------------------------------------- hard filters */

/* The filter `bit` alone excludes the pair, and relaxing it includes it. */
static void excludes_until_relaxed(lm__scorer sc, const lm__seekerf *s,
                                   const lm__jobf *j, unsigned int bit)
{
  double score = -1;

  cr_assert_eq(lm__filter(&sc, s, j), bit, "filter bits %#x, want %#x",
               lm__filter(&sc, s, j), bit);
  cr_assert_neq(lm__filter_score(&sc, s, j, &score, NULL), 0);
  cr_assert_eq(score, -1, "an excluded pair is not scored");
  sc.relax = bit;
  cr_assert_eq(lm__filter(&sc, s, j), 0, "relaxing %#x", bit);
  cr_assert_eq(lm__filter_score(&sc, s, j, &score, NULL), 0);
}

Test(score, blank_pair_passes_every_filter)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
}

Test(score, expired_job_is_excluded_until_closed_is_relaxed)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  j.expires = TODAY - 1;
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_CLOSED);
  j.expires = TODAY;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "open on its last day");
}

Test(score, job_posted_later_is_excluded_until_closed_is_relaxed)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  j.posted = TODAY + 1;
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_CLOSED);
  j.posted = TODAY;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "open on the day it is posted");
}

Test(score, removed_record_stays_excluded_when_closed_is_relaxed)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  sc.relax = ~0u;
  j.closed = 1;
  cr_expect_eq(lm__filter(&sc, &s, &j), LM_FILTER_CLOSED);
  j.closed = 0;
  s.closed = 1;
  cr_expect_eq(lm__filter(&sc, &s, &j), LM_FILTER_CLOSED);
}

Test(score, age_outside_range_is_excluded_until_relaxed)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  j.age_min = 18, j.age_max = 45;
  s.birth_year = 1974; /* 52 in 2026 */
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_AGE);
  s.birth_year = 2010; /* 16 */
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_AGE);
  s.birth_year = 1981; /* 45: the bounds are inclusive */
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
  s.birth_year = 2008; /* 18 */
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
  s.birth_year = 0; /* unknown */
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
  s.birth_year = 1974;
  j.age_min = j.age_max = 0; /* the job says nothing */
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
  j.age_max = 50; /* an upper bound alone */
  cr_expect_eq(lm__filter(&sc, &s, &j), LM_FILTER_AGE);
}

Test(score, age_is_counted_by_the_calendar_year)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  j.age_max = 45;
  s.birth_year = 1981;
  sc.today = day(2026, 12, 31);
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "45 on new year's eve");
  sc.today = day(2027, 1, 1);
  cr_expect_eq(lm__filter(&sc, &s, &j), LM_FILTER_AGE, "46 next day");
}

/* Each thread asks about a different day, in turn with the others. */
static void *ages_on_another_day(void *arg)
{
  int year = 2020 + (int)(intptr_t)arg, i;
  lm__scorer sc;
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  intptr_t wrong = 0;

  lm__scorer_init(&sc, day(year, 6, 1));
  j.age_max = 45;
  for (i = 0; i < 200000; i++) {
    s.birth_year = (uint16_t)(year - 45 - (i & 1)); /* 45, then 46 */
    wrong += lm__filter(&sc, &s, &j) != ((i & 1) ? LM_FILTER_AGE : 0u);
  }
  return (void *)wrong;
}

Test(score, threads_asking_about_different_days_get_their_own_ages)
{
  pthread_t t[4];
  intptr_t k;
  void *wrong;

  for (k = 0; k < 4; k++)
    cr_assert_eq(pthread_create(&t[k], NULL, ages_on_another_day,
                                (void *)k),
                 0);
  for (k = 0; k < 4; k++) {
    pthread_join(t[k], &wrong);
    cr_expect_eq((intptr_t)wrong, 0, "thread %ld", (long)k);
  }
}

Test(score, education_below_minimum_is_excluded_until_relaxed)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  j.edu_min = edu(LM__EDU_SECONDARY_VOCATIONAL);
  s.edu = edu(LM__EDU_JUNIOR_MIDDLE);
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_EDUCATION);
  s.edu = 0; /* unknown against a real requirement */
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_EDUCATION);
  s.edu = edu(LM__EDU_SENIOR_HIGH); /* ranks with secondary-vocational */
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
  s.edu = edu(LM__EDU_BACHELOR);
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
  s.edu = 0;
  j.edu_min = edu(LM__EDU_NONE); /* "不限" */
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
  j.edu_min = 0;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
}

Test(score, missing_certificate_is_excluded_until_relaxed)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  uint32_t need[] = {1, 3}, have[] = {1, 2}, all[] = {1, 2, 3};

  j.certs = need, j.ncerts = 2;
  s.certs = have, s.ncerts = 2;
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_CERTIFICATE);
  s.ncerts = 0;
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_CERTIFICATE);
  s.certs = all, s.ncerts = 3;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
}

Test(score, commute_beyond_mobility_is_excluded_until_relaxed)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  /* 16.85 km straight: by bike 87.6 minutes, by car 37.5. */
  s.lat = HSG_LAT, s.lon = HSG_LON, s.has_loc = 1;
  j.lat = DAYE_LAT, j.lon = DAYE_LON, j.has_loc = 1;
  s.mode = LM__MODE_BIKE, s.minutes = 15;
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_COMMUTE);
  s.minutes = 90;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "87.6 <= 90");
  s.minutes = 87;
  cr_expect_eq(lm__filter(&sc, &s, &j), LM_FILTER_COMMUTE, "87.6 > 87");
  /* Query overrides. */
  sc.commute_minutes = 120;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "minutes override");
  sc.commute_minutes = 40;
  sc.commute_mode = LM__MODE_CAR;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "car: 37.5 <= 40");
  sc.commute_minutes = 35;
  cr_expect_eq(lm__filter(&sc, &s, &j), LM_FILTER_COMMUTE, "37.5 > 35");
  /* Either side without a location: no evidence, no exclusion. */
  sc = scorer();
  s.minutes = 15;
  j.has_loc = 0;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
  j.has_loc = 1;
  s.has_loc = 0;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
}

Test(score, seeker_without_mobility_gets_thirty_minutes_by_bus)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  float dlat;

  s.lat = HSG_LAT, s.lon = HSG_LON, s.has_loc = 1;
  j.lon = HSG_LON, j.has_loc = 1;
  /* Along a meridian: 30 minutes by bus reach 30/60 x 20 / 1.3 = 7.69 km,
   * 0.0692 degrees of latitude. */
  dlat = 0.0685f;
  j.lat = HSG_LAT + dlat;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "7.62 km: 29.7 minutes");
  dlat = 0.0700f;
  j.lat = HSG_LAT + dlat;
  cr_expect_eq(lm__filter(&sc, &s, &j), LM_FILTER_COMMUTE,
               "7.78 km: 30.4 minutes");
  s.mode = LM__MODE_WALK; /* a mode but no minutes: 30 minutes walking */
  j.lat = HSG_LAT + 0.0200f; /* 2.22 km: 34.7 minutes on foot */
  cr_expect_eq(lm__filter(&sc, &s, &j), LM_FILTER_COMMUTE);
  s.mode = 0;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "8.7 minutes by bus");
}

Test(score, commute_reach_bounds_every_pair_the_filter_keeps)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  int mode, minutes, i;

  s.lat = HSG_LAT, s.lon = HSG_LON, s.has_loc = 1;
  j.has_loc = 1;
  for (mode = 0; mode <= LM__MODE_CAR; mode++)
    for (minutes = 0; minutes <= 60; minutes += 15) {
      double reach;

      s.mode = (uint8_t)mode, s.minutes = (uint16_t)minutes;
      reach = lm__commute_reach_km(&sc, &s);
      for (i = -50; i <= 50; i++) {
        double km;

        j.lat = HSG_LAT + (float)i * 0.002f;
        j.lon = HSG_LON + (float)(i % 7) * 0.003f;
        km = lm__distance_km(s.lat, s.lon, j.lat, j.lon);
        if (lm__filter(&sc, &s, &j) == 0)
          cr_assert(km <= reach, "mode %d %d min: %.9f km kept, reach %.9f",
                    mode, minutes, km, reach);
        else
          cr_assert(km > reach * (1 - 1e-8), "excluded well inside reach");
      }
    }
}

Test(score, pay_below_minimum_is_excluded_until_relaxed)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  s.sal_min = 4500;
  j.sal_min = 3000, j.sal_max = 4000;
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_SALARY);
  j.sal_max = 4500;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "the maximum reaches it");
  j.sal_max = 4000;
  j.negotiable = 1;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "negotiable");
  j.negotiable = 0;
  j.sal_max = -1; /* "3000 起": no maximum */
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
  j.sal_max = 4000;
  s.sal_min = -1;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
}

Test(score, windows_apart_are_excluded_until_relaxed)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  j.win_from = day(2026, 12, 1), j.win_to = day(2027, 2, 28);
  s.win_from = day(2027, 3, 1);
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_WINDOW);
  s.win_from = LM__NO_DAY, s.win_to = day(2026, 11, 30);
  excludes_until_relaxed(sc, &s, &j, LM_FILTER_WINDOW);
  s.win_to = day(2026, 12, 1);
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "one day in common");
  s.win_from = s.win_to = LM__NO_DAY;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "seeker always available");
  s.win_from = day(2027, 3, 1);
  j.win_to = LM__NO_DAY; /* from 1 December on */
  cr_expect_eq(lm__filter(&sc, &s, &j), 0);
  j.win_from = j.win_to = LM__NO_DAY;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0, "a standing job");
}

Test(score, filters_report_every_excluding_bit)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  uint32_t need[] = {2};

  j.expires = TODAY - 10;
  j.age_max = 30, s.birth_year = 1970;
  j.edu_min = edu(LM__EDU_BACHELOR);
  j.certs = need, j.ncerts = 1;
  s.lat = HSG_LAT, s.lon = HSG_LON, s.has_loc = 1, s.minutes = 10;
  j.lat = DAYE_LAT, j.lon = DAYE_LON, j.has_loc = 1;
  j.sal_max = 3000, s.sal_min = 5000;
  j.win_to = day(2026, 1, 1), s.win_from = day(2026, 6, 1);
  cr_expect_eq(lm__filter(&sc, &s, &j), 0x7Fu);
  sc.relax = LM_FILTER_AGE | LM_FILTER_COMMUTE;
  cr_expect_eq(lm__filter(&sc, &s, &j), 0x7Fu & ~sc.relax);
}

/* ------------------------------------------------------------ components */

Test(score, skills_cover_required_by_rarity_and_preferred)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  static const float idf[] = {0, 2.0f, 1.0f, 0.5f, 3.0f};
  uint32_t js[] = {1, 2, 3, 4, 9}; /* required 1 2 3; preferred 4 9 */
  uint32_t ss[] = {1, 3, 9};
  double want;

  sc.idf = idf, sc.nidf = 5;
  j.skills = js, j.nreq = 3, j.npref = 2;
  s.skills = ss, s.nskills = 3;
  /* Required: (2 + 0.5) / 3.5.  Preferred: 9 is past the table (idf 1):
   * 1 / (3 + 1). */
  want = 0.8 * (2.5 / 3.5) + 0.2 * (1.0 / 4.0);
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_SKILLS), want, 1e-12, "both");
  j.npref = 0;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_SKILLS), 2.5 / 3.5, 1e-12,
                     "required only");
  j.skills = js + 3, j.nreq = 0, j.npref = 2;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_SKILLS), 0.25, 1e-12,
                     "preferred only");
  j.npref = 0;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_SKILLS), 0.3, 1e-12,
                     "a job naming no skill");
  /* Without rarities every skill counts 1. */
  sc.idf = NULL, sc.nidf = 0;
  j.skills = js, j.nreq = 3;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_SKILLS), 2.0 / 3.0, 1e-12,
                     "plain count");
  s.nskills = 0;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_SKILLS), 0.0);
}

Test(score, skills_fit_matches_a_plain_count_on_random_lists)
{
  lm__scorer sc = scorer();
  uint32_t have[40], need[12];
  int i;

  for (i = 0; i < 50000; i++) {
    lm__seekerf s = blank_seeker();
    lm__jobf j = blank_job();
    uint32_t nh = 0, nn = 0, id, hit = 0, k, m;

    /* Ids drawn from a small range so that hits are common. */
    for (id = (uint32_t)(i % 3); id < 60 && nh < 40;
         id += 1 + (uint32_t)(i * 7 + id) % 4)
      have[nh++] = id;
    nh = (uint32_t)i % (nh + 1);
    for (id = (uint32_t)(i % 5); id < 60 && nn < 12;
         id += 1 + (uint32_t)(i * 13 + id * 3) % 7)
      need[nn++] = id;
    for (k = 0; k < nn; k++)
      for (m = 0; m < nh; m++)
        hit += have[m] == need[k];
    s.skills = have, s.nskills = (uint16_t)nh;
    j.skills = need, j.nreq = (uint16_t)nn;
    cr_assert_float_eq(fit(&sc, &s, &j, LM_C_SKILLS),
                       nn ? (double)hit / nn : 0.3, 1e-12, "case %d", i);
  }
}

Test(score, occupation_counts_shared_levels_and_preferred_prefixes)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  lm__occ pref[2];

  j.occ = occ("6-18-01-02");
  s.occ = occ("6-18-01-01");
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_OCCUPATION), 0.75, 1e-12,
                     "3 of 4 levels of experience");
  pref[0] = occ("6-19");
  s.pref_occ = pref, s.npref_occ = 1;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_OCCUPATION), 0.75, 1e-12,
                     "a weaker preference does not lower it");
  s.occ.len = 0;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_OCCUPATION), 0.25, 1e-12,
                     "1 of the prefix's 2 levels, halved");
  pref[1] = occ("6-18");
  s.npref_occ = 2;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_OCCUPATION), 1.0, 1e-12,
                     "under a preferred prefix");
  pref[1] = occ("6-18-02");
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_OCCUPATION), 0.5 * 2.0 / 3.0,
                     1e-12, "2 of 3 levels, halved");
  j.occ.len = 0;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_OCCUPATION), 0.0, "no code");
}

Test(score, commute_fit_falls_with_minutes)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  double km, minutes;

  s.lat = HSG_LAT, s.lon = HSG_LON, s.has_loc = 1;
  s.mode = LM__MODE_BIKE, s.minutes = 15;
  j.lat = HSG_LAT + 0.01f, j.lon = HSG_LON, j.has_loc = 1;
  km = haversine_ref(s.lat, s.lon, j.lat, j.lon);
  minutes = km * 1.3 / 15.0 * 60.0; /* about 5.8 */
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_COMMUTE), 1 - minutes / 15,
                     1e-9, "");
  sc.commute_minutes = 30;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_COMMUTE), 1 - minutes / 30,
                     1e-9, "override");
  sc = scorer();
  j.lat = s.lat;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_COMMUTE), 1.0, "same place");
  j.lat = DAYE_LAT, j.lon = DAYE_LON;
  sc.relax = LM_FILTER_COMMUTE;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_COMMUTE), 0.0, "beyond the limit");
  j.has_loc = 0;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_COMMUTE), 0.5, "unknown");
}

Test(score, salary_fit_is_half_at_the_minimum_and_whole_at_twice)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  s.sal_min = 4500;
  j.sal_min = 5000, j.sal_max = 8000;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_SALARY), 0.5 + 3500.0 / 9000,
                     1e-12, "the maximum counts");
  j.sal_max = -1;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_SALARY), 0.5 + 500.0 / 9000,
                     1e-12, "the minimum when no maximum");
  j.sal_max = 9000;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_SALARY), 1.0);
  j.sal_max = 12000;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_SALARY), 1.0, "capped");
  j.sal_max = 4500;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_SALARY), 0.5);
  j.sal_max = 1000;
  sc.relax = LM_FILTER_SALARY;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_SALARY), 0.5 - 3500.0 / 9000,
                     1e-12, "below the minimum");
  j.negotiable = 1;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_SALARY), 0.5, "negotiable");
  j.negotiable = 0;
  s.sal_min = -1;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_SALARY), 0.5, "no expectation");
  s.sal_min = 4500;
  j.sal_min = j.sal_max = -1;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_SALARY), 0.5, "pay not stated");
}

Test(score, education_fit_weighs_level_and_experience)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  j.edu_min = edu(LM__EDU_SECONDARY_VOCATIONAL), j.exp_years = 1;
  s.edu = edu(LM__EDU_BACHELOR), s.exp_years = 2;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_EDUCATION), 1.0);
  j.exp_years = 4, s.exp_years = 1;
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_EDUCATION), 0.5 + 0.5 * 0.25,
                     1e-12, "");
  s.edu = edu(LM__EDU_PRIMARY), s.exp_years = 0;
  sc.relax = LM_FILTER_EDUCATION;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_EDUCATION), 0.0);
  j.edu_min = 0, j.exp_years = 0;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_EDUCATION), 1.0, "asks nothing");
}

Test(score, preference_is_the_mean_over_stated_kinds)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  uint32_t ind[] = {1};

  cr_expect_eq(fit(&sc, &s, &j, LM_C_PREFERENCE), 0.5, "none stated");
  s.pref_ind = ind, s.npref_ind = 1;
  j.industry = 1;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_PREFERENCE), 1.0);
  s.pref_shifts = LM__SHIFT_DAY;
  j.shift = LM__SHIFT_NIGHT;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_PREFERENCE), 0.5, "one of two");
  j.industry = 2;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_PREFERENCE), 0.0);
  j.industry = 0, j.shift = LM__SHIFT_DAY;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_PREFERENCE), 0.75,
               "an unstated industry is neutral");
}

Test(score, window_fit_is_the_share_of_the_job_window)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  cr_expect_eq(fit(&sc, &s, &j, LM_C_WINDOW), 1.0, "no windows");
  j.win_from = day(2026, 12, 1), j.win_to = day(2027, 2, 28); /* 90 days */
  cr_expect_eq(fit(&sc, &s, &j, LM_C_WINDOW), 1.0, "seeker always free");
  s.win_from = day(2027, 1, 1); /* 59 of the 90 */
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_WINDOW), 59.0 / 90, 1e-12, "");
  s.win_from = day(2026, 11, 1), s.win_to = day(2026, 12, 10);
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_WINDOW), 10.0 / 90, 1e-12, "");
  /* A job from 1 December on, measured up to the seeker's own end. */
  j.win_to = LM__NO_DAY;
  s.win_from = day(2026, 12, 16), s.win_to = day(2027, 1, 31);
  cr_expect_float_eq(fit(&sc, &s, &j, LM_C_WINDOW), 47.0 / 62, 1e-12, "");
  s.win_to = LM__NO_DAY;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_WINDOW), 1.0, "both open-ended");
  sc.relax = LM_FILTER_WINDOW;
  j.win_from = day(2026, 1, 1), j.win_to = day(2026, 1, 31);
  cr_expect_eq(fit(&sc, &s, &j, LM_C_WINDOW), 0.0, "apart");
}

Test(score, priority_and_freshness)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();

  j.groups = (uint32_t)lm__group_bit("retired-fisher");
  s.groups = (uint32_t)(lm__group_bit("graduate") |
                        lm__group_bit("retired-fisher"));
  cr_expect_eq(fit(&sc, &s, &j, LM_C_PRIORITY), 1.0);
  s.groups = (uint32_t)lm__group_bit("graduate");
  cr_expect_eq(fit(&sc, &s, &j, LM_C_PRIORITY), 0.0);

  cr_expect_eq(fit(&sc, &s, &j, LM_C_FRESHNESS), 0.5, "no date");
  j.posted = TODAY;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_FRESHNESS), 1.0);
  j.posted = TODAY - 15;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_FRESHNESS), 0.75);
  j.posted = TODAY - 60;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_FRESHNESS), 0.0);
  j.posted = TODAY - 400;
  cr_expect_eq(fit(&sc, &s, &j, LM_C_FRESHNESS), 0.0);
}

/* ------------------------------------------------------------- exactness */

/* A pair of features with its arrays, filled at random. */
typedef struct pair {
  lm__seekerf s;
  lm__jobf j;
  uint32_t jskills[12], jcerts[3], sskills[12], scerts[4], sind[3];
  lm__occ socc[2];
} pair;

static uint64_t rnd_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
  rnd_state ^= rnd_state << 13;
  rnd_state ^= rnd_state >> 7;
  rnd_state ^= rnd_state << 17;
  return (uint32_t)((rnd_state >> 16) % n);
}

/* n distinct ascending ids below 16 into a. */
static uint16_t rnd_ids(uint32_t *a, uint32_t max_n)
{
  uint16_t n = 0;
  uint32_t id, want = rnd(max_n + 1);

  for (id = 1; id < 16 && n < want; id++)
    if (rnd(3) == 0)
      a[n++] = id;
  return n;
}

static int32_t rnd_day(void)
{
  return rnd(4) == 0 ? LM__NO_DAY : TODAY - 200 + (int32_t)rnd(400);
}

static lm__occ rnd_occ(void)
{
  lm__occ o;

  memset(&o, 0, sizeof o);
  o.len = (uint8_t)rnd(5);
  for (int i = 0; i < o.len; i++)
    o.level[i] = (uint8_t)(1 + rnd(2));
  return o;
}

static void rnd_pair(pair *p)
{
  uint16_t nreq, npref;

  p->j = blank_job();
  p->s = blank_seeker();
  nreq = rnd_ids(p->jskills, 5);
  npref = rnd_ids(p->jskills + nreq, 5);
  p->j.skills = p->jskills, p->j.nreq = nreq, p->j.npref = npref;
  p->j.certs = p->jcerts, p->j.ncerts = rnd(4) ? 0 : rnd_ids(p->jcerts, 1);
  p->s.skills = p->sskills, p->s.nskills = rnd_ids(p->sskills, 10);
  p->s.certs = p->scerts, p->s.ncerts = rnd_ids(p->scerts, 3);
  p->s.pref_ind = p->sind, p->s.npref_ind = rnd_ids(p->sind, 2);
  p->s.pref_occ = p->socc, p->s.npref_occ = (uint16_t)rnd(3);
  p->socc[0] = rnd_occ(), p->socc[1] = rnd_occ();
  p->j.occ = rnd_occ(), p->s.occ = rnd_occ();
  p->j.has_loc = rnd(5) != 0, p->s.has_loc = rnd(5) != 0;
  p->j.lat = 30.0f + (float)rnd(1000) / 2000;
  p->j.lon = 114.8f + (float)rnd(1000) / 2000;
  p->s.lat = 30.0f + (float)rnd(1000) / 2000;
  p->s.lon = 114.8f + (float)rnd(1000) / 2000;
  p->s.mode = (uint8_t)rnd(6), p->s.minutes = (uint16_t)(rnd(4) * 15);
  p->j.shift = (uint8_t)(rnd(2) ? 1 << rnd(5) : 0);
  p->s.pref_shifts = (uint8_t)rnd(32);
  p->j.edu_min = (uint8_t)rnd(9), p->s.edu = (uint8_t)rnd(9);
  p->j.age_min = (uint8_t)(rnd(2) ? 16 + rnd(10) : 0);
  p->j.age_max = (uint8_t)(rnd(2) ? 35 + rnd(25) : 0);
  p->s.birth_year = (uint16_t)(rnd(5) ? 1960 + rnd(50) : 0);
  p->j.exp_years = (uint8_t)rnd(5), p->s.exp_years = (uint8_t)rnd(10);
  p->j.negotiable = rnd(8) == 0;
  p->j.sal_min = rnd(4) ? 2000 + (int32_t)rnd(6000) : -1;
  p->j.sal_max = rnd(3) ? p->j.sal_min + (int32_t)rnd(6000) : -1;
  p->s.sal_min = rnd(3) ? 2500 + (int32_t)rnd(6000) : -1;
  p->j.industry = rnd(4);
  p->j.groups = rnd(3) ? 0 : 1u << rnd(9);
  p->s.groups = rnd(16);
  p->j.posted = rnd_day(), p->j.expires = rnd_day();
  p->j.win_from = rnd_day(), p->j.win_to = rnd_day();
  p->s.win_from = rnd_day(), p->s.win_to = rnd_day();
}

static void rnd_scorer(lm__scorer *sc)
{
  static const float idf[] = {0, 1.5f, 0.2f, 2.5f, 0.9f, 3.1f, 1.0f, 0.7f};
  int c;

  lm__scorer_init(sc, TODAY);
  sc->idf = idf, sc->nidf = rnd(2) ? 8 : 0;
  if (rnd(3) == 0)
    for (c = 0; c < LM_C_COUNT_; c++)
      sc->weight[c] = rnd(4) ? (double)rnd(10000) / 97.0 : 0.0;
  sc->relax = rnd(4) ? 0 : rnd(256);
  sc->commute_minutes = rnd(4) ? 0 : (int)rnd(90);
  sc->commute_mode = rnd(4) ? 0 : (int)rnd(6);
}

Test(score, default_weights_sum_to_one_hundred)
{
  double sum = 0;
  int c;

  for (c = 0; c < LM_C_COUNT_; c++) {
    cr_expect_gt(lm__default_weight[c], 0.0);
    sum += lm__default_weight[c];
  }
  cr_expect_eq(sum, 100.0);
}

Test(score, a_perfect_pair_scores_exactly_one_hundred)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  uint32_t sk[] = {1, 2}, ind[] = {1};
  double part[LM_C_COUNT_];

  j.skills = sk, j.nreq = 1, j.npref = 1;
  s.skills = sk, s.nskills = 2;
  j.occ = s.occ = occ("6-18-01-01");
  s.lat = j.lat = HSG_LAT, s.lon = j.lon = HSG_LON, s.has_loc = j.has_loc = 1;
  s.sal_min = 4000, j.sal_max = 8000;
  j.industry = 1, s.pref_ind = ind, s.npref_ind = 1;
  j.groups = s.groups = 4;
  j.posted = TODAY;
  cr_expect_eq(lm__score(&sc, &s, &j, part), 100.0);
}

Test(score, contributions_sum_exactly_to_the_score)
{
  int i, c;

  for (i = 0; i < 100000; i++) {
    pair p;
    lm__scorer sc;
    double part[LM_C_COUNT_], part2[LM_C_COUNT_], score, score2 = -1, sum;
    unsigned int bits, bits2;

    rnd_pair(&p);
    rnd_scorer(&sc);
    score = lm__score(&sc, &p.s, &p.j, part);
    sum = 0.0;
    for (c = 0; c < LM_C_COUNT_; c++) {
      cr_assert(part[c] >= 0.0 && part[c] <= sc.weight[c],
                "pair %d: part %d = %g of %g", i, c, part[c], sc.weight[c]);
      sum += part[c];
    }
    cr_assert(memcmp(&sum, &score, sizeof sum) == 0,
              "pair %d: parts add to %.17g, score %.17g", i, sum, score);
    cr_assert_eq(lm__score(&sc, &p.s, &p.j, NULL), score);

    bits = lm__filter(&sc, &p.s, &p.j);
    bits2 = lm__filter_score(&sc, &p.s, &p.j, &score2, part2);
    cr_assert_eq(bits == 0, bits2 == 0, "pair %d: %#x vs %#x", i, bits,
                 bits2);
    cr_assert_eq(bits2 & ~bits, 0, "pair %d: bits beyond lm__filter's", i);
    cr_assert_eq(bits & sc.relax & ~(unsigned)LM_FILTER_CLOSED, 0,
                 "a relaxed filter excluded");
    if (bits == 0) {
      cr_assert(memcmp(&score2, &score, sizeof score) == 0, "pair %d", i);
      cr_assert(memcmp(part2, part, sizeof part) == 0, "pair %d", i);
    }
  }
}

Test(score, weight_overrides_scale_the_parts)
{
  int i, c;

  for (i = 0; i < 20000; i++) {
    pair p;
    lm__scorer sc, sc2;
    double part[LM_C_COUNT_], part2[LM_C_COUNT_], score, score2;

    rnd_pair(&p);
    rnd_scorer(&sc);
    sc2 = sc;
    for (c = 0; c < LM_C_COUNT_; c++)
      sc2.weight[c] = 2.0 * sc.weight[c];
    score = lm__score(&sc, &p.s, &p.j, part);
    score2 = lm__score(&sc2, &p.s, &p.j, part2);
    cr_assert_eq(score2, 2.0 * score, "doubling is exact");
    /* Switching one component off takes exactly its part away. */
    c = (int)rnd(LM_C_COUNT_);
    sc2 = sc;
    sc2.weight[c] = 0.0;
    lm__score(&sc2, &p.s, &p.j, part2);
    cr_assert_eq(part2[c], 0.0);
    part[c] = 0.0;
    cr_assert(memcmp(part, part2, sizeof part) == 0);
  }
}

Test(score, score_depends_only_on_the_pair)
{
  int i;

  for (i = 0; i < 20000; i++) {
    pair p, q;
    lm__scorer sc;
    double a, b;

    rnd_pair(&p);
    rnd_scorer(&sc);
    /* The same features copied elsewhere (as each direction of ranking
     * holds them) score the same. */
    q = p;
    q.j.skills = q.jskills, q.j.certs = q.jcerts;
    q.s.skills = q.sskills, q.s.certs = q.scerts, q.s.pref_ind = q.sind;
    q.s.pref_occ = q.socc;
    a = lm__score(&sc, &p.s, &p.j, NULL);
    b = lm__score(&sc, &q.s, &q.j, NULL);
    cr_assert(memcmp(&a, &b, sizeof a) == 0);
    cr_assert(a >= 0.0);
  }
}

/* ---------------------------------------------------------- explanations */

/* The Huangshi example of FORMAT.md, as features. */
static void example(lm__seekerf *s, lm__jobf *j, uint32_t *js, uint32_t *ss,
                    uint32_t *ind)
{
  *j = blank_job();
  *s = blank_seeker();
  js[0] = 1, js[1] = 2, js[2] = 3, js[3] = 4, js[4] = 5; /* required */
  js[5] = 6;                                            /* preferred */
  j->skills = js, j->nreq = 5, j->npref = 1;
  ss[0] = 1, ss[1] = 2, ss[2] = 4, ss[3] = 5;
  s->skills = ss, s->nskills = 4;
  j->occ = occ("6-18-01-01");
  s->occ = occ("6-18-01-01");
  j->industry = 1;
  ind[0] = 1;
  s->pref_ind = ind, s->npref_ind = 1;
  j->lat = 30.2012f, j->lon = 115.0383f, j->has_loc = 1;
  s->lat = 30.2101f, s->lon = 115.0772f, s->has_loc = 1;
  s->mode = LM__MODE_BIKE, s->minutes = 30; /* 3.87 km: 20.1 minutes */
  j->sal_min = 5000, j->sal_max = 8000, s->sal_min = 4500;
  j->shift = LM__SHIFT_DAY, s->pref_shifts = LM__SHIFT_DAY;
  j->edu_min = edu(LM__EDU_SECONDARY_VOCATIONAL);
  s->edu = edu(LM__EDU_BACHELOR);
  j->exp_years = 1, s->exp_years = 2;
  j->age_min = 18, j->age_max = 45, s->birth_year = 2003;
  j->groups = (uint32_t)lm__group_bit("retired-fisher");
  s->groups = (uint32_t)lm__group_bit("retired-fisher");
  j->posted = TODAY - 3;
  j->win_from = day(2026, 12, 1), j->win_to = day(2027, 2, 28);
  s->win_from = day(2026, 12, 1);
}

Test(score, explanation_gives_each_component_with_its_values)
{
  lm__scorer sc = scorer();
  lm__seekerf s;
  lm__jobf j;
  uint32_t js[6], ss[4], ind[1];
  lm__buf r[LM_C_COUNT_];

  example(&s, &j, js, ss, ind);
  cr_assert_eq(lm__filter(&sc, &s, &j), 0);
  explain(&sc, &s, &j, r);
  expect_has(&r[LM_C_SKILLS], "技能 4/5：数控车床、CAD制图、叉车、电工");
  expect_has(&r[LM_C_SKILLS], "加分技能 0/1");
  expect_has(&r[LM_C_OCCUPATION], "6-18-01-01");
  expect_has(&r[LM_C_COMMUTE], "通勤约20分钟（自行车）");
  expect_has(&r[LM_C_SALARY], "薪资 5000–8000，高于期望 4500");
  expect_has(&r[LM_C_EDUCATION], "学历 本科，满足 高中/中专及以上");
  expect_has(&r[LM_C_EDUCATION], "经验 2年，要求 1年");
  expect_has(&r[LM_C_PREFERENCE], "智能制造");
  expect_has(&r[LM_C_PREFERENCE], "白班");
  expect_has(&r[LM_C_WINDOW], "2026-12-01至2027-02-28");
  expect_has(&r[LM_C_WINDOW], "100%");
  expect_has(&r[LM_C_PRIORITY], "岗位优先：退捕渔民");
  expect_has(&r[LM_C_FRESHNESS], "发布 3天前");
  free_reasons(r);
}

Test(score, explanation_lists_at_most_five_names)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  uint32_t sk[] = {1, 2, 3, 4, 5, 6, 7, 8};
  lm__buf r[LM_C_COUNT_];

  j.skills = sk, j.nreq = 8;
  s.skills = sk, s.nskills = 7;
  explain(&sc, &s, &j, r);
  cr_expect_str_eq(lm__buf_cstr(&r[LM_C_SKILLS]),
                   "技能 7/8：数控车床、CAD制图、焊工、叉车、电工…");
  free_reasons(r);
}

Test(score, explanation_is_silent_for_a_component_weighed_at_nothing)
{
  lm__scorer sc = scorer();
  lm__seekerf s;
  lm__jobf j;
  uint32_t js[6], ss[4], ind[1];
  lm__buf r[LM_C_COUNT_];

  example(&s, &j, js, ss, ind);
  sc.weight[LM_C_SALARY] = 0;
  explain(&sc, &s, &j, r);
  cr_expect_str_eq(lm__buf_cstr(&r[LM_C_SALARY]), "");
  cr_expect_str_neq(lm__buf_cstr(&r[LM_C_SKILLS]), "");
  free_reasons(r);
}

Test(score, filter_explanation_says_why_with_the_values)
{
  lm__scorer sc = scorer();
  lm__seekerf s;
  lm__jobf j;
  uint32_t js[6], ss[4], ind[1], need[] = {1, 2}, have[] = {2};
  lm__buf out = {NULL, 0, 0};
  unsigned int bits;

  example(&s, &j, js, ss, ind);
  s.birth_year = 1974;
  j.certs = need, j.ncerts = 2;
  s.certs = have, s.ncerts = 1;
  s.minutes = 10;
  bits = lm__filter(&sc, &s, &j);
  cr_assert_eq(bits, LM_FILTER_AGE | LM_FILTER_CERTIFICATE |
                         LM_FILTER_COMMUTE);
  cr_assert_eq(lm__explain_filters(&sc, &s, &j, bits, name_of, NULL, &out),
               LM_OK);
  cr_expect_str_eq(lm__buf_cstr(&out), "年龄 52 岁，超出 18–45；"
                                       "缺少证书：焊工证；"
                                       "通勤约20分钟（自行车），超出 10 分钟");

  example(&s, &j, js, ss, ind);
  j.expires = TODAY - 1;
  s.sal_min = 9000;
  s.edu = edu(LM__EDU_JUNIOR_MIDDLE);
  s.win_from = day(2027, 3, 1);
  bits = lm__filter(&sc, &s, &j);
  cr_assert_eq(lm__explain_filters(&sc, &s, &j, bits, name_of, NULL, &out),
               LM_OK);
  cr_expect_str_eq(lm__buf_cstr(&out),
                   "岗位已于 2026-12-14 截止；"
                   "学历 初中，低于 高中/中专及以上；"
                   "最高薪资 8000，低于期望 9000；"
                   "用工期 2026-12-01至2027-02-28，与可到岗时间 "
                   "2027-03-01起 不重叠");
  cr_assert_eq(lm__explain_filters(&sc, &s, &j, 0, name_of, NULL, &out),
               LM_OK);
  cr_expect_str_eq(lm__buf_cstr(&out), "", "no bits, no reason");
  lm__buf_free(&out);
}

Test(score, filter_explanation_counts_certificates_it_cannot_name)
{
  lm__scorer sc = scorer();
  lm__seekerf s = blank_seeker();
  lm__jobf j = blank_job();
  uint32_t need[] = {7, 9};
  lm__buf out = {NULL, 0, 0};

  j.certs = need, j.ncerts = 2;
  cr_assert_eq(lm__explain_filters(&sc, &s, &j, LM_FILTER_CERTIFICATE, NULL,
                                   NULL, &out),
               LM_OK);
  cr_expect_str_eq(lm__buf_cstr(&out), "缺少证书 2 项");
  lm__buf_free(&out);
}

/* The longest run of ASCII digits in s. */
static size_t longest_digit_run(const char *s)
{
  size_t best = 0, run = 0;

  for (; *s; s++) {
    run = (*s >= '0' && *s <= '9') ? run + 1 : 0;
    if (run > best)
      best = run;
  }
  return best;
}

Test(score, explanations_carry_no_long_digit_runs)
{
  lm__buf r[LM_C_COUNT_], out = {NULL, 0, 0};
  int i, c;

  memset(r, 0, sizeof r);
  for (i = 0; i < 20000; i++) {
    pair p;
    lm__scorer sc;

    rnd_pair(&p);
    rnd_scorer(&sc);
    cr_assert_eq(lm__explain(&sc, &p.s, &p.j, NULL, name_of, NULL, r),
                 LM_OK);
    for (c = 0; c < LM_C_COUNT_; c++) {
      cr_assert(lm__utf8_valid(r[c].data ? r[c].data : "", r[c].len));
      cr_assert_leq(longest_digit_run(lm__buf_cstr(&r[c])), 8,
                    "'%s'", lm__buf_cstr(&r[c]));
    }
    cr_assert_eq(lm__explain_filters(&sc, &p.s, &p.j, 0xFFu, name_of, NULL,
                                     &out),
                 LM_OK);
    cr_assert(lm__utf8_valid(lm__buf_cstr(&out), out.len));
    cr_assert_leq(longest_digit_run(lm__buf_cstr(&out)), 8, "'%s'",
                  lm__buf_cstr(&out));
  }
  free_reasons(r);
  lm__buf_free(&out);
}

Test(score, explanations_fail_cleanly_without_memory)
{
  lm__scorer sc = scorer();
  lm__seekerf s;
  lm__jobf j;
  uint32_t js[6], ss[4], ind[1];
  lm__buf r[LM_C_COUNT_], out = {NULL, 0, 0};
  long n;
  int rc;

  example(&s, &j, js, ss, ind);
  for (n = 0; n < 40; n++) {
    memset(r, 0, sizeof r);
    lm__alloc_fail_after(n);
    rc = lm__explain(&sc, &s, &j, NULL, name_of, NULL, r);
    lm__alloc_fail_after(-1);
    cr_assert(rc == LM_OK || rc == LM_ENOMEM, "rc %d", rc);
    free_reasons(r);
    lm__alloc_fail_after(n);
    rc = lm__explain_filters(&sc, &s, &j, 0x7Fu, name_of, NULL, &out);
    lm__alloc_fail_after(-1);
    cr_assert(rc == LM_OK || rc == LM_ENOMEM, "rc %d", rc);
    lm__buf_free(&out);
  }
}
