/*
 * skills.c: the skills dictionary.
 *
 * A canonical term ("数控车床") has aliases ("数控车工", "cnc车床"); every
 * spelling is stored by its folded key (lm__fold), so a term written in
 * traditional script or full width finds the same skill.  Two structures
 * index the keys:
 *
 *   - a hash table, folded key -> canonical, for lookups;
 *   - a byte trie of the same keys, for scanning free text.  Each trie edge
 *     lives in one open-addressing table keyed by (parent node, byte), so a
 *     node costs four bytes and a step one probe.
 *
 * A scan tries, at each character of the folded text, the longest key that
 * starts there, and resumes after it (leftmost-longest).  The walk from a
 * position ends where the trie does, and no key is longer than
 * LM__SKILL_KEY_MAX bytes, so a scan does at most that many steps per byte
 * of text, whatever the text repeats: linear in the text.
 *
 * Adding mutates; lookups and scans only read, keeping their state on the
 * stack or in per-call allocations, so any number of threads may read at
 * once while no one adds (the engine's read-write lock).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Longest folded key: 42 Chinese characters.  Longer is a sentence, not a
 * skill, and the bound is what keeps scans linear. */
#define LM__SKILL_KEY_MAX 128

/* No node. */
#define LM__NO_NODE UINT32_MAX

/* Bits of the first-character filter (a power of two). */
#define LM__START_BITS 65536

typedef struct lm__skey {
  char *key;      /* folded; NULL for an empty slot */
  uint32_t canon; /* index into canon */
} lm__skey;

typedef struct lm__sedge {
  uint32_t parent; /* parent node + 1; 0 for an empty slot */
  uint32_t child;
  unsigned char byte;
} lm__sedge;

struct lm__skilldict {
  char **canon; /* canonical terms as first written */
  size_t ncanon, capcanon;
  lm__skey *keys; /* open addressing, capacity a power of two */
  size_t nkeys, capkeys;
  uint32_t *term; /* per trie node: canonical + 1 where a key ends, or 0 */
  size_t nnodes, capnodes;
  lm__sedge *edges; /* open addressing, capacity a power of two */
  size_t nedges, capedges;
  /* A bit per hash of a key's first character: where it is clear, no
   * key starts, and a scan steps over the character without walking the
   * trie (most characters of a text begin no skill). */
  uint64_t start[LM__START_BITS / 64];
};

/* ------------------------------------------------------------ hashing */

static uint64_t hash_str(const char *s)
{
  uint64_t h = 1469598103934665603u; /* FNV-1a */

  while (*s != '\0') {
    h ^= (unsigned char)*s++;
    h *= 1099511628211u;
  }
  return h;
}

static uint64_t hash_edge(uint32_t node, unsigned char byte)
{
  uint64_t h = ((uint64_t)node << 8 | byte) * 0x9E3779B97F4A7C15u;

  return h ^ (h >> 29);
}

/* The slot of key in the key table: where it is, or the empty slot where
 * it would go.  The table is never full (load at most one half). */
static size_t key_slot(const lm__skey *keys, size_t cap, const char *key)
{
  size_t i = (size_t)hash_str(key) & (cap - 1);

  while (keys[i].key != NULL && strcmp(keys[i].key, key) != 0)
    i = (i + 1) & (cap - 1);
  return i;
}

/* The canonical index for a folded key, or -1. */
static long key_find(const lm__skilldict *d, const char *key)
{
  size_t i;

  if (d->capkeys == 0)
    return -1;
  i = key_slot(d->keys, d->capkeys, key);
  return d->keys[i].key != NULL ? (long)d->keys[i].canon : -1;
}

static uint32_t edge_find(const lm__skilldict *d, uint32_t node,
                          unsigned char byte)
{
  size_t mask = d->capedges - 1, i;

  if (d->capedges == 0)
    return LM__NO_NODE;
  i = (size_t)hash_edge(node, byte) & mask;
  while (d->edges[i].parent != 0) {
    if (d->edges[i].parent == node + 1 && d->edges[i].byte == byte)
      return d->edges[i].child;
    i = (i + 1) & mask;
  }
  return LM__NO_NODE;
}

