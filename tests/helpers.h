/*
 * helpers.h: small things the test files share.
 */
#ifndef LM_TEST_HELPERS_H
#define LM_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The source tree (tests/data lives there); the Makefile exports it. */
static inline const char *lmt_srcdir(void)
{
  const char *s = getenv("LM_SRCDIR");
  return s && *s ? s : ".";
}

/* A path under the source tree, in a static buffer per call site. */
#define LMT_SRCPATH(buf, rel)                                                \
  (snprintf((buf), sizeof(buf), "%s/%s", lmt_srcdir(), (rel)), (buf))

/* A fresh file name in $TMPDIR (not created); remove it with
 * lmt_unlink_db. */
static inline void lmt_tmpname(char *buf, size_t n, const char *tag)
{
  static int seq;
  const char *dir = getenv("TMPDIR");
  snprintf(buf, n, "%s/lmtest-%s-%ld-%d", dir && *dir ? dir : "/tmp", tag,
           (long)getpid(), seq++);
}

/* Removes a database file and its WAL companions. */
static inline void lmt_unlink_db(const char *path)
{
  char side[4200];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-journal", path);
  unlink(side);
}

/* Reads a whole file into a new NUL-terminated buffer (free()), or NULL. */
static inline char *lmt_slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;

  if (f == NULL)
    return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    if (len)
      *len = (size_t)n;
  }
  return buf;
}

#endif
