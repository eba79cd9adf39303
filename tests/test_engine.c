/*
 * test_engine.c: the engine handle through the public API only: life
 * cycle, options, errors, single-record writes and reads, threads.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "libmatch.h"

static lm_engine *open_memory(void)
{
  lm_engine *e = NULL;
  cr_assert_eq(lm_engine_open(&e, ":memory:", NULL), LM_OK, "%s",
               lm_errmsg(NULL));
  return e;
}

static lm_record *make_job(const char *id, const char *title)
{
  lm_record *r = NULL;
  cr_assert_eq(lm_record_new(&r, LM_JOB, id), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_NAME, title), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_SALARY, "5000-8000元/月"), LM_OK);
  return r;
}

Test(engine, version_at_compile_and_run_time_agree)
{
  cr_expect_str_eq(lm_version(), LM_VERSION_STRING);
  cr_expect_eq(lm_version_number(), LM_VERSION_NUMBER);
  cr_expect_eq(LM_VERSION_NUMBER, LM_VERSION_MAJOR * 10000 +
                                      LM_VERSION_MINOR * 100 +
                                      LM_VERSION_PATCH);
}

Test(engine, every_code_has_a_text)
{
  int c;
  for (c = LM_EDB; c <= LM_OK; c++) {
    cr_expect_not_null(lm_strerror(c));
    cr_expect_str_neq(lm_strerror(c), "unknown error code");
  }
  cr_expect_str_eq(lm_strerror(-99), "unknown error code");
}

Test(engine, options_initialisers_agree)
{
  lm_options a = LM_OPTIONS_INIT, b;
  memset(&b, 0x5a, sizeof b);
  cr_assert_eq(lm_options_init(&b, LM_OPTIONS_VERSION), LM_OK);
  cr_expect_eq(a.version, b.version);
  cr_expect_eq(a.flags, b.flags);
  cr_expect_eq(a.skills_path, b.skills_path);
  cr_expect_eq(a.busy_timeout_ms, b.busy_timeout_ms);
  cr_expect_eq(a.batch_size, b.batch_size);
  cr_expect_eq(lm_options_init(&b, 99), LM_EINVAL);
  cr_expect_eq(lm_options_init(&b, 0), LM_EINVAL);
}

Test(engine, open_with_bad_options_fails_with_null_handle)
{
  lm_engine *e = (lm_engine *)1;
  lm_options o = LM_OPTIONS_INIT;
  o.version = 77;
  cr_expect_eq(lm_engine_open(&e, ":memory:", &o), LM_EINVAL);
  cr_expect_null(e);
  cr_expect(strstr(lm_errmsg(NULL), "version") != NULL);
  lm_options_init(&o, LM_OPTIONS_VERSION);
  o.skills_path = "/nonexistent/skills.tsv";
  cr_expect_neq(lm_engine_open(&e, ":memory:", &o), LM_OK);
  cr_expect_null(e);
  cr_expect(strstr(lm_errmsg(NULL), "/nonexistent/skills.tsv") != NULL,
            "%s", lm_errmsg(NULL));
  cr_expect_eq(lm_engine_open(&e, "/nonexistent-dir/x.db", NULL), LM_EDB);
  cr_expect_null(e);
  lm_engine_close(NULL);
}

Test(engine, put_get_replace_remove)
{
  lm_engine *e = open_memory();
  lm_record *r = make_job("J1", "焊工"), *got = NULL;
  size_t n = 99;

  cr_assert_eq(lm_engine_put(e, r), LM_OK, "%s", lm_errmsg(e));
  cr_assert_eq(lm_engine_count(e, LM_JOB, &n), LM_OK);
  cr_expect_eq(n, 1);
  cr_assert_eq(lm_engine_get(e, LM_JOB, "J1", &got), LM_OK, "%s",
               lm_errmsg(e));
  cr_expect_str_eq(lm_record_get(got, LM_F_NAME), "焊工");
  cr_expect_str_eq(lm_record_get(got, LM_F_SALARY_MAX), "8000");
  lm_record_free(got);

  cr_assert_eq(lm_record_set(r, LM_F_NAME, "電焊工"), LM_OK);
  cr_assert_eq(lm_engine_put(e, r), LM_OK);
  cr_assert_eq(lm_engine_count(e, LM_JOB, &n), LM_OK);
  cr_expect_eq(n, 1);
  cr_assert_eq(lm_engine_get(e, LM_JOB, "J1", &got), LM_OK);
  cr_expect_str_eq(lm_record_get(got, LM_F_NAME), "電焊工");
  lm_record_free(got);

  cr_expect_eq(lm_engine_get(e, LM_SEEKER, "J1", &got), LM_ENOTFOUND);
  cr_expect_null(got);
  cr_expect_eq(lm_engine_remove(e, LM_JOB, "J1"), LM_OK);
  cr_expect_eq(lm_engine_remove(e, LM_JOB, "J1"), LM_ENOTFOUND);
  cr_expect_eq(lm_engine_get(e, LM_JOB, "J1", &got), LM_ENOTFOUND);
  lm_record_free(r);
  lm_engine_close(e);
}

Test(engine, put_of_a_closed_record_removes_it)
{
  lm_engine *e = open_memory();
  lm_record *r = make_job("J1", "叉車司機");
  size_t n;
  cr_assert_eq(lm_engine_put(e, r), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_STATUS, "closed"), LM_OK);
  cr_assert_eq(lm_engine_put(e, r), LM_OK);
  cr_assert_eq(lm_engine_count(e, LM_JOB, &n), LM_OK);
  cr_expect_eq(n, 0);
  lm_record_free(r);
  lm_engine_close(e);
}

Test(engine, invalid_record_is_refused_and_store_unchanged)
{
  lm_engine *e = open_memory();
  lm_record *r = make_job("J1", "普工");
  size_t n;
  cr_assert_eq(lm_record_set(r, LM_F_LAT, "30.2"), LM_OK); /* no lon */
  cr_expect_eq(lm_engine_put(e, r), LM_EINVAL);
  cr_expect(strstr(lm_errmsg(e), "job J1") != NULL, "%s", lm_errmsg(e));
  cr_expect(strstr(lm_errmsg(e), "lon") != NULL, "%s", lm_errmsg(e));
  cr_assert_eq(lm_engine_count(e, LM_JOB, &n), LM_OK);
  cr_expect_eq(n, 0);
  lm_record_free(r);
  lm_engine_close(e);
}

