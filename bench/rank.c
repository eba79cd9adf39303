/*
 * bench/rank: ranking latency, index memory and match quality, with an
 * SQLite FTS5 full-text search as the peer.
 *
 *   bench/rank [--jobs N] [--seekers N] [--queries N] [--fts-queries N]
 *              [--seed N] [--db FILE] [--keep]
 *
 * Generates 100,000 jobs and 1,000,000 seekers with bench/lmgen (and its
 * --relevant file: the jobs each seeker should be offered) and ingests
 * them into a fresh SQLite file, unless --db names a store made before
 * (its relevant file is FILE.relevant, as --keep leaves it).  Then, in a
 * fresh process (the ingest's heap would hide what the open adds):
 *
 *   - open: lm_engine_open on the file, which rebuilds the index from it;
 *     the time, and the resident memory it added per record;
 *   - latency of lm_rank_jobs (jobs for a seeker) and lm_rank_seekers
 *     (seekers for a job), k = 10, explanations included, over --queries
 *     random ids each: median and 99th percentile;
 *   - the peer: an FTS5 table over the same postings that a portal would
 *     reach for (title, skills, requirements text, description; CJK
 *     written one character per token and searched as character bigrams,
 *     bm25 ranked, open postings only), queried with each seeker's skills
 *     and text OR-ed, LIMIT 10, over --fts-queries seekers;
 *   - quality of both against lmgen's relevant jobs: recall@10 and
 *     nDCG@10, on the same seekers.
 *
 * Figures, not a pass/fail test: the machine is shared and noisy.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmatch.h"

/* lmgen's "today": its relevance is as of this date. */
#define TODAY "2026-11-25"
#define K 10

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

static long rss_now_kib(void)
{
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0, res = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &res) != 2)
      res = 0;
    fclose(f);
  }
  return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void die(const char *what, const char *detail)
{
  fprintf(stderr, "bench/rank: %s: %s\n", what, detail ? detail : "");
  exit(1);
}

static void *xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (p == NULL)
    die("out of memory", NULL);
  return p;
}

static char *xstrdup(const char *s)
{
  char *d = xmalloc(strlen(s) + 1);
  memcpy(d, s, strlen(s) + 1);
  return d;
}

