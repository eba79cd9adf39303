/*
 * geo.c: distances, the commute model, and the small vocabularies that
 * the index turns into bits and numbers (shifts, key groups, occupation
 * codes).
 *
 * The distance is the haversine great-circle distance on a sphere of the
 * mean Earth radius.  Scoring asks for it millions of times a second, so
 * it is computed without libm: the sines are Taylor series (a short one
 * for the half-degree arcs commuting is about, the full one otherwise),
 * the cosine of the mean latitude a table of 65 entries corrected by a
 * short series, and the arc sine a series up to about 630 km; only longer
 * arcs call asin().  Every piece is exact to about 1e-17, so the result is
 * the haversine formula to within a few units in the last place, not an
 * approximation of it, and every caller (the grid of the index, the
 * commute filter, the explanations) measures the same distance.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <string.h>

#include "internal.h"

/* Mean Earth radius (IUGG), km. */
#define LM__EARTH_KM 6371.0088
#define LM__PI 3.14159265358979323846
#define LM__RAD (LM__PI / 180.0)

/* Straight-line distance times this is the distance travelled. */
#define LM__DETOUR 1.3

/* ------------------------------------------------------------ commute */

/* Indexed by LM__MODE_; an unknown mode travels as the default one, so
 * that every function here is total. */
static const double lm__speed[] = {
    [LM__MODE_NONE] = 20.0, [LM__MODE_WALK] = 5.0, [LM__MODE_BIKE] = 15.0,
    [LM__MODE_EBIKE] = 20.0, [LM__MODE_BUS] = 20.0, [LM__MODE_CAR] = 35.0,
};

static const char *const lm__mode_words[] = {
    [LM__MODE_WALK] = "walk", [LM__MODE_BIKE] = "bike",
    [LM__MODE_EBIKE] = "ebike", [LM__MODE_BUS] = "bus",
    [LM__MODE_CAR] = "car",
};

static int mode_index(int mode)
{
  return mode <= LM__MODE_NONE || mode > LM__MODE_CAR ? LM__MODE_DEFAULT
                                                      : mode;
}

int lm__mode_code(const char *word)
{
  int m;

  if (word == NULL)
    return LM__MODE_NONE;
  for (m = LM__MODE_WALK; m <= LM__MODE_CAR; m++)
    if (strcmp(word, lm__mode_words[m]) == 0)
      return m;
  return LM__MODE_NONE;
}

double lm__mode_speed(int mode)
{
  return lm__speed[mode_index(mode)];
}

/* Minutes per straight-line km, by mode: one multiplication per pair
 * instead of a division. */
static const double lm__min_per_km[] = {
    [LM__MODE_NONE] = LM__DETOUR * 60.0 / 20.0,
    [LM__MODE_WALK] = LM__DETOUR * 60.0 / 5.0,
    [LM__MODE_BIKE] = LM__DETOUR * 60.0 / 15.0,
    [LM__MODE_EBIKE] = LM__DETOUR * 60.0 / 20.0,
    [LM__MODE_BUS] = LM__DETOUR * 60.0 / 20.0,
    [LM__MODE_CAR] = LM__DETOUR * 60.0 / 35.0,
};

double lm__commute_minutes(double km, int mode)
{
  return km * lm__min_per_km[mode_index(mode)];
}

double lm__reach_km(double minutes, int mode)
{
  return minutes / lm__min_per_km[mode_index(mode)];
}

/* ----------------------------------------------------------- distance */

/* cos and sin of k pi/128, k = 0..64 (17 digits, as Python's math module
 * gives them): the cosine of a latitude is read off the nearest entry and
 * corrected by a short series in what is left (at most pi/256). */