/* Bytes of the UTF-8 character that starts with c. */
static size_t char_len(unsigned char c)
{
  return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* The filter's bit for the character of len bytes at u. */
static uint32_t start_bit(const unsigned char *u, size_t len)
{
  uint32_t v = u[0];
  size_t i;

  for (i = 1; i < len; i++)
    v |= (uint32_t)u[i] << (8 * i);
  return (v * 0x9E3779B1u) >> (32 - 16);
}

static int start_has(const lm__skilldict *d, const unsigned char *u,
                     size_t len)
{
  uint32_t b = start_bit(u, len);
  return (d->start[b / 64] >> (b % 64)) & 1;
}

/* ------------------------------------------------------ growing tables */

/* Each grows its table so that `more` entries fit, or fails leaving the
 * dictionary as it was: an add reserves everything before changing
 * anything, so a failed add changes nothing. */

static int grow_keys(lm__skilldict *d, size_t more)
{
  size_t cap = d->capkeys ? d->capkeys : 64, i, j;
  lm__skey *keys;

  while ((d->nkeys + more) * 2 > cap)
    cap *= 2;
  if (cap == d->capkeys)
    return LM_OK;
  keys = lm__calloc(cap, sizeof *keys);
  if (keys == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  for (i = 0; i < d->capkeys; i++)
    if (d->keys[i].key != NULL) {
      j = key_slot(keys, cap, d->keys[i].key);
      keys[j] = d->keys[i];
    }
  lm__xfree(d->keys);
  d->keys = keys;
  d->capkeys = cap;
  return LM_OK;
}

static int grow_edges(lm__skilldict *d, size_t more)
{
  size_t cap = d->capedges ? d->capedges : 1024, i, j, mask;
  lm__sedge *edges;

  while ((d->nedges + more) * 2 > cap)
    cap *= 2;
  if (cap == d->capedges)
    return LM_OK;
  edges = lm__calloc(cap, sizeof *edges);
  if (edges == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  mask = cap - 1;
  for (i = 0; i < d->capedges; i++) {
    if (d->edges[i].parent == 0)
      continue;
    j = (size_t)hash_edge(d->edges[i].parent - 1, d->edges[i].byte) & mask;
    while (edges[j].parent != 0)
      j = (j + 1) & mask;
    edges[j] = d->edges[i];
  }
  lm__xfree(d->edges);
  d->edges = edges;
  d->capedges = cap;
  return LM_OK;
}

static int grow_nodes(lm__skilldict *d, size_t more)
{
  size_t cap = d->capnodes ? d->capnodes : 1024;
  uint32_t *term;

  if (d->nnodes + more >= LM__NO_NODE - 1)
    return lm__fail(LM_ENOMEM, "skills dictionary too large");
  while (d->nnodes + more > cap)
    cap *= 2;
  if (cap == d->capnodes)
    return LM_OK;
  term = lm__realloc(d->term, cap * sizeof *term);
  if (term == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  d->term = term;
  d->capnodes = cap;
  return LM_OK;
}

static int grow_canon(lm__skilldict *d)
{
  size_t cap;
  char **canon;

  if (d->ncanon < d->capcanon)
    return LM_OK;
  cap = d->capcanon ? d->capcanon * 2 : 64;
  canon = lm__realloc(d->canon, cap * sizeof *canon);
  if (canon == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  d->canon = canon;
  d->capcanon = cap;
  return LM_OK;
}

/* -------------------------------------------------------- inserting */

/* Inserts a folded key (space reserved by the caller; cannot fail). */
static void insert_key(lm__skilldict *d, char *key, uint32_t canon)
{
  size_t i = key_slot(d->keys, d->capkeys, key), mask, k;
  uint32_t node = 0, next;
  const unsigned char *p = (const unsigned char *)key;

  d->keys[i].key = key;
  d->keys[i].canon = canon;
  d->nkeys++;
  k = start_bit(p, char_len(*p));
  d->start[k / 64] |= (uint64_t)1 << (k % 64);

  mask = d->capedges - 1;
  for (; *p != '\0'; p++) {
    next = edge_find(d, node, *p);
    if (next == LM__NO_NODE) {
      next = (uint32_t)d->nnodes++;
      d->term[next] = 0;
      k = (size_t)hash_edge(node, *p) & mask;
      while (d->edges[k].parent != 0)
        k = (k + 1) & mask;
      d->edges[k].parent = node + 1;
      d->edges[k].child = next;
      d->edges[k].byte = *p;
      d->nedges++;
    }
    node = next;
  }
  d->term[node] = canon + 1;
}

int lm__skilldict_new(lm__skilldict **out)
{
  lm__skilldict *d;

  if (out == NULL)
    return lm__fail(LM_EINVAL, "skills: no output");
  *out = NULL;
  d = lm__calloc(1, sizeof *d);
  if (d == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  /* Node 0 is the root of the trie. */
  if (grow_nodes(d, 1) != LM_OK) {
    lm__xfree(d);
    return LM_ENOMEM;
  }
  d->term[0] = 0;
  d->nnodes = 1;
  *out = d;
  return LM_OK;
}

void lm__skilldict_free(lm__skilldict *d)
{
  size_t i;

  if (d == NULL)
    return;
  for (i = 0; i < d->ncanon; i++)
    lm__xfree(d->canon[i]);
  for (i = 0; i < d->capkeys; i++)
    lm__xfree(d->keys[i].key);
  lm__xfree(d->canon);
  lm__xfree(d->keys);
  lm__xfree(d->term);
  lm__xfree(d->edges);
  lm__xfree(d);
}

size_t lm__skilldict_size(const lm__skilldict *d)
{
  return d != NULL ? d->ncanon : 0;
}

/* The folded key of a term; `what` names it in messages. */
static int term_key(const char *what, const char *s, char **key)
{
  int rc = lm__fold(s, strlen(s), key);

  if (rc == LM_EINVAL)
    return lm__fail(LM_EINVAL, "skills: %s is not valid UTF-8", what);
  if (rc != LM_OK)
    return rc;
  if ((*key)[0] == '\0' || strlen(*key) > LM__SKILL_KEY_MAX) {
    rc = lm__fail(LM_EINVAL, "skills: %s is empty or longer than %d "
                  "bytes", what, LM__SKILL_KEY_MAX);
    lm__xfree(*key);
    *key = NULL;
  }
  return rc;
}

int lm__skilldict_add(lm__skilldict *d, const char *canonical,
                      const char *alias)
{
  char *ckey = NULL, *akey = NULL, *copy = NULL;
  long cid, aid;
  size_t more, n, skip;
  int rc;

  if (d == NULL || canonical == NULL)
    return lm__fail(LM_EINVAL, "skills: no dictionary or no term");
  if ((rc = term_key("term", canonical, &ckey)) != LM_OK)
    goto cleanup;
  if (alias != NULL && (rc = term_key("alias", alias, &akey)) != LM_OK)
    goto cleanup;
  if (akey != NULL && strcmp(akey, ckey) == 0) {
    lm__xfree(akey); /* the term itself, in another script or width */
    akey = NULL;
  }

  /* A term already known (as a term or as an alias) is that skill. */
  cid = key_find(d, ckey);
  aid = akey != NULL ? key_find(d, akey) : -1;
  if (akey != NULL && aid >= 0 && cid >= 0 && aid != cid) {
    rc = lm__fail(LM_EINVAL, "skills: '%s' already names the skill '%s'",
                  alias, d->canon[aid]);
    goto cleanup;
  }
  if (akey != NULL && aid >= 0 && cid < 0) {
    /* The alias is known and the term is new: the alias keeps its
     * skill; the new term would make a second skill out of one. */
    rc = lm__fail(LM_EINVAL, "skills: '%s' already names the skill '%s'",
                  alias, d->canon[aid]);
    goto cleanup;
  }

  /* Reserve everything first, so that a failure changes nothing. */
  more = (cid < 0 ? strlen(ckey) : 0) + (aid < 0 && akey ? strlen(akey) : 0);
  if ((rc = grow_keys(d, 2)) != LM_OK || (rc = grow_edges(d, more)) != LM_OK ||
      (rc = grow_nodes(d, more)) != LM_OK || (rc = grow_canon(d)) != LM_OK)
    goto cleanup;
  if (cid < 0) {
    /* The term as written, without the blanks around it. */
    n = strlen(canonical);
    while (n > 0 && strchr(" \t\r\n", canonical[n - 1]) != NULL)
      n--;
    skip = strspn(canonical, " \t\r\n");
    copy = lm__strndup(canonical + skip, n - skip);
    if (copy == NULL) {
      rc = lm__fail(LM_ENOMEM, "out of memory");
      goto cleanup;
    }
    cid = (long)d->ncanon;
    d->canon[d->ncanon++] = copy;
    insert_key(d, ckey, (uint32_t)cid);
    ckey = NULL; /* the table owns it */
  }
  if (akey != NULL && aid < 0) {
    insert_key(d, akey, (uint32_t)cid);
    akey = NULL;
  }
  rc = LM_OK;

cleanup:
  lm__xfree(ckey);
  lm__xfree(akey);
  return rc;
}

const char *lm__skilldict_lookup(const lm__skilldict *d, const char *text)
{
  char small[256], *key;
  long id;

  if (d == NULL || text == NULL)
    return NULL;
  if (lm__fold_to(text, strlen(text), small, sizeof small, &key) != LM_OK)
    return NULL;
  id = key_find(d, key);
  if (key != small)
    lm__xfree(key);
  return id >= 0 ? d->canon[id] : NULL;
}

/* ----------------------------------------------------------- loading */

/* Trims ASCII blanks around s in place; returns the new start. */
static char *trim(char *s)
{
  char *e;

  while (*s == ' ' || *s == '\r' || *s == '\n')
    s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\n'))
    *--e = '\0';
  return s;
}

/* Adds one line's term and aliases (line modified in place). */
static int load_line(lm__skilldict *d, char *line)
{
  char *field, *canonical, *next;
  int rc;

  next = strchr(line, '\t');
  if (next != NULL)
    *next++ = '\0';
  canonical = trim(line);
  if (canonical[0] == '\0')
    return lm__fail(LM_EPARSE, "no term before the first tab");
  if ((rc = lm__skilldict_add(d, canonical, NULL)) != LM_OK)
    return rc;
  while (next != NULL) {
    field = next;
    next = strchr(field, '\t');
    if (next != NULL)
      *next++ = '\0';
    field = trim(field);
    if (field[0] != '\0' &&
        (rc = lm__skilldict_add(d, canonical, field)) != LM_OK)
      return rc;
  }
  return LM_OK;
}

int lm__skilldict_load(lm__skilldict *d, const char *path)
{
  FILE *f;
  char *line = NULL, *p;
  size_t cap = 0;
  ssize_t n;
  long lineno = 0;
  int rc = LM_OK;

  if (d == NULL || path == NULL)
    return lm__fail(LM_EINVAL, "skills: no dictionary or no path");
  f = fopen(path, "r");
  if (f == NULL)
    return lm__fail(LM_ERROR, "skills: cannot open %s", path);
  while ((n = getline(&line, &cap, f)) >= 0) {
    lineno++;
    p = line;
    if ((size_t)n != strlen(line)) {
      rc = lm__fail(LM_EPARSE, "%s:%ld: a NUL byte", path, lineno);
      break;
    }
    if (lineno == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
      p += 3; /* a byte-order mark from a Windows editor */
    p += strspn(p, " \t");
    if (*p == '#' || *p == '\0' || *p == '\n' || *p == '\r')
      continue;
    rc = load_line(d, p);
    if (rc == LM_EINVAL || rc == LM_EPARSE) {
      rc = lm__fail_prefix(LM_EPARSE, "%s:%ld: ", path, lineno);
      break;
    }
    if (rc != LM_OK)
      break;
  }
  if (rc == LM_OK && ferror(f))
    rc = lm__fail(LM_ERROR, "skills: cannot read %s", path);
  free(line); /* getline's, from malloc */
  fclose(f);
  return rc;
}

/* ---------------------------------------------------------- scanning */

static int is_alnum(unsigned char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

/* The longest key that starts at t[p] (folded text of n bytes), as its
 * end in *end and canonical index in *canon; 0 when none.  Keys that
 * begin or end with a letter or digit must not continue a word of the
 * text: "cad" is not found in "arcade", "c1" not in "abc123". */
static int longest_at(const lm__skilldict *d, const char *t, size_t n,
                      size_t p, size_t *end, uint32_t *canon)
{
  const unsigned char *u = (const unsigned char *)t;
  uint32_t node = 0;
  size_t q;
  int found = 0;

  if (is_alnum(u[p]) && p > 0 && is_alnum(u[p - 1]))
    return 0;
  for (q = p; q < n; q++) {
    node = edge_find(d, node, u[q]);
    if (node == LM__NO_NODE)
      break;
    if (d->term[node] != 0 &&
        !(is_alnum(u[q]) && q + 1 < n && is_alnum(u[q + 1]))) {
      *end = q + 1;
      *canon = d->term[node] - 1;
      found = 1;
    }
  }
  return found;
}

int lm__skilldict_scan(const lm__skilldict *d, const char *text,
                       int (*found)(void *ctx, const char *canonical),
                       void *ctx)
{
  /* The folded text and the skills reported, on the stack when they
   * fit (a record's texts mostly do): per call, so scans share nothing. */
  char small[2048], *t = NULL;
  unsigned char seen_small[512], *seen = NULL;
  const unsigned char *u;
  size_t n, p = 0, end, len;
  uint32_t canon;
  int rc;

  if (d == NULL || text == NULL || found == NULL)
    return lm__fail(LM_EINVAL, "skills: scan needs a dictionary, a text "
                    "and a callback");
  rc = lm__fold_to(text, strlen(text), small, sizeof small, &t);
  if (rc != LM_OK)
    return rc;
  if (d->ncanon == 0)
    goto cleanup; /* rc is LM_OK */
  if ((d->ncanon + 7) / 8 <= sizeof seen_small) {
    seen = seen_small;
    memset(seen, 0, (d->ncanon + 7) / 8);
  } else if ((seen = lm__calloc((d->ncanon + 7) / 8, 1)) == NULL) {
    rc = lm__fail(LM_ENOMEM, "out of memory");
    goto cleanup;
  }
  n = strlen(t);
  u = (const unsigned char *)t;
  while (p < n) {
    len = char_len(u[p]);
    if (!start_has(d, u + p, len) || !longest_at(d, t, n, p, &end, &canon)) {
      p += len;
      continue;
    }
    p = end;
    if (seen[canon / 8] & (1u << (canon % 8)))
      continue;
    seen[canon / 8] |= (unsigned char)(1u << (canon % 8));
    rc = found(ctx, d->canon[canon]);
    if (rc != 0)
      goto cleanup;
  }
  rc = LM_OK;

cleanup:
  if (seen != seen_small)
    lm__xfree(seen);
  if (t != small)
    lm__xfree(t);
  return rc;
}

/* -------------------------------------------------------- going back */

/* The dictionary as it was (its scalars and inline fields in d), with
 * copies of the tables an add changes in place.  The strings are d's.
 * A field of struct lm__skilldict that owns memory must be copied here
 * and handed back by lm__skilldict_rollback as the tables are. */
struct lm__skillmark {
  lm__skilldict d;
  lm__skey *keys;   /* d.capkeys slots */
  lm__sedge *edges; /* d.capedges slots */
  uint32_t *term;   /* d.nnodes nodes */
};

void lm__skillmark_free(lm__skillmark *m)
{
  if (m == NULL)
    return;
  lm__xfree(m->keys);
  lm__xfree(m->edges);
  lm__xfree(m->term);
  lm__xfree(m);
}

int lm__skilldict_mark(const lm__skilldict *d, lm__skillmark **out)
{
  lm__skillmark *m;

  if (out == NULL)
    return lm__fail(LM_EINVAL, "skills: no output");
  *out = NULL;
  if (d == NULL)
    return lm__fail(LM_EINVAL, "skills: no dictionary");
  m = lm__calloc(1, sizeof *m);
  if (m == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  m->d = *d;
  m->keys = lm__malloc((d->capkeys + 1) * sizeof *m->keys);
  m->edges = lm__malloc((d->capedges + 1) * sizeof *m->edges);
  m->term = lm__malloc((d->nnodes + 1) * sizeof *m->term);
  if (m->keys == NULL || m->edges == NULL || m->term == NULL) {
    lm__skillmark_free(m);
    return lm__fail(LM_ENOMEM, "out of memory");
  }
  if (d->capkeys > 0)
    memcpy(m->keys, d->keys, d->capkeys * sizeof *m->keys);
  if (d->capedges > 0)
    memcpy(m->edges, d->edges, d->capedges * sizeof *m->edges);
  memcpy(m->term, d->term, d->nnodes * sizeof *m->term);
  *out = m;
  return LM_OK;
}

/*
 * Adds only append (a canonical term, a key in an empty slot, a trie node
 * and its edge, a term mark on a node) or grow a table, so going back is:
 * free the keys and terms that are not in the mark, copy the mark's
 * tables back into d's (never smaller), and restore the scalars.  A key
 * is new when its slot was empty at the mark or, after a table grew, when
 * the mark's table has no such key.
 */
void lm__skilldict_rollback(lm__skilldict *d, const lm__skillmark *m)
{
  char **canon;
  lm__skey *keys;
  lm__sedge *edges;
  uint32_t *term;
  size_t capcanon, capnodes, i;
  const char *k;

  if (d == NULL || m == NULL)
    return;
  for (i = 0; i < d->capkeys; i++) {
    if ((k = d->keys[i].key) == NULL)
      continue;
    if (d->capkeys == m->d.capkeys
            ? m->keys[i].key != k
            : m->d.capkeys == 0 ||
                  m->keys[key_slot(m->keys, m->d.capkeys, k)].key == NULL)
      lm__xfree(d->keys[i].key);
  }
  for (i = m->d.ncanon; i < d->ncanon; i++)
    lm__xfree(d->canon[i]);
  if (m->d.capkeys > 0)
    memcpy(d->keys, m->keys, m->d.capkeys * sizeof *d->keys);
  if (m->d.capedges > 0)
    memcpy(d->edges, m->edges, m->d.capedges * sizeof *d->edges);
  memcpy(d->term, m->term, m->d.nnodes * sizeof *d->term);
  /* d's arrays stay (each at least as large as the mark's); the rest is
   * the mark's. */
  canon = d->canon;
  capcanon = d->capcanon;
  keys = d->keys;
  edges = d->edges;
  term = d->term;
  capnodes = d->capnodes;
  *d = m->d;
  d->canon = canon;
  d->capcanon = capcanon;
  d->keys = keys;
  d->edges = edges;
  d->term = term;
  d->capnodes = capnodes;
}
