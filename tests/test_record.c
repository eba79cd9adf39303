/*
 * test_record.c: the model layer through the public record API.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"

static lm_record *job(const char *id)
{
  lm_record *r = NULL;
  cr_assert_eq(lm_record_new(&r, LM_JOB, id), LM_OK, "%s", lm_errmsg(NULL));
  return r;
}

static lm_record *seeker(const char *id)
{
  lm_record *r = NULL;
  cr_assert_eq(lm_record_new(&r, LM_SEEKER, id), LM_OK, "%s",
               lm_errmsg(NULL));
  return r;
}

static double num(const lm_record *r, lm_field f)
{
  double v = -12345;
  cr_assert_eq(lm_record_number(r, f, &v), LM_OK, "field %d: %s", (int)f,
               lm_errmsg(NULL));
  return v;
}

Test(record, new_rejects_bad_ids_and_kinds)
{
  lm_record *r = (lm_record *)1;
  char long_id[80];

  memset(long_id, 'a', 65);
  long_id[65] = '\0';
  cr_expect_eq(lm_record_new(&r, LM_JOB, ""), LM_EINVAL);
  cr_expect_null(r);
  cr_expect_eq(lm_record_new(&r, LM_JOB, "J 1"), LM_EINVAL);
  cr_expect_eq(lm_record_new(&r, LM_JOB, "J\t1"), LM_EINVAL);
  cr_expect_eq(lm_record_new(&r, LM_JOB, long_id), LM_EINVAL);
  cr_expect_eq(lm_record_new(&r, LM_JOB, "J\xff"), LM_EINVAL);
  cr_expect_eq(lm_record_new(&r, (lm_kind)9, "J1"), LM_EINVAL);
  long_id[64] = '\0';
  cr_assert_eq(lm_record_new(&r, LM_JOB, long_id), LM_OK);
  lm_record_free(r);
  cr_assert_eq(lm_record_new(&r, LM_SEEKER, "S'1;--\"數控"), LM_OK);
  cr_expect_str_eq(lm_record_id(r), "S'1;--\"數控");
  cr_expect_eq(lm_record_kind(r), LM_SEEKER);
  lm_record_free(r);
}

Test(record, salary_text_is_normalised_and_kept)
{
  lm_record *r = job("J1");
  cr_assert_eq(lm_record_set(r, LM_F_SALARY, "5千-8千元/月"), LM_OK, "%s",
               lm_errmsg(NULL));
  cr_expect_eq(num(r, LM_F_SALARY_MIN), 5000);
  cr_expect_eq(num(r, LM_F_SALARY_MAX), 8000);
  cr_expect_str_eq(lm_record_get(r, LM_F_SALARY_MIN), "5000");
  cr_expect_str_eq(lm_record_get(r, LM_F_SALARY), "5千-8千元/月");
  cr_assert_eq(lm_record_set(r, LM_F_SALARY, "面議"), LM_OK);
  cr_expect_null(lm_record_get(r, LM_F_SALARY_MIN));
  cr_expect_eq(num(r, LM_F_NEGOTIABLE), 1);
  cr_expect_eq(lm_record_set(r, LM_F_SALARY, "五千八"), LM_EINVAL);
  cr_expect(strstr(lm_errmsg(NULL), "job J1") != NULL, "%s",
            lm_errmsg(NULL));
  cr_expect(strstr(lm_errmsg(NULL), "salary") != NULL);
  lm_record_free(r);
}

Test(record, numbers_dates_and_words_are_read_strictly)
{
  lm_record *r = job("J2");

  cr_expect_eq(lm_record_set(r, LM_F_OPENINGS, "３"), LM_OK); /* width */
  cr_expect_eq(num(r, LM_F_OPENINGS), 3);
  cr_expect_eq(lm_record_set(r, LM_F_OPENINGS, "0"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_OPENINGS, "3 people"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_LAT, "30.2012"), LM_OK);
  cr_expect_str_eq(lm_record_get(r, LM_F_LAT), "30.2012");
  cr_expect_eq(lm_record_set(r, LM_F_LAT, "91"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_LON, "nan"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_POSTED, "2026年11月1日"), LM_OK);
  cr_expect_str_eq(lm_record_get(r, LM_F_POSTED), "2026-11-01");
  cr_expect_eq(num(r, LM_F_POSTED), 20758); /* days from 1970-01-01 */
  cr_expect_eq(lm_record_set(r, LM_F_EXPIRES, "2026-02-30"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_EDUCATION, "中專及以上"), LM_OK);
  cr_expect_str_eq(lm_record_get(r, LM_F_EDUCATION), "secondary-vocational");
  cr_expect_eq(lm_record_set(r, LM_F_EDUCATION, "很高"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_SHIFT, "倒班"), LM_OK);
  cr_expect_str_eq(lm_record_get(r, LM_F_SHIFT), "rotating");
  cr_expect_eq(lm_record_set(r, LM_F_DISTRICT, "42020"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_DISTRICT, "420204"), LM_OK);
  cr_expect_eq(lm_record_set(r, LM_F_OCCUPATION, "6-18-01-01"), LM_OK);
  cr_expect_eq(lm_record_set(r, LM_F_OCCUPATION, "6--18"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_EMPLOYER, "E0042"), LM_OK);
  cr_expect_str_eq(lm_record_get(r, LM_F_EMPLOYER), "E0042");
  lm_record_free(r);
}

