/*
 * helpers.h: small things the test files share.
 */
#ifndef LM_TEST_HELPERS_H
#define LM_TEST_HELPERS_H

#include <stdint.h>
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

/*
 * xorshift64*: the tests' one pseudo-random generator, the same on every
 * platform so that a seed names one instance.  Advances *s and returns
 * the next 64-bit output; the high bits are the good ones.
 */
static inline uint64_t lmt_xorshift(uint64_t *s)
{
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545f4914f6cdd1dull;
}

/* Below n (n > 0), from the output's top 31 bits. */
static inline uint32_t lmt_below(uint64_t *s, uint32_t n)
{
  return (uint32_t)(lmt_xorshift(s) >> 33) % n;
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

/*
 * An OR-Library assignment instance, tests/data/assignment/NAME.txt: its
 * size n, then the n x n costs row by row.  *costs is a new array
 * (free()).  Returns 0, or -1 when the file is missing or malformed
 * (short, trailing data, a cost outside 1..100).
 */
static inline int lmt_lap_read(const char *name, size_t *n, int64_t **costs)
{
  char path[4096], rel[512], *text, *p, *end;
  size_t i, nn;
  unsigned long size;
  int64_t *c;
  int trailing;

  snprintf(rel, sizeof rel, "tests/data/assignment/%s.txt", name);
  text = lmt_slurp(LMT_SRCPATH(path, rel), NULL);
  if (text == NULL)
    return -1;
  size = strtoul(text, &end, 10);
  if (end == text || size == 0 || size > 100000) {
    free(text);
    return -1;
  }
  nn = (size_t)size * size;
  c = malloc(nn * sizeof *c);
  p = end;
  for (i = 0; c && i < nn; i++) {
    long v = strtol(p, &end, 10);
    if (end == p || v < 1 || v > 100)
      break;
    c[i] = v;
    p = end;
  }
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
    p++;
  trailing = *p != '\0';
  free(text);
  if (c == NULL || i < nn || trailing) {
    free(c);
    return -1;
  }
  *n = size;
  *costs = c;
  return 0;
}

/* NAME's optimal value in tests/data/assignment/assignopt.txt (lines
 * "name value"), or -1 when it is not there. */
static inline long lmt_lap_optimum(const char *name)
{
  char path[4096], word[64], *text, *line;
  long v, found = -1;

  text = lmt_slurp(LMT_SRCPATH(path, "tests/data/assignment/assignopt.txt"),
                   NULL);
  if (text == NULL)
    return -1;
  for (line = text; line && *line; line = strchr(line, '\n')) {
    while (*line == '\n')
      line++;
    if (sscanf(line, "%63s %ld", word, &v) == 2 && !strcmp(word, name)) {
      found = v;
      break;
    }
  }
  free(text);
  return found;
}

#endif
