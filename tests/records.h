/*
 * records.h: building records in Criterion tests.  Each helper asserts
 * that the library took what it was given, so a test reads as the record
 * it builds.
 */
#ifndef LM_TEST_RECORDS_H
#define LM_TEST_RECORDS_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"
#include "libmatch.h"

/* Sets field f of r to v. */
static inline void lmt_set(lm_record *r, lm_field f, const char *v)
{
  int rc = lm_record_set(r, f, v);
  cr_assert_eq(rc, LM_OK, "set %s = %s: %s", lm__field(f)->name, v,
               lm_errmsg(NULL));
}

/* As lmt_set, the value formatted (up to 63 bytes). */
static inline void lmt_setf(lm_record *r, lm_field f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void lmt_setf(lm_record *r, lm_field f, const char *fmt, ...)
{
  char buf[64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  lmt_set(r, f, buf);
}

/* Stores r in e and frees it. */
static inline void lmt_put(lm_engine *e, lm_record *r)
{
  cr_assert_eq(lm_engine_put(e, r), LM_OK, "%s", lm_errmsg(e));
  lm_record_free(r);
}

#endif
