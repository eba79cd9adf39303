/*
 * index.c: the index layer.  In-memory structures over the stored jobs
 * and seekers, for exact ranking (rank.c):
 *
 *   - vocabularies: skill canonical terms, certificates and industries
 *     (folded, so either script and width meet) as small numbers, with
 *     their names back for the reasons;
 *   - compact features per record (lm__jobf, lm__seekerf) in an array of
 *     slots per kind, and an id -> slot hash per kind;
 *   - postings: per skill, the jobs listing it and the seekers holding
 *     it; per occupation prefix of one or two levels, the jobs
 *     under it and the seekers whose experience or preference is under
 *     it.  They say which records share something with a query, and the
 *     job postings give each skill's rarity (idf);
 *   - a uniform grid of LM__CELL_DEG-degree cells for jobs and one for
 *     seekers.  A seekers' cell is kept sorted by reach, longest first,
 *     so that a job's query reads only the seekers who can reach it.
 *
 * Memory.  At a million records a malloc per string and per small array
 * would cost more than the data, so ids and the features' arrays come
 * from size-class pools (freed blocks are reused by the next record) and
 * vocabulary names from an arena that never frees.  Postings and cells
 * are plain growable arrays.
 *
 * Writes.  Every change goes through a batch (lm__ibatch): the records of
 * one committed transaction, applied at once by lm__index_apply under the
 * engine's exclusive lock.  A removed record becomes a tombstone: its
 * slot is marked dead at once, and before apply returns, every posting
 * list and cell it was in is filtered in one pass (cheaper than one
 * search per list when a batch replaces thousands), its memory goes back
 * to the pools and its slot to the free list.  Nothing here takes the
 * engine's lock; the vocabularies alone have a mutex (vlock), because a
 * writer interns the terms of a batch before it commits, while queries
 * read names.  A record's features are built under one hold of it.
 *
 * Layers: the index knows no distances and no commute model.  A seeker's
 * reach in km comes from the function given to lm__index_new; the grid
 * speaks degrees.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------ pools */

/* Block sizes 8 << c for c < LM__POOL_CLASSES: 8 B .. 1 KiB, enough for
 * the longest array a record may have (LM__SKILLS_MAX ids). */
#define LM__POOL_CLASSES 8
#define LM__POOL_MAX ((size_t)8 << (LM__POOL_CLASSES - 1))
#define LM__POOL_PAGE ((size_t)64 * 1024)

typedef struct lm__pool {
  void *free[LM__POOL_CLASSES]; /* freed blocks, linked through their
                                   first bytes */
  char *cur;                    /* where the next new block is cut */
  size_t left;
  void **pages;
  size_t npages, cappages;
} lm__pool;

static int pool_class(size_t n)
{
  int c = 0;
  while (((size_t)8 << c) < n)
    c++;
  return c;
}

static int pool_new_page(lm__pool *p)
{
  char *page;

  if (p->npages == p->cappages) {
    size_t cap = p->cappages ? p->cappages * 2 : 64;
    void **v = lm__realloc(p->pages, cap * sizeof *v);
    if (v == NULL)
      return LM_ENOMEM;
    p->pages = v;
    p->cappages = cap;
  }
  page = lm__malloc(LM__POOL_PAGE);
  if (page == NULL)
    return LM_ENOMEM;
  p->pages[p->npages++] = page;
  p->cur = page;
  p->left = LM__POOL_PAGE;
  return LM_OK;
}

/* n bytes (1..LM__POOL_MAX), 8-aligned, or NULL. */
static void *pool_alloc(lm__pool *p, size_t n)
{
  int c = pool_class(n);
  size_t size = (size_t)8 << c;
  void *b = p->free[c];

  if (b != NULL) {
    memcpy(&p->free[c], b, sizeof(void *));
    return b;
  }
  if (p->left < size && pool_new_page(p) != LM_OK)
    return NULL;
  b = p->cur;
  p->cur += size;
  p->left -= size;
  return b;
}

static void pool_free(lm__pool *p, void *b, size_t n)
{
  int c;

  if (b == NULL)
    return;
  c = pool_class(n);
  memcpy(b, &p->free[c], sizeof(void *));
  p->free[c] = b;
}

