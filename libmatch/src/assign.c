/*
 * assign.c: the dense rectangular assignment problem, exact, with its
 * certificate (lm_assign_solve; doc/BATCH.md, "The dense solver").
 *
 * Jonker and Volgenant's LAPJV (Computing 38, 1987) on int64 costs, for
 * n rows <= m columns (a caller's matrix with more rows is solved
 * transposed): column reduction and reduction transfer (square only),
 * two passes of augmenting row reduction, then one shortest augmenting
 * path per row still free, Dijkstra over the dense matrix in O(n m).
 *
 * Only the column prices v are kept; a row's price is implicit, u[i] =
 * min_j (c[i][j] - v[j]).  Every phase keeps the invariant that an
 * assigned row's column attains that minimum, so that the reduced costs
 * c - u - v are >= 0 and 0 on the assignment: at the end u and v are LP
 * duals that certify the total.  v only ever decreases, and a column's v
 * changes only once it is assigned (columns never become free again), so
 * when the columns start at v = 0 (n < m) every v is <= 0 and the free
 * columns' are 0, which is the dual of "each column at most once".  A
 * square problem starts from the column minima instead; its v are
 * shifted down at the end so that the same statement holds.
 *
 * Sizes.  With |c| <= C (LM_MAX_ASSIGN_COST): while a row is free, some
 * column is free, and its v is 0 or its column minimum, in [-C, C]; so
 * every implicit u is at most 2C and at least -2C, every assigned v =
 * c - u at least -3C, and path lengths stay within a few C.  C = 2^40 and
 * n <= 2^20 (LM_MAX_ASSIGN_SIDE) keep every price, distance, total and a
 * caller's sum of n prices far inside int64.
 *
 * Augmenting row reduction re-offers a displaced row at once, as in the
 * paper; on integers that always ends (the dual objective grows) but may
 * take long on adversarial costs, so re-offers are budgeted and the rest
 * left to the shortest paths, which are polynomial.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define NONE ((size_t)-1)

/* Re-offers of displaced rows per pass of augmenting row reduction, in
 * multiples of the rows. */
#define ARR_BUDGET 8

typedef struct lap {
  size_t n, m;      /* n <= m */
  const int64_t *c; /* n x m, row-major */
  size_t *x;        /* x[i]: row i's column, NONE */
  size_t *y;        /* y[j]: column j's row, NONE */
  int64_t *v;       /* column prices */
  int64_t *d;       /* shortest path lengths to the columns */
  size_t *pred;     /* the row before each column on its path */
  size_t *cols;     /* the columns: ready, to scan, the rest */
  size_t *rows;     /* free rows */
} lap;

/*
 * Column reduction and reduction transfer (n == m): v[j] the column
 * minimum, each column given to its minimum row if that row has none yet
 * (a row that is the minimum of several keeps the one of least v), then
 * a row that got exactly one column moves its slack to that column's v.
 * Returns the number of free rows, listed in p->rows.
 */
static size_t reduce_columns(lap *p)
{
  size_t n = p->n, m = p->m, i, j, nfree = 0;
  size_t *imin = p->cols, *matches = p->pred;
  int64_t *v = p->v;

  for (j = 0; j < m; j++) {
    v[j] = p->c[j];
    imin[j] = 0;
  }
  /* Row by row rather than column by column: the matrix is row-major. */
  for (i = 1; i < n; i++) {
    const int64_t *row = p->c + i * m;
    for (j = 0; j < m; j++)
      if (row[j] < v[j]) {
        v[j] = row[j];
        imin[j] = i;
      }
  }
  for (i = 0; i < n; i++)
    matches[i] = 0;
  for (j = m; j-- > 0;) {
    i = imin[j];
    if (matches[i]++ == 0) {
      p->x[i] = j;
      p->y[j] = i;
    } else if (v[j] < v[p->x[i]]) {
      p->y[p->x[i]] = NONE;
      p->x[i] = j;
      p->y[j] = i;
    }
  }
  for (i = 0; i < n; i++) {
    if (matches[i] == 0) {
      p->rows[nfree++] = i;
    } else if (matches[i] == 1 && m > 1) {
      const int64_t *row = p->c + i * m;
      size_t j1 = p->x[i];
      int64_t least = INT64_MAX;
      for (j = 0; j < m; j++)
        if (j != j1 && row[j] - v[j] < least)
          least = row[j] - v[j];
      v[j1] -= least; /* least >= 0: v is the column minimum */
    }
  }
  return nfree;
}

