/*
 * text.c: UTF-8 walking, width and script folding.
 *
 * Everything that compares words (skills, vocabularies, normalisers) goes
 * through lm__fold so that a posting written in traditional characters
 * with full-width digits and one written in simplified with ASCII digits
 * meet on the same key.  Folding is for matching only: what a user wrote
 * is kept as written elsewhere.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "t2s_table.h"

/* U+FFFD, written in place of a code point that cannot be encoded. */
#define LM__REPLACEMENT 0xFFFDu

size_t lm__utf8_decode(const char *s, size_t len, uint32_t *cp)
{
  const unsigned char *p = (const unsigned char *)s;
  uint32_t c;
  size_t n, i;

  if (s == NULL || len == 0)
    return 0;
  if (p[0] < 0x80) {
    *cp = p[0];
    return 1;
  }
  /* C0, C1 and F5..FF can only start overlong or out-of-range forms. */
  if (p[0] < 0xC2 || p[0] > 0xF4)
    return 0;
  if (p[0] < 0xE0) {
    n = 2;
    c = p[0] & 0x1Fu;
  } else if (p[0] < 0xF0) {
    n = 3;
    c = p[0] & 0x0Fu;
  } else {
    n = 4;
    c = p[0] & 0x07u;
  }
  if (len < n)
    return 0;
  for (i = 1; i < n; i++) {
    if ((p[i] & 0xC0u) != 0x80u)
      return 0;
    c = (c << 6) | (p[i] & 0x3Fu);
  }
  /* Overlong three- and four-byte forms, surrogates, past U+10FFFF. */
  if ((n == 3 && c < 0x800u) || (n == 4 && c < 0x10000u) ||
      (c >= 0xD800u && c <= 0xDFFFu) || c > 0x10FFFFu)
    return 0;
  *cp = c;
  return n;
}

int lm__utf8_valid(const char *s, size_t len)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, n;
  uint32_t cp;

  if (s == NULL)
    return len == 0;
  while (i < len) {
    unsigned char c = u[i];
    /* ASCII runs and three-byte characters (CJK) are most of the text:
     * checked in line, the rest by the decoder. */
    if (c < 0x80) {
      if (c == '\0')
        return 0;
      i++;
      continue;
    }
    if (lm__utf8_is_cjk3(u, i, len)) {
      i += 3;
      continue;
    }
    n = lm__utf8_decode(s + i, len - i, &cp);
    if (n == 0)
      return 0;
    i += n;
  }
  return 1;
}

size_t lm__utf8_encode(uint32_t cp, char *out)
{
  unsigned char *o = (unsigned char *)out;

  /* A surrogate or an out-of-range value has no UTF-8 form; writing
   * U+FFFD keeps the output well-formed rather than failing a caller
   * that has nowhere to report the error. */
  if ((cp >= 0xD800u && cp <= 0xDFFFu) || cp > 0x10FFFFu)
    cp = LM__REPLACEMENT;
  if (cp < 0x80u) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800u) {
    o[0] = (unsigned char)(0xC0u | (cp >> 6));
    o[1] = (unsigned char)(0x80u | (cp & 0x3Fu));
    return 2;
  }
  if (cp < 0x10000u) {
    o[0] = (unsigned char)(0xE0u | (cp >> 12));
    o[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
    o[2] = (unsigned char)(0x80u | (cp & 0x3Fu));
    return 3;
  }
  o[0] = (unsigned char)(0xF0u | (cp >> 18));
  o[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu));
  o[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
  o[3] = (unsigned char)(0x80u | (cp & 0x3Fu));
  return 4;
}

/* One bit per code point of the CJK blocks where the table lies: set for
 * the traditional ones.  Most ideographs in our text are simplified
 * already; the bit answers for them without a search.  (A key outside
 * [LO, HI) would still be found by the search.) */
#define LM__T2S_LO 0x3400u
#define LM__T2S_HI 0xA000u
static uint64_t lm__t2s_bits[(LM__T2S_HI - LM__T2S_LO) / 64];
static pthread_once_t lm__t2s_once = PTHREAD_ONCE_INIT;

static void lm__t2s_init(void)
{
  size_t i;
  for (i = 0; i < LM__T2S_COUNT; i++) {
    uint32_t k = lm__t2s_table[i][0] - LM__T2S_LO;
    if (lm__t2s_table[i][0] >= LM__T2S_LO && lm__t2s_table[i][0] < LM__T2S_HI)
      lm__t2s_bits[k / 64] |= (uint64_t)1 << (k % 64);
  }
}

uint32_t lm__t2s(uint32_t cp)
{
  size_t lo = 0, hi = LM__T2S_COUNT;

  /* The table covers CJK ideographs only; skip the search for the rest
   * (ASCII, punctuation), which is most of what fold sees. */
  if (cp < lm__t2s_table[0][0] || cp > lm__t2s_table[LM__T2S_COUNT - 1][0])
    return cp;
  if (cp >= LM__T2S_LO && cp < LM__T2S_HI) {
    pthread_once(&lm__t2s_once, lm__t2s_init);
    if (!(lm__t2s_bits[(cp - LM__T2S_LO) / 64] &
          ((uint64_t)1 << ((cp - LM__T2S_LO) % 64))))
      return cp;
  }
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (lm__t2s_table[mid][0] < cp)
      lo = mid + 1;
    else if (lm__t2s_table[mid][0] > cp)
      hi = mid;
    else
      return lm__t2s_table[mid][1];
  }
  return cp;
}

