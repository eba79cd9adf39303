/*
 * bench/ingest: end-to-end ingest throughput, with xmllint as the peer.
 *
 *   bench/ingest [--jobs N] [--seekers N] [--seed N] [--file F] [--keep]
 *                [--index] [--rounds N]
 *
 * Generates a FORMAT.md file with bench/lmgen (100,000 jobs and 1,000,000
 * seekers by default) unless --file names one; then, N rounds (3), times
 * `xmllint --stream --noout` on it and ingests it into a fresh SQLite
 * file (parse, normalise, store, commit) in this process.  Prints each
 * round, then records per second, the peak resident memory, the database
 * size and the ratio to xmllint, of the best times.  Figures, not a
 * pass/fail test: this machine is shared and noisy.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmatch.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long file_size(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* CPU seconds (user + system) of this process or of its waited-for
 * children. */
static double cpu_of(int who)
{
  struct rusage ru;
  getrusage(who, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Runs a shell command, returning its wall time in seconds, or -1; *cpu
 * (when not NULL) gets the CPU time it took. */
static double timed(const char *cmd, double *cpu)
{
  double t0 = now(), c0 = cpu_of(RUSAGE_CHILDREN);
  int st = system(cmd);
  if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
    return -1;
  if (cpu)
    *cpu = cpu_of(RUSAGE_CHILDREN) - c0;
  return now() - t0;
}

/* Current resident set size in KiB, from /proc (0 where unknown). */
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

static long long db_bytes; /* the database after the last ingest */

static void remove_db(const char *db)
{
  char side[4200];

  snprintf(side, sizeof side, "%s-wal", db);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", db);
  unlink(side);
  unlink(db);
}

/* One ingest of `file` into a fresh database `db`, timed around
 * lm_engine_ingest_file alone; the engine is closed after. */
static int ingest_once(const char *db, const char *file,
                       const lm_options *opts, double *wall, double *cpu,
                       size_t *records, size_t *rejected, long *rss_before)
{
  lm_engine *e = NULL;
  lm_report *rep = NULL;
  int rc;

  remove_db(db);
  if (lm_engine_open(&e, db, opts) != LM_OK ||
      lm_report_new(&rep) != LM_OK) {
    fprintf(stderr, "bench/ingest: %s\n", lm_errmsg(NULL));
    lm_engine_close(e);
    return LM_ERROR;
  }
  if (*rss_before == 0)
    *rss_before = rss_now_kib();
  *cpu = cpu_of(RUSAGE_SELF);
  *wall = now();
  rc = lm_engine_ingest_file(e, file, 0, rep);
  *wall = now() - *wall;
  *cpu = cpu_of(RUSAGE_SELF) - *cpu;
  if (rc != LM_OK)
    fprintf(stderr, "bench/ingest: %s\n", lm_errmsg(e));
  *records = lm_report_count(rep, LM_COUNT_ADDED) +
             lm_report_count(rep, LM_COUNT_REPLACED) +
             lm_report_count(rep, LM_COUNT_REMOVED);
  *rejected = lm_report_count(rep, LM_COUNT_REJECTED);
  lm_report_free(rep);
  lm_engine_close(e);
  db_bytes = file_size(db);
  return rc;
}

int main(int argc, char **argv)
{
  long jobs = 100000, seekers = 1000000, seed = 42;
  const char *file = NULL;
  char gen[4096], xml[4096], db[4096], cmd[16384];
  int i, keep = 0, eager = 0, rc = LM_OK, rounds = 3, round;
  lm_options opts = LM_OPTIONS_INIT;
  struct rusage ru;
  double t_lint = -1, c_lint = 0, t_best = -1, c_best = -1;
  size_t records = 0, rejected = 0;
  long rss_before = 0;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
      jobs = atol(argv[++i]);
    else if (strcmp(argv[i], "--seekers") == 0 && i + 1 < argc)
      seekers = atol(argv[++i]);
    else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
      seed = atol(argv[++i]);
    else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
      file = argv[++i];
    else if (strcmp(argv[i], "--keep") == 0)
      keep = 1;
    else if (strcmp(argv[i], "--index") == 0)
      eager = 1;
    else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc &&
             atoi(argv[i + 1]) > 0)
      rounds = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: %s [--jobs N] [--seekers N] [--seed N] "
                      "[--file F] [--keep] [--index] [--rounds N]\n"
                      "  --rounds N  xmllint then the ingest, N times "
                      "(default 3)\n"
                      "  --index  keep the ranking index in step while "
                      "loading (a portal's engine);\n"
                      "           the default is a bulk load "
                      "(LM_OPEN_LAZY_INDEX)\n", argv[0]);
      return 2;
    }
  }
  snprintf(db, sizeof db, "%s/lm-bench-ingest-%ld.db",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
  if (file == NULL) {
    /* lmgen sits next to this program in the build tree. */
    const char *slash = strrchr(argv[0], '/');
    int dirlen = slash ? (int)(slash - argv[0]) : 1;
    snprintf(gen, sizeof gen, "%.*s/lmgen", dirlen, slash ? argv[0] : ".");
    snprintf(xml, sizeof xml, "%s/lm-bench-ingest-%ld.xml",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    snprintf(cmd, sizeof cmd,
             "'%s' --seed %ld --jobs %ld --seekers %ld --employers %ld "
             "--out '%s'",
             gen, seed, jobs, seekers, jobs / 20 + 1, xml);
    printf("generating %ld jobs + %ld seekers ...\n", jobs, seekers);
    fflush(stdout);
    if (timed(cmd, NULL) < 0) {
      fprintf(stderr, "bench/ingest: generator failed: %s\n", cmd);
      return 1;
    }
    file = xml;
  }
  printf("file: %s (%.1f MB)\n", file, file_size(file) / 1e6);
  printf("engine: %s\n", eager ? "index kept in step (--index)"
                               : "bulk load (LM_OPEN_LAZY_INDEX)");
  opts.batch_size = 50000;
  if (!eager)
    opts.flags |= LM_OPEN_LAZY_INDEX;

  /* Rounds of the peer and the ingest, one after the other, so that both
   * meet the same load: the machine is shared, and its speed drifts by
   * tens of per cent within minutes.  The ratios are of the best times
   * (and, per round, of the two runs side by side). */
  snprintf(cmd, sizeof cmd, "xmllint --stream --noout '%s'", file);
  for (round = 1; round <= rounds; round++) {
    double tl, cl = 0, ti, ci;
    tl = timed(cmd, &cl);
    if (tl < 0 && round == 1)
      printf("xmllint --stream: not available or failed\n");
    rc = ingest_once(db, file, &opts, &ti, &ci, &records, &rejected,
                     &rss_before);
    if (rc != LM_OK)
      break;
    if (round < rounds || !keep)
      remove_db(db);
    printf("round %d: xmllint %.2f s wall, %.2f s CPU; ingest %.2f s wall, "
           "%.2f s CPU",
           round, tl, cl, ti, ci);
    if (tl > 0)
      printf("; ratio %.2fx wall, %.2fx CPU", ti / tl, cl > 0 ? ci / cl : 0);
    printf("\n");
    fflush(stdout);
    if (tl > 0 && (t_lint < 0 || tl < t_lint))
      t_lint = tl;
    if (tl > 0 && (c_lint <= 0 || cl < c_lint))
      c_lint = cl;
    if (t_best < 0 || ti < t_best)
      t_best = ti;
    if (c_best < 0 || ci < c_best)
      c_best = ci;
  }
  if (rc != LM_OK)
    return 1;
  getrusage(RUSAGE_SELF, &ru);
  printf("ingested: %zu records (%zu rejected), best of %d: %.2f s wall, "
         "%.2f s CPU\n",
         records, rejected, rounds, t_best, c_best);
  printf("throughput: %.0f records/s wall; %.0f records per CPU second "
         "(target >= 50000 on one core; CPU counts the store's checkpoint "
         "thread too)\n",
         records / t_best, records / c_best);
  printf("peak RSS: %.1f MB (before the first ingest %.1f MB; target < 200 "
         "MB)\n",
         ru.ru_maxrss / 1024.0, rss_before / 1024.0);
  if (keep)
    printf("database: %.1f MB (kept: %s)\n", file_size(db) / 1e6, db);
  else
    printf("database: %.1f MB\n", db_bytes / 1e6);
  if (t_lint > 0)
    printf("xmllint --stream --noout, best of %d: %.2f s wall, %.2f s CPU\n"
           "ratio ingest / xmllint (best / best): %.2fx wall, %.2fx CPU "
           "(target <= 3x)\n",
           rounds, t_lint, c_lint, t_best / t_lint,
           c_lint > 0 ? c_best / c_lint : 0.0);
  if (!keep && file == xml)
    unlink(xml);
  return rc == LM_OK ? 0 : 1;
}