Test(record, fields_belong_to_their_kinds)
{
  lm_record *r = seeker("S1");
  cr_expect_eq(lm_record_set(r, LM_F_OPENINGS, "2"), LM_EINVAL);
  cr_expect(strstr(lm_errmsg(NULL), "openings") != NULL);
  cr_expect_eq(lm_record_set(r, LM_F_BIRTH_YEAR, "2003"), LM_OK);
  cr_expect_eq(lm_record_set(r, (lm_field)0, "x"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_COUNT_, "x"), LM_EINVAL);
  cr_expect_eq(lm_record_add_skill(r, "數控車床", LM_SKILL_REQUIRED, 2),
               LM_EINVAL);
  cr_expect_eq(lm_record_add_skill(r, "數控車床", LM_SKILL_HELD, 2), LM_OK);
  lm_record_free(r);
}

Test(record, personal_data_never_appears_in_messages)
{
  lm_record *r = seeker("S1");
  /* Bad values in the personal fields: the message names the field and
   * never repeats the value. */
  cr_expect_eq(lm_record_set(r, LM_F_PHONE, "13800000000\xff"), LM_EINVAL);
  cr_expect(strstr(lm_errmsg(NULL), "13800000000") == NULL);
  cr_expect_eq(lm_record_set(r, LM_F_ID_NUMBER, "420202200301011234\xc0"),
               LM_EINVAL);
  cr_expect(strstr(lm_errmsg(NULL), "4202022003") == NULL);
  cr_expect_eq(lm_record_set(r, LM_F_PHONE, "13800000000"), LM_OK);
  cr_expect_str_eq(lm_record_get(r, LM_F_PHONE), "13800000000");
  lm_record_free(r);
}

Test(record, lists_append_and_keep_unknown_groups)
{
  lm_record *r = seeker("S1");
  cr_expect_eq(lm_record_set(r, LM_F_GROUP, "graduate"), LM_OK);
  cr_expect_eq(lm_record_set(r, LM_F_GROUP, "退捕漁民"), LM_OK);
  cr_expect_eq(lm_record_set(r, LM_F_GROUP, "graduate"), LM_OK);
  cr_expect_eq(lm_record_set(r, LM_F_GROUP, "lighthouse-keeper"), LM_OK);
  cr_assert_eq(lm_record_count(r, LM_F_GROUP), 3);
  cr_expect_str_eq(lm_record_item(r, LM_F_GROUP, 0), "graduate");
  cr_expect_str_eq(lm_record_item(r, LM_F_GROUP, 1), "retired-fisher");
  cr_expect_str_eq(lm_record_item(r, LM_F_GROUP, 2), "lighthouse-keeper");
  cr_expect_null(lm_record_item(r, LM_F_GROUP, 3));
  cr_expect_eq(lm_record_set(r, LM_F_GROUP, NULL), LM_OK);
  cr_expect_eq(lm_record_count(r, LM_F_GROUP), 0);
  lm_record_free(r);
}