/*
 * Augmenting row reduction (m >= 2): each free row takes the column of
 * its least reduced cost, lowering that column's v until the row is
 * indifferent between it and its second best, and displaces the
 * column's row, which is offered again at once (within the budget) or
 * in the next pass.  Returns the number of rows still free.
 */
static size_t reduce_rows(lap *p, size_t nfree)
{
  size_t m = p->m, *fr = p->rows, pass;
  int64_t *v = p->v;

  for (pass = 0; pass < 2 && nfree > 0; pass++) {
    size_t k = 0, prev = nfree, budget = ARR_BUDGET * p->n;
    nfree = 0;
    while (k < prev) {
      size_t i = fr[k++], j, j1 = 0, j2 = 0, i0;
      const int64_t *row = p->c + i * m;
      int64_t umin = row[0] - v[0], usub = INT64_MAX;
      for (j = 1; j < m; j++) {
        int64_t h = row[j] - v[j];
        if (h < usub) {
          if (h >= umin) {
            usub = h;
            j2 = j;
          } else {
            usub = umin;
            umin = h;
            j2 = j1;
            j1 = j;
          }
        }
      }
      i0 = p->y[j1];
      if (umin < usub)
        v[j1] -= usub - umin;
      else if (i0 != NONE) { /* a tie: take the other if it is free */
        j1 = j2;
        i0 = p->y[j2];
      }
      p->x[i] = j1;
      p->y[j1] = i;
      if (i0 == NONE)
        continue;
      p->x[i0] = NONE;
      /* fr[k - 1] was i: i0 may take its place.  The next pass's list
       * grows behind k (nfree < k here), over rows already taken. */
      if (umin < usub && budget > 0) {
        budget--;
        fr[--k] = i0;
      } else {
        fr[nfree++] = i0;
      }
    }
  }
  return nfree;
}

/*
 * The shortest augmenting path from the free row f, Dijkstra over the
 * reduced costs with the columns kept in p->cols as ready (distance
 * final, [0, last)), to scan (at the current least distance, [low,
 * up)) and the rest; then the ready columns' v lowered by how much
 * shorter their path was, and the path flipped.
 */
static void augment(lap *p, size_t f)
{
  size_t m = p->m, low = 0, up = 0, last = 0, k, j, i, end = NONE;
  size_t *cols = p->cols, *pred = p->pred, *y = p->y;
  int64_t *d = p->d, *v = p->v, least = 0;
  const int64_t *row = p->c + f * m;

  for (j = 0; j < m; j++) {
    d[j] = row[j] - v[j];
    pred[j] = f;
    cols[j] = j;
  }
  for (;;) {
    int64_t h;
    size_t j1;
    if (up == low) {
      /* The next least distance and every column at it. */
      last = low;
      least = d[cols[up++]];
      for (k = up; k < m; k++) {
        j = cols[k];
        if (d[j] <= least) {
          if (d[j] < least) {
            up = low;
            least = d[j];
          }
          cols[k] = cols[up];
          cols[up++] = j;
        }
      }
      for (k = low; k < up; k++)
        if (y[cols[k]] == NONE) {
          end = cols[k];
          goto found;
        }
    }
    /* Scan a column at the least distance through its row. */
    j1 = cols[low++];
    i = y[j1];
    row = p->c + i * m;
    h = row[j1] - v[j1] - least;
    for (k = up; k < m; k++) {
      int64_t dj;
      j = cols[k];
      dj = row[j] - v[j] - h;
      if (dj < d[j]) {
        pred[j] = i;
        if (dj == least) {
          if (y[j] == NONE) {
            end = j;
            goto found;
          }
          cols[k] = cols[up];
          cols[up++] = j;
        }
        d[j] = dj;
      }
    }
  }
found:
  for (k = 0; k < last; k++) {
    j = cols[k];
    v[j] += d[j] - least;
  }
  do {
    size_t next;
    i = pred[end];
    y[end] = i;
    next = p->x[i];
    p->x[i] = end;
    end = next;
  } while (i != f);
}

