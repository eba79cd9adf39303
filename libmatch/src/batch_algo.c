/*
 * batch_algo.c: the fair's algorithms over integer-indexed instances
 * (lm__bi), free of the engine so that the published instances (OR-Library
 * assignment, stable marriage and hospital/resident) drive them directly.
 *
 * Stable matching: deferred acceptance with capacities on the b side,
 * proposed from either side.  Whatever the order of proposals, a-proposing
 * gives the a-optimal stable matching and b-proposing the b-optimal one
 * (Gale & Shapley 1962; Roth 1984 for capacities), so the result is
 * deterministic.  Cost O(acceptable pairs x log capacity).
 *
 * Maximum-weight b-matching: min-cost flow by successive shortest paths,
 * one a at a time (the Hungarian method's row-by-row order), Dijkstra with
 * node potentials on integer costs, so the optimum is exact.  The network
 * is a -> b (cost -w), b -> T (capacity cap[b]) and a -> T (cost 0: a stays
 * unmatched).  After each a the flow is a min-cost flow of the a's seen so
 * far; the potentials give LP duals u[a] = pi(a) - pi(T), v[b] = pi(T) -
 * pi(b) that certify it (doc/BATCH.md): a matched edge is tight when it
 * joins the flow and stays so, since a matched a is reached only through
 * its b and so settles with it; a b with a free place, and an unmatched a,
 * settle with T or not at all, so their duals stay 0.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Calls the progress function at most about every 1% of `total`. */
typedef struct lm__ticker {
  lm__tick_fn fn;
  void *ctx;
  size_t total, step, next;
} lm__ticker;

static void ticker_init(lm__ticker *t, lm__tick_fn fn, void *ctx,
                        size_t total)
{
  t->fn = fn;
  t->ctx = ctx;
  t->total = total ? total : 1;
  t->step = t->total / 100 ? t->total / 100 : 1;
  t->next = t->step;
}

static int ticker_at(lm__ticker *t, size_t done)
{
  if (t->fn == NULL || done < t->next)
    return LM_OK;
  t->next = done + t->step;
  if (t->fn(t->ctx, (double)done / (double)t->total) != 0)
    return lm__fail(LM_ECANCELED, "cancelled by the progress callback");
  return LM_OK;
}

/*
 * For each entry (x -> y) of the x side's lists, the rank of x in y's
 * list, LM__NONE when y does not list x.  O(entries): the entries are
 * grouped by y (a counting sort), then each y's ranks are laid in tmp.
 */
static int ranks_across(uint32_t nx, const uint32_t *xoff, const uint32_t *xto,
                        uint32_t ny, const uint32_t *yoff, const uint32_t *yto,
                        uint32_t *rank)
{
  uint32_t ne = xoff[nx], x, y, i;
  uint32_t *start = lm__calloc((size_t)ny + 1, sizeof *start);
  uint32_t *ent = lm__malloc(((size_t)ne + 1) * sizeof *ent);
  uint32_t *owner = lm__malloc(((size_t)ne + 1) * sizeof *owner);
  uint32_t *tmp = lm__malloc(((size_t)nx + 1) * sizeof *tmp);

  if (start == NULL || ent == NULL || owner == NULL || tmp == NULL) {
    lm__xfree(start);
    lm__xfree(ent);
    lm__xfree(owner);
    lm__xfree(tmp);
    return lm__fail(LM_ENOMEM, "out of memory");
  }
  for (x = 0; x < nx; x++)
    for (i = xoff[x]; i < xoff[x + 1]; i++) {
      owner[i] = x;
      start[xto[i] + 1]++;
    }
  for (y = 0; y < ny; y++)
    start[y + 1] += start[y];
  for (i = 0; i < ne; i++)
    ent[start[xto[i]]++] = i;
  for (y = ny; y > 0; y--) /* back to the starts */
    start[y] = start[y - 1];
  start[0] = 0;
  for (x = 0; x < nx; x++)
    tmp[x] = LM__NONE;
  for (y = 0; y < ny; y++) {
    for (i = yoff[y]; i < yoff[y + 1]; i++)
      if (yto[i] < nx && tmp[yto[i]] == LM__NONE)
        tmp[yto[i]] = i - yoff[y];
    for (i = start[y]; i < start[y + 1]; i++)
      rank[ent[i]] = tmp[owner[ent[i]]];
    for (i = yoff[y]; i < yoff[y + 1]; i++)
      if (yto[i] < nx)
        tmp[yto[i]] = LM__NONE;
  }
  lm__xfree(start);
  lm__xfree(ent);
  lm__xfree(owner);
  lm__xfree(tmp);
  return LM_OK;
}