static const double lm__cos_tab[65] = {
    1, 0.99969881869620425, 0.99879545620517241, 0.99729045667869021,
    0.99518472667219693, 0.99247953459870997, 0.98917650996478101,
    0.98527764238894122, 0.98078528040323043, 0.97570213003852857,
    0.97003125319454397, 0.96377606579543984, 0.95694033573220882,
    0.94952818059303667, 0.94154406518302081, 0.93299279883473896,
    0.92387953251128674, 0.91420975570353069, 0.90398929312344334,
    0.89322430119551532, 0.88192126434835505, 0.87008699110871146,
    0.85772861000027212, 0.84485356524970712, 0.83146961230254524,
    0.81758481315158371, 0.80320753148064494, 0.78834642762660634,
    0.77301045336273699, 0.75720884650648457, 0.74095112535495911,
    0.724247082951467, 0.70710678118654757, 0.68954054473706694,
    0.67155895484701833, 0.65317284295377676, 0.63439328416364549,
    0.61523159058062682, 0.59569930449243347, 0.57580819141784534,
    0.55557023301960229, 0.53499761988709726, 0.51410274419322166,
    0.49289819222978409, 0.47139673682599781, 0.4496113296546066,
    0.4275550934302822, 0.40524131400498986, 0.38268343236508984,
    0.35989503653498828, 0.33688985339222005, 0.31368174039889157,
    0.29028467725446233, 0.26671275747489842, 0.24298017990326398,
    0.21910124015686977, 0.19509032201612833, 0.17096188876030136,
    0.14673047445536175, 0.12241067519921628, 0.09801714032956077,
    0.073564563599667454, 0.049067674327418126, 0.024541228522912264, 0.0,
};
static const double lm__sin_tab[65] = {
    0, 0.024541228522912288, 0.049067674327418015, 0.073564563599667426,
    0.098017140329560604, 0.1224106751992162, 0.14673047445536175,
    0.17096188876030122, 0.19509032201612825, 0.2191012401568698,
    0.24298017990326387, 0.26671275747489837, 0.29028467725446233,
    0.31368174039889152, 0.33688985339222005, 0.35989503653498811,
    0.38268343236508978, 0.40524131400498986, 0.42755509343028208,
    0.44961132965460654, 0.47139673682599764, 0.49289819222978404,
    0.51410274419322166, 0.53499761988709715, 0.55557023301960218,
    0.57580819141784534, 0.59569930449243336, 0.61523159058062682,
    0.63439328416364549, 0.65317284295377676, 0.67155895484701833,
    0.68954054473706683, 0.70710678118654746, 0.72424708295146689,
    0.74095112535495911, 0.75720884650648446, 0.77301045336273699,
    0.78834642762660623, 0.80320753148064483, 0.81758481315158371,
    0.83146961230254524, 0.84485356524970701, 0.85772861000027212,
    0.87008699110871135, 0.88192126434835494, 0.89322430119551532,
    0.90398929312344334, 0.91420975570353069, 0.92387953251128674,
    0.93299279883473885, 0.94154406518302081, 0.94952818059303667,
    0.95694033573220894, 0.96377606579543984, 0.97003125319454397,
    0.97570213003852857, 0.98078528040323043, 0.98527764238894122,
    0.98917650996478101, 0.99247953459870997, 0.99518472667219682,
    0.99729045667869021, 0.99879545620517241, 0.99969881869620425, 1.0,
};

/* cos x for |x| <= pi/2 (clamped there; NaN reads as pi/2).  The series
 * in the remainder d end at d^6/720 and d^5/120; the terms left out are
 * below 1e-17. */
static double cos_lat(double x)
{
  double ax = x < 0 ? -x : x, d, d2, c, s;
  int k;

  if (!(ax <= LM__PI / 2))
    ax = LM__PI / 2;
  k = (int)(ax * (128.0 / LM__PI) + 0.5);
  d = ax - k * (LM__PI / 128.0);
  d2 = d * d;
  c = 1.0 + d2 * (-0.5 + d2 * (1.0 / 24.0 - d2 * (1.0 / 720.0)));
  s = d * (1.0 + d2 * (-1.0 / 6.0 + d2 * (1.0 / 120.0)));
  return lm__cos_tab[k] * c - lm__sin_tab[k] * s;
}

/* Half-angle differences below this (0.06 rad, some 380 km: every
 * commute) take the short sine series; x^8/9! < 2e-18 there. */
#define LM__SHORT_ARC 0.03

static double sin_short(double x)
{
  double x2 = x * x;

  return x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 -
                                             x2 * (1.0 / 5040.0))));
}

/* sin x for |x| <= pi/2: Taylor to x^21 (the next term is below 2e-18). */
static double sin_long(double x)
{
  double x2 = x * x;
  double p = 1.0 / 51090942171709440000.0;   /* 1/21! */

  p = p * x2 - 1.0 / 121645100408832000.0;    /* 1/19! */
  p = p * x2 + 1.0 / 355687428096000.0;       /* 1/17! */
  p = p * x2 - 1.0 / 1307674368000.0;         /* 1/15! */
  p = p * x2 + 1.0 / 6227020800.0;            /* 1/13! */
  p = p * x2 - 1.0 / 39916800.0;              /* 1/11! */
  p = p * x2 + 1.0 / 362880.0;                /* 1/9! */
  p = p * x2 - 1.0 / 5040.0;                  /* 1/7! */
  p = p * x2 + 1.0 / 120.0;
  p = p * x2 - 1.0 / 6.0;
  p = p * x2 + 1.0;
  return x * p;
}

/* Below this haversine value (arcs up to about 0.1 rad, 637 km) the arc
 * sine series to h^11 is exact to 1e-17; the next coefficient is
 * 231/13312 and a^6 <= 2.4e-16. */
#define LM__ASIN_SERIES_MAX 0.0025

