/*
 * mem.c: allocation and growable buffers.
 *
 * All of the library's allocations pass through lm__malloc and friends so
 * that a test can make the n-th one fail and check that every path
 * returns LM_ENOMEM cleanly.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* -1: never fail; otherwise the number of allocations still allowed. */
static atomic_long lm__alloc_budget = -1;

static int lm__alloc_refused(void)
{
  long b = atomic_load(&lm__alloc_budget);
  while (b >= 0) {
    if (b == 0)
      return 1;
    if (atomic_compare_exchange_weak(&lm__alloc_budget, &b, b - 1))
      return 0;
  }
  return 0;
}

void lm__alloc_fail_after(long n)
{
  atomic_store(&lm__alloc_budget, n < 0 ? -1 : n);
}

void *lm__malloc(size_t n)
{
  if (lm__alloc_refused())
    return NULL;
  return malloc(n ? n : 1);
}

void *lm__calloc(size_t n, size_t size)
{
  if (lm__alloc_refused())
    return NULL;
  return calloc(n ? n : 1, size ? size : 1);
}

void *lm__realloc(void *p, size_t n)
{
  if (lm__alloc_refused())
    return NULL;
  return realloc(p, n ? n : 1);
}

void lm__xfree(void *p)
{
  free(p);
}

void lm_free(void *p)
{
  free(p);
}

char *lm__strndup(const char *s, size_t n)
{
  char *d = lm__malloc(n + 1);
  if (d == NULL)
    return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *lm__strdup(const char *s)
{
  return lm__strndup(s, strlen(s));
}

int lm__buf_reserve(lm__buf *b, size_t extra)
{
  size_t need, cap;
  char *p;

  if (extra > (size_t)-1 - b->len - 1)
    return lm__fail(LM_ENOMEM, "buffer too large");
  need = b->len + extra + 1;
  if (need <= b->cap)
    return LM_OK;
  cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
  p = lm__realloc(b->data, cap);
  if (p == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  b->data = p;
  b->cap = cap;
  return LM_OK;
}

int lm__buf_add(lm__buf *b, const char *s, size_t n)
{
  int rc = lm__buf_reserve(b, n);
  if (rc != LM_OK)
    return rc;
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return LM_OK;
}

int lm__buf_adds(lm__buf *b, const char *s)
{
  return lm__buf_add(b, s, strlen(s));
}

int lm__buf_printf(lm__buf *b, const char *fmt, ...)
{
  va_list ap;
  int n, rc;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return lm__fail(LM_ERROR, "bad format");
  rc = lm__buf_reserve(b, (size_t)n);
  if (rc != LM_OK)
    return rc;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return LM_OK;
}

const char *lm__buf_cstr(lm__buf *b)
{
  return b->data ? b->data : "";
}

void lm__buf_reset(lm__buf *b)
{
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

void lm__buf_free(lm__buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