Test(record, same_skill_named_twice_is_one_skill)
{
  lm_record *r = job("J1");
  lm_skill s;
  cr_assert_eq(lm_record_add_skill(r, "CAD製圖", LM_SKILL_PREFERRED, -1),
               LM_OK);
  cr_assert_eq(lm_record_add_skill(r, "CAD製圖", LM_SKILL_REQUIRED, -1),
               LM_OK);
  cr_assert_eq(lm_record_skill_count(r), 1);
  cr_assert_eq(lm_record_skill(r, 0, &s), LM_OK);
  cr_expect_eq(s.level, LM_SKILL_REQUIRED);
  cr_expect_eq(s.found_in, LM_FOUND_SKILL);
  cr_expect_eq(lm_record_skill(r, 1, &s), LM_EINVAL);
  lm_record_free(r);
}

Test(record, validation_catches_inconsistent_ranges)
{
  lm_record *r = job("J1");
  cr_assert_eq(lm_record_set(r, LM_F_SALARY_MIN, "9000"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_SALARY_MAX, "8000"), LM_OK);
  cr_expect_eq(lm__record_validate(r), LM_EINVAL);
  cr_assert_eq(lm_record_set(r, LM_F_SALARY_MAX, "10000"), LM_OK);
  cr_expect_eq(lm__record_validate(r), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_LAT, "30.2"), LM_OK);
  cr_expect_eq(lm__record_validate(r), LM_EINVAL);
  cr_assert_eq(lm_record_set(r, LM_F_LON, "115.0"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_WINDOW_FROM, "2027-01-01"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_WINDOW_TO, "2026-12-01"), LM_OK);
  cr_expect_eq(lm__record_validate(r), LM_EINVAL);
  lm_record_free(r);
}

Test(record, status_closed_marks_a_removal)
{
  lm_record *r = job("J1");
  cr_expect_eq(lm_record_set(r, LM_F_STATUS, "closed"), LM_OK);
  cr_expect_eq(r->removal, 1);
  cr_expect_eq(lm_record_set(r, LM_F_STATUS, "open"), LM_OK);
  cr_expect_eq(r->removal, 0);
  cr_expect_eq(lm_record_set(r, LM_F_STATUS, "maybe"), LM_EINVAL);
  lm_record_free(r);
}

Test(record, clone_is_deep_and_equal)
{
  lm_record *r = job("J1"), *c = NULL;
  int f;
  cr_assert_eq(lm_record_set(r, LM_F_NAME, "數控車床操作工"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_CERTIFICATE, "車工四級"), LM_OK);
  cr_assert_eq(lm_record_add_skill(r, "數控車床", LM_SKILL_REQUIRED, -1),
               LM_OK);
  cr_assert_eq(lm__record_clone(r, &c), LM_OK);
  lm_record_free(r);
  for (f = 1; f < LM_F_COUNT_; f++)
    if (f != LM_F_NAME)
      cr_expect_null(lm_record_get(c, (lm_field)f));
  cr_expect_str_eq(lm_record_get(c, LM_F_NAME), "數控車床操作工");
  cr_expect_str_eq(lm_record_item(c, LM_F_CERTIFICATE, 0), "車工四級");
  cr_expect_eq(lm_record_skill_count(c), 1);
  lm_record_free(c);
}