/* 2 asin(sqrt(a)), the central angle for the haversine value a. */
static double central_angle(double a)
{
  double h = sqrt(a), p;

  if (a > LM__ASIN_SERIES_MAX)
    return 2.0 * asin(h < 1.0 ? h : 1.0);
  /* asin h = h (1 + h^2/6 + 3h^4/40 + 5h^6/112 + 35h^8/1152 + 63h^10/2816) */
  p = 63.0 / 2816.0;
  p = p * a + 35.0 / 1152.0;
  p = p * a + 5.0 / 112.0;
  p = p * a + 3.0 / 40.0;
  p = p * a + 1.0 / 6.0;
  p = p * a + 1.0;
  return 2.0 * h * p;
}

double lm__distance_km(double lat1, double lon1, double lat2, double lon2)
{
  double dlon = lon2 - lon1, hlat, hlon, sdlat, sdlon, cm, a;

  /* The series want |argument| <= pi/2: bring the longitude difference
   * into [-180, 180] (the half angle is then in range). */
  if (dlon > 180.0)
    dlon -= 360.0;
  else if (dlon < -180.0)
    dlon += 360.0;
  hlat = (lat2 - lat1) * (LM__RAD / 2.0);
  hlon = dlon * (LM__RAD / 2.0);
  if (hlat * hlat < LM__SHORT_ARC * LM__SHORT_ARC &&
      hlon * hlon < LM__SHORT_ARC * LM__SHORT_ARC) {
    sdlat = sin_short(hlat);
    sdlon = sin_short(hlon);
  } else {
    sdlat = sin_long(hlat);
    sdlon = sin_long(hlon);
  }
  cm = cos_lat((lat1 + lat2) * (LM__RAD / 2.0));
  sdlat *= sdlat;
  /* cos(lat1) cos(lat2) = cos^2(mean) - sin^2(half difference): one
   * cosine instead of two. */
  a = sdlat + (cm * cm - sdlat) * (sdlon * sdlon);
  if (a < 0.0)
    a = 0.0;
  return LM__EARTH_KM * central_angle(a);
}

/* -------------------------------------------------------- vocabularies */

int lm__shift_bit(const char *word)
{
  static const struct {
    const char *word;
    int bit;
  } shifts[] = {
      {"day", LM__SHIFT_DAY},           {"night", LM__SHIFT_NIGHT},
      {"rotating", LM__SHIFT_ROTATING}, {"flexible", LM__SHIFT_FLEXIBLE},
      {"part-time", LM__SHIFT_PART_TIME},
  };
  size_t i;

  if (word == NULL)
    return 0;
  for (i = 0; i < sizeof shifts / sizeof shifts[0]; i++)
    if (strcmp(word, shifts[i].word) == 0)
      return shifts[i].bit;
  return 0;
}

/* FORMAT.md's order: the bit of a group is 1 << its place here. */
static const char *const lm__groups[LM__NGROUPS] = {
    "graduate",           "returning-migrant", "retired-fisher",
    "older-worker",       "veteran",           "disabled",
    "poverty-alleviated", "zero-employment-family", "new-resident",
};

int lm__group_bit(const char *word)
{
  int i;

  if (word == NULL)
    return 0;
  for (i = 0; i < LM__NGROUPS; i++)
    if (strcmp(word, lm__groups[i]) == 0)
      return 1 << i;
  return 0;
}

const char *lm__group_word(int i)
{
  return i >= 0 && i < LM__NGROUPS ? lm__groups[i] : NULL;
}

int lm__occ_parse(const char *code, lm__occ *out)
{
  const char *p = code;
  lm__occ o;

  memset(&o, 0, sizeof o);
  memset(out, 0, sizeof *out);
  if (p == NULL)
    return 0;
  for (;;) {
    unsigned v = 0;
    int digits = 0;

    while (*p >= '0' && *p <= '9' && digits < 4) {
      v = v * 10 + (unsigned)(*p++ - '0');
      digits++;
    }
    /* An empty level, a fifth digit, a level past 255 or a fifth level
     * make the code bad: a guess could put a job under the wrong
     * occupation. */
    if (digits == 0 || v > 255 || o.len == 4)
      return 0;
    o.level[o.len++] = (uint8_t)v;
    if (*p == '\0')
      break;
    if (*p != '-')
      return 0;
    p++;
  }
  *out = o;
  return 1;
}

int lm__occ_shared(const lm__occ *a, const lm__occ *b)
{
  int n = a->len < b->len ? a->len : b->len, i;
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  /* Scoring asks this for every pair: compare the four levels at once;
   * the first differing byte is the first differing level. */
  uint32_t x, y;

  memcpy(&x, a->level, 4);
  memcpy(&y, b->level, 4);
  x ^= y;
  i = x ? __builtin_ctz(x) / 8 : 4;
  return i < n ? i : n;
#else
  for (i = 0; i < n && a->level[i] == b->level[i]; i++)
    ;
  return i;
#endif
}