Test(engine, skills_are_canonical_and_found_in_text)
{
  lm_engine *e = open_memory();
  lm_record *r = make_job("J1", "数控车床操作工"), *got = NULL;
  size_t i, n;
  int saw_named = 0;

  cr_assert_eq(lm_record_add_skill(r, "數控車床", LM_SKILL_REQUIRED, -1),
               LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_DESCRIPTION, "會電焊者優先"), LM_OK);
  cr_assert_eq(lm_engine_put(e, r), LM_OK, "%s", lm_errmsg(e));
  cr_assert_eq(lm_engine_get(e, LM_JOB, "J1", &got), LM_OK);
  n = lm_record_skill_count(got);
  cr_expect_geq(n, 2);
  for (i = 0; i < n; i++) {
    lm_skill s;
    cr_assert_eq(lm_record_skill(got, i, &s), LM_OK);
    if (s.found_in & LM_FOUND_SKILL) {
      saw_named = 1;
      cr_expect_str_eq(s.name, "數控車床");
      cr_expect_str_eq(s.canonical, "数控车床");
      /* The title names it too, in the other script. */
      cr_expect(s.found_in & LM_FOUND_TITLE, "found_in %x", s.found_in);
      cr_expect_eq(s.level, LM_SKILL_REQUIRED);
    } else {
      cr_expect(s.found_in & LM_FOUND_DESCRIPTION);
    }
  }
  cr_expect(saw_named);
  lm_record_free(got);
  lm_record_free(r);
  lm_engine_close(e);
}