Test(record, numbers_of_text_fields_are_refused)
{
  lm_record *r = job("J1");
  double v;
  cr_expect_eq(lm_record_number(r, LM_F_NAME, &v), LM_EINVAL);
  cr_expect_eq(lm_record_number(r, LM_F_OPENINGS, &v), LM_ENOTFOUND);
  cr_expect_null(lm_record_get(r, LM_F_GROUP));
  lm_record_free(r);
}

/* Coordinates keep ten significant digits, printed as "%.10g" would:
 * the library formats them itself (fast), checked here against printf
 * over many values, halves and roundings included. */
Test(record, coordinates_print_as_printf_would)
{
  lm_record *r = NULL;
  unsigned long x = 12345;
  int i;

  cr_assert_eq(lm_record_new(&r, LM_JOB, "J1"), LM_OK);
  for (i = 0; i < 200000; i++) {
    char in[64], want[64];
    double v;
    x = x * 6364136223846793005UL + 1442695040888963407UL;
    switch (i % 4) {
    case 0: v = -180.0 + (double)(x >> 11) / 9007199254740992.0 * 360.0; break;
    case 1: v = (double)((x >> 20) % 1000000) / 1e4; break;   /* 2-4 places */
    case 2: v = (double)((x >> 20) % 100000000) / 1e9; break; /* small */
    default: v = (double)((x >> 20) % 2000001) / 1e4 - 100.0; break;
    }
    snprintf(in, sizeof in, "%.17g", v);
    snprintf(want, sizeof want, "%.10g", strtod(in, NULL));
    cr_assert_eq(lm_record_set(r, LM_F_LON, in), LM_OK, "%s", in);
    cr_assert_str_eq(lm_record_get(r, LM_F_LON), want, "%s", in);
  }
  lm_record_free(r);
}

/* XML 1.0's Char production, the oracle for what a value may hold: tab,
 * line ends, U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF. */
static int xml_char(uint32_t cp)
{
  return cp == 0x9 || cp == 0xA || cp == 0xD ||
         (cp >= 0x20 && cp <= 0xD7FF && cp != 0x7F) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
}

Test(record, set_takes_exactly_the_characters_xml_carries)
{
  lm_record *r = seeker("S1");
  uint32_t cp;
  char v[16];

  for (cp = 1; cp <= 0x10FFFF; cp += cp < 0x20000 ? 1 : 0x3FF) {
    size_t n;
    int rc;
    if (cp >= 0xD800 && cp <= 0xDFFF)
      continue; /* no UTF-8 form */
    v[0] = 'x';
    n = 1 + lm__utf8_encode(cp, v + 1);
    v[n++] = 'y';
    v[n] = '\0';
    rc = lm_record_set(r, LM_F_TEXT, v);
    cr_assert_eq(rc, xml_char(cp) ? LM_OK : LM_EINVAL, "U+%04X",
                 (unsigned)cp);
    /* A fresh record each time: a record holds LM_MAX_SKILLS skills. */
    lm_record_free(r);
    r = seeker("S1");
    rc = lm_record_add_skill(r, v, LM_SKILL_HELD, 1);
    cr_assert_eq(rc, xml_char(cp) ? LM_OK : LM_EINVAL, "skill U+%04X",
                 (unsigned)cp);
  }
  /* Malformed UTF-8 in the in-line range and beside it. */
  cr_expect_eq(lm_record_set(r, LM_F_TEXT, "x\xE5\x9Ey"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_TEXT, "x\xE5"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_TEXT, "x\xE5\x9E\xC0"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_TEXT, "x\xED\xA0\x80"), LM_EINVAL);
  cr_expect_eq(lm_record_set(r, LM_F_TEXT, "x\xE0\x80\xAF"), LM_EINVAL);
  /* Invalid UTF-8 is named as such even after a control character. */
  cr_expect_eq(lm_record_set(r, LM_F_TEXT, "x\x01\xFF"), LM_EINVAL);
  cr_expect(strstr(lm_errmsg(NULL), "UTF-8") != NULL, "%s",
            lm_errmsg(NULL));
  lm_record_free(r);
}

