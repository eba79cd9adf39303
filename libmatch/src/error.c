/*
 * error.c: the per-thread message behind lm_errmsg and the code texts.
 *
 * Messages are per thread so that a portal's threads never read each
 * other's failures; they live in thread-local storage, not in the engine,
 * because a failed lm_engine_open has no engine to hold them.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define LM__MSG_MAX 512

static _Thread_local char lm__msg[LM__MSG_MAX];

int lm__vfail(int code, const char *fmt, va_list ap)
{
  vsnprintf(lm__msg, sizeof lm__msg, fmt, ap);
  return code;
}

int lm__fail(int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  lm__vfail(code, fmt, ap);
  va_end(ap);
  return code;
}

int lm__fail_prefix(int code, const char *fmt, ...)
{
  char old[LM__MSG_MAX];
  size_t n, keep;
  va_list ap;

  memcpy(old, lm__msg, sizeof old);
  va_start(ap, fmt);
  vsnprintf(lm__msg, sizeof lm__msg, fmt, ap);
  va_end(ap);
  n = strlen(lm__msg);
  keep = strnlen(old, sizeof lm__msg - 1 - n);
  memcpy(lm__msg + n, old, keep);
  lm__msg[n + keep] = '\0';
  return code;
}

void lm__clear_error(void)
{
  lm__msg[0] = '\0';
}

const char *lm__errmsg(void)
{
  return lm__msg;
}

const char *lm_errmsg(const lm_engine *e)
{
  (void)e;
  return lm__msg;
}

const char *lm_strerror(int code)
{
  switch (code) {
  case LM_OK:
    return "success";
  case LM_ERROR:
    return "error";
  case LM_ENOMEM:
    return "out of memory";
  case LM_EINVAL:
    return "invalid argument or record";
  case LM_ENOTFOUND:
    return "not found";
  case LM_EPARSE:
    return "cannot parse the input";
  case LM_EDB:
    return "database error";
  case LM_ECANCELED:
    return "cancelled by the caller";
  default:
    return "unknown error code";
  }
}
