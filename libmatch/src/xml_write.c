/*
 * xml_write.c: records out as a FORMAT.md document.
 *
 * Every set field is written in the element structure of FORMAT.md and
 * always in the same order (that of its examples), so that reading the
 * output and writing it again gives the same bytes.  Values are written
 * as the record holds them (canonical text), so reading them back gives
 * the same record.
 *
 * libxml2's xmlTextWriter does the escaping and the indentation; its
 * output goes through our callback into a FILE or a buffer.  The callback
 * never reports a failure to libxml2 (which would print it): it keeps it,
 * and lm__xml_writer_finish returns it.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>

#include "internal.h"

struct lm__xml_writer {
  xmlTextWriterPtr w;
  FILE *f;    /* to a file, or NULL for memory */
  char *path; /* the file, removed if the document is not finished */
  lm__buf mem;
  lm__buf tmp;      /* a value made fit for XML */
  int rc;           /* first failure; later calls do nothing */
  int io_errno;
  int finished;
};

/* ------------------------------------------------------------ the output */

static int lm__xw_write(void *ctx, const char *buf, int len)
{
  lm__xml_writer *w = ctx;

  if (len <= 0 || w->rc != LM_OK)
    return len;
  if (w->f != NULL) {
    if (fwrite(buf, 1, (size_t)len, w->f) != (size_t)len) {
      w->io_errno = errno;
      w->rc = LM_ERROR;
    }
  } else if (lm__buf_add(&w->mem, buf, (size_t)len) != LM_OK) {
    w->rc = LM_ENOMEM;
  }
  return len;
}

/* A libxml2 call's result: a negative one stops the document. */
static void lm__xw_check(lm__xml_writer *w, int ret)
{
  if (ret < 0 && w->rc == LM_OK)
    w->rc = LM_ERROR;
}

/* XML 1.0 cannot carry C0 controls (other than tab, newline, carriage
 * return), U+FFFE or U+FFFF, even as character references. */
