/*
 * report.c: what an ingest did, for the caller to read.
 *
 * Errors are kept up to LM__REPORT_ERRORS_MAX so that a huge document full
 * of bad records cannot exhaust memory through its report; the rejected
 * count goes on counting, and the last kept entry says how many more there
 * were.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "api.h"

#define LM__REPORT_ERRORS_MAX 10000

typedef struct lm__rerror {
  char *id;
  long line;
  int code;
  char *reason;
} lm__rerror;

struct lm_report {
  size_t counts[4];
  lm__rerror *errors;
  size_t nerrors;
  size_t cap;
  size_t dropped; /* errors past the cap */
  char dropped_msg[96];
};

int lm_report_new(lm_report **out)
{
  if (out == NULL)
    return lm__fail(LM_EINVAL, "lm_report_new: out is NULL");
  *out = lm__calloc(1, sizeof **out);
  if (*out == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  return LM_OK;
}

void lm_report_free(lm_report *r)
{
  size_t i;

  if (r == NULL)
    return;
  for (i = 0; i < r->nerrors; i++) {
    lm__xfree(r->errors[i].id);
    lm__xfree(r->errors[i].reason);
  }
  lm__xfree(r->errors);
  lm__xfree(r);
}

void lm__report_add(lm_report *r, lm_count which, size_t n)
{
  if (r != NULL && (unsigned)which < 4)
    r->counts[which] += n;
}

int lm__report_error(lm_report *r, const char *id, long line, int code,
                     const char *reason)
{
  lm__rerror *e;

  if (r == NULL)
    return LM_OK;
  if (r->nerrors >= LM__REPORT_ERRORS_MAX) {
    r->dropped++;
    return LM_OK;
  }
  if (r->nerrors == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    lm__rerror *v = lm__realloc(r->errors, cap * sizeof *v);
    if (v == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    r->errors = v;
    r->cap = cap;
  }
  e = &r->errors[r->nerrors];
  e->id = id ? lm__strdup(id) : NULL;
  e->reason = lm__strdup(reason ? reason : "");
  if ((id && e->id == NULL) || e->reason == NULL) {
    lm__xfree(e->id);
    lm__xfree(e->reason);
    return lm__fail(LM_ENOMEM, "out of memory");
  }
  e->line = line;
  e->code = code;
  r->nerrors++;
  return LM_OK;
}

size_t lm_report_count(const lm_report *r, lm_count which)
{
  if (r == NULL || (unsigned)which >= 4)
    return 0;
  return r->counts[which];
}

size_t lm_report_error_count(const lm_report *r)
{
  if (r == NULL)
    return 0;
  return r->nerrors + (r->dropped > 0);
}

int lm_report_error(const lm_report *r, size_t i, const char **record_id,
                    long *line, const char **reason)
{
  const lm__rerror *e;

  if (r == NULL || i >= lm_report_error_count(r))
    return lm__fail(LM_EINVAL, "lm_report_error: no error %zu", i);
  if (i == r->nerrors) { /* the summary of the errors not kept */
    lm_report *w = (lm_report *)r;
    snprintf(w->dropped_msg, sizeof w->dropped_msg,
             "%zu more errors not kept", r->dropped);
    if (record_id)
      *record_id = NULL;
    if (line)
      *line = 0;
    if (reason)
      *reason = w->dropped_msg;
    return LM_EPARSE;
  }
  e = &r->errors[i];
  if (record_id)
    *record_id = e->id;
  if (line)
    *line = e->line;
  if (reason)
    *reason = e->reason;
  return e->code;
}