Test(engine, skill_terms_added_at_run_time_persist)
{
  char path[256];
  lm_engine *e = NULL;
  const char *c = NULL;

  lmt_tmpname(path, sizeof path, "terms");
  cr_assert_eq(lm_engine_open(&e, path, NULL), LM_OK, "%s", lm_errmsg(NULL));
  cr_expect_eq(lm_engine_skill_lookup(e, "錫器鍛打", &c), LM_ENOTFOUND);
  cr_assert_eq(lm_engine_add_skill_term(e, "锡器锻造", "錫器鍛打"), LM_OK,
               "%s", lm_errmsg(e));
  cr_assert_eq(lm_engine_skill_lookup(e, "锡器锻打", &c), LM_OK);
  cr_expect_str_eq(c, "锡器锻造");
  lm_engine_close(e);
  cr_assert_eq(lm_engine_open(&e, path, NULL), LM_OK);
  cr_assert_eq(lm_engine_skill_lookup(e, "錫器鍛打", &c), LM_OK);
  cr_expect_str_eq(c, "锡器锻造");
  lm_engine_close(e);
  lmt_unlink_db(path);
}

Test(engine, readonly_engine_refuses_writes)
{
  char path[256];
  lm_engine *e = NULL;
  lm_options o = LM_OPTIONS_INIT;
  lm_record *r = make_job("J1", "普工");
  size_t n;

  lmt_tmpname(path, sizeof path, "ro");
  cr_assert_eq(lm_engine_open(&e, path, NULL), LM_OK);
  cr_assert_eq(lm_engine_put(e, r), LM_OK);
  lm_engine_close(e);
  o.flags = LM_OPEN_READONLY;
  cr_assert_eq(lm_engine_open(&e, path, &o), LM_OK, "%s", lm_errmsg(NULL));
  cr_expect_eq(lm_engine_put(e, r), LM_EINVAL);
  cr_expect_eq(lm_engine_remove(e, LM_JOB, "J1"), LM_EINVAL);
  cr_expect_eq(lm_engine_ingest_buffer(e, "<libmatch version=\"1\"/>", 23, 0,
                                       NULL),
               LM_EINVAL);
  cr_assert_eq(lm_engine_count(e, LM_JOB, &n), LM_OK);
  cr_expect_eq(n, 1);
  lm_engine_close(e);
  lm_record_free(r);
  lmt_unlink_db(path);
}

Test(engine, ids_with_quotes_and_unicode_round_trip)
{
  static const char *ids[] = {"J'1", "J\"2", "J;DROP_TABLE_record;--",
                              "職位-數控-😀", "J%_\\x"};
  lm_engine *e = open_memory();
  size_t i, n;

  for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    lm_record *r = make_job(ids[i], "普工");
    cr_assert_eq(lm_engine_put(e, r), LM_OK, "%s", lm_errmsg(e));
    lm_record_free(r);
  }
  cr_assert_eq(lm_engine_count(e, LM_JOB, &n), LM_OK);
  cr_expect_eq(n, sizeof ids / sizeof ids[0]);
  for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    lm_record *got = NULL;
    cr_assert_eq(lm_engine_get(e, LM_JOB, ids[i], &got), LM_OK);
    cr_expect_str_eq(lm_record_id(got), ids[i]);
    lm_record_free(got);
  }
  lm_engine_close(e);
}

/* ------------------------------------------------------------ threads */

static void *fail_in_thread(void *arg)
{
  lm_engine *e = arg;
  lm_record *got = NULL;
  lm_engine_get(e, LM_JOB, "no-such-job-in-thread", &got);
  return strstr(lm_errmsg(e), "no-such-job-in-thread") ? (void *)1 : NULL;
}

Test(engine, error_messages_are_per_thread)
{
  lm_engine *e = open_memory();
  lm_record *got = NULL;
  pthread_t t;
  void *ok = NULL;

  cr_expect_eq(lm_engine_get(e, LM_JOB, "J-main", &got), LM_ENOTFOUND);
  {
    char mine[512];
    snprintf(mine, sizeof mine, "%s", lm_errmsg(e));
    cr_expect(strstr(mine, "J-main") != NULL, "%s", mine);
    cr_assert_eq(pthread_create(&t, NULL, fail_in_thread, e), 0);
    pthread_join(t, &ok);
    cr_expect_not_null(ok);
    cr_expect_str_eq(lm_errmsg(e), mine);
  }
  lm_engine_close(e);
}