/* Solves p: x, y and v as the header of this file says. */
static void solve(lap *p)
{
  size_t n = p->n, m = p->m, i, j, nfree;

  for (i = 0; i < n; i++)
    p->x[i] = NONE;
  for (j = 0; j < m; j++)
    p->y[j] = NONE;
  if (n == m) {
    nfree = reduce_columns(p);
  } else {
    for (j = 0; j < m; j++)
      p->v[j] = 0;
    for (i = 0; i < n; i++)
      p->rows[i] = i;
    nfree = n;
  }
  if (m >= 2)
    nfree = reduce_rows(p, nfree);
  /* augment() does not touch p->rows. */
  for (i = 0; i < nfree; i++)
    augment(p, p->rows[i]);
  if (n == m) {
    /* The prices are defined up to u + t, v - t: make the largest v 0. */
    int64_t top = p->v[0];
    for (j = 1; j < m; j++)
      if (p->v[j] > top)
        top = p->v[j];
    for (j = 0; j < m; j++)
      p->v[j] -= top;
  }
}

/* The cost of (i, j) of the caller's matrix out of range: the message
 * names the first such pair. */
static int check_costs(size_t rows, size_t cols, const int64_t *cost)
{
  size_t i, j;

  for (i = 0; i < rows; i++) {
    const int64_t *row = cost + i * cols;
    int bad = 0;
    /* One branch-free pass per row; find the pair only on failure. */
    for (j = 0; j < cols; j++)
      bad |= row[j] < -LM_MAX_ASSIGN_COST || row[j] > LM_MAX_ASSIGN_COST;
    if (!bad)
      continue;
    for (j = 0; j < cols; j++)
      if (row[j] < -LM_MAX_ASSIGN_COST || row[j] > LM_MAX_ASSIGN_COST)
        return lm__fail(LM_EINVAL,
                        "lm_assign_solve: cost of row %zu, column %zu is "
                        "%lld, beyond LM_MAX_ASSIGN_COST (2^40) in "
                        "magnitude",
                        i, j, (long long)row[j]);
  }
  return LM_OK;
}

