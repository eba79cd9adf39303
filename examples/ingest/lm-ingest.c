/*
 * lm-ingest: load FORMAT.md documents into a libmatch store and print the
 * ingest report.  A thin program over the public API only.
 *
 *   lm-ingest [--all-or-nothing] [--export FILE] STORE.db FILE.xml...
 *
 * Exit status: 0 when every document was read (bad records are listed and
 * skipped), 1 when a document could not be read or was rolled back, 2 on
 * a usage error.
 */
#include <stdio.h>
#include <string.h>

#include "libmatch.h"

static void usage(FILE *to)
{
  fputs("usage: lm-ingest [--all-or-nothing] [--export FILE] STORE.db "
        "FILE.xml...\n"
        "  Reads libmatch FORMAT.md documents into the SQLite store STORE.db\n"
        "  (created if missing) and prints what was added, replaced,\n"
        "  removed and rejected, with the reason for each rejection.\n",
        to);
}

static void print_report(const lm_report *rep)
{
  size_t i, n = lm_report_error_count(rep);

  printf("added     %zu\n", lm_report_count(rep, LM_COUNT_ADDED));
  printf("replaced  %zu\n", lm_report_count(rep, LM_COUNT_REPLACED));
  printf("removed   %zu\n", lm_report_count(rep, LM_COUNT_REMOVED));
  printf("rejected  %zu\n", lm_report_count(rep, LM_COUNT_REJECTED));
  for (i = 0; i < n; i++) {
    const char *id, *reason;
    long line;
    lm_report_error(rep, i, &id, &line, &reason);
    printf("  line %ld: %s%s%s\n", line, id ? id : "", id ? ": " : "",
           reason);
  }
}

static int print_totals(lm_engine *e)
{
  static const struct {
    lm_kind kind;
    const char *name;
  } kinds[] = {{LM_EMPLOYER, "employers"},
               {LM_JOB, "jobs"},
               {LM_SEEKER, "seekers"},
               {LM_SERVICE_POINT, "service points"},
               {LM_COMMUNITY, "communities"}};
  size_t i, n;

  printf("in the store:");
  for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    int rc = lm_engine_count(e, kinds[i].kind, &n);
    if (rc != LM_OK) {
      fprintf(stderr, "lm-ingest: %s\n", lm_errmsg(e));
      return rc;
    }
    printf("%s %zu %s", i ? "," : "", n, kinds[i].name);
  }
  printf("\n");
  return LM_OK;
}

int main(int argc, char **argv)
{
  unsigned int flags = 0;
  const char *export_path = NULL, *db;
  lm_engine *e = NULL;
  lm_options opts = LM_OPTIONS_INIT;
  lm_report *rep = NULL;
  int i, rc, status = 0;

  for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
    if (strcmp(argv[i], "--all-or-nothing") == 0) {
      flags |= LM_INGEST_ALL_OR_NOTHING;
    } else if (strcmp(argv[i], "--export") == 0 && i + 1 < argc) {
      export_path = argv[++i];
    } else if (strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (argc - i < 1 || (argc - i < 2 && export_path == NULL)) {
    usage(stderr);
    return 2;
  }
  db = argv[i++];
  /* A loader never ranks: no index to build at open or keep in step. */
  opts.flags = LM_OPEN_LAZY_INDEX;
  rc = lm_engine_open(&e, db, &opts);
  if (rc != LM_OK) {
    fprintf(stderr, "lm-ingest: %s: %s\n", db, lm_errmsg(NULL));
    return 1;
  }
  for (; i < argc; i++) {
    if (lm_report_new(&rep) != LM_OK) {
      status = 1;
      break;
    }
    rc = lm_engine_ingest_file(e, argv[i], flags, rep);
    printf("%s: %s\n", argv[i],
           rc == LM_OK ? "read" : lm_strerror(rc));
    print_report(rep);
    if (rc != LM_OK) {
      fprintf(stderr, "lm-ingest: %s: %s\n", argv[i], lm_errmsg(e));
      status = 1;
    }
    lm_report_free(rep);
    rep = NULL;
  }
  if (print_totals(e) != LM_OK)
    status = 1;
  if (export_path) {
    rc = lm_engine_export_file(e, export_path, 0);
    if (rc != LM_OK) {
      fprintf(stderr, "lm-ingest: export: %s\n", lm_errmsg(e));
      status = 1;
    } else {
      printf("exported to %s\n", export_path);
    }
  }
  lm_engine_close(e);
  return status;
}