static void pool_destroy(lm__pool *p)
{
  size_t i;
  for (i = 0; i < p->npages; i++)
    lm__xfree(p->pages[i]);
  lm__xfree(p->pages);
  memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------ arena */

/* Vocabulary names: never freed one by one, so a bump allocator. */
typedef struct lm__arena {
  char *cur;
  size_t left;
  void **chunks;
  size_t n, cap;
  size_t bytes;
} lm__arena;

#define LM__ARENA_CHUNK ((size_t)64 * 1024)

static char *arena_strdup(lm__arena *a, const char *s)
{
  size_t n = strlen(s) + 1;
  char *d;

  if (n > a->left) {
    size_t size = n > LM__ARENA_CHUNK / 4 ? n : LM__ARENA_CHUNK;
    char *chunk;
    if (a->n == a->cap) {
      size_t cap = a->cap ? a->cap * 2 : 16;
      void **v = lm__realloc(a->chunks, cap * sizeof *v);
      if (v == NULL)
        return NULL;
      a->chunks = v;
      a->cap = cap;
    }
    chunk = lm__malloc(size);
    if (chunk == NULL)
      return NULL;
    a->chunks[a->n++] = chunk;
    a->bytes += size;
    if (size != LM__ARENA_CHUNK) { /* a long name: its own chunk */
      memcpy(chunk, s, n);
      return chunk;
    }
    a->cur = chunk;
    a->left = size;
  }
  d = a->cur;
  memcpy(d, s, n);
  a->cur += n;
  a->left -= n;
  return d;
}

static void arena_destroy(lm__arena *a)
{
  size_t i;
  for (i = 0; i < a->n; i++)
    lm__xfree(a->chunks[i]);
  lm__xfree(a->chunks);
  memset(a, 0, sizeof *a);
}

/* ------------------------------------------------------------ hashing */

/* FNV-1a, then a final mix so that the low bits (the table index) depend
 * on every byte of ids that differ only in their last digits. */
static uint64_t hash_str(const char *s)
{
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

static uint64_t hash_u64(uint64_t k)
{
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ull;
  k ^= k >> 33;
  return k;
}

/* ------------------------------------------------------- vocabularies */

/* Skills, certificates, industries (LM__VOCAB_*). */
#define LM__NVOCAB 3

/* Terms to numbers 1..n-1 (0 is "none"); the key is the folded term, the
 * name the first form seen, for reasons. */
typedef struct lm__vocab {
  const char **key;
  const char **name;
  uint32_t n, cap;
  uint32_t *tab; /* open addressing: id, 0 when empty */
  size_t tcap;
} lm__vocab;

static uint32_t vocab_find(const lm__vocab *v, const char *key)
{
  size_t i, mask = v->tcap - 1;

  if (v->tcap == 0)
    return 0;
  for (i = hash_str(key) & mask; v->tab[i] != 0; i = (i + 1) & mask)
    if (strcmp(v->key[v->tab[i]], key) == 0)
      return v->tab[i];
  return 0;
}

static void vocab_place(lm__vocab *v, uint32_t id)
{
  size_t i, mask = v->tcap - 1;
  for (i = hash_str(v->key[id]) & mask; v->tab[i] != 0; i = (i + 1) & mask)
    ;
  v->tab[i] = id;
}

static int vocab_grow(lm__vocab *v)
{
  if (v->n + 1 >= v->cap) {
    uint32_t cap = v->cap ? v->cap * 2 : 256;
    const char **k = lm__realloc(v->key, cap * sizeof *k);
    const char **nm;
    if (k == NULL)
      return LM_ENOMEM;
    v->key = k;
    nm = lm__realloc(v->name, cap * sizeof *nm);
    if (nm == NULL)
      return LM_ENOMEM;
    v->name = nm;
    v->cap = cap;
  }
  if ((size_t)(v->n + 1) * 2 > v->tcap) {
    size_t cap = v->tcap ? v->tcap * 2 : 512;
    uint32_t *t = lm__calloc(cap, sizeof *t), id;
    if (t == NULL)
      return LM_ENOMEM;
    lm__xfree(v->tab);
    v->tab = t;
    v->tcap = cap;
    for (id = 1; id < v->n; id++)
      vocab_place(v, id);
  }
  return LM_OK;
}

/* The id of key, adding it (with its display name) when new. */
static int vocab_intern(lm__vocab *v, lm__arena *a, const char *key,
                        const char *name, uint32_t *id)
{
  const char *k, *nm;

  *id = vocab_find(v, key);
  if (*id != 0)
    return LM_OK;
  if (v->n == 0)
    v->n = 1;
  if (v->n >= LM__TEMP_ID - 1)
    return lm__fail(LM_ENOMEM, "index: vocabulary full");
  if (vocab_grow(v) != LM_OK)
    return lm__fail(LM_ENOMEM, "out of memory");
  k = arena_strdup(a, key);
  nm = strcmp(name, key) == 0 ? k : arena_strdup(a, name);
  if (k == NULL || nm == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  v->key[v->n] = k;
  v->name[v->n] = nm;
  *id = v->n++;
  vocab_place(v, *id);
  return LM_OK;
}

static void vocab_destroy(lm__vocab *v)
{
  lm__xfree(v->key);
  lm__xfree(v->name);
  lm__xfree(v->tab);
  memset(v, 0, sizeof *v);
}

/* ------------------------------------------------------------ id maps */

/* id -> slot for one kind: entries are (tag << 32) | slot + 1, 0 when
 * empty, where tag is the high half of the id's hash; linear probing from
 * the tag's low bits, with backward-shift deletion.  Growing and deleting
 * need only the tags, never the strings (a million cache misses saved at
 * open).  The key itself is the `id` of the features in the slot (the
 * first member of both feature structs). */
typedef struct lm__idmap {
  uint64_t *e;
  size_t cap, n;
} lm__idmap;

typedef struct lm__slots {
  char *base; /* lm__jobf or lm__seekerf array */
  size_t stride;
} lm__slots;

static const char *slot_id(const lm__slots *s, uint32_t slot)
{
  return *(const char *const *)(s->base + (size_t)slot * s->stride);
}

static uint32_t id_tag(const char *id)
{
  return (uint32_t)(hash_str(id) >> 32);
}

static int idmap_find(const lm__idmap *m, const lm__slots *s,
                      const char *id, uint32_t *slot, size_t *at)
{
  uint32_t tag = id_tag(id);
  size_t i, mask = m->cap - 1;

  if (m->cap == 0)
    return 0;
  for (i = tag & mask; m->e[i] != 0; i = (i + 1) & mask) {
    uint32_t sl = (uint32_t)m->e[i] - 1;
    if ((uint32_t)(m->e[i] >> 32) == tag && strcmp(slot_id(s, sl), id) == 0) {
      *slot = sl;
      if (at)
        *at = i;
      return 1;
    }
  }
  return 0;
}

static void idmap_place(lm__idmap *m, uint64_t entry)
{
  size_t i, mask = m->cap - 1;
  for (i = (entry >> 32) & mask; m->e[i] != 0; i = (i + 1) & mask)
    ;
  m->e[i] = entry;
}

static int idmap_add(lm__idmap *m, const lm__slots *s, uint32_t slot)
{
  if ((m->n + 1) * 2 > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 1024, i;
    uint64_t *old = m->e, *e = lm__calloc(cap, sizeof *e);
    size_t oldcap = m->cap;
    if (e == NULL)
      return LM_ENOMEM;
    m->e = e;
    m->cap = cap;
    for (i = 0; i < oldcap; i++)
      if (old[i] != 0)
        idmap_place(m, old[i]);
    lm__xfree(old);
  }
  idmap_place(m, ((uint64_t)id_tag(slot_id(s, slot)) << 32) |
                     ((uint64_t)slot + 1));
  m->n++;
  return LM_OK;
}

/* Deletes entry `at`, moving later entries of its run back so that no
 * probe sequence is broken. */
static void idmap_delete(lm__idmap *m, size_t at)
{
  size_t mask = m->cap - 1, i = at, j = at;

  for (;;) {
    size_t home;
    j = (j + 1) & mask;
    if (m->e[j] == 0)
      break;
    home = (size_t)(m->e[j] >> 32) & mask;
    /* Entry j may fill hole i unless its home lies cyclically in
     * (i, j]. */
    if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
      continue;
    m->e[i] = m->e[j];
    i = j;
  }
  m->e[i] = 0;
  m->n--;
}

/* ----------------------------------------------------------- key maps */

/* uint64 key -> uint32 index (cells, occupation prefixes); never shrinks. */
typedef struct lm__kmap {
  uint64_t *key;
  uint32_t *val; /* UINT32_MAX when empty */
  size_t cap, n;
} lm__kmap;

static uint32_t kmap_get(const lm__kmap *m, uint64_t key)
{
  size_t i, mask = m->cap - 1;

  if (m->cap == 0)
    return UINT32_MAX;
  for (i = hash_u64(key) & mask; m->val[i] != UINT32_MAX; i = (i + 1) & mask)
    if (m->key[i] == key)
      return m->val[i];
  return UINT32_MAX;
}

static void kmap_place(lm__kmap *m, uint64_t key, uint32_t val)
{
  size_t i, mask = m->cap - 1;
  for (i = hash_u64(key) & mask; m->val[i] != UINT32_MAX; i = (i + 1) & mask)
    ;
  m->key[i] = key;
  m->val[i] = val;
}

static int kmap_put(lm__kmap *m, uint64_t key, uint32_t val)
{
  if ((m->n + 1) * 2 > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 256, i, oldcap = m->cap;
    uint64_t *k = lm__malloc(cap * sizeof *k), *ok = m->key;
    uint32_t *v = lm__malloc(cap * sizeof *v), *ov = m->val;
    if (k == NULL || v == NULL) {
      lm__xfree(k);
      lm__xfree(v);
      return LM_ENOMEM;
    }
    memset(v, 0xff, cap * sizeof *v);
    m->key = k;
    m->val = v;
    m->cap = cap;
    for (i = 0; i < oldcap; i++)
      if (ov[i] != UINT32_MAX)
        kmap_place(m, ok[i], ov[i]);
    lm__xfree(ok);
    lm__xfree(ov);
  }
  kmap_place(m, key, val);
  m->n++;
  return LM_OK;
}

static void kmap_destroy(lm__kmap *m)
{
  lm__xfree(m->key);
  lm__xfree(m->val);
  memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------- posting lists */

typedef struct lm__plist {
  uint32_t *v;
  uint32_t n, cap;
} lm__plist;

static int plist_add(lm__plist *l, uint32_t slot)
{
  if (l->n == l->cap) {
    uint32_t cap = l->cap ? l->cap + l->cap / 2 + 2 : 4;
    uint32_t *v = lm__realloc(l->v, (size_t)cap * sizeof *v);
    if (v == NULL)
      return LM_ENOMEM;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = slot;
  return LM_OK;
}

static int bit_get(const uint64_t *bits, uint32_t i)
{
  return (int)((bits[i >> 6] >> (i & 63)) & 1u);
}

static void bit_set(uint64_t *bits, uint32_t i)
{
  bits[i >> 6] |= (uint64_t)1 << (i & 63);
}

static void bit_clear(uint64_t *bits, uint32_t i)
{
  bits[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

/* Drops the dead slots, keeping the order of the others. */
static void plist_filter(lm__plist *l, const uint64_t *dead)
{
  uint32_t i, n = 0;
  for (i = 0; i < l->n; i++)
    if (!bit_get(dead, l->v[i]))
      l->v[n++] = l->v[i];
  l->n = n;
}

/* A plist array indexed by a number that grows (skill ids, kmap
 * values). */
typedef struct lm__plists {
  lm__plist *l;
  size_t n;
} lm__plists;

static int plists_reserve(lm__plists *p, size_t n)
{
  if (n > p->n) {
    size_t cap = p->n ? p->n : 64;
    lm__plist *l;
    while (cap < n)
      cap *= 2;
    l = lm__realloc(p->l, cap * sizeof *l);
    if (l == NULL)
      return LM_ENOMEM;
    memset(l + p->n, 0, (cap - p->n) * sizeof *l);
    p->l = l;
    p->n = cap;
  }
  return LM_OK;
}

static void plists_destroy(lm__plists *p)
{
  size_t i;
  for (i = 0; i < p->n; i++)
    lm__xfree(p->l[i].v);
  lm__xfree(p->l);
  memset(p, 0, sizeof *p);
}

/* ---------------------------------------------------- the index proper */

/* Seekers' cells: entries sorted by reach, longest first, up to nsorted;
 * entries added since the last settle follow unsorted. */
typedef struct lm__scell {
  lm__sentry *e;
  uint32_t n, cap, nsorted;
  uint8_t dirty;
} lm__scell;

/* Posting lists that a batch changed, to filter or sort at settle. */
enum {
  LM__T_JSKILL,
  LM__T_JOCC,
  LM__T_JCELL,
  LM__T_JLOOSE,
  LM__T_JNOSKILL,
  LM__T_SSKILL,
  LM__T_SOCC,
  LM__T_SCELL,
  LM__T_SLOOSE
};

/* One kind's records. */
typedef struct lm__side {
  lm__slots slots;    /* features by slot */
  uint32_t nslot, capslot;
  uint64_t *dead;     /* a bit per slot: tombstone or free */
  uint32_t *freel;    /* free slots, reused by the next put */
  size_t nfree, capfree;
  uint32_t *dying;    /* removed since the last settle */
  size_t ndying, capdying;
  lm__idmap ids;
  size_t live;
  lm__plists by_skill; /* [skill id] */
  lm__kmap occ_map;    /* occupation prefix key -> by_occ index */
  lm__plists by_occ;
  lm__kmap cell_map;   /* cell key -> cell index */
  size_t ncells;
} lm__side;

struct lm__index {
  pthread_mutex_t vlock; /* the vocabularies and the arena */
  lm__vocab vocab[LM__NVOCAB];
  lm__arena arena;
  lm__pool pool;          /* ids and feature arrays: writer only */
  lm__reach_fn reach;
  lm__side job, seeker;
  lm__plists jcells;      /* job slots per cell */
  lm__plist jloose;       /* jobs without a location */
  lm__plist jnoskill;     /* jobs naming no skill */
  lm__scell *scells;
  size_t capscells;
  lm__sentry *sloose;     /* seekers with no location or no limit */
  uint32_t nsloose, capsloose;
  double max_reach;       /* km; never shrinks until a rebuild */
  unsigned max_minutes;   /* the longest mobility stated, likewise */
  float *idf;
  size_t nidf;
  uint64_t *touched;      /* (kind << 32) | list: changed this batch */
  int loading;            /* placed by lm__index_load, not yet linked */
  size_t ntouched, captouched;
};

static void side_init(lm__side *sd, size_t stride)
{
  memset(sd, 0, sizeof *sd);
  sd->slots.stride = stride;
}

int lm__index_new(lm__index **out, lm__reach_fn reach)
{
  lm__index *ix;

  *out = NULL;
  ix = lm__calloc(1, sizeof *ix);
  if (ix == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  if (pthread_mutex_init(&ix->vlock, NULL) != 0) {
    lm__xfree(ix);
    return lm__fail(LM_ERROR, "cannot create a mutex");
  }
  ix->reach = reach;
  side_init(&ix->job, sizeof(lm__jobf));
  side_init(&ix->seeker, sizeof(lm__seekerf));
  *out = ix;
  return LM_OK;
}

static void side_destroy(lm__side *sd)
{
  lm__xfree(sd->slots.base);
  lm__xfree(sd->dead);
  lm__xfree(sd->freel);
  lm__xfree(sd->dying);
  lm__xfree(sd->ids.e);
  plists_destroy(&sd->by_skill);
  kmap_destroy(&sd->occ_map);
  plists_destroy(&sd->by_occ);
  kmap_destroy(&sd->cell_map);
}

void lm__index_free(lm__index *ix)
{
  size_t i;

  if (ix == NULL)
    return;
  for (i = 0; i < LM__NVOCAB; i++)
    vocab_destroy(&ix->vocab[i]);
  arena_destroy(&ix->arena);
  pool_destroy(&ix->pool);
  side_destroy(&ix->job);
  side_destroy(&ix->seeker);
  plists_destroy(&ix->jcells);
  lm__xfree(ix->jloose.v);
  lm__xfree(ix->jnoskill.v);
  for (i = 0; i < ix->seeker.ncells; i++)
    lm__xfree(ix->scells[i].e);
  lm__xfree(ix->scells);
  lm__xfree(ix->sloose);
  lm__xfree(ix->idf);
  lm__xfree(ix->touched);
  pthread_mutex_destroy(&ix->vlock);
  lm__xfree(ix);
}

static lm__jobf *job_at(const lm__index *ix, uint32_t slot)
{
  return (lm__jobf *)ix->job.slots.base + slot;
}

static lm__seekerf *seeker_at(const lm__index *ix, uint32_t slot)
{
  return (lm__seekerf *)ix->seeker.slots.base + slot;
}

/* ----------------------------------------------------------- features */

/*
 * Building features from a record.  Terms become vocabulary ids: a record
 * going into the index interns its new terms; an ad-hoc profile (a query,
 * under the shared lock) only looks them up, and a term no record has
 * gets a temporary id at or above LM__TEMP_ID, which matches nothing
 * stored but keeps the profile's counts what a stored copy would have.
 */
typedef struct lm__fb {
  lm__index *ix;
  int stored;         /* intern, and take memory from the pool */
  uint32_t next_temp;
  char **temp_key;    /* the temporary ids' keys, for repeats */
  uint32_t *temp_id;
  size_t ntemp, captemp;
} lm__fb;

static int fb_temp(lm__fb *fb, char *key, uint32_t *id)
{
  size_t i;

  for (i = 0; i < fb->ntemp; i++)
    if (strcmp(fb->temp_key[i], key) == 0) {
      *id = fb->temp_id[i];
      lm__xfree(key);
      return LM_OK;
    }
  if (fb->ntemp == fb->captemp) {
    size_t cap = fb->captemp ? fb->captemp * 2 : 8;
    char **k = lm__realloc(fb->temp_key, cap * sizeof *k);
    uint32_t *v;
    if (k == NULL)
      goto nomem;
    fb->temp_key = k;
    v = lm__realloc(fb->temp_id, cap * sizeof *v);
    if (v == NULL)
      goto nomem;
    fb->temp_id = v;
    fb->captemp = cap;
  }
  fb->temp_key[fb->ntemp] = key;
  fb->temp_id[fb->ntemp++] = *id = fb->next_temp++;
  return LM_OK;
nomem:
  lm__xfree(key);
  return lm__fail(LM_ENOMEM, "out of memory");
}

static void fb_done(lm__fb *fb)
{
  size_t i;
  for (i = 0; i < fb->ntemp; i++)
    lm__xfree(fb->temp_key[i]);
  lm__xfree(fb->temp_key);
  lm__xfree(fb->temp_id);
}

/* The id of a term: `text` is folded unless it is a key already. */
static int fb_term(lm__fb *fb, int vocab, const char *text, int fold,
                   uint32_t *id)
{
  lm__index *ix = fb->ix;
  char *key = NULL;
  int rc;

  if (fold) {
    rc = lm__fold(text, strlen(text), &key);
    if (rc != LM_OK)
      return rc;
  } else {
    key = lm__strdup(text);
    if (key == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
  }
  /* The builder holds vlock (one lock per record, not per term). */
  if (fb->stored) {
    rc = vocab_intern(&ix->vocab[vocab], &ix->arena, key, text, id);
  } else {
    *id = vocab_find(&ix->vocab[vocab], key);
    rc = LM_OK;
  }
  if (rc != LM_OK || *id != 0) {
    lm__xfree(key);
    return rc;
  }
  return fb_temp(fb, key, id); /* takes key */
}

static void *fb_alloc(lm__fb *fb, size_t n)
{
  if (n == 0)
    return NULL;
  return fb->stored ? pool_alloc(&fb->ix->pool, n) : lm__malloc(n);
}

static void fb_free(lm__index *ix, int stored, const void *p, size_t n)
{
  if (p == NULL)
    return;
  if (stored)
    pool_free(&ix->pool, (void *)p, n);
  else
    lm__xfree((void *)p);
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Sorts and drops repeats (two spellings of one term); the new count. */
static uint16_t sort_unique(uint32_t *v, size_t n)
{
  size_t i, m = 0;

  if (n == 0)
    return 0;
  qsort(v, n, sizeof *v, cmp_u32);
  for (i = 1; i < n; i++)
    if (v[i] != v[m])
      v[++m] = v[i];
  return (uint16_t)(m + 1);
}

/* The ids of a list field's items, sorted, into a new array. */
static int fb_list(lm__fb *fb, const lm_record *r, lm_field f, int vocab,
                   uint32_t **out, uint16_t *n)
{
  const lm__list *l = &r->list[f];
  uint32_t *v;
  size_t i;
  int rc = LM_OK;

  *out = NULL;
  *n = 0;
  if (l->n == 0)
    return LM_OK;
  v = fb_alloc(fb, l->n * sizeof *v);
  if (v == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  for (i = 0; i < l->n && rc == LM_OK; i++)
    rc = fb_term(fb, vocab, l->items[i], 1, &v[i]);
  if (rc != LM_OK) {
    fb_free(fb->ix, fb->stored, v, l->n * sizeof *v);
    return rc;
  }
  *n = sort_unique(v, l->n);
  *out = v;
  return LM_OK;
}

/* The skill ids of the given level (-1: any), sorted, into v; *n their
 * number. */
static int fb_skills(lm__fb *fb, const lm_record *r, int level, uint32_t *v,
                     uint16_t *n)
{
  size_t i, m = 0;
  int rc = LM_OK;

  for (i = 0; i < r->nskills && rc == LM_OK; i++) {
    const lm__rskill *k = &r->skills[i];
    if (level >= 0 && k->level != level)
      continue;
    /* A prepared record's canonical term is a key already; a record
     * built by hand may lack one, and then its name is folded. */
    rc = k->canonical ? fb_term(fb, LM__VOCAB_SKILL, k->canonical, 0, &v[m])
                      : fb_term(fb, LM__VOCAB_SKILL, k->name, 1, &v[m]);
    if (rc == LM_OK)
      m++;
  }
  *n = rc == LM_OK ? sort_unique(v, m) : 0;
  return rc;
}

static int fb_id(lm__fb *fb, const lm_record *r, const char **out)
{
  char *id;

  if (!fb->stored) {
    *out = r->id; /* borrowed for the query */
    return LM_OK;
  }
  id = pool_alloc(&fb->ix->pool, strlen(r->id) + 1);
  if (id == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  memcpy(id, r->id, strlen(r->id) + 1);
  *out = id;
  return LM_OK;
}

static int has(const lm_record *r, lm_field f)
{
  return r->text[f] != NULL;
}

static int32_t day_or_none(const lm_record *r, lm_field f)
{
  return has(r, f) ? (int32_t)r->num[f] : LM__NO_DAY;
}

static uint8_t small_or_zero(const lm_record *r, lm_field f)
{
  double v = has(r, f) ? r->num[f] : 0;
  return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static uint8_t edu_or_none(const lm_record *r)
{
  int rank;
  if (!has(r, LM_F_EDUCATION))
    return 0;
  rank = lm__edu_rank((int)r->num[LM_F_EDUCATION]);
  return rank < 0 ? 0 : (uint8_t)(rank + 1);
}

static uint32_t groups_of(const lm_record *r, lm_field f)
{
  uint32_t g = 0;
  size_t i;
  for (i = 0; i < r->list[f].n; i++)
    g |= (uint32_t)lm__group_bit(r->list[f].items[i]);
  return g;
}

static void location_of(const lm_record *r, float *lat, float *lon,
                        uint8_t *has_loc, uint32_t *district)
{
  *has_loc = has(r, LM_F_LAT) && has(r, LM_F_LON);
  *lat = *has_loc ? (float)r->num[LM_F_LAT] : 0.0f;
  *lon = *has_loc ? (float)r->num[LM_F_LON] : 0.0f;
  *district = has(r, LM_F_DISTRICT)
                  ? (uint32_t)strtoul(r->text[LM_F_DISTRICT], NULL, 10)
                  : 0;
}

void lm__index_drop_jobf(lm__index *ix, lm__jobf *f)
{
  fb_free(ix, 1, f->id, strlen(f->id) + 1);
  fb_free(ix, 1, f->skills,
          (size_t)(f->nreq + f->npref) * sizeof *f->skills);
  fb_free(ix, 1, f->certs, (size_t)f->ncerts * sizeof *f->certs);
  memset(f, 0, sizeof *f);
}

/* Skills as one array: the required ones sorted, then the preferred. */
static int fb_job_skills(lm__fb *fb, const lm_record *r, lm__jobf *f)
{
  uint32_t *v, tmp[LM__SKILLS_MAX];
  int rc;

  if (r->nskills == 0)
    return LM_OK;
  rc = fb_skills(fb, r, LM_SKILL_REQUIRED, tmp, &f->nreq);
  if (rc == LM_OK)
    rc = fb_skills(fb, r, LM_SKILL_PREFERRED, tmp + f->nreq, &f->npref);
  if (rc != LM_OK)
    return rc;
  if (f->nreq + f->npref == 0)
    return LM_OK;
  v = fb_alloc(fb, (size_t)(f->nreq + f->npref) * sizeof *v);
  if (v == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  memcpy(v, tmp, (size_t)(f->nreq + f->npref) * sizeof *v);
  f->skills = v;
  return LM_OK;
}

int lm__index_jobf(lm__index *ix, const lm_record *r, lm__jobf *out)
{
  lm__fb fb = {ix, 1, LM__TEMP_ID, NULL, NULL, 0, 0};
  lm__jobf f;
  int rc;

  memset(&f, 0, sizeof f);
  memset(out, 0, sizeof *out);
  if (r->kind != LM_JOB)
    return lm__fail(LM_EINVAL, "index: not a job");
  location_of(r, &f.lat, &f.lon, &f.has_loc, &f.district);
  f.shift = (uint8_t)lm__shift_bit(r->text[LM_F_SHIFT]);
  f.edu_min = edu_or_none(r);
  f.age_min = small_or_zero(r, LM_F_AGE_MIN);
  f.age_max = small_or_zero(r, LM_F_AGE_MAX);
  f.exp_years = small_or_zero(r, LM_F_EXPERIENCE_YEARS);
  f.negotiable = small_or_zero(r, LM_F_NEGOTIABLE) != 0;
  lm__occ_parse(r->text[LM_F_OCCUPATION], &f.occ);
  f.openings = has(r, LM_F_OPENINGS)
                   ? (uint16_t)(r->num[LM_F_OPENINGS] > 65535
                                    ? 65535
                                    : r->num[LM_F_OPENINGS])
                   : 1;
  f.groups = groups_of(r, LM_F_PRIORITY_GROUP);
  f.sal_min = has(r, LM_F_SALARY_MIN) ? (int32_t)r->num[LM_F_SALARY_MIN] : -1;
  f.sal_max = has(r, LM_F_SALARY_MAX) ? (int32_t)r->num[LM_F_SALARY_MAX] : -1;
  f.posted = day_or_none(r, LM_F_POSTED);
  f.expires = day_or_none(r, LM_F_EXPIRES);
  f.win_from = day_or_none(r, LM_F_WINDOW_FROM);
  f.win_to = day_or_none(r, LM_F_WINDOW_TO);
  pthread_mutex_lock(&ix->vlock);
  rc = fb_id(&fb, r, &f.id);
  if (rc == LM_OK && has(r, LM_F_INDUSTRY))
    rc = fb_term(&fb, LM__VOCAB_INDUSTRY, r->text[LM_F_INDUSTRY], 1,
                 &f.industry);
  if (rc == LM_OK)
    rc = fb_job_skills(&fb, r, &f);
  if (rc == LM_OK)
    rc = fb_list(&fb, r, LM_F_CERTIFICATE, LM__VOCAB_CERT, &f.certs,
                 &f.ncerts);
  pthread_mutex_unlock(&ix->vlock);
  fb_done(&fb);
  if (rc != LM_OK) {
    if (f.id)
      lm__index_drop_jobf(ix, &f);
    return rc;
  }
  *out = f;
  return LM_OK;
}

void lm__index_drop_seekerf(lm__index *ix, lm__seekerf *f, int stored)
{
  if (stored)
    fb_free(ix, 1, f->id, strlen(f->id) + 1);
  fb_free(ix, stored, f->skills, (size_t)f->nskills * sizeof *f->skills);
  fb_free(ix, stored, f->certs, (size_t)f->ncerts * sizeof *f->certs);
  fb_free(ix, stored, f->pref_ind,
          (size_t)f->npref_ind * sizeof *f->pref_ind);
  fb_free(ix, stored, f->pref_occ,
          (size_t)f->npref_occ * sizeof *f->pref_occ);
  memset(f, 0, sizeof *f);
}

static int fb_seeker_skills(lm__fb *fb, const lm_record *r, lm__seekerf *f)
{
  uint32_t tmp[LM__SKILLS_MAX], *v;
  int rc;

  if (r->nskills == 0)
    return LM_OK;
  rc = fb_skills(fb, r, -1, tmp, &f->nskills);
  if (rc != LM_OK || f->nskills == 0)
    return rc;
  v = fb_alloc(fb, (size_t)f->nskills * sizeof *v);
  if (v == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  memcpy(v, tmp, (size_t)f->nskills * sizeof *v);
  f->skills = v;
  return LM_OK;
}

/* Preferred occupations that parse, in the order given. */
static int fb_pref_occ(lm__fb *fb, const lm_record *r, lm__seekerf *f)
{
  const lm__list *l = &r->list[LM_F_PREF_OCCUPATION];
  lm__occ *v;
  size_t i;

  if (l->n == 0)
    return LM_OK;
  v = fb_alloc(fb, l->n * sizeof *v);
  if (v == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  for (i = 0; i < l->n; i++)
    if (lm__occ_parse(l->items[i], &v[f->npref_occ]))
      f->npref_occ++;
  if (f->npref_occ == 0) {
    fb_free(fb->ix, fb->stored, v, l->n * sizeof *v);
    return LM_OK;
  }
  /* Freed later as npref_occ items: a block freed as smaller than it is
   * only goes to a smaller class, which is safe. */
  f->pref_occ = v;
  return LM_OK;
}

static uint8_t pref_shifts_of(const lm_record *r)
{
  const lm__list *l = &r->list[LM_F_PREF_SHIFT];
  uint8_t bits = 0;
  size_t i;
  for (i = 0; i < l->n; i++)
    bits |= (uint8_t)lm__shift_bit(l->items[i]);
  return bits;
}

int lm__index_seekerf(lm__index *ix, const lm_record *r, int stored,
                      lm__seekerf *out)
{
  lm__fb fb = {ix, stored, LM__TEMP_ID, NULL, NULL, 0, 0};
  lm__seekerf f;
  int rc;

  memset(&f, 0, sizeof f);
  memset(out, 0, sizeof *out);
  if (r->kind != LM_SEEKER)
    return lm__fail(LM_EINVAL, "index: not a seeker");
  location_of(r, &f.lat, &f.lon, &f.has_loc, &f.district);
  f.edu = edu_or_none(r);
  f.exp_years = small_or_zero(r, LM_F_EXPERIENCE_YEARS);
  f.mode = (uint8_t)lm__mode_code(r->text[LM_F_MOBILITY_MODE]);
  f.pref_shifts = pref_shifts_of(r);
  f.minutes = has(r, LM_F_MOBILITY_MINUTES)
                  ? (uint16_t)r->num[LM_F_MOBILITY_MINUTES]
                  : 0;
  f.birth_year =
      has(r, LM_F_BIRTH_YEAR) ? (uint16_t)r->num[LM_F_BIRTH_YEAR] : 0;
  lm__occ_parse(r->text[LM_F_EXPERIENCE_OCCUPATION], &f.occ);
  f.groups = groups_of(r, LM_F_GROUP);
  f.sal_min = has(r, LM_F_SALARY_MIN) ? (int32_t)r->num[LM_F_SALARY_MIN] : -1;
  f.win_from = day_or_none(r, LM_F_WINDOW_FROM);
  f.win_to = day_or_none(r, LM_F_WINDOW_TO);
  f.registered = day_or_none(r, LM_F_REGISTERED);
  pthread_mutex_lock(&ix->vlock);
  rc = fb_id(&fb, r, &f.id);
  if (rc == LM_OK)
    rc = fb_seeker_skills(&fb, r, &f);
  if (rc == LM_OK)
    rc = fb_list(&fb, r, LM_F_CERTIFICATE, LM__VOCAB_CERT, &f.certs,
                 &f.ncerts);
  if (rc == LM_OK)
    rc = fb_list(&fb, r, LM_F_PREF_INDUSTRY, LM__VOCAB_INDUSTRY, &f.pref_ind,
                 &f.npref_ind);
  if (rc == LM_OK)
    rc = fb_pref_occ(&fb, r, &f);
  pthread_mutex_unlock(&ix->vlock);
  fb_done(&fb);
  if (rc != LM_OK) {
    if (f.id)
      lm__index_drop_seekerf(ix, &f, stored);
    return rc;
  }
  *out = f;
  return LM_OK;
}

/* ------------------------------------------------------------ slots */

static int side_reserve(lm__side *sd)
{
  if (sd->nfree > 0)
    return LM_OK;
  if (sd->nslot == sd->capslot) {
    uint32_t cap = sd->capslot ? sd->capslot * 2 : 1024;
    char *base = lm__realloc(sd->slots.base, (size_t)cap * sd->slots.stride);
    uint64_t *dead;
    if (base == NULL)
      return LM_ENOMEM;
    sd->slots.base = base;
    dead = lm__realloc(sd->dead, (size_t)(cap / 64) * sizeof *dead);
    if (dead == NULL)
      return LM_ENOMEM;
    memset(dead + sd->capslot / 64, 0,
           (size_t)(cap - sd->capslot) / 64 * sizeof *dead);
    sd->dead = dead;
    sd->capslot = cap;
  }
  return LM_OK;
}

int lm__index_reserve(lm__index *ix, lm_kind kind, size_t n)
{
  lm__side *sd = kind == LM_JOB ? &ix->job : &ix->seeker;
  uint32_t cap = 1024;
  size_t mcap = 1024;
  char *base;
  uint64_t *dead, *e;

  if (n > UINT32_MAX / 4)
    return lm__fail(LM_ENOMEM, "index: too many records");
  while (cap < n)
    cap *= 2;
  while (mcap < 2 * n)
    mcap *= 2;
  if (cap > sd->capslot) {
    base = lm__realloc(sd->slots.base, (size_t)cap * sd->slots.stride);
    if (base == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    sd->slots.base = base;
    dead = lm__realloc(sd->dead, (size_t)(cap / 64) * sizeof *dead);
    if (dead == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    memset(dead + sd->capslot / 64, 0,
           (size_t)(cap - sd->capslot) / 64 * sizeof *dead);
    sd->dead = dead;
    sd->capslot = cap;
  }
  if (sd->ids.n == 0 && mcap > sd->ids.cap) {
    e = lm__calloc(mcap, sizeof *e);
    if (e == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    lm__xfree(sd->ids.e);
    sd->ids.e = e;
    sd->ids.cap = mcap;
  }
  return LM_OK;
}

/* A slot for a new record (side_reserve first). */
static uint32_t side_take(lm__side *sd)
{
  uint32_t slot = sd->nfree > 0 ? sd->freel[--sd->nfree] : sd->nslot++;
  bit_clear(sd->dead, slot);
  return slot;
}

static int grow_u32(uint32_t **v, size_t *cap, size_t need)
{
  if (need > *cap) {
    size_t c = *cap ? *cap * 2 : 64;
    uint32_t *n;
    while (c < need)
      c *= 2;
    n = lm__realloc(*v, c * sizeof *n);
    if (n == NULL)
      return LM_ENOMEM;
    *v = n;
    *cap = c;
  }
  return LM_OK;
}

static int touch(lm__index *ix, int kind, uint32_t list)
{
  if (ix->ntouched == ix->captouched) {
    size_t cap = ix->captouched ? ix->captouched * 2 : 256;
    uint64_t *v = lm__realloc(ix->touched, cap * sizeof *v);
    if (v == NULL)
      return LM_ENOMEM;
    ix->touched = v;
    ix->captouched = cap;
  }
  ix->touched[ix->ntouched++] = ((uint64_t)kind << 32) | list;
  return LM_OK;
}

/* ------------------------------------------------------------- grid */

static int32_t cell_coord(float deg)
{
  return (int32_t)floor((double)deg / LM__CELL_DEG);
}

static uint64_t cell_key(int32_t cy, int32_t cx)
{
  return ((uint64_t)(uint32_t)cy << 32) | (uint32_t)cx;
}

/* The cell of (lat, lon), created when missing; its index in *cell. */
static int cell_of(lm__index *ix, lm__side *sd, float lat, float lon,
                   uint32_t *cell)
{
  uint64_t key = cell_key(cell_coord(lat), cell_coord(lon));
  uint32_t c = kmap_get(&sd->cell_map, key);

  if (c != UINT32_MAX) {
    *cell = c;
    return LM_OK;
  }
  c = (uint32_t)sd->ncells;
  if (sd == &ix->job) {
    if (plists_reserve(&ix->jcells, c + 1) != LM_OK)
      return LM_ENOMEM;
  } else if (c >= ix->capscells) {
    size_t cap = ix->capscells ? ix->capscells * 2 : 256;
    lm__scell *v = lm__realloc(ix->scells, cap * sizeof *v);
    if (v == NULL)
      return LM_ENOMEM;
    memset(v + ix->capscells, 0, (cap - ix->capscells) * sizeof *v);
    ix->scells = v;
    ix->capscells = cap;
  }
  if (kmap_put(&sd->cell_map, key, c) != LM_OK)
    return LM_ENOMEM;
  sd->ncells++;
  *cell = c;
  return LM_OK;
}

static int scell_add(lm__scell *c, const lm__sentry *e)
{
  if (c->n == c->cap) {
    uint32_t cap = c->cap ? c->cap + c->cap / 2 + 2 : 4;
    lm__sentry *v = lm__realloc(c->e, (size_t)cap * sizeof *v);
    if (v == NULL)
      return LM_ENOMEM;
    c->e = v;
    c->cap = cap;
  }
  c->e[c->n++] = *e;
  return LM_OK;
}

/* ------------------------------------------------------- occupations */

/* The key of an occupation's prefix of `depth` (1 or 2) levels; 0 when
 * the code is shorter. */
static uint64_t occ_key(const lm__occ *o, int depth)
{
  if (o->len < depth)
    return 0;
  if (depth == 1)
    return ((uint64_t)1 << 32) | o->level[0];
  return ((uint64_t)2 << 32) | ((uint32_t)o->level[0] << 8) | o->level[1];
}

static int occ_list(lm__side *sd, uint64_t key, uint32_t *list)
{
  uint32_t l = kmap_get(&sd->occ_map, key);

  if (l == UINT32_MAX) {
    l = (uint32_t)sd->occ_map.n;
    if (plists_reserve(&sd->by_occ, (size_t)l + 1) != LM_OK ||
        kmap_put(&sd->occ_map, key, l) != LM_OK)
      return LM_ENOMEM;
  }
  *list = l;
  return LM_OK;
}

/* Adds slot to the list of an occupation prefix key (once per record). */
static int occ_post(lm__side *sd, uint64_t key, uint32_t slot,
                    uint64_t *seen, size_t *nseen)
{
  uint32_t l;
  size_t i;

  if (key == 0)
    return LM_OK;
  for (i = 0; i < *nseen; i++)
    if (seen[i] == key)
      return LM_OK;
  seen[(*nseen)++] = key;
  if (occ_list(sd, key, &l) != LM_OK)
    return LM_ENOMEM;
  return plist_add(&sd->by_occ.l[l], slot);
}

/*
 * The occupation keys a record is filed under, which lm__index_mark_*
 * read back: a job under the first two levels of its code and under the
 * first level; a seeker under the first two levels of its experience and
 * of each preferred prefix, and under a one-level preferred prefix.
 */
static size_t job_occ_keys(const lm__jobf *f, uint64_t key[2])
{
  size_t n = 0;
  if ((key[n] = occ_key(&f->occ, 2)) != 0)
    n++;
  if ((key[n] = occ_key(&f->occ, 1)) != 0)
    n++;
  return n;
}

static uint64_t pref_key(const lm__occ *p)
{
  return p->len == 1 ? occ_key(p, 1) : occ_key(p, 2);
}

/* ------------------------------------------------------------- puts */

static int skill_post(lm__side *sd, const uint32_t *ids, size_t n,
                      uint32_t slot)
{
  size_t i;
  for (i = 0; i < n; i++) {
    if (plists_reserve(&sd->by_skill, (size_t)ids[i] + 1) != LM_OK ||
        plist_add(&sd->by_skill.l[ids[i]], slot) != LM_OK)
      return LM_ENOMEM;
  }
  return LM_OK;
}

/* Postings and grid of a job already in its slot. */
static int link_job(lm__index *ix, uint32_t slot)
{
  lm__jobf *f = job_at(ix, slot);
  uint64_t key[2], seen[2];
  size_t nseen = 0, i, nkey = job_occ_keys(f, key);
  uint32_t c;

  if (skill_post(&ix->job, f->skills, (size_t)f->nreq + f->npref, slot) !=
      LM_OK)
    return LM_ENOMEM;
  if (f->nreq + f->npref == 0 && plist_add(&ix->jnoskill, slot) != LM_OK)
    return LM_ENOMEM;
  for (i = 0; i < nkey; i++)
    if (occ_post(&ix->job, key[i], slot, seen, &nseen) != LM_OK)
      return LM_ENOMEM;
  if (!f->has_loc)
    return plist_add(&ix->jloose, slot);
  if (cell_of(ix, &ix->job, f->lat, f->lon, &c) != LM_OK)
    return LM_ENOMEM;
  return plist_add(&ix->jcells.l[c], slot);
}

static int sloose_add(lm__index *ix, const lm__sentry *e)
{
  if (ix->nsloose == ix->capsloose) {
    uint32_t cap = ix->capsloose ? ix->capsloose * 2 : 64;
    lm__sentry *v = lm__realloc(ix->sloose, (size_t)cap * sizeof *v);
    if (v == NULL)
      return LM_ENOMEM;
    ix->sloose = v;
    ix->capsloose = cap;
  }
  ix->sloose[ix->nsloose++] = *e;
  return LM_OK;
}

static int link_seeker(lm__index *ix, uint32_t slot)
{
  lm__seekerf *f = seeker_at(ix, slot);
  uint64_t seen[1 + LM__LIST_MAX];
  size_t nseen = 0, i;
  lm__sentry e;
  uint32_t c;
  double reach = ix->reach(f);

  if (skill_post(&ix->seeker, f->skills, f->nskills, slot) != LM_OK ||
      occ_post(&ix->seeker, occ_key(&f->occ, 2), slot, seen, &nseen) != LM_OK)
    return LM_ENOMEM;
  for (i = 0; i < f->npref_occ; i++)
    if (occ_post(&ix->seeker, pref_key(&f->pref_occ[i]), slot, seen,
                 &nseen) != LM_OK)
      return LM_ENOMEM;
  if (f->minutes > ix->max_minutes)
    ix->max_minutes = f->minutes;
  memset(&e, 0, sizeof e);
  e.slot = slot;
  e.minutes = f->minutes;
  e.mode = f->mode;
  if (!f->has_loc || !isfinite(reach)) {
    e.reach = INFINITY;
    return sloose_add(ix, &e);
  }
  /* Rounded up to a float: a reach must never shrink. */
  e.reach = (float)reach;
  if ((double)e.reach < reach)
    e.reach = nextafterf(e.reach, INFINITY);
  if (reach > ix->max_reach)
    ix->max_reach = reach;
  if (cell_of(ix, &ix->seeker, f->lat, f->lon, &c) != LM_OK)
    return LM_ENOMEM;
  if (scell_add(&ix->scells[c], &e) != LM_OK)
    return LM_ENOMEM;
  if (!ix->scells[c].dirty) {
    ix->scells[c].dirty = 1;
    return touch(ix, LM__T_SCELL, c);
  }
  return LM_OK;
}

/* Puts a record's features into a new slot, not yet findable; *f is
 * taken (cleared). */
static int place(lm__side *sd, void *f, uint32_t *slot)
{
  if (side_reserve(sd) != LM_OK)
    return lm__fail(LM_ENOMEM, "out of memory");
  *slot = side_take(sd);
  memcpy(sd->slots.base + (size_t)*slot * sd->slots.stride, f, sd->slots.stride);
  memset(f, 0, sd->slots.stride);
  sd->live++;
  return LM_OK;
}

/* Makes a placed record findable: its id, postings and cell. */
static int link_slot(lm__index *ix, lm__side *sd, uint32_t slot)
{
  if (idmap_add(&sd->ids, &sd->slots, slot) != LM_OK ||
      (sd == &ix->job ? link_job(ix, slot) : link_seeker(ix, slot)) != LM_OK)
    return lm__fail(LM_ENOMEM, "out of memory");
  return LM_OK;
}

static int put(lm__index *ix, lm__side *sd, void *f)
{
  uint32_t slot;
  int rc = place(sd, f, &slot);
  return rc == LM_OK ? link_slot(ix, sd, slot) : rc;
}

/* ----------------------------------------------------------- removals */

/* The lists a dying record is in, to filter at settle. */
static int touch_job(lm__index *ix, const lm__jobf *f)
{
  uint64_t key[2];
  uint32_t i, n = (uint32_t)f->nreq + f->npref;
  size_t k, nkey = job_occ_keys(f, key);
  int rc = LM_OK;

  for (i = 0; i < n && rc == LM_OK; i++)
    rc = touch(ix, LM__T_JSKILL, f->skills[i]);
  if (rc == LM_OK && n == 0)
    rc = touch(ix, LM__T_JNOSKILL, 0);
  for (k = 0; k < nkey && rc == LM_OK; k++)
    rc = touch(ix, LM__T_JOCC, kmap_get(&ix->job.occ_map, key[k]));
  if (rc == LM_OK)
    rc = f->has_loc
             ? touch(ix, LM__T_JCELL,
                     kmap_get(&ix->job.cell_map,
                              cell_key(cell_coord(f->lat),
                                       cell_coord(f->lon))))
             : touch(ix, LM__T_JLOOSE, 0);
  return rc;
}

static int touch_seeker(lm__index *ix, const lm__seekerf *f)
{
  uint64_t key;
  uint32_t i;
  int rc = LM_OK;

  for (i = 0; i < f->nskills && rc == LM_OK; i++)
    rc = touch(ix, LM__T_SSKILL, f->skills[i]);
  if (rc == LM_OK && (key = occ_key(&f->occ, 2)) != 0)
    rc = touch(ix, LM__T_SOCC, kmap_get(&ix->seeker.occ_map, key));
  for (i = 0; i < f->npref_occ && rc == LM_OK; i++)
    if ((key = pref_key(&f->pref_occ[i])) != 0)
      rc = touch(ix, LM__T_SOCC, kmap_get(&ix->seeker.occ_map, key));
  if (rc == LM_OK) {
    /* Where link_seeker put it: a cell, or the loose list. */
    uint32_t c = f->has_loc
                     ? kmap_get(&ix->seeker.cell_map,
                                cell_key(cell_coord(f->lat),
                                         cell_coord(f->lon)))
                     : UINT32_MAX;
    rc = touch(ix, LM__T_SCELL, c);
    if (rc == LM_OK)
      rc = touch(ix, LM__T_SLOOSE, 0);
  }
  return rc;
}

/* Makes the record of kind and id a tombstone; 0 when there is none. */
static int entomb(lm__index *ix, lm_kind kind, const char *id, int *found)
{
  lm__side *sd = kind == LM_JOB ? &ix->job : &ix->seeker;
  uint32_t slot;
  size_t at;
  int rc;

  *found = 0;
  if (!idmap_find(&sd->ids, &sd->slots, id, &slot, &at))
    return LM_OK;
  *found = 1;
  if (grow_u32(&sd->dying, &sd->capdying, sd->ndying + 1) != LM_OK)
    return lm__fail(LM_ENOMEM, "out of memory");
  rc = kind == LM_JOB ? touch_job(ix, job_at(ix, slot))
                      : touch_seeker(ix, seeker_at(ix, slot));
  if (rc != LM_OK)
    return lm__fail(LM_ENOMEM, "out of memory");
  idmap_delete(&sd->ids, at);
  bit_set(sd->dead, slot);
  sd->dying[sd->ndying++] = slot;
  sd->live--;
  if (kind == LM_JOB) {
    job_at(ix, slot)->closed = 1;
    } else {
    seeker_at(ix, slot)->closed = 1;
  }
  return LM_OK;
}

/* ------------------------------------------------------------- settle */

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static int cmp_sentry(const void *a, const void *b)
{
  const lm__sentry *x = a, *y = b;
  if (x->reach != y->reach)
    return x->reach > y->reach ? -1 : 1;
  return (x->slot > y->slot) - (x->slot < y->slot);
}

/* Drops dead entries (in order), then merges the unsorted tail in. */
static int scell_settle(lm__scell *c, const uint64_t *dead)
{
  uint32_t i, n = 0, nsorted = 0, ntail;
  lm__sentry *tail;

  for (i = 0; i < c->n; i++)
    if (!bit_get(dead, c->e[i].slot)) {
      if (i < c->nsorted)
        nsorted++;
      c->e[n++] = c->e[i];
    }
  c->n = n;
  c->nsorted = nsorted;
  c->dirty = 0;
  ntail = n - nsorted;
  if (ntail == 0)
    return LM_OK;
  qsort(c->e + nsorted, ntail, sizeof *c->e, cmp_sentry);
  if (nsorted > 0) {
    /* Merge from the back, with the tail copied aside. */
    uint32_t a = nsorted, b = ntail, o = n;
    tail = lm__malloc((size_t)ntail * sizeof *tail);
    if (tail == NULL)
      return LM_ENOMEM;
    memcpy(tail, c->e + nsorted, (size_t)ntail * sizeof *tail);
    while (b > 0) {
      if (a > 0 && cmp_sentry(&c->e[a - 1], &tail[b - 1]) > 0)
        c->e[--o] = c->e[--a];
      else
        c->e[--o] = tail[--b];
    }
    lm__xfree(tail);
  }
  c->nsorted = n;
  return LM_OK;
}

static void sloose_filter(lm__index *ix)
{
  uint32_t i, n = 0;
  for (i = 0; i < ix->nsloose; i++)
    if (!bit_get(ix->seeker.dead, ix->sloose[i].slot))
      ix->sloose[n++] = ix->sloose[i];
  ix->nsloose = n;
}

static int settle_list(lm__index *ix, int kind, uint32_t list)
{
  switch (kind) {
  case LM__T_JSKILL:
    plist_filter(&ix->job.by_skill.l[list], ix->job.dead);
    break;
  case LM__T_JOCC:
    plist_filter(&ix->job.by_occ.l[list], ix->job.dead);
    break;
  case LM__T_JCELL:
    plist_filter(&ix->jcells.l[list], ix->job.dead);
    break;
  case LM__T_JLOOSE:
    plist_filter(&ix->jloose, ix->job.dead);
    break;
  case LM__T_JNOSKILL:
    plist_filter(&ix->jnoskill, ix->job.dead);
    break;
  case LM__T_SSKILL:
    plist_filter(&ix->seeker.by_skill.l[list], ix->seeker.dead);
    break;
  case LM__T_SOCC:
    plist_filter(&ix->seeker.by_occ.l[list], ix->seeker.dead);
    break;
  case LM__T_SCELL:
    if (list != UINT32_MAX)
      return scell_settle(&ix->scells[list], ix->seeker.dead);
    break;
  case LM__T_SLOOSE:
    sloose_filter(ix);
    break;
  }
  return LM_OK;
}

/* Gives the dying records' memory back and their slots to the free
 * list; their dead bits stay set until a put takes the slot. */
static int free_dying(lm__index *ix, lm__side *sd)
{
  size_t i;

  if (grow_u32(&sd->freel, &sd->capfree, sd->nfree + sd->ndying) != LM_OK)
    return LM_ENOMEM;
  for (i = 0; i < sd->ndying; i++) {
    uint32_t slot = sd->dying[i];
    if (sd == &ix->job) {
      lm__index_drop_jobf(ix, job_at(ix, slot));
      job_at(ix, slot)->closed = 1;
    } else {
      lm__index_drop_seekerf(ix, seeker_at(ix, slot), 1);
      seeker_at(ix, slot)->closed = 1;
    }
    sd->freel[sd->nfree++] = slot;
  }
  sd->ndying = 0;
  return LM_OK;
}

/* idf = ln(1 + N / (1 + jobs listing the skill)) for every skill id. */
static int update_idf(lm__index *ix)
{
  size_t n, i;
  double jobs = (double)ix->job.live;

  pthread_mutex_lock(&ix->vlock);
  n = ix->vocab[LM__VOCAB_SKILL].n;
  pthread_mutex_unlock(&ix->vlock);
  if (n > ix->nidf) {
    float *v = lm__realloc(ix->idf, n * sizeof *v);
    if (v == NULL)
      return LM_ENOMEM;
    ix->idf = v;
    ix->nidf = n;
  }
  for (i = 0; i < ix->nidf; i++) {
    double df = i < ix->job.by_skill.n ? ix->job.by_skill.l[i].n : 0;
    ix->idf[i] = (float)log(1.0 + jobs / (1.0 + df));
  }
  return LM_OK;
}

/* Completes a batch: filters what the removals touched, sorts the
 * seekers' cells that grew, frees the dead, brings idf up to date. */
static int settle(lm__index *ix)
{
  size_t i;
  int rc = LM_OK;

  if (ix->ntouched > 0)
    qsort(ix->touched, ix->ntouched, sizeof *ix->touched, cmp_u64);
  for (i = 0; i < ix->ntouched && rc == LM_OK; i++)
    if (i == 0 || ix->touched[i] != ix->touched[i - 1])
      rc = settle_list(ix, (int)(ix->touched[i] >> 32),
                       (uint32_t)ix->touched[i]);
  ix->ntouched = 0;
  if (rc == LM_OK)
    rc = free_dying(ix, &ix->job);
  if (rc == LM_OK)
    rc = free_dying(ix, &ix->seeker);
  if (rc == LM_OK)
    rc = update_idf(ix);
  return rc == LM_OK ? LM_OK : lm__fail(LM_ENOMEM, "out of memory");
}

/* ------------------------------------------------------------ batches */

/* One committed write: a put (features) or a removal (id). */
typedef struct lm__iop {
  lm_kind kind;
  int removal;
  union {
    lm__jobf job;
    lm__seekerf seeker;
  } f;
  char id[LM__ID_MAX + 1];
} lm__iop;

struct lm__ibatch {
  lm__iop *op;
  size_t n, cap;
};

int lm__ibatch_new(lm__ibatch **out)
{
  *out = lm__calloc(1, sizeof **out);
  return *out ? LM_OK : lm__fail(LM_ENOMEM, "out of memory");
}

static lm__iop *ibatch_next(lm__ibatch *b)
{
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    lm__iop *v = lm__realloc(b->op, cap * sizeof *v);
    if (v == NULL)
      return NULL;
    b->op = v;
    b->cap = cap;
  }
  memset(&b->op[b->n], 0, sizeof b->op[b->n]);
  return &b->op[b->n];
}

int lm__ibatch_remove(lm__ibatch *b, lm_kind kind, const char *id)
{
  lm__iop *op;

  if (kind != LM_JOB && kind != LM_SEEKER)
    return LM_OK; /* not indexed */
  op = ibatch_next(b);
  if (op == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  op->kind = kind;
  op->removal = 1;
  snprintf(op->id, sizeof op->id, "%s", id);
  b->n++;
  return LM_OK;
}

int lm__ibatch_add(lm__index *ix, lm__ibatch *b, const lm_record *r)
{
  lm__iop *op;
  int rc;

  if (r->removal)
    return lm__ibatch_remove(b, r->kind, r->id);
  if (r->kind != LM_JOB && r->kind != LM_SEEKER)
    return LM_OK;
  op = ibatch_next(b);
  if (op == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  op->kind = r->kind;
  snprintf(op->id, sizeof op->id, "%s", r->id);
  rc = r->kind == LM_JOB ? lm__index_jobf(ix, r, &op->f.job)
                         : lm__index_seekerf(ix, r, 1, &op->f.seeker);
  if (rc == LM_OK)
    b->n++;
  return rc;
}

static void ibatch_drop_one(lm__index *ix, lm__iop *op)
{
  if (op->removal)
    return;
  if (op->kind == LM_JOB && op->f.job.id)
    lm__index_drop_jobf(ix, &op->f.job);
  else if (op->kind == LM_SEEKER && op->f.seeker.id)
    lm__index_drop_seekerf(ix, &op->f.seeker, 1);
}

/* Drops the features of the puts not applied from `from` on. */
static void ibatch_drop(lm__index *ix, lm__ibatch *b, size_t from)
{
  size_t i;
  for (i = from; i < b->n; i++)
    ibatch_drop_one(ix, &b->op[i]);
  b->n = 0;
}

void lm__ibatch_clear(lm__index *ix, lm__ibatch *b)
{
  if (b != NULL)
    ibatch_drop(ix, b, 0);
}

void lm__ibatch_free(lm__index *ix, lm__ibatch *b)
{
  if (b == NULL)
    return;
  lm__ibatch_clear(ix, b);
  lm__xfree(b->op);
  lm__xfree(b);
}

size_t lm__ibatch_size(const lm__ibatch *b)
{
  return b ? b->n : 0;
}

static int apply_op(lm__index *ix, lm__iop *op)
{
  int found, rc = entomb(ix, op->kind, op->id, &found);

  if (rc != LM_OK || op->removal)
    return rc;
  return op->kind == LM_JOB ? put(ix, &ix->job, &op->f.job)
                            : put(ix, &ix->seeker, &op->f.seeker);
}

/* Drops the last op added (its record did not reach the store). */
void lm__ibatch_pop(lm__index *ix, lm__ibatch *b)
{
  if (b == NULL || b->n == 0)
    return;
  b->n--;
  ibatch_drop_one(ix, &b->op[b->n]);
}

/*
 * Loading.  Records are placed in slots as the store gives them (in id
 * order) and linked only when all are in, after the slots are sorted by
 * grid cell: the records a query reads together, a cell's, then lie side
 * by side in memory, and a query that scans ten thousand of them reads
 * them at memory speed rather than one cache miss each.
 */
int lm__index_load(lm__index *ix, const lm_record *r)
{
  lm__jobf jf;
  lm__seekerf sf;
  uint32_t slot;
  int rc;

  ix->loading = 1;
  if (r->kind == LM_JOB) {
    rc = lm__index_jobf(ix, r, &jf);
    if (rc == LM_OK)
      rc = place(&ix->job, &jf, &slot);
    if (jf.id)
      lm__index_drop_jobf(ix, &jf);
    return rc;
  }
  if (r->kind != LM_SEEKER)
    return LM_OK;
  rc = lm__index_seekerf(ix, r, 1, &sf);
  if (rc == LM_OK)
    rc = place(&ix->seeker, &sf, &slot);
  if (sf.id)
    lm__index_drop_seekerf(ix, &sf, 1);
  return rc;
}

typedef struct lm__order {
  uint64_t key; /* cell; records without a place last */
  uint32_t slot;
} lm__order;

static int cmp_order(const void *a, const void *b)
{
  const lm__order *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->slot > y->slot) - (x->slot < y->slot);
}

/* The cell a placed record lies in, for sorting. */
static uint64_t order_key(const lm__index *ix, const lm__side *sd,
                          uint32_t slot)
{
  float lat, lon;
  int located;

  if (sd == &ix->job) {
    const lm__jobf *j = job_at(ix, slot);
    lat = j->lat;
    lon = j->lon;
    located = j->has_loc;
  } else {
    const lm__seekerf *s = seeker_at(ix, slot);
    lat = s->lat;
    lon = s->lon;
    located = s->has_loc;
  }
  return located ? cell_key(cell_coord(lat), cell_coord(lon)) : UINT64_MAX;
}

/* Sorts a freshly loaded side's slots by cell, then links them all. */
static int order_and_link(lm__index *ix, lm__side *sd)
{
  lm__order *ord;
  char *base;
  uint32_t i, n = sd->nslot;
  int rc = LM_OK;

  ord = lm__malloc((size_t)(n ? n : 1) * sizeof *ord);
  base = lm__malloc((size_t)(sd->capslot ? sd->capslot : 1) *
                    sd->slots.stride);
  if (ord == NULL || base == NULL) {
    lm__xfree(ord);
    lm__xfree(base);
    return lm__fail(LM_ENOMEM, "out of memory");
  }
  for (i = 0; i < n; i++) {
    ord[i].key = order_key(ix, sd, i);
    ord[i].slot = i;
  }
  qsort(ord, n, sizeof *ord, cmp_order);
  for (i = 0; i < n; i++)
    memcpy(base + (size_t)i * sd->slots.stride,
           sd->slots.base + (size_t)ord[i].slot * sd->slots.stride,
           sd->slots.stride);
  lm__xfree(ord);
  lm__xfree(sd->slots.base);
  sd->slots.base = base;
  for (i = 0; i < n && rc == LM_OK; i++)
    rc = link_slot(ix, sd, i);
  return rc;
}

int lm__index_settle(lm__index *ix)
{
  int rc = LM_OK;

  if (ix->loading) {
    ix->loading = 0;
    rc = order_and_link(ix, &ix->job);
    if (rc == LM_OK)
      rc = order_and_link(ix, &ix->seeker);
  }
  return rc == LM_OK ? settle(ix) : rc;
}

int lm__index_apply(lm__index *ix, lm__ibatch *b)
{
  size_t i;
  int rc = LM_OK;

  for (i = 0; i < b->n && rc == LM_OK; i++)
    rc = apply_op(ix, &b->op[i]);
  ibatch_drop(ix, b, i); /* what a failure left unapplied */
  if (rc == LM_OK)
    rc = settle(ix);
  return rc;
}

/* ------------------------------------------------------------ queries */

size_t lm__index_live(const lm__index *ix, lm_kind kind)
{
  return kind == LM_JOB ? ix->job.live : ix->seeker.live;
}

uint32_t lm__index_nslots(const lm__index *ix, lm_kind kind)
{
  return kind == LM_JOB ? ix->job.nslot : ix->seeker.nslot;
}

const lm__jobf *lm__index_job(const lm__index *ix, uint32_t slot)
{
  if (slot >= ix->job.nslot || bit_get(ix->job.dead, slot))
    return NULL;
  return job_at(ix, slot);
}

const lm__seekerf *lm__index_seeker(const lm__index *ix, uint32_t slot)
{
  if (slot >= ix->seeker.nslot || bit_get(ix->seeker.dead, slot))
    return NULL;
  return seeker_at(ix, slot);
}

int lm__index_find(const lm__index *ix, lm_kind kind, const char *id,
                   uint32_t *slot)
{
  const lm__side *sd = kind == LM_JOB ? &ix->job : &ix->seeker;
  return idmap_find(&sd->ids, &sd->slots, id, slot, NULL);
}

const float *lm__index_idf(const lm__index *ix, size_t *n)
{
  *n = ix->nidf;
  return ix->idf;
}

double lm__index_max_reach(const lm__index *ix)
{
  return ix->max_reach;
}

unsigned lm__index_max_minutes(const lm__index *ix)
{
  return ix->max_minutes;
}

const char *lm__index_name(lm__index *ix, int vocab, uint32_t id)
{
  const char *name = NULL;

  if (vocab < 0 || vocab >= LM__NVOCAB)
    return NULL;
  pthread_mutex_lock(&ix->vlock);
  if (id > 0 && id < ix->vocab[vocab].n)
    name = ix->vocab[vocab].name[id];
  pthread_mutex_unlock(&ix->vlock);
  return name;
}

uint32_t lm__index_lookup(lm__index *ix, int vocab, const char *text)
{
  char *key = NULL;
  uint32_t id;

  if (vocab < 0 || vocab >= LM__NVOCAB ||
      lm__fold(text, strlen(text), &key) != LM_OK)
    return 0;
  pthread_mutex_lock(&ix->vlock);
  id = vocab_find(&ix->vocab[vocab], key);
  pthread_mutex_unlock(&ix->vlock);
  lm__xfree(key);
  return id;
}

static void mark_list(const lm__plist *l, uint64_t *bits)
{
  uint32_t i;
  for (i = 0; i < l->n; i++)
    bit_set(bits, l->v[i]);
}

static void mark_skills(const lm__side *sd, const uint32_t *ids, size_t n,
                        uint64_t *bits)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (ids[i] < sd->by_skill.n)
      mark_list(&sd->by_skill.l[ids[i]], bits);
}

static void mark_occ(const lm__side *sd, uint64_t key, uint64_t *bits)
{
  uint32_t l;

  if (key == 0)
    return;
  l = kmap_get(&sd->occ_map, key);
  if (l != UINT32_MAX)
    mark_list(&sd->by_occ.l[l], bits);
}

void lm__index_mark_jobs(const lm__index *ix, const lm__seekerf *s,
                         uint64_t *bits)
{
  size_t i;

  mark_skills(&ix->job, s->skills, s->nskills, bits);
  mark_list(&ix->jnoskill, bits);
  mark_occ(&ix->job, occ_key(&s->occ, 2), bits);
  for (i = 0; i < s->npref_occ; i++)
    mark_occ(&ix->job, pref_key(&s->pref_occ[i]), bits);
}

void lm__index_mark_seekers(const lm__index *ix, const lm__jobf *j,
                            uint64_t *bits)
{
  mark_skills(&ix->seeker, j->skills, (size_t)j->nreq + j->npref, bits);
  mark_occ(&ix->seeker, occ_key(&j->occ, 2), bits);
  mark_occ(&ix->seeker, occ_key(&j->occ, 1), bits);
}

/* The cells of one kind meeting box (all of them when box is NULL or
 * covers more cells than exist), each with its bounds. */
typedef void (*lm__cell_fn)(const lm__index *ix, uint32_t cell,
                            const lm__box *bounds, void *ctx);

static void cell_bounds(int32_t cy, int32_t cx, lm__box *b)
{
  b->lat0 = cy * LM__CELL_DEG;
  b->lat1 = (cy + 1) * LM__CELL_DEG;
  b->lon0 = cx * LM__CELL_DEG;
  b->lon1 = (cx + 1) * LM__CELL_DEG;
}

static void each_cell_all(const lm__index *ix, const lm__side *sd,
                          lm__cell_fn fn, void *ctx)
{
  size_t i;
  for (i = 0; i < sd->cell_map.cap; i++)
    if (sd->cell_map.val[i] != UINT32_MAX) {
      uint64_t k = sd->cell_map.key[i];
      lm__box b;
      cell_bounds((int32_t)(uint32_t)(k >> 32), (int32_t)(uint32_t)k, &b);
      fn(ix, sd->cell_map.val[i], &b, ctx);
    }
}

static void each_cell(const lm__index *ix, const lm__side *sd,
                      const lm__box *box, lm__cell_fn fn, void *ctx)
{
  double y0, y1, x0, x1;
  int32_t cy, cx;

  if (box == NULL || !(box->lat0 >= -90.0 && box->lat1 <= 90.0 &&
                       box->lon0 >= -180.0 && box->lon1 <= 180.0)) {
    each_cell_all(ix, sd, fn, ctx);
    return;
  }
  y0 = floor(box->lat0 / LM__CELL_DEG);
  y1 = floor(box->lat1 / LM__CELL_DEG);
  x0 = floor(box->lon0 / LM__CELL_DEG);
  x1 = floor(box->lon1 / LM__CELL_DEG);
  if ((y1 - y0 + 1) * (x1 - x0 + 1) > (double)sd->cell_map.n) {
    each_cell_all(ix, sd, fn, ctx);
    return;
  }
  for (cy = (int32_t)y0; cy <= (int32_t)y1; cy++)
    for (cx = (int32_t)x0; cx <= (int32_t)x1; cx++) {
      uint32_t c = kmap_get(&sd->cell_map, cell_key(cy, cx));
      lm__box b;
      if (c == UINT32_MAX)
        continue;
      cell_bounds(cy, cx, &b);
      fn(ix, c, &b, ctx);
    }
}

typedef struct lm__jnear {
  lm__jobs_fn each;
  void *ctx;
} lm__jnear;

static void jobs_cell(const lm__index *ix, uint32_t cell,
                      const lm__box *bounds, void *ctx)
{
  lm__jnear *n = ctx;
  const lm__plist *l = &ix->jcells.l[cell];
  if (l->n > 0)
    n->each(n->ctx, l->v, l->n, bounds);
}

void lm__index_jobs_near(const lm__index *ix, const lm__box *box,
                         lm__jobs_fn each, void *ctx)
{
  lm__jnear n = {each, ctx};

  each_cell(ix, &ix->job, box, jobs_cell, &n);
  if (ix->jloose.n > 0)
    each(ctx, ix->jloose.v, ix->jloose.n, NULL);
}

typedef struct lm__snear {
  lm__seekers_fn each;
  void *ctx;
} lm__snear;

static void seekers_cell(const lm__index *ix, uint32_t cell,
                         const lm__box *bounds, void *ctx)
{
  lm__snear *n = ctx;
  const lm__scell *c = &ix->scells[cell];
  if (c->n > 0)
    n->each(n->ctx, c->e, c->n, bounds);
}

void lm__index_seekers_near(const lm__index *ix, const lm__box *box,
                            lm__seekers_fn each, void *ctx)
{
  lm__snear n = {each, ctx};

  each_cell(ix, &ix->seeker, box, seekers_cell, &n);
  if (ix->nsloose > 0)
    each(ctx, ix->sloose, ix->nsloose, NULL);
}