typedef struct shared {
  lm_engine *e;
  volatile int stop;
  int bad;
} shared;

static void *reader(void *arg)
{
  shared *s = arg;
  while (!s->stop) {
    lm_record *got = NULL;
    size_t n;
    int rc = lm_engine_get(s->e, LM_JOB, "J-hot", &got);
    if (rc == LM_OK) {
      /* The writer changes title and salary together: a torn read would
       * show one without the other. */
      const char *t = lm_record_get(got, LM_F_NAME);
      const char *m = lm_record_get(got, LM_F_SALARY_MIN);
      if (t == NULL || m == NULL || strncmp(t + 4, m, strlen(m)) != 0)
        s->bad++;
      lm_record_free(got);
    } else if (rc != LM_ENOTFOUND) {
      s->bad++;
    }
    if (lm_engine_count(s->e, LM_JOB, &n) != LM_OK)
      s->bad++;
  }
  return NULL;
}

Test(engine, readers_never_see_half_a_write)
{
  char path[256];
  shared s = {NULL, 0, 0};
  pthread_t t[4];
  int i;

  lmt_tmpname(path, sizeof path, "threads");
  cr_assert_eq(lm_engine_open(&s.e, path, NULL), LM_OK);
  for (i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, reader, &s);
  for (i = 0; i < 300; i++) {
    lm_record *r = NULL;
    char title[32], sal[16];
    snprintf(sal, sizeof sal, "%d", 3000 + i);
    snprintf(title, sizeof title, "job-%s", sal);
    cr_assert_eq(lm_record_new(&r, LM_JOB, "J-hot"), LM_OK);
    cr_assert_eq(lm_record_set(r, LM_F_NAME, title), LM_OK);
    cr_assert_eq(lm_record_set(r, LM_F_SALARY_MIN, sal), LM_OK);
    cr_assert_eq(lm_engine_put(s.e, r), LM_OK, "%s", lm_errmsg(s.e));
    lm_record_free(r);
  }
  s.stop = 1;
  for (i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  cr_expect_eq(s.bad, 0);
  lm_engine_close(s.e);
  lmt_unlink_db(path);
}

/* A description that mentions more dictionary skills than a record may
 * hold (LM_MAX_SKILLS) is not the employer's error: the record is kept
 * with the first LM_MAX_SKILLS skills; naming too many is an error. */
Test(engine, a_text_naming_too_many_skills_keeps_the_record)
{
  lm_engine *e = open_memory();
  lm_record *r = NULL, *back = NULL;
  char *tsv, *line, *save = NULL, *text;
  size_t len, used = 0, mentioned = 0;

  tsv = lmt_slurp(getenv("LIBMATCH_SKILLS"), &len);
  cr_assert_not_null(tsv);
  text = malloc(len + 4 * 1024);
  cr_assert_not_null(text);
  text[0] = '\0';
  for (line = strtok_r(tsv, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    char *tab = strchr(line, '\t');
    if (line[0] == '#' || line[0] == '\0')
      continue;
    if (tab)
      *tab = '\0';
    used += (size_t)sprintf(text + used, "%s%s", mentioned ? "，" : "", line);
    mentioned++;
  }
  cr_assert_gt(mentioned, LM_MAX_SKILLS + 10);
  cr_assert_eq(lm_record_new(&r, LM_JOB, "J1"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_NAME, "多面手"), LM_OK);
  cr_assert_eq(lm_record_set(r, LM_F_DESCRIPTION, text),
               LM_OK);
  cr_assert_eq(lm_engine_put(e, r), LM_OK, "%s", lm_errmsg(e));
  cr_assert_eq(lm_engine_get(e, LM_JOB, "J1", &back), LM_OK);
  cr_expect_eq(lm_record_skill_count(back), LM_MAX_SKILLS);
  lm_record_free(back);
  lm_record_free(r);
  free(tsv);
  free(text);
  lm_engine_close(e);
}