/* ------------------------------------------------- deferred acceptance */

/* What a b holds while a's propose: a max-heap on b's rank of the a, so
 * that the worst held is the one a better proposal evicts. */
typedef struct lm__held {
  uint32_t rank, a;
} lm__held;

static void held_down(lm__held *h, uint32_t n, uint32_t i)
{
  for (;;) {
    uint32_t l = 2 * i + 1, r = l + 1, w = i;
    lm__held t;
    if (l < n && h[l].rank > h[w].rank)
      w = l;
    if (r < n && h[r].rank > h[w].rank)
      w = r;
    if (w == i)
      return;
    t = h[i];
    h[i] = h[w];
    h[w] = t;
    i = w;
  }
}

static void held_up(lm__held *h, uint32_t i)
{
  while (i > 0) {
    uint32_t p = (i - 1) / 2;
    lm__held t;
    if (h[p].rank >= h[i].rank)
      return;
    t = h[i];
    h[i] = h[p];
    h[p] = t;
    i = p;
  }
}

int lm__stable_a(const lm__bi *in, uint32_t *match, lm__tick_fn tick,
                 void *ctx)
{
  uint32_t na = in->na, nb = in->nb, a, b;
  size_t room = 0, started = 0;
  uint32_t *rank = lm__malloc(((size_t)in->a_off[na] + 1) * sizeof *rank);
  uint32_t *next = lm__calloc((size_t)na + 1, sizeof *next);
  uint32_t *stack = lm__malloc(((size_t)na + 1) * sizeof *stack);
  size_t *hoff = lm__malloc(((size_t)nb + 1) * sizeof *hoff);
  uint32_t *hn = lm__calloc((size_t)nb + 1, sizeof *hn);
  lm__held *held = NULL;
  lm__ticker tk;
  size_t top = 0;
  int rc = LM_ENOMEM;

  if (rank == NULL || next == NULL || stack == NULL || hoff == NULL ||
      hn == NULL)
    goto cleanup;
  rc = ranks_across(na, in->a_off, in->a_to, nb, in->b_off, in->b_to, rank);
  if (rc != LM_OK)
    goto cleanup;
  for (b = 0; b < nb; b++) { /* b holds at most what it lists */
    uint32_t len = in->b_off[b + 1] - in->b_off[b];
    hoff[b] = room;
    room += in->cap[b] < len ? in->cap[b] : len;
  }
  held = lm__malloc((room + 1) * sizeof *held);
  if (held == NULL) {
    rc = lm__fail(LM_ENOMEM, "out of memory");
    goto cleanup;
  }
  ticker_init(&tk, tick, ctx, na);
  for (a = na; a > 0; a--) { /* a = 0 proposes first */
    stack[top++] = a - 1;
    match[a - 1] = LM__NONE;
  }
  while (top > 0) {
    a = stack[--top];
    if (next[a] == 0 && (rc = ticker_at(&tk, ++started)) != LM_OK)
      goto cleanup;
    while (in->a_off[a] + next[a] < in->a_off[a + 1]) {
      uint32_t e = in->a_off[a] + next[a]++, r = rank[e];
      lm__held *h;
      b = in->a_to[e];
      if (r == LM__NONE || in->cap[b] == 0)
        continue; /* b does not accept a */
      h = held + hoff[b];
      if (hn[b] < in->cap[b]) {
        h[hn[b]].rank = r;
        h[hn[b]].a = a;
        held_up(h, hn[b]++);
        match[a] = b;
        break;
      }
      if (h[0].rank > r) {
        match[h[0].a] = LM__NONE;
        stack[top++] = h[0].a;
        h[0].rank = r;
        h[0].a = a;
        held_down(h, hn[b], 0);
        match[a] = b;
        break;
      }
    }
  }
  rc = LM_OK;
cleanup:
  if (rc == LM_ENOMEM && lm__errmsg()[0] == '\0')
    lm__fail(LM_ENOMEM, "out of memory");
  lm__xfree(rank);
  lm__xfree(next);
  lm__xfree(stack);
  lm__xfree(hoff);
  lm__xfree(hn);
  lm__xfree(held);
  return rc;
}