/* The reader builds every record of a document in one struct: emptied,
 * it must read as a new record of its new kind and id, whatever it held,
 * and take values again. */
Test(record, reuse_empties_a_record_as_new_makes_one)
{
  lm_record *r = job("J1"), *fresh = seeker("S2");
  double v;
  int f;

  cr_assert_eq(lm_record_set(r, LM_F_NAME, "焊工"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_SALARY, "5千-8千元/月"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_LAT, "30.2"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_CERTIFICATE, "焊工证"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_CERTIFICATE, "电工证"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_STATUS, "closed"), LM_OK);
  cr_assert_eq(lm_record_add_skill(r, "焊接", LM_SKILL_REQUIRED, -1), LM_OK);

  cr_expect_eq(lm__record_reuse(r, LM_SEEKER, "bad id"), LM_EINVAL);
  cr_expect_eq(lm_record_kind(r), LM_JOB, "a refused reuse changes nothing");
  cr_expect_eq(lm_record_count(r, LM_F_CERTIFICATE), 2);

  cr_assert_eq(lm__record_reuse(r, LM_SEEKER, "S2"), LM_OK);
  cr_expect_eq(lm_record_kind(r), LM_SEEKER);
  cr_expect_str_eq(lm_record_id(r), "S2");
  for (f = 1; f < LM_F_COUNT_; f++) {
    cr_expect_eq(lm_record_get(r, (lm_field)f) == NULL,
                 lm_record_get(fresh, (lm_field)f) == NULL, "field %d", f);
    cr_expect_eq(lm_record_count(r, (lm_field)f),
                 lm_record_count(fresh, (lm_field)f), "field %d", f);
    cr_expect_eq(lm_record_number(r, (lm_field)f, &v),
                 lm_record_number(fresh, (lm_field)f, &v), "field %d", f);
  }
  cr_expect_eq(lm_record_skill_count(r), 0);
  cr_expect_eq(lm_record_set(r, LM_F_CERTIFICATE, "叉车证"), LM_OK);
  cr_expect_eq(lm_record_count(r, LM_F_CERTIFICATE), 1);
  cr_expect_str_eq(lm_record_item(r, LM_F_CERTIFICATE, 0), "叉车证");
  cr_expect_eq(lm_record_add_skill(r, "焊接", LM_SKILL_HELD, 3), LM_OK);
  cr_expect_eq(lm_record_skill_count(r), 1);
  lm_record_free(r);
  lm_record_free(fresh);
}

/* A portal that sets one field over and over: the strings it replaces
 * must not pile up in the record (its strings share blocks), and the
 * live values, lists and skills must survive the tidying. */
Test(record, replaced_values_do_not_pile_up)
{
  lm_record *r = job("J1");
  char big[1001], name[32];
  size_t held = 0;
  int i;

  memset(big, 'x', 1000);
  big[1000] = '\0';
  cr_assert_eq(lm_record_set(r, LM_F_CERTIFICATE, "焊工证"), LM_OK);
  cr_assert_eq(lm_record_add_skill(r, "焊接", LM_SKILL_REQUIRED, -1), LM_OK);
  for (i = 0; i < 20000; i++) {
    snprintf(name, sizeof name, "岗位%d", i);
    cr_assert_eq(lm_record_set(r, LM_F_DESCRIPTION, big), LM_OK);
    cr_assert_eq(lm_record_set(r, LM_F_NAME, name), LM_OK);
  }
  cr_expect_str_eq(lm_record_get(r, LM_F_NAME), "岗位19999");
  cr_expect_str_eq(lm_record_get(r, LM_F_DESCRIPTION), big);
  cr_expect_str_eq(lm_record_item(r, LM_F_CERTIFICATE, 0), "焊工证");
  cr_expect_eq(lm_record_skill_count(r), 1);
  held = lm__record_bytes_held(r);
  cr_expect_lt(held, 64 * 1024, "%zu bytes held for 1 KB of values", held);
  lm_record_free(r);
}