int lm_assign_solve(size_t rows, size_t cols, const int64_t *cost,
                    unsigned int flags, size_t *col_of_row,
                    int64_t *row_price, int64_t *col_price, int64_t *total)
{
  int maximize = (flags & LM_ASSIGN_MAXIMIZE) != 0;
  int transpose = rows > cols;
  size_t n = transpose ? cols : rows, m = transpose ? rows : cols, i, j;
  int64_t sign = maximize ? -1 : 1, sum = 0, *u = NULL, *work = NULL;
  lap p;
  int rc;

  memset(&p, 0, sizeof p);
  if (flags & ~LM_ASSIGN_MAXIMIZE)
    return lm__fail(LM_EINVAL, "lm_assign_solve: unknown flags 0x%x",
                    flags);
  if (n > 0) {
    if (cost == NULL)
      return lm__fail(LM_EINVAL, "lm_assign_solve: cost is NULL for a "
                                 "%zu x %zu matrix",
                      rows, cols);
    if (m > SIZE_MAX / sizeof *cost / n)
      return lm__fail(LM_EINVAL,
                      "lm_assign_solve: %zu x %zu costs overflow size_t",
                      rows, cols);
    if (n > LM_MAX_ASSIGN_SIDE)
      return lm__fail(LM_EINVAL,
                      "lm_assign_solve: %zu x %zu: the smaller side is "
                      "beyond LM_MAX_ASSIGN_SIDE (%d)",
                      rows, cols, LM_MAX_ASSIGN_SIDE);
    rc = check_costs(rows, cols, cost);
    if (rc != LM_OK)
      return rc;
  }
  if (n == 0) {
    /* Nothing to assign: every price 0 certifies the total 0. */
    for (i = 0; i < rows; i++) {
      if (col_of_row)
        col_of_row[i] = LM_ASSIGN_NONE;
      if (row_price)
        row_price[i] = 0;
    }
    if (col_price)
      for (j = 0; j < cols; j++)
        col_price[j] = 0;
    if (total)
      *total = 0;
    return LM_OK;
  }

  p.n = n;
  p.m = m;
  p.x = lm__malloc(n * sizeof *p.x);
  p.rows = lm__malloc(n * sizeof *p.rows);
  u = lm__malloc(n * sizeof *u);
  p.y = lm__malloc(m * sizeof *p.y);
  p.v = lm__malloc(m * sizeof *p.v);
  p.d = lm__malloc(m * sizeof *p.d);
  p.pred = lm__malloc(m * sizeof *p.pred);
  p.cols = lm__malloc(m * sizeof *p.cols);
  if (p.x == NULL || p.rows == NULL || u == NULL || p.y == NULL ||
      p.v == NULL || p.d == NULL || p.pred == NULL || p.cols == NULL) {
    rc = lm__fail(LM_ENOMEM, "lm_assign_solve: out of memory");
    goto cleanup;
  }
  /* The solver minimises over n <= m rows: a copy, negated to maximise
   * or transposed, unless the caller's matrix is that already. */
  if (maximize || transpose) {
    work = lm__malloc(n * m * sizeof *work);
    if (work == NULL) {
      rc = lm__fail(LM_ENOMEM, "lm_assign_solve: out of memory for a "
                               "copy of %zu x %zu costs",
                    rows, cols);
      goto cleanup;
    }
    if (transpose)
      for (j = 0; j < m; j++)
        for (i = 0; i < n; i++)
          work[i * m + j] = sign * cost[j * cols + i];
    else
      for (i = 0; i < n * m; i++)
        work[i] = -cost[i];
    p.c = work;
  } else {
    p.c = cost;
  }

  solve(&p);
  for (i = 0; i < n; i++) {
    int64_t c = p.c[i * m + p.x[i]];
    u[i] = c - p.v[p.x[i]];
    sum += c;
  }

  /* The caller's sign and orientation. */
  if (total)
    *total = sign * sum;
  if (!transpose) {
    for (i = 0; i < n; i++) {
      if (col_of_row)
        col_of_row[i] = p.x[i];
      if (row_price)
        row_price[i] = sign * u[i];
    }
    if (col_price)
      for (j = 0; j < m; j++)
        col_price[j] = sign * p.v[j];
  } else {
    for (j = 0; j < m; j++) {
      if (col_of_row)
        col_of_row[j] = p.y[j] == NONE ? LM_ASSIGN_NONE : p.y[j];
      if (row_price)
        row_price[j] = sign * p.v[j];
    }
    if (col_price)
      for (i = 0; i < n; i++)
        col_price[i] = sign * u[i];
  }
  rc = LM_OK;

cleanup:
  lm__xfree(p.x);
  lm__xfree(p.rows);
  lm__xfree(u);
  lm__xfree(p.y);
  lm__xfree(p.v);
  lm__xfree(p.d);
  lm__xfree(p.pred);
  lm__xfree(p.cols);
  lm__xfree(work);
  return rc;
}