static int lm__xml_char(uint32_t cp)
{
  return cp == 0x9 || cp == 0xA || cp == 0xD ||
         (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

/*
 * The value as XML can carry it: a record may hold characters that XML
 * cannot (a portal can set any UTF-8), and a document with them could not
 * be read back.  They become U+FFFD, the replacement character; anything
 * else is written as it is.  NULL when out of memory.
 */
static const char *lm__xw_fit(lm__xml_writer *w, const char *s)
{
  size_t n = strlen(s), i = 0, k;
  uint32_t cp;

  while (i < n) {
    k = lm__utf8_decode(s + i, n - i, &cp);
    if (k == 0 || !lm__xml_char(cp))
      break;
    i += k;
  }
  if (i == n)
    return s;
  lm__buf_reset(&w->tmp);
  if (lm__buf_add(&w->tmp, s, i) != LM_OK)
    return NULL;
  while (i < n) {
    k = lm__utf8_decode(s + i, n - i, &cp);
    if (k == 0 || !lm__xml_char(cp)) {
      if (lm__buf_adds(&w->tmp, "\xEF\xBF\xBD") != LM_OK)
        return NULL;
      i += k ? k : 1;
      continue;
    }
    if (lm__buf_add(&w->tmp, s + i, k) != LM_OK)
      return NULL;
    i += k;
  }
  return lm__buf_cstr(&w->tmp);
}

static void lm__xw_start(lm__xml_writer *w, const char *name)
{
  if (w->rc == LM_OK)
    lm__xw_check(w, xmlTextWriterStartElement(w->w, BAD_CAST name));
}

static void lm__xw_end(lm__xml_writer *w)
{
  if (w->rc == LM_OK)
    lm__xw_check(w, xmlTextWriterEndElement(w->w));
}

/* An attribute, when the value is set. */
static void lm__xw_attr(lm__xml_writer *w, const char *name,
                        const char *value)
{
  if (w->rc != LM_OK || value == NULL)
    return;
  value = lm__xw_fit(w, value);
  if (value == NULL) {
    w->rc = LM_ENOMEM;
    return;
  }
  lm__xw_check(w, xmlTextWriterWriteAttribute(w->w, BAD_CAST name,
                                              BAD_CAST value));
}

/* Text content, when set. */
static void lm__xw_text(lm__xml_writer *w, const char *value)
{
  if (w->rc != LM_OK || value == NULL)
    return;
  value = lm__xw_fit(w, value);
  if (value == NULL) {
    w->rc = LM_ENOMEM;
    return;
  }
  lm__xw_check(w, xmlTextWriterWriteString(w->w, BAD_CAST value));
}

/* <name>value</name>, when the value is set. */
static void lm__xw_leaf(lm__xml_writer *w, const char *name,
                        const char *value)
{
  if (value == NULL)
    return;
  lm__xw_start(w, name);
  lm__xw_text(w, value);
  lm__xw_end(w);
}

/* <name a1="v1" a2="v2"/>, when any value is set. */
static void lm__xw_empty(lm__xml_writer *w, const char *name,
                         const char *a1, const char *v1, const char *a2,
                         const char *v2)
{
  if (v1 == NULL && v2 == NULL)
    return;
  lm__xw_start(w, name);
  lm__xw_attr(w, a1, v1);
  if (a2 != NULL)
    lm__xw_attr(w, a2, v2);
  lm__xw_end(w);
}

/* One <name> leaf per item of a list field. */
static void lm__xw_items(lm__xml_writer *w, const char *name,
                         const lm_record *r, lm_field f)
{
  size_t i;
  for (i = 0; i < r->list[f].n; i++)
    lm__xw_leaf(w, name, r->list[f].items[i]);
}

/* One <name attr="item"/> per item of a list field. */
static void lm__xw_item_attrs(lm__xml_writer *w, const char *name,
                              const char *attr, const lm_record *r,
                              lm_field f)
{
  size_t i;
  for (i = 0; i < r->list[f].n; i++)
    lm__xw_empty(w, name, attr, r->list[f].items[i], NULL, NULL);
}

/* ----------------------------------------------------------- the fields */

#define T(f) (r->text[(f)])

static void lm__xw_location(lm__xml_writer *w, const lm_record *r)
{
  if (!T(LM_F_LAT) && !T(LM_F_LON) && !T(LM_F_DISTRICT) &&
      !T(LM_F_ADDRESS))
    return;
  lm__xw_start(w, "location");
  lm__xw_attr(w, "lat", T(LM_F_LAT));
  lm__xw_attr(w, "lon", T(LM_F_LON));
  lm__xw_attr(w, "district", T(LM_F_DISTRICT));
  lm__xw_text(w, T(LM_F_ADDRESS));
  lm__xw_end(w);
}

/* Amounts per month as attributes, the text as written as content (the
 * reader takes the text first and lets the attributes win, which gives
 * this record back); negotiable with no text says 面議. */
static void lm__xw_salary(lm__xml_writer *w, const lm_record *r)
{
  const char *min = T(LM_F_SALARY_MIN), *max = T(LM_F_SALARY_MAX);
  const char *text = T(LM_F_SALARY);
  int negotiable = T(LM_F_NEGOTIABLE) && r->num[LM_F_NEGOTIABLE] != 0;

  if (!min && !max && !text && !negotiable)
    return;
  lm__xw_start(w, "salary");
  lm__xw_attr(w, "min", min);
  lm__xw_attr(w, "max", max);
  if (min || max)
    lm__xw_attr(w, "period", "month");
  lm__xw_text(w, text ? text : negotiable ? "面議" : NULL);
  lm__xw_end(w);
}

static void lm__xw_age(lm__xml_writer *w, const lm_record *r)
{
  if (!T(LM_F_AGE) && !T(LM_F_AGE_MIN) && !T(LM_F_AGE_MAX))
    return;
  lm__xw_start(w, "age");
  lm__xw_attr(w, "min", T(LM_F_AGE_MIN));
  lm__xw_attr(w, "max", T(LM_F_AGE_MAX));
  lm__xw_text(w, T(LM_F_AGE));
  lm__xw_end(w);
}

/* Named skills only: skills found in free text are found again when the
 * document is read. */
static int lm__xw_has_skills(const lm_record *r)
{
  size_t i;
  for (i = 0; i < r->nskills; i++)
    if (r->skills[i].found_in & LM_FOUND_SKILL)
      return 1;
  return 0;
}

static void lm__xw_skills(lm__xml_writer *w, const lm_record *r)
{
  char years[24];
  size_t i;

  for (i = 0; i < r->nskills; i++) {
    const lm__rskill *s = &r->skills[i];
    if (!(s->found_in & LM_FOUND_SKILL))
      continue;
    lm__xw_start(w, "skill");
    if (r->kind == LM_JOB) {
      lm__xw_attr(w, "level", s->level == LM_SKILL_PREFERRED ? "preferred"
                                                             : "required");
    } else if (s->years >= 0) {
      snprintf(years, sizeof years, "%d", s->years);
      lm__xw_attr(w, "years", years);
    }
    lm__xw_text(w, s->name);
    lm__xw_end(w);
  }
}

static void lm__xw_window(lm__xml_writer *w, const lm_record *r)
{
  lm__xw_empty(w, "window", "from", T(LM_F_WINDOW_FROM), "to",
               T(LM_F_WINDOW_TO));
}

static void lm__xw_requirements(lm__xml_writer *w, const lm_record *r)
{
  if (!T(LM_F_EDUCATION) && !T(LM_F_AGE) && !T(LM_F_AGE_MIN) &&
      !T(LM_F_AGE_MAX) && !T(LM_F_EXPERIENCE_YEARS) &&
      !lm__xw_has_skills(r) && r->list[LM_F_CERTIFICATE].n == 0 &&
      !T(LM_F_TEXT))
    return;
  lm__xw_start(w, "requirements");
  lm__xw_empty(w, "education", "min", T(LM_F_EDUCATION), NULL, NULL);
  lm__xw_age(w, r);
  lm__xw_empty(w, "experience", "years", T(LM_F_EXPERIENCE_YEARS), NULL,
               NULL);
  lm__xw_skills(w, r);
  lm__xw_items(w, "certificate", r, LM_F_CERTIFICATE);
  lm__xw_leaf(w, "text", T(LM_F_TEXT));
  lm__xw_end(w);
}

static void lm__xw_job(lm__xml_writer *w, const lm_record *r)
{
  lm__xw_start(w, "job");
  lm__xw_attr(w, "id", r->id);
  lm__xw_attr(w, "employer", T(LM_F_EMPLOYER));
  lm__xw_attr(w, "openings", T(LM_F_OPENINGS));
  lm__xw_attr(w, "posted", T(LM_F_POSTED));
  lm__xw_attr(w, "expires", T(LM_F_EXPIRES));
  lm__xw_attr(w, "status", T(LM_F_STATUS));
  lm__xw_leaf(w, "title", T(LM_F_NAME));
  lm__xw_empty(w, "occupation", "code", T(LM_F_OCCUPATION), NULL, NULL);
  lm__xw_leaf(w, "industry", T(LM_F_INDUSTRY));
  lm__xw_location(w, r);
  lm__xw_salary(w, r);
  lm__xw_leaf(w, "shift", T(LM_F_SHIFT));
  lm__xw_window(w, r);
  lm__xw_requirements(w, r);
  lm__xw_item_attrs(w, "priority", "group", r, LM_F_PRIORITY_GROUP);
  lm__xw_leaf(w, "description", T(LM_F_DESCRIPTION));
  lm__xw_end(w);
}

static void lm__xw_preference(lm__xml_writer *w, const lm_record *r)
{
  if (r->list[LM_F_PREF_OCCUPATION].n == 0 &&
      r->list[LM_F_PREF_INDUSTRY].n == 0 && r->list[LM_F_PREF_SHIFT].n == 0)
    return;
  lm__xw_start(w, "preference");
  lm__xw_item_attrs(w, "occupation", "code", r, LM_F_PREF_OCCUPATION);
  lm__xw_items(w, "industry", r, LM_F_PREF_INDUSTRY);
  lm__xw_items(w, "shift", r, LM_F_PREF_SHIFT);
  lm__xw_end(w);
}

static void lm__xw_seeker(lm__xml_writer *w, const lm_record *r,
                          unsigned int flags)
{
  lm__xw_start(w, "seeker");
  lm__xw_attr(w, "id", r->id);
  lm__xw_attr(w, "registered", T(LM_F_REGISTERED));
  lm__xw_attr(w, "status", T(LM_F_STATUS));
  lm__xw_items(w, "group", r, LM_F_GROUP);
  lm__xw_empty(w, "birth", "year", T(LM_F_BIRTH_YEAR), NULL, NULL);
  lm__xw_empty(w, "education", "level", T(LM_F_EDUCATION), "major",
               T(LM_F_MAJOR));
  lm__xw_location(w, r);
  lm__xw_empty(w, "mobility", "minutes", T(LM_F_MOBILITY_MINUTES), "mode",
               T(LM_F_MOBILITY_MODE));
  lm__xw_salary(w, r);
  lm__xw_empty(w, "experience", "years", T(LM_F_EXPERIENCE_YEARS),
               "occupation", T(LM_F_EXPERIENCE_OCCUPATION));
  lm__xw_skills(w, r);
  lm__xw_items(w, "certificate", r, LM_F_CERTIFICATE);
  lm__xw_preference(w, r);
  lm__xw_window(w, r);
  lm__xw_leaf(w, "text", T(LM_F_TEXT));
  if (flags & LM_EXPORT_PERSONAL)
    lm__xw_empty(w, "contact", "phone", T(LM_F_PHONE), "id-number",
                 T(LM_F_ID_NUMBER));
  lm__xw_end(w);
}

/* Employers, service points and communities: one attribute, a name and
 * a location. */
static void lm__xw_place(lm__xml_writer *w, const lm_record *r,
                         const char *attr, lm_field f)
{
  lm__xw_start(w, lm__kind_name(r->kind));
  lm__xw_attr(w, "id", r->id);
  lm__xw_attr(w, attr, T(f));
  lm__xw_attr(w, "status", T(LM_F_STATUS));
  lm__xw_leaf(w, "name", T(LM_F_NAME));
  lm__xw_location(w, r);
  lm__xw_end(w);
}

#undef T

/* ------------------------------------------------------------ the writer */

/* The failure kept in w->rc, as a message. */
static int lm__xw_fail(lm__xml_writer *w)
{
  char why[128] = "";

  if (w->rc == LM_ENOMEM)
    return lm__fail(LM_ENOMEM, "out of memory writing XML");
  if (w->io_errno != 0) {
    strerror_r(w->io_errno, why, sizeof why);
    return lm__fail(w->rc, "cannot write %s: %s",
                    w->path ? w->path : "the document", why);
  }
  return lm__fail(w->rc, "cannot write %s", w->path ? w->path : "XML");
}

static pthread_once_t lm__xw_once = PTHREAD_ONCE_INIT;

static void lm__xw_init(void)
{
  xmlInitParser();
}

int lm__xml_writer_new(lm__xml_writer **out, const char *path)
{
  xmlOutputBufferPtr ob;
  lm__xml_writer *w;
  int rc;

  if (out == NULL)
    return lm__fail(LM_EINVAL, "xml writer: out is NULL");
  *out = NULL;
  pthread_once(&lm__xw_once, lm__xw_init);
  w = lm__calloc(1, sizeof *w);
  if (w == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  if (path != NULL) {
    w->path = lm__strdup(path);
    if (w->path == NULL) {
      lm__xml_writer_free(w);
      return lm__fail(LM_ENOMEM, "out of memory");
    }
    w->f = fopen(path, "wb");
    if (w->f == NULL) {
      char why[128] = "";
      strerror_r(errno, why, sizeof why);
      lm__xfree(w->path);
      w->path = NULL; /* not ours: do not remove it */
      lm__xml_writer_free(w);
      return lm__fail(LM_ERROR, "cannot write %s: %s", path, why);
    }
  }
  ob = xmlOutputBufferCreateIO(lm__xw_write, NULL, w, NULL);
  if (ob != NULL) {
    w->w = xmlNewTextWriter(ob);
    if (w->w == NULL)
      xmlOutputBufferClose(ob);
  }
  if (w->w == NULL) {
    lm__xml_writer_free(w);
    return lm__fail(LM_ENOMEM, "out of memory");
  }
  lm__xw_check(w, xmlTextWriterSetIndent(w->w, 1));
  lm__xw_check(w, xmlTextWriterSetIndentString(w->w, BAD_CAST "  "));
  if (w->rc == LM_OK)
    lm__xw_check(w, xmlTextWriterStartDocument(w->w, NULL, "UTF-8", NULL));
  lm__xw_start(w, "libmatch");
  lm__xw_attr(w, "version", "1");
  if (w->rc != LM_OK) {
    rc = lm__xw_fail(w);
    lm__xml_writer_free(w);
    return rc;
  }
  *out = w;
  return LM_OK;
}

int lm__xml_write_record(lm__xml_writer *w, const lm_record *r,
                         unsigned int flags)
{
  if (w == NULL || r == NULL || w->finished)
    return lm__fail(LM_EINVAL, "xml writer: bad argument");
  switch (r->kind) {
  case LM_JOB:
    lm__xw_job(w, r);
    break;
  case LM_SEEKER:
    lm__xw_seeker(w, r, flags);
    break;
  case LM_EMPLOYER:
    lm__xw_place(w, r, "alliance", LM_F_ALLIANCE);
    break;
  case LM_SERVICE_POINT:
    lm__xw_place(w, r, "kind", LM_F_POINT_KIND);
    break;
  case LM_COMMUNITY:
    lm__xw_place(w, r, "population", LM_F_POPULATION);
    break;
  default:
    return lm__fail(LM_EINVAL, "xml writer: bad record kind %d",
                    (int)r->kind);
  }
  return w->rc == LM_OK ? LM_OK : lm__xw_fail(w);
}

int lm__xml_writer_finish(lm__xml_writer *w, char **out, size_t *len)
{
  if (out != NULL)
    *out = NULL;
  if (len != NULL)
    *len = 0;
  if (w == NULL || w->finished)
    return lm__fail(LM_EINVAL, "xml writer: bad argument");
  if (w->rc == LM_OK)
    lm__xw_check(w, xmlTextWriterEndDocument(w->w));
  /* Freeing the writer flushes what it holds through our callback. */
  xmlFreeTextWriter(w->w);
  w->w = NULL;
  if (w->f != NULL) {
    if (fclose(w->f) != 0 && w->rc == LM_OK) {
      w->io_errno = errno;
      w->rc = LM_ERROR;
    }
    w->f = NULL;
  }
  if (w->rc != LM_OK)
    return lm__xw_fail(w);
  w->finished = 1;
  if (w->path == NULL && out != NULL) {
    if (w->mem.data == NULL && lm__buf_reserve(&w->mem, 0) != LM_OK)
      return lm__fail(LM_ENOMEM, "out of memory");
    *out = w->mem.data;
    if (len != NULL)
      *len = w->mem.len;
    w->mem.data = NULL;
    w->mem.len = w->mem.cap = 0;
  } else if (len != NULL) {
    *len = w->mem.len;
  }
  return LM_OK;
}

void lm__xml_writer_free(lm__xml_writer *w)
{
  if (w == NULL)
    return;
  if (w->w != NULL)
    xmlFreeTextWriter(w->w);
  if (w->f != NULL)
    fclose(w->f);
  /* A document not finished is not a document: leave no half of one. */
  if (w->path != NULL && !w->finished)
    remove(w->path);
  lm__xfree(w->path);
  lm__buf_free(&w->mem);
  lm__buf_free(&w->tmp);
  lm__xfree(w);
}