uint32_t lm__halfwidth(uint32_t cp)
{
  if (cp >= 0xFF01u && cp <= 0xFF5Eu)
    return cp - 0xFEE0u;
  if (cp == 0x3000u)
    return 0x20u;
  return cp;
}

/* Unicode White_Space (after lm__halfwidth has made U+3000 a space). */
static int is_space(uint32_t cp)
{
  return cp == 0x20u || (cp >= 0x09u && cp <= 0x0Du) || cp == 0x85u ||
         cp == 0xA0u || cp == 0x1680u || (cp >= 0x2000u && cp <= 0x200Au) ||
         cp == 0x2028u || cp == 0x2029u || cp == 0x202Fu || cp == 0x205Fu ||
         cp == 0x3000u;
}

/* The folded key of s[0..len) (valid UTF-8) into buf, which holds
 * len + len / 3 + 5 bytes: a three-byte traditional character can fold
 * to a four-byte simplified one (the table maps a few into plane 2), so
 * the key can grow by a third; every other step shrinks it. */
static void fold_core(const char *s, size_t len, char *buf)
{
  size_t i = 0, o = 0, n;
  int pending_space = 0;
  uint32_t cp;

  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      /* ASCII, most of what is folded: no table to consult. */
      i++;
      if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
        pending_space = o > 0;
        continue;
      }
      if (pending_space) {
        buf[o++] = ' ';
        pending_space = 0;
      }
      buf[o++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      continue;
    }
    if (c >= 0xE3 && c <= 0xE9) {
      /* U+3000..U+9FFF: CJK, whose characters without a simplified form
       * are copied as they are.  The rest of the range (punctuation,
       * the ideographic space) takes the general way below. */
      cp = (uint32_t)(c & 0x0F) << 12 |
           (uint32_t)((unsigned char)s[i + 1] & 0x3F) << 6 |
           ((unsigned char)s[i + 2] & 0x3F);
      if (cp >= LM__T2S_LO &&
          !(lm__t2s_bits[(cp - LM__T2S_LO) / 64] >>
                ((cp - LM__T2S_LO) % 64) & 1)) {
        if (pending_space) {
          buf[o++] = ' ';
          pending_space = 0;
        }
        memcpy(buf + o, s + i, 3);
        o += 3;
        i += 3;
        continue;
      }
    }
    n = lm__utf8_decode(s + i, len - i, &cp);
    i += n; /* n > 0: the caller validated the text */
    cp = lm__halfwidth(cp);
    if (is_space(cp)) {
      pending_space = o > 0;
      continue;
    }
    if (pending_space) {
      buf[o++] = ' ';
      pending_space = 0;
    }
    if (cp >= 'A' && cp <= 'Z')
      cp += 'a' - 'A';
    else
      cp = lm__t2s(cp);
    o += lm__utf8_encode(cp, buf + o);
  }
  buf[o] = '\0';
}

int lm__fold_to(const char *s, size_t len, char *buf, size_t cap,
                char **out)
{
  size_t need;

  if (out == NULL)
    return lm__fail(LM_EINVAL, "fold: no output");
  *out = NULL;
  if (s == NULL)
    return lm__fail(LM_EINVAL, "fold: no text");
  if (!lm__utf8_valid(s, len))
    return lm__fail(LM_EINVAL, "text is not valid UTF-8");
  if (len > ((size_t)-1 - 8) / 2)
    return lm__fail(LM_ENOMEM, "fold: text too long");
  need = len + len / 3 + 5;
  if (buf == NULL || cap < need) {
    buf = lm__malloc(need);
    if (buf == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
  }
  pthread_once(&lm__t2s_once, lm__t2s_init);
  fold_core(s, len, buf);
  *out = buf;
  return LM_OK;
}

int lm__fold(const char *s, size_t len, char **out)
{
  return lm__fold_to(s, len, NULL, 0, out);
}

/* m / 10^k is exact in both operands when m < 2^53 and k <= 22, so the
 * one division rounds correctly (Clinger's fast path).  Coordinates are
 * most of what ingest reads, and glibc's strtod takes ten times longer
 * on their eight or more decimals. */
double lm__strtod(const char *s, char **end)
{
  static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                               1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                               1e18, 1e19, 1e20, 1e21, 1e22};
  const char *p = s;
  uint64_t m = 0;
  int neg = 0, dot = 0, any = 0, digits = 0, decimals = 0;
  double v;

  if (*p == '-' || *p == '+')
    neg = *p++ == '-';
  for (;; p++) {
    if (*p >= '0' && *p <= '9') {
      any = 1;
      decimals += dot;
      if (m == 0 && *p == '0')
        continue; /* a leading zero is not significant */
      if (++digits > 15)
        return strtod(s, end);
      m = m * 10 + (uint64_t)(*p - '0');
    } else if (*p == '.' && !dot) {
      dot = 1;
    } else {
      break;
    }
  }
  /* An exponent or a hex number reads on in strtod; so does "-". */
  if (!any || decimals > 22 || *p == 'e' || *p == 'E' || *p == 'x' ||
      *p == 'X')
    return strtod(s, end);
  if (end != NULL)
    *end = (char *)p;
  v = (double)m / p10[decimals];
  return neg ? -v : v;
}