/* xorshift64*: the same sample on every run. */
static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(uint64_t n)
{
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return (rng * 2685821657736338717ull) % n;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorts v and gives the q-quantile (nearest rank). */
static double quantile(double *v, size_t n, double q)
{
  size_t i;
  if (n == 0)
    return 0;
  qsort(v, n, sizeof *v, cmp_double);
  i = (size_t)ceil(q * (double)n);
  return v[i > 0 ? i - 1 : 0];
}

/* ------------------------------------------------------ the relevant file */

typedef struct rel {
  char *seeker;
  char **jobs;
  size_t n;
} rel;

typedef struct rels {
  rel *r;
  size_t n, cap;
} rels;

static int cmp_rel(const void *a, const void *b)
{
  return strcmp(((const rel *)a)->seeker, ((const rel *)b)->seeker);
}

/* "S0000001<TAB>J000004 J000017 ..." lines, sorted by seeker. */
static void rels_load(rels *rs, const char *path)
{
  FILE *f = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;

  if (f == NULL)
    die("cannot read the relevant file", path);
  while (getline(&line, &cap, f) > 0) {
    char *tab = strchr(line, '\t'), *tok, *save = NULL;
    rel r = {NULL, NULL, 0};
    size_t jcap = 0;
    if (tab == NULL)
      continue;
    *tab = '\0';
    r.seeker = xstrdup(line);
    for (tok = strtok_r(tab + 1, " \n", &save); tok;
         tok = strtok_r(NULL, " \n", &save)) {
      if (r.n == jcap) {
        jcap = jcap ? jcap * 2 : 16;
        r.jobs = realloc(r.jobs, jcap * sizeof *r.jobs);
        if (r.jobs == NULL)
          die("out of memory", NULL);
      }
      r.jobs[r.n++] = xstrdup(tok);
    }
    if (rs->n == rs->cap) {
      rs->cap = rs->cap ? rs->cap * 2 : 1024;
      rs->r = realloc(rs->r, rs->cap * sizeof *rs->r);
      if (rs->r == NULL)
        die("out of memory", NULL);
    }
    rs->r[rs->n++] = r;
  }
  free(line);
  fclose(f);
  qsort(rs->r, rs->n, sizeof *rs->r, cmp_rel);
}

static const rel *rels_find(const rels *rs, const char *seeker)
{
  rel key = {(char *)seeker, NULL, 0};
  return bsearch(&key, rs->r, rs->n, sizeof *rs->r, cmp_rel);
}

/* recall@K and nDCG@K (binary relevance) of a ranked list. */
static void quality(const rel *r, char ids[][72], size_t n, double *recall,
                    double *ndcg)
{
  double dcg = 0, idcg = 0;
  size_t i, j, hits = 0;

  for (i = 0; i < n && i < K; i++)
    for (j = 0; j < r->n; j++)
      if (strcmp(ids[i], r->jobs[j]) == 0) {
        hits++;
        dcg += 1.0 / log2((double)i + 2.0);
        break;
      }
  for (i = 0; i < r->n && i < K; i++)
    idcg += 1.0 / log2((double)i + 2.0);
  *recall = r->n ? (double)hits / (double)r->n : 0;
  *ndcg = idcg > 0 ? dcg / idcg : 0;
}

/* ------------------------------------------------------------- ids */

typedef struct idlist {
  char **id;
  size_t n, cap;
} idlist;

static void ids_load(sqlite3 *db, int kind, idlist *l)
{
  sqlite3_stmt *st;

  if (sqlite3_prepare_v2(db, "SELECT id FROM record WHERE kind = ?1", -1,
                         &st, NULL) != SQLITE_OK)
    die("reading ids", sqlite3_errmsg(db));
  sqlite3_bind_int(st, 1, kind);
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (l->n == l->cap) {
      l->cap = l->cap ? l->cap * 2 : 4096;
      l->id = realloc(l->id, l->cap * sizeof *l->id);
      if (l->id == NULL)
        die("out of memory", NULL);
    }
    l->id[l->n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
}

/* ------------------------------------------------------ the FTS5 peer */

/* Appends s to the buffer with a space between CJK characters (and
 * around them), so that unicode61 makes each a token. */
static void spaced(char **buf, size_t *len, size_t *cap, const char *s)
{
  const unsigned char *p = (const unsigned char *)s;

  while (*p) {
    size_t n = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
    int wide = n >= 3;
    if (*len + n + 3 > *cap) {
      *cap = (*cap + n + 3) * 2;
      *buf = realloc(*buf, *cap);
      if (*buf == NULL)
        die("out of memory", NULL);
    }
    if (wide)
      (*buf)[(*len)++] = ' ';
    memcpy(*buf + *len, p, n);
    *len += n;
    if (wide)
      (*buf)[(*len)++] = ' ';
    p += n;
  }
  (*buf)[*len] = '\0';
}

static void fts_build(sqlite3 *store, sqlite3 *fts)
{
  sqlite3_stmt *get, *ins;
  char *buf = NULL;
  size_t cap = 0;
  int rc;

  rc = sqlite3_exec(fts,
                    "CREATE VIRTUAL TABLE job USING fts5(id UNINDEXED, body,"
                    " tokenize = 'unicode61');"
                    "BEGIN",
                    NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    die("creating the FTS5 table", sqlite3_errmsg(fts));
  /* What a portal shows as the posting, open ones only. */
  if (sqlite3_prepare_v2(
          store,
          "SELECT r.id, coalesce(r.name, ''), coalesce(r.text, ''),"
          " coalesce(r.description, ''),"
          " coalesce((SELECT group_concat(s.name, ' ') FROM record_skill s"
          "           WHERE s.record = r.rowid), '')"
          " FROM record r WHERE r.kind = 1"
          " AND (r.expires IS NULL OR r.expires >= ?1)"
          " AND (r.posted IS NULL OR r.posted <= ?1)",
          -1, &get, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(fts, "INSERT INTO job (id, body) VALUES (?1, ?2)",
                         -1, &ins, NULL) != SQLITE_OK)
    die("preparing the FTS5 build", sqlite3_errmsg(store));
  sqlite3_bind_text(get, 1, TODAY, -1, SQLITE_STATIC);
  while (sqlite3_step(get) == SQLITE_ROW) {
    size_t len = 0;
    int c;
    for (c = 1; c <= 4; c++) {
      spaced(&buf, &len, &cap, (const char *)sqlite3_column_text(get, c));
      spaced(&buf, &len, &cap, " ");
    }
    sqlite3_bind_text(ins, 1, (const char *)sqlite3_column_text(get, 0), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 2, buf, (int)len, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE)
      die("filling the FTS5 table", sqlite3_errmsg(fts));
    sqlite3_reset(ins);
  }
  sqlite3_finalize(get);
  sqlite3_finalize(ins);
  free(buf);
  if (sqlite3_exec(fts, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    die("committing the FTS5 table", sqlite3_errmsg(fts));
}

/* Adds one phrase (quoted, characters spaced) to an OR query, once. */
static void or_phrase(char **q, size_t *len, size_t *cap, const char *text,
                      size_t n)
{
  char *phrase = xmalloc(n * 3 + 8), *p = phrase;
  size_t i;

  *p++ = '"';
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c == '"')
      continue;
    if (c >= 0xe0 && p > phrase + 1)
      *p++ = ' ';
    *p++ = (char)c;
  }
  *p++ = '"';
  *p = '\0';
  if (p - phrase > 2 && strstr(*q ? *q : "", phrase) == NULL) {
    size_t need = *len + strlen(phrase) + 8;
    if (need > *cap) {
      *cap = need * 2;
      *q = realloc(*q, *cap);
      if (*q == NULL)
        die("out of memory", NULL);
    }
    *len += (size_t)sprintf(*q + *len, "%s%s", *len ? " OR " : "", phrase);
  }
  free(phrase);
}

static size_t utf8_len(unsigned char c)
{
  return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* The seeker's skills as phrases, and the text's CJK runs as character
 * bigrams and its ASCII words as words: the usual way to search Chinese
 * without a word segmenter. */
static void add_text_terms(char **q, size_t *len, size_t *cap,
                           const char *t)
{
  const unsigned char *p = (const unsigned char *)t;

  while (*p) {
    size_t n = utf8_len(*p);
    if (n >= 3 && p[n] != '\0' && utf8_len(p[n]) >= 3 &&
        !(p[0] == 0xef && p[1] == 0xbc) && !(p[0] == 0xe3 && p[1] == 0x80) &&
        !(p[n] == 0xef && p[n + 1] == 0xbc) &&
        !(p[n] == 0xe3 && p[n + 1] == 0x80)) {
      or_phrase(q, len, cap, (const char *)p, n + utf8_len(p[n]));
    } else if (n == 1 && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')) {
      size_t w = 0;
      while (p[w] && p[w] < 0x80 &&
             (((p[w] | 0x20) >= 'a' && (p[w] | 0x20) <= 'z') ||
              (p[w] >= '0' && p[w] <= '9')))
        w++;
      or_phrase(q, len, cap, (const char *)p, w);
      n = w;
    }
    p += n;
  }
}

/* The FTS query for a seeker (NULL when it has nothing to search). */
static char *fts_query(sqlite3_stmt *seeker, const char *id)
{
  char *q = NULL;
  size_t len = 0, cap = 0;
  int first = 1;

  sqlite3_bind_text(seeker, 1, id, -1, SQLITE_STATIC);
  while (sqlite3_step(seeker) == SQLITE_ROW) {
    const char *text = (const char *)sqlite3_column_text(seeker, 0);
    const char *skill = (const char *)sqlite3_column_text(seeker, 1);
    if (skill)
      or_phrase(&q, &len, &cap, skill, strlen(skill));
    if (text && first)
      add_text_terms(&q, &len, &cap, text);
    first = 0;
  }
  sqlite3_reset(seeker);
  return q;
}

/* ------------------------------------------------------------- main */

typedef struct opts {
  long jobs, seekers, queries, fts_queries, seed;
  const char *db;
  int keep;
  int remove_after; /* internal: the store was made for this run */
} opts;

static void parse(int argc, char **argv, opts *o)
{
  int i;

  o->jobs = 100000;
  o->seekers = 1000000;
  o->queries = 10000;
  o->fts_queries = 1000;
  o->seed = 42;
  o->db = NULL;
  o->keep = 0;
  o->remove_after = 0;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
      o->jobs = atol(argv[++i]);
    else if (strcmp(argv[i], "--seekers") == 0 && i + 1 < argc)
      o->seekers = atol(argv[++i]);
    else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
      o->queries = atol(argv[++i]);
    else if (strcmp(argv[i], "--fts-queries") == 0 && i + 1 < argc)
      o->fts_queries = atol(argv[++i]);
    else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
      o->seed = atol(argv[++i]);
    else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
      o->db = argv[++i];
    else if (strcmp(argv[i], "--keep") == 0)
      o->keep = 1;
    else if (strcmp(argv[i], "--remove-after") == 0)
      o->remove_after = 1;
    else {
      fprintf(stderr,
              "usage: %s [--jobs N] [--seekers N] [--queries N] "
              "[--fts-queries N] [--seed N] [--db FILE] [--keep]\n",
              argv[0]);
      exit(2);
    }
  }
}

/* Generates the data next to the store and ingests it. */
static void make_store(const char *argv0, const opts *o, const char *db,
                       const char *relevant)
{
  char gen[4096], xml[4200], cmd[16384];
  const char *slash = strrchr(argv0, '/');
  int dirlen = slash ? (int)(slash - argv0) : 1;
  lm_engine *e = NULL;
  lm_options lo = LM_OPTIONS_INIT;
  lm_report *rep = NULL;
  double t;
  int st;

  snprintf(gen, sizeof gen, "%.*s/lmgen", dirlen, slash ? argv0 : ".");
  snprintf(xml, sizeof xml, "%s.xml", db);
  snprintf(cmd, sizeof cmd,
           "'%s' --seed %ld --jobs %ld --seekers %ld --employers %ld "
           "--out '%s' --relevant '%s'",
           gen, o->seed, o->jobs, o->seekers, o->jobs / 20 + 1, xml,
           relevant);
  printf("generating %ld jobs + %ld seekers ...\n", o->jobs, o->seekers);
  fflush(stdout);
  t = now();
  st = system(cmd);
  if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
    die("the generator failed", cmd);
  printf("  generated in %.1f s\n", now() - t);
  lo.batch_size = 50000;
  if (lm_engine_open(&e, db, &lo) != LM_OK || lm_report_new(&rep) != LM_OK)
    die("opening the store", lm_errmsg(NULL));
  t = now();
  if (lm_engine_ingest_file(e, xml, 0, rep) != LM_OK)
    die("ingesting", lm_errmsg(e));
  printf("  ingested %zu records in %.1f s (index kept in step)\n",
         lm_report_count(rep, LM_COUNT_ADDED) +
             lm_report_count(rep, LM_COUNT_REPLACED),
         now() - t);
  lm_report_free(rep);
  lm_engine_close(e);
  unlink(xml);
}

typedef struct lat {
  double *v;
  size_t n;
} lat;

static void report_latency(const char *what, lat *l)
{
  double med = quantile(l->v, l->n, 0.5), p99 = quantile(l->v, l->n, 0.99);
  printf("%-22s median %8.3f ms   p99 %8.3f ms   (%zu queries)\n", what,
         med * 1e3, p99 * 1e3, l->n);
}

int main(int argc, char **argv)
{
  opts o;
  char db[4096], relevant[4200];
  lm_engine *e = NULL;
  sqlite3 *store = NULL, *fts = NULL;
  sqlite3_stmt *seeker_st = NULL, *search = NULL;
  idlist jobs = {NULL, 0, 0}, seekers = {NULL, 0, 0};
  rels rs = {NULL, 0, 0};
  lm_query q = LM_QUERY_INIT;
  lat lj, ls, lf;
  long rss0, rss1;
  size_t nj = 0, ns = 0, i, n_lm = 0, n_fts = 0;
  double t, t_open, lm_recall = 0, lm_ndcg = 0, fts_recall = 0, fts_ndcg = 0;
  double sub_recall = 0, sub_ndcg = 0;
  char (*ids)[72] = xmalloc(K * sizeof *ids);
  char **sample;

  parse(argc, argv, &o);
  rng ^= (uint64_t)o.seed * 0x9e3779b97f4a7c15ull;
  if (o.db) {
    snprintf(db, sizeof db, "%s", o.db);
  } else {
    snprintf(db, sizeof db, "%s/lm-bench-rank-%ld-%ld.db",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", o.jobs,
             o.seekers);
  }
  snprintf(relevant, sizeof relevant, "%s.relevant", db);
  if (!o.db || !exists(db)) {
    char nq[32], nf[32], *args[12];
    int a = 0;
    if (exists(db))
      unlink(db);
    make_store(argv[0], &o, db, relevant);
    /* Measure in a fresh process: this one's heap is warm from the
     * ingest, and the memory an open adds would hide in it. */
    snprintf(nq, sizeof nq, "%ld", o.queries);
    snprintf(nf, sizeof nf, "%ld", o.fts_queries);
    args[a++] = argv[0];
    args[a++] = "--db";
    args[a++] = db;
    args[a++] = "--queries";
    args[a++] = nq;
    args[a++] = "--fts-queries";
    args[a++] = nf;
    if (!o.keep)
      args[a++] = "--remove-after";
    args[a] = NULL;
    fflush(stdout);
    execv(argv[0], args);
    die("cannot run itself again", argv[0]);
  }
  printf("store %s\n", db);

  /* Open: the index is rebuilt from the file. */
  rss0 = rss_now_kib();
  t = now();
  if (lm_engine_open(&e, db, NULL) != LM_OK)
    die("opening the store", lm_errmsg(NULL));
  t_open = now() - t;
  rss1 = rss_now_kib();
  lm_engine_count(e, LM_JOB, &nj);
  lm_engine_count(e, LM_SEEKER, &ns);
  printf("\nstore: %zu jobs, %zu seekers\n", nj, ns);
  printf("open (index rebuilt from SQLite): %.2f s   (target <= 10 s at "
         "1.1 M records)\n",
         t_open);
  printf("resident memory added by open: %.1f MB = %.0f B per record   "
         "(target <= 1024 B)\n",
         (rss1 - rss0) / 1024.0, (rss1 - rss0) * 1024.0 / (double)(nj + ns));

  if (sqlite3_open_v2(db, &store, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    die("opening the store for ids", sqlite3_errmsg(store));
  ids_load(store, LM_JOB, &jobs);
  ids_load(store, LM_SEEKER, &seekers);
  rels_load(&rs, relevant);
  if (jobs.n == 0 || seekers.n == 0)
    die("the store is empty", db);

  q.k = K;
  q.today = TODAY;
  lj.v = xmalloc((size_t)o.queries * sizeof *lj.v);
  ls.v = xmalloc((size_t)o.queries * sizeof *ls.v);
  lf.v = xmalloc((size_t)o.fts_queries * sizeof *lf.v);
  lj.n = ls.n = lf.n = 0;
  sample = xmalloc((size_t)o.queries * sizeof *sample);

  /* Jobs for a seeker, and libmatch's quality on the same lists. */
  for (i = 0; i < (size_t)o.queries; i++) {
    lm_results *r = NULL;
    const rel *want;
    size_t k;
    sample[i] = seekers.id[rnd(seekers.n)];
    t = now();
    if (lm_rank_jobs(e, sample[i], &q, &r) != LM_OK)
      die("lm_rank_jobs", lm_errmsg(e));
    lj.v[lj.n++] = now() - t;
    want = rels_find(&rs, sample[i]);
    if (want && want->n) {
      double rc, nd;
      for (k = 0; k < lm_results_count(r) && k < K; k++)
        snprintf(ids[k], sizeof ids[k], "%s", lm_results_id(r, k));
      quality(want, ids, lm_results_count(r), &rc, &nd);
      lm_recall += rc;
      lm_ndcg += nd;
      n_lm++;
      if (i < (size_t)o.fts_queries) {
        sub_recall += rc;
        sub_ndcg += nd;
      }
    }
    lm_results_free(r);
  }
  /* Seekers for a job. */
  for (i = 0; i < (size_t)o.queries; i++) {
    lm_results *r = NULL;
    const char *id = jobs.id[rnd(jobs.n)];
    t = now();
    if (lm_rank_seekers(e, id, &q, &r) != LM_OK)
      die("lm_rank_seekers", lm_errmsg(e));
    ls.v[ls.n++] = now() - t;
    lm_results_free(r);
  }

  /* The FTS5 peer, on the first fts_queries seekers of the same sample. */
  if (sqlite3_open(":memory:", &fts) != SQLITE_OK)
    die("opening the FTS5 database", NULL);
  t = now();
  fts_build(store, fts);
  printf("FTS5 table built in %.1f s (not counted in its latency)\n",
         now() - t);
  if (sqlite3_prepare_v2(store,
                         "SELECT r.text, s.name"
                         " FROM record r LEFT JOIN record_skill s"
                         " ON s.record = r.rowid"
                         " WHERE r.kind = 2 AND r.id = ?1",
                         -1, &seeker_st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(fts,
                         "SELECT id FROM job WHERE job MATCH ?1"
                         " ORDER BY bm25(job) LIMIT 10",
                         -1, &search, NULL) != SQLITE_OK)
    die("preparing the FTS5 queries", sqlite3_errmsg(fts));
  for (i = 0; i < (size_t)o.fts_queries && i < (size_t)o.queries; i++) {
    char *fq;
    const rel *want = rels_find(&rs, sample[i]);
    size_t k = 0;
    t = now();
    fq = fts_query(seeker_st, sample[i]);
    if (fq) {
      sqlite3_bind_text(search, 1, fq, -1, SQLITE_STATIC);
      while (sqlite3_step(search) == SQLITE_ROW && k < K)
        snprintf(ids[k++], sizeof ids[k], "%s",
                 (const char *)sqlite3_column_text(search, 0));
      sqlite3_reset(search);
    }
    lf.v[lf.n++] = now() - t;
    free(fq);
    if (want && want->n) {
      double rc, nd;
      quality(want, ids, k, &rc, &nd);
      fts_recall += rc;
      fts_ndcg += nd;
      n_fts++;
    }
  }

  printf("\nlatency, k = %d, one thread:\n", K);
  report_latency("jobs for a seeker", &lj);
  printf("%-22s (targets: median <= 0.2 ms, p99 <= 2 ms)\n", "");
  report_latency("seekers for a job", &ls);
  printf("%-22s (target: median <= 5 ms)\n", "");
  report_latency("FTS5 bm25 (peer)", &lf);
  if (o.fts_queries < o.queries)
    printf("%-22s (FTS5 over the first %ld seekers of the same sample, to "
           "keep the run short)\n",
           "", o.fts_queries);
  printf("speed: libmatch jobs-for-seeker is %.1fx faster than FTS5 at the "
         "median (target >= 20x)\n",
         quantile(lf.v, lf.n, 0.5) / quantile(lj.v, lj.n, 0.5));

  printf("\nquality against lmgen's relevant jobs (recall@%d, nDCG@%d):\n",
         K, K);
  if (n_fts)
    printf("  same %zu seekers:   libmatch %.3f, %.3f    FTS5 %.3f, %.3f\n",
           n_fts, sub_recall / (double)n_fts, sub_ndcg / (double)n_fts,
           fts_recall / (double)n_fts, fts_ndcg / (double)n_fts);
  if (n_lm)
    printf("  libmatch, all %zu sampled seekers: %.3f, %.3f\n", n_lm,
           lm_recall / (double)n_lm, lm_ndcg / (double)n_lm);

  sqlite3_finalize(seeker_st);
  sqlite3_finalize(search);
  sqlite3_close(fts);
  sqlite3_close(store);
  lm_engine_close(e);
  if (o.remove_after) {
    char side[4300];
    unlink(db);
    snprintf(side, sizeof side, "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db);
    unlink(side);
    unlink(relevant);
  } else {
    printf("\nthe store stays: %s and %s (reuse with --db)\n", db,
           relevant);
  }
  return 0;
}
