/*
 * fair: a recruitment fair from the command line.  Reads the fair's
 * documents (its jobs with their openings and its seekers), matches them
 * in one batch (lm_fair_run), writes the assignment as XML and prints a
 * summary: counts, each key group's match rate and mean fit, and why
 * people stayed unmatched.  A thin program over the public API only.
 *
 *   fair [--mode M] [--groups G,G] [--k N] [--today DATE] [--db FILE]
 *        [--out FILE|-] FILE.xml...
 *
 * examples/fair/README.md documents the options and the output.
 * Exit status: 0 done (bad records are skipped and counted on stderr);
 * 1 a document could not be read, the run failed or the assignment could
 * not be written; 2 a usage error (a bad option, an unknown group).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmatch.h"

static const struct {
  const char *name; /* as on the command line and in the XML */
  int mode;
} MODES[] = {{"stable", LM_FAIR_STABLE_SEEKER},
             {"stable-employer", LM_FAIR_STABLE_EMPLOYER},
             {"optimal", LM_FAIR_OPTIMAL},
             {"priority", LM_FAIR_PRIORITY}};
#define NMODES (sizeof MODES / sizeof MODES[0])

/* The reasons' words, as the assignment's XML writes them. */
static const char *const REASONS[] = {"", "no-acceptable-job",
                                      "outside-top-k",
                                      "filled-by-higher-ranked",
                                      "not-chosen"};

#define MAX_GROUPS 32

typedef struct options {
  int mode;
  const char *mode_name;
  const char *groups;    /* as given; NULL: none named */
  unsigned int k;        /* 0: the library's default */
  const char *today;     /* YYYY-MM-DD; NULL: the current date */
  const char *db;        /* NULL: a store in memory */
  const char *out;       /* "-": stdout; NULL: a file named after input */
  char **files;
  int nfiles;
} options;

static void usage(FILE *to)
{
  fputs(
      "usage: fair [options] FILE.xml...\n"
      "  Matches a recruitment fair's seekers to its jobs in one batch,\n"
      "  writes the assignment as XML and prints a summary.\n"
      "options:\n"
      "  --mode M            stable (default: seeker-optimal stable),\n"
      "                      stable-employer, optimal (largest total fit)\n"
      "                      or priority (most members of --groups matched,\n"
      "                      then the largest total)\n"
      "  --groups G,G        the key groups to watch (and, for priority, to\n"
      "                      favour): retired-fisher,returning-migrant...\n"
      "                      or Chinese names; priority without it favours\n"
      "                      every key group\n"
      "  --k N               preference lists: each side's top N (default 50)\n"
      "  --today YYYY-MM-DD  the fair's date, for expiry (default today)\n"
      "  --db FILE           read the documents into this store (kept)\n"
      "                      instead of one in memory\n"
      "  --out FILE          the assignment's XML; '-' for stdout (the\n"
      "                      summary then goes to stderr); default\n"
      "                      NAME.MODE.xml in the current directory, NAME\n"
      "                      being the first document's\n",
      to);
}

static int parse_options(int argc, char **argv, options *o)
{
  int i;
  size_t m;

  memset(o, 0, sizeof *o);
  o->mode = LM_FAIR_STABLE_SEEKER;
  o->mode_name = "stable";
  for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "--help") == 0) {
      usage(stdout);
      exit(0);
    }
    if (v == NULL)
      return -1;
    i++;
    if (strcmp(a, "--mode") == 0) {
      for (m = 0; m < NMODES && strcmp(v, MODES[m].name) != 0; m++)
        ;
      if (m == NMODES)
        return -1;
      o->mode = MODES[m].mode;
      o->mode_name = MODES[m].name;
    } else if (strcmp(a, "--groups") == 0) {
      o->groups = v;
    } else if (strcmp(a, "--k") == 0) {
      char *end;
      unsigned long k = strtoul(v, &end, 10);
      if (*v == '-' || end == v || *end != '\0' || k == 0 || k > 100000)
        return -1;
      o->k = (unsigned int)k;
    } else if (strcmp(a, "--today") == 0) {
      o->today = v;
    } else if (strcmp(a, "--db") == 0) {
      o->db = v;
    } else if (strcmp(a, "--out") == 0) {
      o->out = v;
    } else {
      return -1;
    }
  }
  o->files = argv + i;
  o->nfiles = argc - i;
  return o->nfiles > 0 ? 0 : -1;
}

