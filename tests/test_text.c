/*
 * test_text.c: the text layer (UTF-8, width and script folding).
 *
 * Oracles: the UTF-8 definition (RFC 3629) for every scalar value, the
 * t2s table's own invariants, and hand-written pairs of equivalent texts.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "t2s_table.h"

/* Folds a NUL-terminated text, asserting success; free() the result. */
static char *fold(const char *s)
{
  char *out = NULL;
  int rc = lm__fold(s, strlen(s), &out);

  cr_assert_eq(rc, LM_OK, "fold '%s': %d %s", s, rc, lm__errmsg());
  cr_assert_not_null(out);
  return out;
}

/* ------------------------------------------------------------- UTF-8 */

Test(text, well_formed_utf8_is_valid)
{
  static const char *const ok[] = {
      "",
      "abc",
      "數控車床",
      "数控车床",
      "５０００元",
      "\xC2\x80",             /* U+0080, smallest two-byte */
      "\xDF\xBF",             /* U+07FF */
      "\xE0\xA0\x80",         /* U+0800, smallest three-byte */
      "\xED\x9F\xBF",         /* U+D7FF, just below the surrogates */
      "\xEE\x80\x80",         /* U+E000, just above them */
      "\xEF\xBF\xBD",         /* U+FFFD */
      "\xF0\x90\x80\x80",     /* U+10000, smallest four-byte */
      "\xF4\x8F\xBF\xBF",     /* U+10FFFF, the last */
      "\xF0\xAB\x9D\x88",     /* U+2B748, a plane-2 ideograph */
      "tab\there\nnewline",
  };
  size_t i;

  for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
    cr_expect(lm__utf8_valid(ok[i], strlen(ok[i])), "row %zu should be "
              "valid", i);
}

Test(text, malformed_utf8_is_invalid)
{
  static const struct {
    const char *s;
    size_t len;
    const char *why;
  } bad[] = {
      {"\x80", 1, "lone continuation byte"},
      {"\xBF", 1, "lone continuation byte"},
      {"\xC0\xAF", 2, "overlong '/'"},
      {"\xC1\xBF", 2, "overlong two-byte"},
      {"\xE0\x80\xAF", 3, "overlong three-byte"},
      {"\xE0\x9F\xBF", 3, "overlong U+07FF"},
      {"\xF0\x80\x80\xAF", 4, "overlong four-byte"},
      {"\xF0\x8F\xBF\xBF", 4, "overlong U+FFFF"},
      {"\xED\xA0\x80", 3, "surrogate U+D800"},
      {"\xED\xBF\xBF", 3, "surrogate U+DFFF"},
      {"\xF4\x90\x80\x80", 4, "U+110000"},
      {"\xF5\x80\x80\x80", 4, "lead byte F5"},
      {"\xFF", 1, "byte FF"},
      {"\xFE", 1, "byte FE"},
      {"\xE6\x95", 2, "truncated three-byte"},
      {"\xF0\x9F\x98", 3, "truncated four-byte"},
      {"\xE6\x95\xB0\xE6", 4, "truncated after a good character"},
      {"\xE6\x41\xB0", 3, "ASCII inside a sequence"},
      {"a\0b", 3, "NUL"},
      {"\xC3", 1, "truncated two-byte"},
  };
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    cr_expect(!lm__utf8_valid(bad[i].s, bad[i].len), "%s should be invalid",
              bad[i].why);
}

Test(text, decode_reads_one_code_point_and_its_length)
{
  static const struct {
    const char *s;
    uint32_t cp;
    size_t len;
  } rows[] = {
      {"A", 0x41, 1},          {"\x7F", 0x7F, 1},
      {"é", 0xE9, 2},          {"数", 0x6570, 3},
      {"數", 0x6578, 3},       {"５", 0xFF15, 3},
      {"\xE3\x80\x80", 0x3000, 3}, {"\xF0\x9F\x98\x80", 0x1F600, 4},
      {"\xC0\xAF", 0, 0},      {"\xED\xA0\x80", 0, 0},
      {"\xE6\x95", 0, 0},
  };
  size_t i, n;
  uint32_t cp;

  for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    cp = 0;
    n = lm__utf8_decode(rows[i].s, strlen(rows[i].s), &cp);
    cr_expect_eq(n, rows[i].len, "row %zu: length %zu", i, n);
    if (rows[i].len > 0)
      cr_expect_eq(cp, rows[i].cp, "row %zu: U+%04X", i, (unsigned)cp);
  }
  cr_expect_eq(lm__utf8_decode("abc", 0, &cp), 0, "no bytes, no code point");
}