int lm__stable_b(const lm__bi *in, uint32_t *match, lm__tick_fn tick,
                 void *ctx)
{
  uint32_t na = in->na, nb = in->nb, a, b;
  uint32_t *rank = lm__malloc(((size_t)in->b_off[nb] + 1) * sizeof *rank);
  uint32_t *next = lm__calloc((size_t)nb + 1, sizeof *next);
  uint32_t *room = lm__malloc(((size_t)nb + 1) * sizeof *room);
  uint32_t *cur = lm__malloc(((size_t)na + 1) * sizeof *cur);
  uint32_t *queue = lm__malloc(((size_t)nb + 1) * sizeof *queue);
  uint8_t *queued = lm__calloc((size_t)nb + 1, 1);
  size_t top = 0, started = 0;
  lm__ticker tk;
  int rc = LM_ENOMEM;

  if (rank == NULL || next == NULL || room == NULL || cur == NULL ||
      queue == NULL || queued == NULL) {
    rc = lm__fail(LM_ENOMEM, "out of memory");
    goto cleanup;
  }
  rc = ranks_across(nb, in->b_off, in->b_to, na, in->a_off, in->a_to, rank);
  if (rc != LM_OK)
    goto cleanup;
  ticker_init(&tk, tick, ctx, nb);
  for (a = 0; a < na; a++) {
    match[a] = LM__NONE;
    cur[a] = LM__NONE;
  }
  for (b = nb; b > 0; b--) {
    room[b - 1] = in->cap[b - 1];
    queue[top++] = b - 1;
    queued[b - 1] = 1;
  }
  while (top > 0) {
    b = queue[--top];
    queued[b] = 0;
    if (next[b] == 0 && (rc = ticker_at(&tk, ++started)) != LM_OK)
      goto cleanup;
    while (room[b] > 0 && in->b_off[b] + next[b] < in->b_off[b + 1]) {
      uint32_t e = in->b_off[b] + next[b]++, r = rank[e], old;
      a = in->b_to[e];
      if (r == LM__NONE || r >= cur[a])
        continue; /* a does not accept b, or holds better */
      old = match[a];
      match[a] = b;
      cur[a] = r;
      room[b]--;
      if (old != LM__NONE) {
        room[old]++;
        if (!queued[old]) {
          queue[top++] = old;
          queued[old] = 1;
        }
      }
    }
  }
  rc = LM_OK;
cleanup:
  lm__xfree(rank);
  lm__xfree(next);
  lm__xfree(room);
  lm__xfree(cur);
  lm__xfree(queue);
  lm__xfree(queued);
  return rc;
}

int lm__blocking_pairs(const lm__bi *in, const uint32_t *match,
                       size_t *count)
{
  uint32_t na = in->na, nb = in->nb, a, b, i;
  uint32_t *rank = lm__malloc(((size_t)in->a_off[na] + 1) * sizeof *rank);
  uint32_t *load = lm__calloc((size_t)nb + 1, sizeof *load);
  uint32_t *worst = lm__calloc((size_t)nb + 1, sizeof *worst);
  size_t n = 0;
  int rc = LM_OK;

  *count = 0;
  if (rank == NULL || load == NULL || worst == NULL) {
    rc = lm__fail(LM_ENOMEM, "out of memory");
    goto cleanup;
  }
  rc = ranks_across(na, in->a_off, in->a_to, nb, in->b_off, in->b_to, rank);
  if (rc != LM_OK)
    goto cleanup;
  /* Each b's load and the rank of its worst partner. */
  for (a = 0; a < na; a++)
    for (i = in->a_off[a]; i < in->a_off[a + 1]; i++)
      if (in->a_to[i] == match[a]) {
        b = match[a];
        load[b]++;
        if (rank[i] != LM__NONE && rank[i] >= worst[b])
          worst[b] = rank[i];
        if (rank[i] == LM__NONE)
          worst[b] = LM__NONE; /* an unacceptable partner: any a is better */
      }
  for (a = 0; a < na; a++)
    for (i = in->a_off[a]; i < in->a_off[a + 1]; i++) {
      b = in->a_to[i];
      if (b == match[a])
        break; /* the rest a likes less than its partner */
      if (rank[i] == LM__NONE)
        continue;
      if (load[b] < in->cap[b] || rank[i] < worst[b])
        n++;
    }
  *count = n;
cleanup:
  lm__xfree(rank);
  lm__xfree(load);
  lm__xfree(worst);
  return rc;
}