/* ------------------------------------------------------------- groups */

typedef struct watch {
  const char *word[MAX_GROUPS]; /* vocabulary words, static (the library's) */
  size_t n;
} watch;

/*
 * --groups as vocabulary words, so that 退捕渔民 and retired-fisher are one.
 * The library is the judge of what a key group is: a priority run of an
 * empty fair checks the names (its message names a bad one), a seeker
 * record gives each name's word, and the run's group table (every group
 * of the vocabulary) gives the word's static copy.
 */
static int watch_groups(lm_engine *e, const char *groups, watch *w)
{
  lm_fair *f = NULL;
  lm_assignment *a = NULL;
  lm_record *r = NULL;
  lm_fair_options fo = LM_FAIR_OPTIONS_INIT;
  const char *p = groups;
  size_t i, j;
  int rc;

  w->n = 0;
  fo.mode = LM_FAIR_PRIORITY;
  fo.groups = groups;
  rc = lm_fair_new(&f, e);
  if (rc == LM_OK)
    rc = lm_fair_run(f, &fo, &a);
  if (rc == LM_OK)
    rc = lm_record_new(&r, LM_SEEKER, "groups");
  while (rc == LM_OK && *p) {
    size_t len = strcspn(p, ",");
    char name[128];

    if (len > 0 && len < sizeof name) {
      memcpy(name, p, len);
      name[len] = '\0';
      rc = lm_record_set(r, LM_F_GROUP, name);
    }
    p += len + (p[len] == ',');
  }
  for (i = 0; rc == LM_OK && i < lm_record_count(r, LM_F_GROUP); i++) {
    const char *word = lm_record_item(r, LM_F_GROUP, i);
    for (j = 0; j < lm_assignment_group_count(a); j++) {
      lm_group_stats g;
      if (lm_assignment_group(a, j, &g) == LM_OK &&
          strcmp(g.group, word) == 0 && w->n < MAX_GROUPS)
        w->word[w->n++] = g.group;
    }
  }
  if (rc != LM_OK)
    fprintf(stderr, "fair: --groups: %s\n", lm_errmsg(e));
  lm_record_free(r);
  lm_assignment_free(a);
  lm_fair_free(f);
  return rc;
}

static int watched(const watch *w, const char *word)
{
  size_t i;

  for (i = 0; i < w->n; i++)
    if (strcmp(w->word[i], word) == 0)
      return 1;
  return 0;
}

/* ------------------------------------------------------------ reading */

/* Bad records are skipped; say how many, and the first few, on stderr
 * (the reasons never carry personal data). */
static void report_rejected(const char *path, const lm_report *rep)
{
  size_t i, n = lm_report_error_count(rep);

  if (n == 0)
    return;
  fprintf(stderr, "fair: %s: %zu record(s) skipped\n", path, n);
  for (i = 0; i < n && i < 5; i++) {
    const char *id, *reason;
    long line;
    lm_report_error(rep, i, &id, &line, &reason);
    fprintf(stderr, "  line %ld: %s%s%s\n", line, id ? id : "",
            id ? ": " : "", reason);
  }
}

static int read_fair(lm_fair *f, lm_engine *e, const options *o)
{
  int i, rc = LM_OK;

  for (i = 0; i < o->nfiles && rc == LM_OK; i++) {
    lm_report *rep = NULL;

    rc = lm_report_new(&rep);
    if (rc == LM_OK)
      rc = lm_fair_ingest_file(f, o->files[i], 0, rep);
    if (rc != LM_OK)
      fprintf(stderr, "fair: %s: %s\n", o->files[i], lm_errmsg(e));
    else
      report_rejected(o->files[i], rep);
    lm_report_free(rep);
  }
  return rc;
}