Test(text, encode_and_decode_round_trip_every_scalar_value)
{
  char buf[4];
  uint32_t cp, back;
  size_t n, m, want;

  for (cp = 0; cp <= 0x10FFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF)
      continue;
    n = lm__utf8_encode(cp, buf);
    want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (n != want)
      cr_assert_fail("U+%04X encodes to %zu bytes, not %zu", (unsigned)cp,
                     n, want);
    m = lm__utf8_decode(buf, n, &back);
    if (m != n || back != cp)
      cr_assert_fail("U+%04X does not round-trip", (unsigned)cp);
    if (cp != 0 && !lm__utf8_valid(buf, n))
      cr_assert_fail("U+%04X encodes to invalid UTF-8", (unsigned)cp);
  }
}

Test(text, encode_writes_replacement_for_surrogates_and_out_of_range)
{
  char buf[4];
  uint32_t bad[] = {0xD800, 0xDBFF, 0xDFFF, 0x110000, 0xFFFFFFFF};
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cr_expect_eq(lm__utf8_encode(bad[i], buf), 3);
    cr_expect_eq(memcmp(buf, "\xEF\xBF\xBD", 3), 0, "U+%X", bad[i]);
  }
}

/* ------------------------------------------------ width and script */

Test(text, t2s_maps_traditional_characters_to_simplified)
{
  static const struct {
    const char *t, *s;
  } rows[] = {
      {"數", "数"}, {"車", "车"}, {"機", "机"}, {"學", "学"}, {"歷", "历"},
      {"萬", "万"}, {"議", "议"}, {"歲", "岁"}, {"齡", "龄"}, {"專", "专"},
      {"職", "职"}, {"碩", "硕"}, {"電", "电"}, {"鋼", "钢"}, {"養", "养"},
      {"護", "护"}, {"漁", "渔"}, {"貨", "货"}, {"帶", "带"}, {"鄉", "乡"},
      {"軍", "军"}, {"殘", "残"}, {"圖", "图"}, {"製", "制"}, {"計", "计"},
      {"會", "会"}, {"賬", "账"}, {"煉", "炼"}, {"礦", "矿"}, {"縫", "缝"},
  };
  size_t i;
  uint32_t t, s;

  for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    lm__utf8_decode(rows[i].t, strlen(rows[i].t), &t);
    lm__utf8_decode(rows[i].s, strlen(rows[i].s), &s);
    cr_expect_eq(lm__t2s(t), s, "%s should become %s", rows[i].t,
                 rows[i].s);
    cr_expect_eq(lm__t2s(s), s, "%s is already simplified", rows[i].s);
  }
}

Test(text, t2s_leaves_other_code_points_alone)
{
  uint32_t same[] = {'a', 'Z', '5', 0x3000, 0xFF15, 0x4E00 /* 一 */,
                     0x6570 /* 数 */, 0x1F600, 0x10FFFF, 0};
  size_t i;

  uint32_t cp;
  size_t k = 0;

  for (i = 0; i < sizeof same / sizeof same[0]; i++)
    cr_expect_eq(lm__t2s(same[i]), same[i], "U+%04X", (unsigned)same[i]);
  /* Every code point that is not a key of the table, walking the sorted
   * keys beside the code points. */
  for (cp = 0; cp <= 0x10FFFF; cp++) {
    if (k < LM__T2S_COUNT && lm__t2s_table[k][0] == cp) {
      k++;
      continue;
    }
    if (lm__t2s(cp) != cp)
      cr_assert_fail("U+%04X is not in the table but changed", (unsigned)cp);
  }
  cr_assert_eq(k, LM__T2S_COUNT);
}

Test(text, t2s_table_is_sorted_and_folding_is_idempotent)
{
  size_t i;

  cr_assert_gt(LM__T2S_COUNT, 2000, "the OpenCC table looks truncated");
  for (i = 0; i < LM__T2S_COUNT; i++) {
    if (i > 0 && lm__t2s_table[i - 1][0] >= lm__t2s_table[i][0])
      cr_assert_fail("table not sorted at %zu", i);
    /* Every entry is found by the search, and a simplified character
     * maps to itself: fold(fold(x)) == fold(x). */
    if (lm__t2s(lm__t2s_table[i][0]) != lm__t2s_table[i][1])
      cr_assert_fail("U+%04X not found", (unsigned)lm__t2s_table[i][0]);
    if (lm__t2s(lm__t2s_table[i][1]) != lm__t2s_table[i][1])
      cr_assert_fail("U+%04X folds twice", (unsigned)lm__t2s_table[i][0]);
  }
}