/* -------------------------------------------------- max-weight b-matching */

/* A lazy binary heap of (distance, b): stale entries are skipped. */
typedef struct lm__dent {
  int64_t d;
  uint32_t b;
} lm__dent;

typedef struct lm__dheap {
  lm__dent *h;
  size_t n, cap;
} lm__dheap;

static int dheap_push(lm__dheap *q, int64_t d, uint32_t b)
{
  size_t i;

  if (q->n == q->cap) {
    size_t cap = q->cap ? q->cap * 2 : 256;
    lm__dent *h = lm__realloc(q->h, cap * sizeof *h);
    if (h == NULL)
      return lm__fail(LM_ENOMEM, "out of memory");
    q->h = h;
    q->cap = cap;
  }
  i = q->n++;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (q->h[p].d < d || (q->h[p].d == d && q->h[p].b <= b))
      break;
    q->h[i] = q->h[p];
    i = p;
  }
  q->h[i].d = d;
  q->h[i].b = b;
  return LM_OK;
}

static lm__dent dheap_pop(lm__dheap *q)
{
  lm__dent top = q->h[0], last = q->h[--q->n];
  size_t i = 0;

  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, w;
    if (l >= q->n)
      break;
    w = l;
    if (r < q->n && (q->h[r].d < q->h[l].d ||
                     (q->h[r].d == q->h[l].d && q->h[r].b < q->h[l].b)))
      w = r;
    if (last.d < q->h[w].d || (last.d == q->h[w].d && last.b <= q->h[w].b))
      break;
    q->h[i] = q->h[w];
    i = w;
  }
  if (q->n > 0)
    q->h[i] = last;
  return top;
}

/* The solver's state.  Potentials are kept relative to a global offset g
 * (pi(x) = p[x] + g), so that ending a search touches only the nodes it
 * settled: every node's potential rises by the distance to T, and a
 * settled node's by its own distance instead. */
typedef struct lm__bm {
  const lm__bi *in;
  const int64_t *w;
  uint32_t *match; /* a -> b or LM__NONE */
  uint32_t *medge; /* a's edge to match[a] */
  uint32_t *asg;   /* each b's a's, at asg + aoff[b], load[b] of them */
  size_t *aoff;
  uint32_t *load;
  int64_t *pa, *pb, pt;
  int64_t *db;      /* distance of b, INT64_MAX: not reached */
  uint32_t *pred;   /* the a that reached b */
  uint32_t *pedge;  /* through which edge */
  uint8_t *done;    /* b settled */
  uint32_t *touched, ntouched;
  uint32_t *seen_a; /* settled a's, for the potential update */
  int64_t *seen_d;
  uint32_t nseen;
  lm__dheap q;
} lm__bm;

#define LM__INF INT64_MAX

/* Relaxes the edges out of a (reached at distance d, through its present
 * job `from`), and its own way to T (staying unmatched). */