typedef struct openings {
  size_t jobs;
  double sum;
} openings;

static int add_openings(void *ctx, const lm_record *r)
{
  openings *o = ctx;
  double n;

  o->jobs++;
  /* FORMAT.md: a job without the attribute has one opening. */
  o->sum += lm_record_number(r, LM_F_OPENINGS, &n) == LM_OK ? n : 1;
  return 0;
}

/*
 * The openings of the fair's jobs.  The fair does not list its members,
 * so they are counted in a store holding the documents alone: the one in
 * memory, or with --db (whose store may hold other jobs) a scratch copy.
 * A record joins the fair exactly when such a store keeps it.
 */
static int count_openings(lm_engine *e, const options *o, openings *out)
{
  lm_engine *scratch = e;
  lm_options eo = LM_OPTIONS_INIT;
  int i, rc = LM_OK;

  memset(out, 0, sizeof *out);
  if (o->db) {
    eo.flags = LM_OPEN_LAZY_INDEX; /* never ranked */
    rc = lm_engine_open(&scratch, ":memory:", &eo);
    for (i = 0; i < o->nfiles && rc == LM_OK; i++)
      rc = lm_engine_ingest_file(scratch, o->files[i], 0, NULL);
  }
  if (rc == LM_OK)
    rc = lm_engine_foreach(scratch, LM_JOB, add_openings, out);
  if (rc != LM_OK)
    fprintf(stderr, "fair: counting openings: %s\n", lm_errmsg(scratch));
  if (scratch != e)
    lm_engine_close(scratch);
  return rc;
}

/* ----------------------------------------------------------- progress */

typedef struct bar {
  FILE *to;
  int last; /* last percent drawn */
} bar;

/* The phases of doc/BATCH.md's progress fractions. */
static const char *phase(double x)
{
  return x < 0.6 ? "scoring pairs" : x < 0.95 ? "matching" : "explaining";
}

static int draw_bar(double x, void *ctx)
{
  bar *b = ctx;
  int pct = (int)(x * 100 + 0.5), i, width = 40, fill;

  if (pct == b->last)
    return 0;
  b->last = pct;
  fill = pct * width / 100;
  fputs("\r[", b->to);
  for (i = 0; i < width; i++)
    fputc(i < fill ? '#' : ' ', b->to);
  fprintf(b->to, "] %3d%% %-13s", pct, phase(x));
  if (pct >= 100)
    fputs("\r\033[K", b->to); /* leave the terminal clean */
  fflush(b->to);
  return 0;
}

/* ------------------------------------------------------------ summary */