Test(text, halfwidth_maps_fullwidth_ascii_and_ideographic_space)
{
  static const uint32_t rows[][2] = {
      {0xFF10, '0'}, {0xFF19, '9'}, {0xFF21, 'A'}, {0xFF3A, 'Z'},
      {0xFF41, 'a'}, {0xFF5A, 'z'}, {0xFF01, '!'}, {0xFF0D, '-'},
      {0xFF0F, '/'}, {0xFF5E, '~'}, {0xFF0C, ','}, {0xFF1A, ':'},
      {0x3000, ' '}, {'5', '5'},    {0xFF5F, 0xFF5F}, {0xFF00, 0xFF00},
      {0xFFE5, 0xFFE5}, {0x6570, 0x6570},
  };
  size_t i;

  for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
    cr_expect_eq(lm__halfwidth(rows[i][0]), rows[i][1], "U+%04X",
                 (unsigned)rows[i][0]);
}

/* --------------------------------------------------------- folding */

Test(text, fold_gives_one_key_for_any_script_or_width)
{
  static const char *const groups[][4] = {
      {"數控車床", "数控车床", "數控车床", "数控車床"},
      {"ＣＮＣ數控車床", "CNC数控车床", "cnc數控車床", "Cnc数控车床"},
      {"５千－８千元／月", "5千-8千元/月", "5千-8千元/月", "５千-８千元/月"},
      {"CAD製圖", "cad制图", "ＣＡＤ製圖", "Cad制图"},
      {"薪資面議", "薪资面议", "薪資面议", "薪资面議"},
      {"低壓電工證", "低压电工证", "低壓电工證", "低压電工证"},
      {"養老護理員", "养老护理员", "養老护理員", "养老護理员"},
      {"PLC編程", "plc编程", "ＰＬＣ編程", "Plc编程"},
  };
  size_t g, i;
  char *key0, *key;

  for (g = 0; g < sizeof groups / sizeof groups[0]; g++) {
    key0 = fold(groups[g][0]);
    for (i = 1; i < 4; i++) {
      key = fold(groups[g][i]);
      cr_expect_str_eq(key, key0, "'%s' and '%s'", groups[g][i],
                       groups[g][0]);
      free(key);
    }
    free(key0);
  }
}

Test(text, fold_produces_the_expected_key)
{
  static const struct {
    const char *in, *out;
  } rows[] = {
      {"數控車床", "数控车床"},
      {"  數控　車床  ", "数控 车床"},
      {"a\t\n b", "a b"},
      {"\xE3\x80\x80\xE3\x80\x80x", "x"},
      {"ＡＢＣ", "abc"},
      {"Hello World", "hello world"},
      {"２０２６年１１月１日", "2026年11月1日"},
      {"", ""},
      {"   ", ""},
      {"é", "é"},
      {"\xC2\xA0nbsp\xC2\xA0", "nbsp"},
      {"薴", "苎"}, /* a two-step chain in OpenCC, resolved */
  };
  size_t i;
  char *key;

  for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    key = fold(rows[i].in);
    cr_expect_str_eq(key, rows[i].out, "fold '%s'", rows[i].in);
    free(key);
  }
}

Test(text, fold_is_idempotent_over_the_cjk_ranges)
{
  char buf[5], *once, *twice;
  uint32_t cp;
  size_t n;

  for (cp = 0x3400; cp <= 0xFFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF)
      continue;
    n = lm__utf8_encode(cp, buf);
    buf[n] = '\0';
    once = fold(buf);
    twice = fold(once);
    if (strcmp(once, twice) != 0)
      cr_assert_fail("U+%04X: fold is not idempotent", (unsigned)cp);
    free(once);
    free(twice);
  }
}