static int bm_relax_a(lm__bm *s, uint32_t a, int64_t d, int64_t *dt,
                      uint32_t *predt)
{
  const lm__bi *in = s->in;
  uint32_t i;
  int64_t c;
  int rc;

  c = d + s->pa[a] - s->pt; /* a -> T: cost 0 */
  if (c < *dt) {
    *dt = c;
    *predt = in->nb + a;
  }
  for (i = in->a_off[a]; i < in->a_off[a + 1]; i++) {
    uint32_t b = in->a_to[i];
    if (b == s->match[a] || s->done[b])
      continue;
    c = d - s->w[i] + s->pa[a] - s->pb[b];
    if (c < s->db[b]) {
      if (s->db[b] == LM__INF)
        s->touched[s->ntouched++] = b;
      s->db[b] = c;
      s->pred[b] = a;
      s->pedge[b] = i;
      if ((rc = dheap_push(&s->q, c, b)) != LM_OK)
        return rc;
    }
  }
  s->seen_a[s->nseen] = a;
  s->seen_d[s->nseen++] = d;
  return LM_OK;
}

static void bm_unassign(lm__bm *s, uint32_t a, uint32_t b)
{
  uint32_t *l = s->asg + s->aoff[b], i;

  for (i = 0; i < s->load[b]; i++)
    if (l[i] == a) {
      l[i] = l[--s->load[b]];
      return;
    }
}

/* Moves the unit along the path found: each a on it takes the next b,
 * the last leaves for T (a free place, or unmatched). */
static void bm_augment(lm__bm *s, uint32_t a0, uint32_t predt)
{
  uint32_t nb = s->in->nb, a, b, old;

  if (predt >= nb) { /* the last a on the path ends unmatched */
    a = predt - nb;
    b = s->match[a];
    s->match[a] = LM__NONE;
    if (a == a0)
      return;
    bm_unassign(s, a, b);
  } else {
    b = predt;
  }
  for (;;) {
    a = s->pred[b];
    old = s->match[a];
    s->asg[s->aoff[b] + s->load[b]++] = a;
    s->match[a] = b;
    s->medge[a] = s->pedge[b];
    if (a == a0)
      return;
    bm_unassign(s, a, old);
    b = old;
  }
}

/* Adds a0 to the flow: a shortest path from a0 to T. */
static int bm_add(lm__bm *s, uint32_t a0)
{
  const lm__bi *in = s->in;
  int64_t dt = LM__INF, best;
  uint32_t predt = LM__NONE, i;
  int rc;

  /* a0 has no way in yet: give it the potential that makes its own
   * edges non-negative. */
  best = s->pt;
  for (i = in->a_off[a0]; i < in->a_off[a0 + 1]; i++)
    if (s->w[i] + s->pb[in->a_to[i]] > best)
      best = s->w[i] + s->pb[in->a_to[i]];
  s->pa[a0] = best;
  s->match[a0] = LM__NONE;
  s->ntouched = s->nseen = 0;
  s->q.n = 0;
  rc = bm_relax_a(s, a0, 0, &dt, &predt);
  while (rc == LM_OK && s->q.n > 0) {
    lm__dent t = dheap_pop(&s->q);
    uint32_t b = t.b, k;
    if (s->done[b] || t.d != s->db[b])
      continue;
    if (t.d >= dt)
      break;
    s->done[b] = 1;
    if (s->load[b] < in->cap[b] && t.d + s->pb[b] - s->pt < dt) {
      dt = t.d + s->pb[b] - s->pt;
      predt = b;
    }
    for (k = 0; k < s->load[b] && rc == LM_OK; k++) {
      uint32_t a = s->asg[s->aoff[b] + k];
      int64_t w = s->w[s->medge[a]];
      /* b -> a, backwards along a's edge: cost +w, tight (zero reduced
       * cost) by the invariant, so a is settled with b. */
      rc = bm_relax_a(s, a, t.d + w + s->pb[b] - s->pa[a], &dt, &predt);
    }
  }
  if (rc != LM_OK)
    return rc;
  /* Potentials: pi(x) += min(d(x), dt) for every x, less dt for all (a
   * common constant changes no reduced cost): only the settled move. */
  for (i = 0; i < s->ntouched; i++) {
    uint32_t b = s->touched[i];
    if (s->done[b])
      s->pb[b] += s->db[b] - dt;
    s->db[b] = LM__INF;
    s->done[b] = 0;
  }
  for (i = 0; i < s->nseen; i++)
    s->pa[s->seen_a[i]] += s->seen_d[i] - dt;
  bm_augment(s, a0, predt);
  return LM_OK;
}

