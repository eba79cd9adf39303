/*
 * bench/ingest: end-to-end ingest throughput, with xmllint as the peer.
 *
 *   bench/ingest [--jobs N] [--seekers N] [--seed N] [--file F] [--keep]
 *
 * Generates a FORMAT.md file with bench/lmgen (100,000 jobs and 1,000,000
 * seekers by default) unless --file names one, times `xmllint --stream
 * --noout` on it, then ingests it into a fresh SQLite file (parse,
 * normalise, store, commit) in this process and prints records per
 * second, the peak resident memory of the ingest, the database size and
 * the ratio to xmllint.  Figures, not a pass/fail test: this machine is
 * shared and noisy.
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

int main(int argc, char **argv)
{
  long jobs = 100000, seekers = 1000000, seed = 42;
  const char *file = NULL;
  char gen[4096], xml[4096], db[4096], cmd[16384];
  int i, keep = 0, eager = 0, rc;
  lm_engine *e = NULL;
  lm_report *rep = NULL;
  lm_options opts = LM_OPTIONS_INIT;
  struct rusage ru;
  double t_lint = -1, c_lint = 0, t_ingest, c_ingest;
  size_t records;
  long rss_before;

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
    else {
      fprintf(stderr, "usage: %s [--jobs N] [--seekers N] [--seed N] "
                      "[--file F] [--keep] [--index]\n"
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

  /* The peer: the best of three runs, wall and CPU (the machine is
   * shared, so the CPU figures are the steadier comparison). */
  snprintf(cmd, sizeof cmd, "xmllint --stream --noout '%s'", file);
  for (i = 0; i < 3; i++) {
    double c, t = timed(cmd, &c);
    if (t < 0)
      break;
    if (t_lint < 0 || t < t_lint)
      t_lint = t;
    if (i == 0 || c < c_lint)
      c_lint = c;
  }
  if (t_lint < 0)
    printf("xmllint --stream: not available or failed\n");
  else
    printf("xmllint --stream --noout: %.2f s wall, %.2f s CPU (best of 3)\n",
           t_lint, c_lint);

  opts.batch_size = 50000;
  if (!eager)
    opts.flags |= LM_OPEN_LAZY_INDEX;
  printf("engine: %s\n", eager ? "index kept in step (--index)"
                               : "bulk load (LM_OPEN_LAZY_INDEX)");
  if (lm_engine_open(&e, db, &opts) != LM_OK ||
      lm_report_new(&rep) != LM_OK) {
    fprintf(stderr, "bench/ingest: %s\n", lm_errmsg(NULL));
    return 1;
  }
  rss_before = rss_now_kib();
  c_ingest = cpu_of(RUSAGE_SELF);
  t_ingest = now();
  rc = lm_engine_ingest_file(e, file, 0, rep);
  t_ingest = now() - t_ingest;
  c_ingest = cpu_of(RUSAGE_SELF) - c_ingest;
  if (rc != LM_OK)
    fprintf(stderr, "bench/ingest: %s\n", lm_errmsg(e));
  records = lm_report_count(rep, LM_COUNT_ADDED) +
            lm_report_count(rep, LM_COUNT_REPLACED) +
            lm_report_count(rep, LM_COUNT_REMOVED);
  getrusage(RUSAGE_SELF, &ru);
  printf("ingested: %zu records (%zu rejected) in %.2f s\n", records,
         lm_report_count(rep, LM_COUNT_REJECTED), t_ingest);
  printf("throughput: %.0f records/s wall; %.0f records per CPU second "
         "(%.2f s CPU) (target >= 50000 on one core)\n",
         records / t_ingest, records / c_ingest, c_ingest);
  printf("CPU: %.2f s user + %.2f s system for the whole run\n",
         ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
         ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
  printf("peak RSS: %.1f MB (before ingest %.1f MB; target < 200 MB)\n",
         ru.ru_maxrss / 1024.0, rss_before / 1024.0);
  lm_report_free(rep);
  lm_engine_close(e);
  printf("database: %.1f MB\n", file_size(db) / 1e6);
  if (t_lint > 0)
    printf("ratio ingest / xmllint: %.2fx wall, %.2fx CPU (target <= 3x)\n",
           t_ingest / t_lint, c_lint > 0 ? c_ingest / c_lint : 0.0);
  if (!keep) {
    snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm'", db, db, db);
    timed(cmd, NULL);
    if (file == xml)
      unlink(xml);
  }
  return rc == LM_OK ? 0 : 1;
}