static const char *base_name(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* NAME.MODE.xml for the document NAME.xml, in the current directory. */
static char *default_out(const char *doc, const char *mode)
{
  const char *b = base_name(doc);
  size_t n = strlen(b);
  char *out;

  if (n > 4 && strcmp(b + n - 4, ".xml") == 0)
    n -= 4;
  out = malloc(n + strlen(mode) + 6);
  if (out)
    sprintf(out, "%.*s.%s.xml", (int)n, b, mode);
  return out;
}

typedef struct tally {
  char key[160]; /* reason word, and for no-acceptable-job the filter */
  size_t count;
} tally;

/*
 * A no-acceptable-job text names the hard filter that excluded most of
 * the jobs ("本场 N 个岗位中 M 个因通勤不符被排除"): that filter is what the
 * staff can act on (transport, training, certificates), so it splits the
 * reason.
 */
static void reason_key(int reason, const char *text, char *key, size_t size)
{
  const char *from = strstr(text, "个因"), *to;

  if (reason == LM_UNMATCHED_NO_ACCEPTABLE_JOB && from &&
      (to = strstr(from, "不符")) != NULL) {
    from += strlen("个因");
    snprintf(key, size, "%s (%.*s)", REASONS[reason], (int)(to - from),
             from);
  } else if (reason == LM_UNMATCHED_NO_ACCEPTABLE_JOB &&
             strstr(text, "没有空缺")) {
    snprintf(key, size, "%s (无空缺)", REASONS[reason]);
  } else {
    snprintf(key, size, "%s",
             reason >= 1 && reason <= 4 ? REASONS[reason] : "?");
  }
}

static int by_count(const void *pa, const void *pb)
{
  const tally *a = pa, *b = pb;

  if (a->count != b->count)
    return a->count < b->count ? 1 : -1;
  return strcmp(a->key, b->key);
}

static int print_reasons(FILE *to, const lm_assignment *a)
{
  size_t i, j, n = lm_assignment_unmatched_count(a), nt = 0;
  tally *t = calloc(n + 1, sizeof *t);

  if (t == NULL)
    return LM_ENOMEM;
  for (i = 0; i < n; i++) {
    char key[sizeof t->key];
    int reason = lm_assignment_unmatched(a, i, NULL);

    reason_key(reason, lm_assignment_unmatched_text(a, i), key, sizeof key);
    for (j = 0; j < nt && strcmp(t[j].key, key) != 0; j++)
      ;
    if (j == nt)
      memcpy(t[nt++].key, key, sizeof key);
    t[j].count++;
  }
  qsort(t, nt, sizeof *t, by_count);
  fprintf(to, "\n%-40s %7s\n", "why people stayed unmatched", "count");
  for (i = 0; i < nt && i < 8; i++)
    fprintf(to, "%-40s %7zu\n", t[i].key, t[i].count);
  if (nt > 8) {
    size_t rest = 0;
    for (i = 8; i < nt; i++)
      rest += t[i].count;
    fprintf(to, "%-40s %7zu\n", "other", rest);
  }
  if (n == 0)
    fprintf(to, "%-40s %7d\n", "(everyone was matched)", 0);
  free(t);
  return LM_OK;
}

static void group_row(FILE *to, const char *name, size_t present,
                      size_t matched, double rate, double mean)
{
  fprintf(to, "%-24s %7zu %7zu %6.1f%% %8.2f\n", name, present, matched,
          rate * 100, mean);
}

/* Every group with seekers at the fair, and the watched ones even when
 * none came; watched ones first, marked with '*'. */
static void print_groups(FILE *to, const lm_assignment *a, const watch *w,
                         size_t seekers)
{
  size_t i, pairs = lm_assignment_pair_count(a);
  int pass;
  double total = lm_assignment_total(a);

  fprintf(to, "\n%-24s %7s %7s %7s %8s\n", "key group", "present",
          "matched", "rate", "mean fit");
  for (pass = 0; pass < 2; pass++)
    for (i = 0; i < lm_assignment_group_count(a); i++) {
      lm_group_stats g;
      char name[64];
      int star;

      if (lm_assignment_group(a, i, &g) != LM_OK)
        continue;
      star = watched(w, g.group);
      if (star != (pass == 0) || (!star && g.present == 0))
        continue;
      snprintf(name, sizeof name, "%s%s", g.group, star ? " *" : "");
      group_row(to, name, g.present, g.matched, g.match_rate, g.mean_score);
    }
  group_row(to, "all seekers", seekers, pairs,
            seekers ? (double)pairs / seekers : 0, pairs ? total / pairs : 0);
}

static void print_summary(FILE *to, const options *o, const char *today,
                          const lm_fair *f, const lm_assignment *a,
                          const openings *op, const char *out_path)
{
  size_t seekers = lm_fair_count(f, LM_SEEKER);
  size_t pairs = lm_assignment_pair_count(a);
  double total = lm_assignment_total(a);
  int i;

  fprintf(to, "fair       ");
  for (i = 0; i < o->nfiles; i++)
    fprintf(to, "%s%s", i ? " " : "", base_name(o->files[i]));
  fprintf(to, "\ntoday      %s\n", today);
  fprintf(to, "mode       %s", o->mode_name);
  if (o->mode == LM_FAIR_PRIORITY)
    fprintf(to, " (favouring %s)", o->groups ? o->groups : "every key group");
  fprintf(to, "\nseekers    %zu\n", seekers);
  fprintf(to, "jobs       %zu\n", lm_fair_count(f, LM_JOB));
  fprintf(to, "openings   %.0f\n", op->sum);
  fprintf(to, "matched    %zu (%.1f%% of seekers)\n", pairs,
          seekers ? 100.0 * pairs / seekers : 0.0);
  fprintf(to, "total fit  %.2f (mean %.2f per pair)\n", total,
          pairs ? total / pairs : 0.0);
  fprintf(to, "unmatched  %zu\n", lm_assignment_unmatched_count(a));
  fprintf(to, "assignment %s\n", out_path);
}

/* ---------------------------------------------------------------- run */

static int run(const options *o)
{
  lm_engine *e = NULL;
  lm_fair *f = NULL;
  lm_assignment *a = NULL;
  lm_query q = LM_QUERY_INIT;
  lm_fair_options fo = LM_FAIR_OPTIONS_INIT;
  openings op;
  watch w = {{NULL}, 0};
  bar b = {stderr, -1};
  char today[16], *out_path = NULL;
  FILE *sum = stdout;
  int rc, status = 1;

  if (o->today) {
    snprintf(today, sizeof today, "%s", o->today);
  } else {
    time_t now = time(NULL);
    strftime(today, sizeof today, "%Y-%m-%d", localtime(&now));
  }
  rc = lm_engine_open(&e, o->db ? o->db : ":memory:", NULL);
  if (rc != LM_OK) {
    fprintf(stderr, "fair: %s: %s\n", o->db ? o->db : ":memory:",
            lm_errmsg(NULL));
    return 1;
  }
  if (o->groups && watch_groups(e, o->groups, &w) != LM_OK) {
    status = 2;
    goto cleanup;
  }
  if (lm_fair_new(&f, e) != LM_OK || read_fair(f, e, o) != LM_OK ||
      count_openings(e, o, &op) != LM_OK)
    goto cleanup;

  q.today = today;
  fo.mode = o->mode;
  fo.k = o->k;
  fo.groups = o->groups;
  fo.query = &q;
  if (isatty(fileno(stderr))) {
    fo.progress = draw_bar;
    fo.progress_ctx = &b;
  }
  rc = lm_fair_run(f, &fo, &a);
  if (rc != LM_OK) {
    fprintf(stderr, "fair: run: %s\n", lm_errmsg(e));
    status = rc == LM_EINVAL ? 2 : 1;
    goto cleanup;
  }

  if (o->out && strcmp(o->out, "-") == 0) {
    char *xml = NULL;
    size_t len = 0;

    sum = stderr; /* stdout is the XML's */
    rc = lm_assignment_write_xml_buffer(a, &xml, &len);
    if (rc == LM_OK && fwrite(xml, 1, len, stdout) != len)
      rc = LM_ERROR;
    lm_free(xml);
    out_path = strdup("(stdout)");
  } else {
    out_path = o->out ? strdup(o->out) : default_out(o->files[0], o->mode_name);
    rc = out_path ? lm_assignment_write_xml(a, out_path) : LM_ENOMEM;
  }
  if (rc != LM_OK || out_path == NULL) {
    fprintf(stderr, "fair: writing the assignment: %s\n",
            rc == LM_OK ? lm_strerror(LM_ENOMEM) : lm_errmsg(e));
    goto cleanup;
  }
  print_summary(sum, o, today, f, a, &op, out_path);
  print_groups(sum, a, &w, lm_fair_count(f, LM_SEEKER));
  if (print_reasons(sum, a) != LM_OK || fflush(sum) != 0)
    goto cleanup;
  status = 0;

cleanup:
  free(out_path);
  lm_assignment_free(a);
  lm_fair_free(f);
  lm_engine_close(e);
  return status;
}

int main(int argc, char **argv)
{
  options o;

  if (parse_options(argc, argv, &o) != 0) {
    usage(stderr);
    return 2;
  }
  return run(&o);
}