int lm__bmatch(const lm__bi *in, const int64_t *w, uint32_t *match,
               int64_t *u, int64_t *v, int64_t *total, lm__tick_fn tick,
               void *ctx)
{
  uint32_t na = in->na, nb = in->nb, a, b, i;
  size_t room = 0;
  lm__bm s;
  lm__ticker tk;
  int rc = LM_OK;

  memset(&s, 0, sizeof s);
  s.in = in;
  s.w = w;
  s.match = match;
  s.aoff = lm__malloc(((size_t)nb + 1) * sizeof *s.aoff);
  s.load = lm__calloc((size_t)nb + 1, sizeof *s.load);
  s.pa = lm__calloc((size_t)na + 1, sizeof *s.pa);
  s.pb = lm__calloc((size_t)nb + 1, sizeof *s.pb);
  s.db = lm__malloc(((size_t)nb + 1) * sizeof *s.db);
  s.pred = lm__malloc(((size_t)nb + 1) * sizeof *s.pred);
  s.pedge = lm__malloc(((size_t)nb + 1) * sizeof *s.pedge);
  s.medge = lm__malloc(((size_t)na + 1) * sizeof *s.medge);
  s.done = lm__calloc((size_t)nb + 1, 1);
  s.touched = lm__malloc(((size_t)nb + 1) * sizeof *s.touched);
  s.seen_a = lm__malloc(((size_t)na + 1) * sizeof *s.seen_a);
  s.seen_d = lm__malloc(((size_t)na + 1) * sizeof *s.seen_d);
  if (s.aoff == NULL || s.load == NULL || s.pa == NULL || s.pb == NULL ||
      s.db == NULL || s.pred == NULL || s.pedge == NULL ||
      s.medge == NULL || s.done == NULL ||
      s.touched == NULL || s.seen_a == NULL || s.seen_d == NULL) {
    rc = lm__fail(LM_ENOMEM, "out of memory");
    goto cleanup;
  }
  {
    /* b holds at most min(cap, number of a's listing it). */
    uint32_t *deg = s.load;
    for (i = 0; i < in->a_off[na]; i++)
      deg[in->a_to[i]]++;
    for (b = 0; b < nb; b++) {
      s.aoff[b] = room;
      room += in->cap[b] < deg[b] ? in->cap[b] : deg[b];
      deg[b] = 0;
    }
  }
  s.asg = lm__malloc((room + 1) * sizeof *s.asg);
  if (s.asg == NULL) {
    rc = lm__fail(LM_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (b = 0; b < nb; b++)
    s.db[b] = LM__INF;
  for (i = 0; i < in->a_off[na]; i++)
    if (w[i] < 0) {
      rc = lm__fail(LM_EINVAL, "b-matching: negative weight");
      goto cleanup;
    }
  ticker_init(&tk, tick, ctx, na);
  for (a = 0; a < na && rc == LM_OK; a++) {
    rc = bm_add(&s, a);
    if (rc == LM_OK)
      rc = ticker_at(&tk, a + 1);
  }
  if (rc != LM_OK)
    goto cleanup;
  *total = 0;
  for (a = 0; a < na; a++) {
    if (match[a] != LM__NONE)
      *total += w[s.medge[a]];
    if (u)
      u[a] = s.pa[a] - s.pt;
  }
  if (v)
    for (b = 0; b < nb; b++)
      v[b] = s.pt - s.pb[b];
cleanup:
  lm__xfree(s.aoff);
  lm__xfree(s.load);
  lm__xfree(s.pa);
  lm__xfree(s.pb);
  lm__xfree(s.db);
  lm__xfree(s.pred);
  lm__xfree(s.pedge);
  lm__xfree(s.medge);
  lm__xfree(s.done);
  lm__xfree(s.touched);
  lm__xfree(s.seen_a);
  lm__xfree(s.seen_d);
  lm__xfree(s.asg);
  lm__xfree(s.q.h);
  return rc;
}