Test(text, fold_rejects_invalid_utf8)
{
  static const struct {
    const char *s;
    size_t len;
  } bad[] = {
      {"\xFF", 1},          {"abc\xC0\xAF", 5}, {"\xED\xA0\x80", 3},
      {"數控\xE8", 7},      {"a\0b", 3},        {"\x80x", 2},
  };
  size_t i;
  char *out;

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    out = (char *)"sentinel";
    lm__clear_error();
    cr_expect_eq(lm__fold(bad[i].s, bad[i].len, &out), LM_EINVAL, "row %zu",
                 i);
    cr_expect_null(out, "row %zu: *out must be NULL on failure", i);
    cr_expect_neq(lm__errmsg()[0], '\0', "row %zu: a message", i);
  }
  cr_expect_eq(lm__fold(NULL, 0, &out), LM_EINVAL);
}

Test(text, fold_grows_for_plane_two_simplified_forms)
{
  /* U+346E folds to U+2B748: three bytes become four. */
  char in[3 * 64 + 1], *out;
  size_t i;

  for (i = 0; i < 64; i++)
    memcpy(in + 3 * i, "\xE3\x91\xAE", 3);
  in[3 * 64] = '\0';
  out = fold(in);
  cr_expect_eq(strlen(out), 4 * 64);
  cr_expect_eq(memcmp(out, "\xF0\xAB\x9D\x88", 4), 0);
  free(out);
}

Test(text, fold_reports_out_of_memory)
{
  char *out = (char *)"sentinel";

  lm__alloc_fail_after(0);
  cr_expect_eq(lm__fold("數控", strlen("數控"), &out), LM_ENOMEM);
  lm__alloc_fail_after(-1);
  cr_expect_null(out);
}

/* ----------------------------------------------------------- numbers */

/* lm__strtod must be strtod (the C locale here) bit for bit, with the
 * same end, on the forms it reads itself and on those it hands over. */
static void same_as_strtod(const char *s)
{
  char *e1 = NULL, *e2 = NULL;
  double a = lm__strtod(s, &e1), b = strtod(s, &e2);

  cr_assert(memcmp(&a, &b, sizeof a) == 0, "'%s': %.17g, strtod %.17g", s,
            a, b);
  cr_assert_eq(e1, e2, "'%s': ends at %td, strtod at %td", s, e1 - s,
               e2 - s);
}

Test(text, strtod_reads_plain_decimals_as_strtod_does)
{
  static const char *const cases[] = {
      "0", "-0", "+0", "30.2003412", "-115.5", ".5", "5.", "-.25",
      "00012.5000", "0.000000000000000000001", "123456789012345",
      "1234567890123456", "0.1", "0.2", "0.3", "114.98765432109",
      "1e5", "1E-3", "1e", "0x1A", "inf", "-nan", " 7", "", "-", ".",
      "12.5abc", "3.4.5", "1,5", "999999999999999.9", "30.2003412 ",
      "0.00000000000000000000001", "4.35"};
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    same_as_strtod(cases[i]);
}

Test(text, strtod_matches_strtod_on_random_decimals)
{
  uint64_t x = 88172645463325252u;
  char buf[64];
  int k;

  for (k = 0; k < 200000; k++) {
    int n = 0, len, dot, i;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    if (x & 1)
      buf[n++] = '-';
    len = (int)(x >> 8 & 31) + 1;
    dot = (int)(x >> 16 & 31);
    for (i = 0; i < len; i++) {
      if (i == dot)
        buf[n++] = '.';
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      buf[n++] = (char)('0' + x % 10);
    }
    buf[n] = '\0';
    same_as_strtod(buf);
  }
}

/* The fold's in-line path for U+3000..U+9FFF gives what the general way
 * (lm__t2s of each character) gives, for every code point there. */
Test(text, fold_maps_each_cjk_code_point_by_the_table)
{
  uint32_t cp;

  for (cp = 0x3000; cp <= 0x9FFF; cp++) {
    char in[16], want[16], *got;
    size_t n = 0, w = 0;
    in[n++] = 'a';
    n += lm__utf8_encode(cp, in + n);
    in[n++] = 'b';
    in[n] = '\0';
    want[w++] = 'a';
    if (cp == 0x3000)
      want[w++] = ' '; /* the ideographic space */
    else
      w += lm__utf8_encode(lm__t2s(cp), want + w);
    want[w++] = 'b';
    want[w] = '\0';
    got = fold(in);
    cr_assert_str_eq(got, want, "U+%04X", (unsigned)cp);
    free(got);
  }
}
