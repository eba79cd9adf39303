/*
 * xml_read.c: FORMAT.md documents in, one record at a time.
 *
 * libxml2's push parser streams the document through SAX2 callbacks
 * (start tag, character data, end tag): no tree is built, each event is
 * looked at once, in document order, and the parser keeps only the input
 * it has not parsed yet, so memory stays flat however long the file is.
 * (The xmlTextReader did the same work and built and freed a node per
 * event besides: a third of the ingest's time.)  Records are built from
 * the events through lm__record_set and handed to the sink as soon as
 * their end tag is parsed; a callback that fails stops the parser.  Line
 * numbers are the parser's own, as its tree builder would have stamped
 * them on the nodes.
 *
 * Hostile input.  The bytes reach libxml2 only through our read callback,
 * where a scanner (see "the input") refuses a DOCTYPE before the parser
 * can read one, and with it every entity declaration, internal or
 * external, and any DTD loading; it also refuses encodings other than
 * UTF-8 and the tags that would make libxml2 2.9 slow (many attributes,
 * long or many different names).  Without a DTD an entity reference other
 * than the five predefined ones is a well-formedness error, so nothing
 * can expand and no file or URL is ever opened.  The parser runs without
 * XML_PARSE_NOENT, DTDLOAD, DTDVALID, XINCLUDE and HUGE (so libxml2 keeps
 * its own caps: 10 MB per text node, 10 MB of look-ahead, 256 levels); we
 * add 64 levels of nesting and LM__TEXT_MAX bytes per field.  xml:id is
 * refused (a tree-building reader would keep every xml:id value until the
 * end of the document).  The SAX handler has no entity, DTD or reference
 * callbacks.  Errors go to a handler per parser (the SAX handler's
 * serror), never to stderr, and nothing global in libxml2 is changed.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "internal.h"

#define LM__XML_DEPTH_MAX LM_MAX_DEPTH
#define LM__XML_SKILL_MAX LM_MAX_SKILL_BYTES
#define LM__XML_ATTRS_MAX 3   /* attributes of one element of FORMAT.md */
#define LM__XML_FRAMES_MAX 4  /* record > requirements > skill, and one spare */
#define LM__XML_RECORD_ATTRS 6 /* attributes of a record besides id, and 0 */
#define LM__XML_MSG_MAX 400

/*
 * XML_PARSE_NOERROR and NOWARNING keep libxml2 quiet until our handler is
 * installed; BIG_LINES keeps line numbers past 65535 on text nodes;
 * IGNORE_ENC with the "UTF-8" we pass makes the bytes UTF-8 whatever the
 * declaration says (the scanner has refused other declarations).
 */
#define LM__XML_OPTIONS                                                      \
  (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |               \
   XML_PARSE_IGNORE_ENC | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

#define K(kind) (1u << (kind))
#define K_JS (K(LM_JOB) | K(LM_SEEKER))
#define K_ALL                                                                \
  (K(LM_JOB) | K(LM_SEEKER) | K(LM_EMPLOYER) | K(LM_SERVICE_POINT) |        \
   K(LM_COMMUNITY))

/* ------------------------------------------------------------ the format */

/* What an element's content and attributes mean. */
enum {
  LM__SP_PLAIN = 0,  /* text and attributes map onto fields */
  LM__SP_CONTAINER,  /* holds other elements only */
  LM__SP_SALARY,     /* attributes min/max depend on period */
  LM__SP_SKILL       /* text is a skill name */
};

/* Where an element may appear inside a record. */
enum {
  LM__IN_NONE = -1,
  LM__IN_RECORD,
  LM__IN_REQUIREMENTS,
  LM__IN_PREFERENCE
};

typedef struct lm__attr_map {
  const char *name;
  lm_field field; /* 0: read by the element's special code */
} lm__attr_map;

typedef struct lm__espec {
  const char *name;
  unsigned int kinds; /* K() of the records it belongs to */
  int in;             /* LM__IN_...: its parent */
  int special;        /* LM__SP_... */
  int opens;          /* containers: the LM__IN_ of their children */
  lm_field text;      /* field of the text content; 0: no text allowed */
  lm__attr_map attrs[LM__XML_ATTRS_MAX];
} lm__espec;

/* Every element of FORMAT.md below a record, in the order of its
 * examples.  Elements with the same name differ by record kind or parent. */
static const lm__espec lm__elements[] = {
    {"title", K(LM_JOB), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE, LM_F_NAME,
     {{0}}},
    {"name", K(LM_EMPLOYER) | K(LM_SERVICE_POINT) | K(LM_COMMUNITY),
     LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE, LM_F_NAME, {{0}}},
    {"occupation", K(LM_JOB), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE, 0,
     {{"code", LM_F_OCCUPATION}}},
    {"industry", K(LM_JOB), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_INDUSTRY, {{0}}},
    {"location", K_ALL, LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_ADDRESS,
     {{"lat", LM_F_LAT}, {"lon", LM_F_LON}, {"district", LM_F_DISTRICT}}},
    {"salary", K_JS, LM__IN_RECORD, LM__SP_SALARY, LM__IN_NONE, LM_F_SALARY,
     {{"min", LM_F_SALARY_MIN}, {"max", LM_F_SALARY_MAX}, {"period", 0}}},
    {"shift", K(LM_JOB), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_SHIFT, {{0}}},
    {"window", K_JS, LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE, 0,
     {{"from", LM_F_WINDOW_FROM}, {"to", LM_F_WINDOW_TO}}},
    {"requirements", K(LM_JOB), LM__IN_RECORD, LM__SP_CONTAINER,
     LM__IN_REQUIREMENTS, 0, {{0}}},
    {"education", K(LM_JOB), LM__IN_REQUIREMENTS, LM__SP_PLAIN, LM__IN_NONE,
     0, {{"min", LM_F_EDUCATION}}},
    {"age", K(LM_JOB), LM__IN_REQUIREMENTS, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_AGE, {{"min", LM_F_AGE_MIN}, {"max", LM_F_AGE_MAX}}},
    {"experience", K(LM_JOB), LM__IN_REQUIREMENTS, LM__SP_PLAIN,
     LM__IN_NONE, 0, {{"years", LM_F_EXPERIENCE_YEARS}}},
    {"skill", K(LM_JOB), LM__IN_REQUIREMENTS, LM__SP_SKILL, LM__IN_NONE, 0,
     {{"level", 0}}},
    {"certificate", K(LM_JOB), LM__IN_REQUIREMENTS, LM__SP_PLAIN,
     LM__IN_NONE, LM_F_CERTIFICATE, {{0}}},
    {"text", K(LM_JOB), LM__IN_REQUIREMENTS, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_TEXT, {{0}}},
    {"priority", K(LM_JOB), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE, 0,
     {{"group", LM_F_PRIORITY_GROUP}}},
    {"description", K(LM_JOB), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_DESCRIPTION, {{0}}},
    {"group", K(LM_SEEKER), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_GROUP, {{0}}},
    {"birth", K(LM_SEEKER), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE, 0,
     {{"year", LM_F_BIRTH_YEAR}}},
    {"education", K(LM_SEEKER), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE, 0,
     {{"level", LM_F_EDUCATION}, {"major", LM_F_MAJOR}}},
    {"mobility", K(LM_SEEKER), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE, 0,
     {{"minutes", LM_F_MOBILITY_MINUTES}, {"mode", LM_F_MOBILITY_MODE}}},
    {"experience", K(LM_SEEKER), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE,
     0,
     {{"years", LM_F_EXPERIENCE_YEARS},
      {"occupation", LM_F_EXPERIENCE_OCCUPATION}}},
    {"skill", K(LM_SEEKER), LM__IN_RECORD, LM__SP_SKILL, LM__IN_NONE, 0,
     {{"years", 0}}},
    {"certificate", K(LM_SEEKER), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_CERTIFICATE, {{0}}},
    {"preference", K(LM_SEEKER), LM__IN_RECORD, LM__SP_CONTAINER,
     LM__IN_PREFERENCE, 0, {{0}}},
    {"occupation", K(LM_SEEKER), LM__IN_PREFERENCE, LM__SP_PLAIN,
     LM__IN_NONE, 0, {{"code", LM_F_PREF_OCCUPATION}}},
    {"industry", K(LM_SEEKER), LM__IN_PREFERENCE, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_PREF_INDUSTRY, {{0}}},
    {"shift", K(LM_SEEKER), LM__IN_PREFERENCE, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_PREF_SHIFT, {{0}}},
    {"text", K(LM_SEEKER), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE,
     LM_F_TEXT, {{0}}},
    {"contact", K(LM_SEEKER), LM__IN_RECORD, LM__SP_PLAIN, LM__IN_NONE, 0,
     {{"phone", LM_F_PHONE}, {"id-number", LM_F_ID_NUMBER}}},
};

/* The attributes of each record element besides id. */
static const lm__attr_map lm__record_attrs[LM_COMMUNITY + 1]
                                          [LM__XML_RECORD_ATTRS] = {
    [LM_JOB] = {{"employer", LM_F_EMPLOYER},
                {"openings", LM_F_OPENINGS},
                {"posted", LM_F_POSTED},
                {"expires", LM_F_EXPIRES},
                {"status", LM_F_STATUS}},
    [LM_SEEKER] = {{"registered", LM_F_REGISTERED}, {"status", LM_F_STATUS}},
    [LM_EMPLOYER] = {{"alliance", LM_F_ALLIANCE}, {"status", LM_F_STATUS}},
    [LM_SERVICE_POINT] = {{"kind", LM_F_POINT_KIND},
                          {"status", LM_F_STATUS}},
    [LM_COMMUNITY] = {{"population", LM_F_POPULATION},
                      {"status", LM_F_STATUS}},
};

/* LM_MAX_RECORDS; a test lowers it to try the limit without writing ten
 * million records. */
unsigned long lm__xml_records_max = LM_MAX_RECORDS;

#define LM__XML_NELEMENTS (sizeof lm__elements / sizeof lm__elements[0])

/* The elements that may appear in each place (record kind, parent), so
 * that a child is looked for among a dozen rather than all: built once
 * (lm__xml_init), read-only after. */
static unsigned char lm__places[LM_COMMUNITY + 1][LM__IN_PREFERENCE + 1]
                               [LM__XML_NELEMENTS + 1];

static void lm__places_init(void)
{
  size_t i, n;
  int k, in;

  for (k = 1; k <= LM_COMMUNITY; k++)
    for (in = 0; in <= LM__IN_PREFERENCE; in++) {
      n = 0;
      for (i = 0; i < LM__XML_NELEMENTS; i++)
        if ((lm__elements[i].kinds & K(k)) && lm__elements[i].in == in)
          lm__places[k][in][n++] = (unsigned char)(i + 1);
    }
}

static const lm__espec *lm__espec_find(lm_kind kind, int in,
                                       const char *name)
{
  const unsigned char *p;

  if (kind < 1 || kind > LM_COMMUNITY || in < 0 || in > LM__IN_PREFERENCE)
    return NULL;
  for (p = lm__places[kind][in]; *p != 0; p++) {
    const lm__espec *s = &lm__elements[*p - 1];
    /* The first byte before the call: it settles most of the list. */
    if (s->name[0] == name[0] && strcmp(s->name, name) == 0)
      return s;
  }
  return NULL;
}

/* ------------------------------------------------------------- the input */

/*
 * The bytes pass a scanner before libxml2 sees them.  It knows just enough
 * of XML to find markup (tags, quoted values, comments, CDATA, PIs) and
 * refuses, before the parser can read them:
 *  - a DOCTYPE anywhere, and in the prolog anything but white space, a
 *    UTF-8 byte order mark, comments and PIs (so no DTD, and nothing in an
 *    encoding the scanner cannot read: UTF-16, UTF-32, EBCDIC);
 *  - an XML declaration naming an encoding other than UTF-8;
 *  - names longer than LM__XML_NAME_MAX bytes, more than
 *    LM__XML_ATTRS_PER_ELEMENT attributes in one tag, and more than
 *    LM__XML_ODD_NAMES_MAX different names FORMAT.md does not use.
 * The last two matter because libxml2 2.9 checks a tag's attributes in
 * quadratic time and its name dictionary slows down without bound as it
 * fills; FORMAT.md needs at most six attributes and a few dozen names.
 * The input is cut before the offending tag (libxml2 waits for a tag's
 * '>' before parsing it), so the parser reports the records before it as
 * usual and the reading ends with our message.
 */
#define LM__XML_NAME_MAX 256
#define LM__XML_ATTRS_PER_ELEMENT 32
#define LM__XML_ODD_NAMES_MAX 1000
#define LM__XML_KNOWN_SLOTS 256  /* a power of two, over twice the names */
#define LM__XML_ODD_SLOTS 2048   /* a power of two, over twice the cap */

enum {
  LM__S_PROLOG = 0, /* before the root element: white space only */
  LM__S_BOM1,       /* inside a UTF-8 byte order mark */
  LM__S_BOM2,
  LM__S_TEXT,       /* character data, or white space after the root */
  LM__S_LT,         /* after '<' */
  LM__S_STAG,       /* in a start tag, outside quotes */
  LM__S_DQ,         /* in a "value" */
  LM__S_SQ,         /* in a 'value' */
  LM__S_ETAG,       /* in an end tag */
  LM__S_BANG,       /* after "<!" */
  LM__S_BANG_DASH,  /* after "<!-" */
  LM__S_COMMENT,
  LM__S_CDATA_OPEN, /* matching "[CDATA[" */
  LM__S_CDATA,
  LM__S_PI
};

typedef struct lm__xin {
  int fd; /* a file, or -1 for memory */
  const char *path;
  const char *mem;
  size_t len, pos;
  unsigned long long total; /* bytes handed to libxml2 */
  /* The scanner. */
  int state;
  int root_seen;
  int attrs;       /* '=' outside quotes in the current start tag */
  int dashes;      /* in a comment: '-' in a row; in CDATA: ']' */
  int question;    /* in a PI: the last byte was '?' */
  int pi_named;    /* in a PI: its target has been read */
  int cdata_i;     /* bytes of "[CDATA[" matched */
  int decl_here;   /* the PI being read may be the XML declaration */
  int in_name;
  size_t name_len;
  uint64_t name_hash;
  int lt_seen;
  unsigned long long lt_at; /* offset of the last '<' */
  long line;                /* current line */
  long mark;                /* line of the last '<' */
  char decl[256];           /* the XML declaration, cut short if longer */
  size_t decl_len;
  uint64_t known[LM__XML_KNOWN_SLOTS];
  uint64_t odd[LM__XML_ODD_SLOTS];
  size_t nodd;
  /* A failure found here ends the input after `keep` bytes of the chunk
   * at hand; the reading reports it with its message. */
  int rc;
  size_t keep;
  int eof_sent; /* libxml2 has been told that the input ended */
  char msg[LM__XML_MSG_MAX];
} lm__xin;

static int lm__ascii_ieq(const char *a, const char *b)
{
  for (; *a && *b; a++, b++) {
    char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
    char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
    if (x != y)
      return 0;
  }
  return *a == *b;
}

static int lm__is_space(int c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* How many bytes of s to show in a message, at most max, without cutting
 * a UTF-8 sequence in two (messages stay UTF-8 for the bindings). */
static int lm__clip(const char *s, int max)
{
  int n = 0;
  while (n < max && s[n] != '\0')
    n++;
  if (s[n] != '\0')
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--;
  return n;
}

#define LM__FNV_OFFSET 14695981039346656037ULL
#define LM__FNV_PRIME 1099511628211ULL

static uint64_t lm__fnv(uint64_t h, const char *s)
{
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * LM__FNV_PRIME;
  return h;
}

/* Puts h in an open-addressing set; 1 when it was not there.  0 never
 * occurs as a hash here (it marks an empty slot): it is nudged to 1. */
static int lm__set_add(uint64_t *set, size_t slots, uint64_t h)
{
  size_t i;
  if (h == 0)
    h = 1;
  for (i = (size_t)h & (slots - 1); set[i] != 0; i = (i + 1) & (slots - 1))
    if (set[i] == h)
      return 0;
  set[i] = h;
  return 1;
}

static int lm__set_has(const uint64_t *set, size_t slots, uint64_t h)
{
  size_t i;
  if (h == 0)
    h = 1;
  for (i = (size_t)h & (slots - 1); set[i] != 0; i = (i + 1) & (slots - 1))
    if (set[i] == h)
      return 1;
  return 0;
}

/* The names FORMAT.md uses: elements, attributes, the xml PI. */
static void lm__known_names(lm__xin *in)
{
  static const char *const extra[] = {"libmatch", "version", "id", "xml",
                                      "job", "seeker", "employer",
                                      "service-point", "community"};
  size_t i, j, k;

  for (i = 0; i < sizeof extra / sizeof extra[0]; i++)
    lm__set_add(in->known, LM__XML_KNOWN_SLOTS,
                lm__fnv(LM__FNV_OFFSET, extra[i]));
  for (i = 0; i < sizeof lm__elements / sizeof lm__elements[0]; i++) {
    lm__set_add(in->known, LM__XML_KNOWN_SLOTS,
                lm__fnv(LM__FNV_OFFSET, lm__elements[i].name));
    for (j = 0; j < LM__XML_ATTRS_MAX && lm__elements[i].attrs[j].name; j++)
      lm__set_add(in->known, LM__XML_KNOWN_SLOTS,
                  lm__fnv(LM__FNV_OFFSET, lm__elements[i].attrs[j].name));
  }
  for (k = 1; k <= LM_COMMUNITY; k++)
    for (j = 0; j < LM__XML_RECORD_ATTRS && lm__record_attrs[k][j].name;
         j++)
      lm__set_add(in->known, LM__XML_KNOWN_SLOTS,
                  lm__fnv(LM__FNV_OFFSET, lm__record_attrs[k][j].name));
}

/*
 * Stops the input: bytes of this chunk from the '<' of the offending
 * markup on (or, when that '<' went out with an earlier chunk, from byte
 * i on) never reach libxml2.
 */
static int lm__cut(lm__xin *in, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int lm__cut(lm__xin *in, size_t i, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(in->msg, sizeof in->msg, fmt, ap);
  va_end(ap);
  in->rc = LM_EPARSE;
  in->keep = in->lt_seen && in->lt_at >= in->total
                 ? (size_t)(in->lt_at - in->total)
                 : i;
  return LM_EPARSE;
}

/* The XML declaration may name an encoding: only UTF-8 is accepted, since
 * FORMAT.md documents are UTF-8 and the parser reads them as such. */
static int lm__decl_check(lm__xin *in, size_t i)
{
  char enc[48];
  const char *p;
  size_t n = 0;
  char quote;

  in->decl[in->decl_len] = '\0';
  if (strncmp(in->decl, "xml", 3) != 0 || !lm__is_space(in->decl[3]))
    return LM_OK; /* another PI */
  p = strstr(in->decl, "encoding");
  if (p == NULL)
    return LM_OK;
  for (p += 8; lm__is_space(*p); p++)
    ;
  if (*p++ != '=')
    return LM_OK; /* malformed: libxml2 will say so */
  while (lm__is_space(*p))
    p++;
  quote = *p++;
  if (quote != '"' && quote != '\'')
    return LM_OK;
  while (*p && *p != quote && n < sizeof enc - 1)
    enc[n++] = *p++;
  enc[n] = '\0';
  if (lm__ascii_ieq(enc, "UTF-8") || lm__ascii_ieq(enc, "UTF8"))
    return LM_OK;
  return lm__cut(in, i, "line %ld: encoding '%.*s' is not accepted (only "
                        "UTF-8)",
                 in->mark, lm__clip(enc, 40), enc);
}

/* A name in a tag or a PI target: it may be any length in XML, but not
 * here; and only so many different ones may be strangers. */
static void lm__name_byte(lm__xin *in, unsigned char c)
{
  if (!in->in_name) {
    in->in_name = 1;
    in->name_len = 0;
    in->name_hash = LM__FNV_OFFSET;
  }
  in->name_hash = (in->name_hash ^ c) * LM__FNV_PRIME;
  in->name_len++;
}

static int lm__name_end(lm__xin *in, size_t i)
{
  if (!in->in_name)
    return LM_OK;
  in->in_name = 0;
  if (lm__set_has(in->known, LM__XML_KNOWN_SLOTS, in->name_hash))
    return LM_OK;
  if (lm__set_add(in->odd, LM__XML_ODD_SLOTS, in->name_hash) &&
      ++in->nodd > LM__XML_ODD_NAMES_MAX)
    return lm__cut(in, i,
                   "line %ld: more than %d different names that FORMAT.md "
                   "does not use",
                   in->mark, LM__XML_ODD_NAMES_MAX);
  return LM_OK;
}

/* The bytes that end a name in a tag; a table, as the scanner asks for
 * every byte of every name. */
static const unsigned char lm__name_stop[256] = {
    [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, ['='] = 1, ['/'] = 1,
    ['>'] = 1, ['<'] = 1, ['"'] = 1, ['\''] = 1, ['?'] = 1};

static inline int lm__name_char(unsigned char c)
{
  return !lm__name_stop[c];
}

/* After a comment or PI: back to the prolog or to the content. */
static int lm__after_markup(const lm__xin *in)
{
  return in->root_seen ? LM__S_TEXT : LM__S_PROLOG;
}

static int lm__scan_tag(lm__xin *in, unsigned char c, size_t i)
{
  if (c == '"' || c == '\'') {
    in->state = c == '"' ? LM__S_DQ : LM__S_SQ;
    return lm__name_end(in, i);
  }
  if (lm__name_char(c)) {
    lm__name_byte(in, c);
    if (in->name_len > LM__XML_NAME_MAX)
      return lm__cut(in, i, "line %ld: a name longer than %d bytes",
                     in->mark, LM__XML_NAME_MAX);
    return LM_OK;
  }
  if (lm__name_end(in, i) != LM_OK)
    return in->rc;
  if (c == '>') {
    in->state = LM__S_TEXT;
  } else if (c == '=' && ++in->attrs > LM__XML_ATTRS_PER_ELEMENT) {
    return lm__cut(in, i, "line %ld: more than %d attributes on one "
                          "element",
                   in->mark, LM__XML_ATTRS_PER_ELEMENT);
  }
  return LM_OK;
}

static int lm__scan_pi(lm__xin *in, unsigned char c, size_t i)
{
  if (c == '>' && in->question) {
    in->state = lm__after_markup(in);
    if (in->decl_here && lm__decl_check(in, i) != LM_OK)
      return in->rc;
    in->decl_here = 0;
    return lm__name_end(in, i);
  }
  in->question = c == '?';
  if (in->decl_here && in->decl_len < sizeof in->decl - 1)
    in->decl[in->decl_len++] = (char)c;
  if (in->pi_named)
    return LM_OK;
  if (lm__name_char(c)) {
    lm__name_byte(in, c);
    if (in->name_len > LM__XML_NAME_MAX)
      return lm__cut(in, i, "line %ld: a name longer than %d bytes",
                     in->mark, LM__XML_NAME_MAX);
    return LM_OK;
  }
  in->pi_named = 1;
  return lm__name_end(in, i);
}

static int lm__scan_lt(lm__xin *in, unsigned char c, size_t i)
{
  switch (c) {
  case '?':
    in->state = LM__S_PI;
    in->question = 0;
    in->pi_named = 0;
    in->decl_len = 0;
    return LM_OK;
  case '!':
    in->state = LM__S_BANG;
    return LM_OK;
  case '/':
    in->state = LM__S_ETAG;
    return LM_OK;
  case 0:
    return lm__cut(in, i, "line %ld: only UTF-8 documents are accepted",
                   in->line);
  default:
    in->state = LM__S_STAG;
    in->root_seen = 1;
    in->attrs = 0;
    return lm__scan_tag(in, c, i);
  }
}

static int lm__scan_bang(lm__xin *in, unsigned char c, size_t i)
{
  if (c == '-') {
    in->state = LM__S_BANG_DASH;
  } else if (c == '[' && in->root_seen) {
    in->state = LM__S_CDATA_OPEN;
    in->cdata_i = 1;
  } else if (c == 'D') {
    return lm__cut(in, i, "line %ld: DTDs are not accepted", in->mark);
  } else {
    return lm__cut(in, i, "line %ld: markup '<!%c' is not accepted",
                   in->mark, c >= 0x21 && c < 0x7f ? c : '?');
  }
  return LM_OK;
}

/* One byte of the stream. */
static int lm__scan_byte(lm__xin *in, unsigned char c, size_t i)
{
  static const char cdata[] = "[CDATA[";

  switch (in->state) {
  case LM__S_PROLOG:
    if (in->total + i == 0 && c == 0xEF) {
      in->state = LM__S_BOM1;
    } else if (c == '<') {
      in->decl_here = in->total + i == 0 || in->total + i == 3;
      in->state = LM__S_LT;
    } else if (!lm__is_space(c)) {
      if (c == 0 || c >= 0x80)
        return lm__cut(in, i, "line %ld: only UTF-8 documents are accepted",
                       in->line);
      return lm__cut(in, i, "line %ld: text before the root element",
                     in->line);
    }
    return LM_OK;
  case LM__S_BOM1:
  case LM__S_BOM2:
    if (c != (in->state == LM__S_BOM1 ? 0xBB : 0xBF))
      return lm__cut(in, 0, "line 1: only UTF-8 documents are accepted");
    in->state = in->state == LM__S_BOM1 ? LM__S_BOM2 : LM__S_PROLOG;
    return LM_OK;
  case LM__S_TEXT:
    if (c == '<')
      in->state = LM__S_LT;
    return LM_OK;
  case LM__S_LT:
    return lm__scan_lt(in, c, i);
  case LM__S_STAG:
    return lm__scan_tag(in, c, i);
  case LM__S_DQ:
  case LM__S_SQ:
    if (c == (in->state == LM__S_DQ ? '"' : '\''))
      in->state = LM__S_STAG;
    return LM_OK;
  case LM__S_ETAG:
    if (c == '>')
      in->state = LM__S_TEXT;
    return LM_OK;
  case LM__S_BANG:
    return lm__scan_bang(in, c, i);
  case LM__S_BANG_DASH:
    if (c != '-')
      return lm__cut(in, i, "line %ld: malformed comment", in->mark);
    in->state = LM__S_COMMENT;
    in->dashes = 0;
    return LM_OK;
  case LM__S_COMMENT:
    if (c == '>' && in->dashes >= 2)
      in->state = lm__after_markup(in);
    in->dashes = c == '-' ? in->dashes + 1 : 0;
    return LM_OK;
  case LM__S_CDATA_OPEN:
    if (c != (unsigned char)cdata[in->cdata_i])
      return lm__cut(in, i, "line %ld: malformed CDATA section", in->mark);
    if (cdata[++in->cdata_i] == '\0') {
      in->state = LM__S_CDATA;
      in->dashes = 0;
    }
    return LM_OK;
  case LM__S_CDATA:
    if (c == '>' && in->dashes >= 2)
      in->state = LM__S_TEXT;
    in->dashes = c == ']' ? in->dashes + 1 : 0;
    return LM_OK;
  case LM__S_PI:
    return lm__scan_pi(in, c, i);
  default:
    return LM_OK;
  }
}

/* Lines in p[0..n). */
static long lm__newlines(const unsigned char *p, size_t n)
{
  const unsigned char *end = p + n;
  long k = 0;
  while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
    k++;
    p++;
  }
  return k;
}

/* Where a run of bytes that cannot change the state ends: character data
 * up to '<', an end tag up to '>', a quoted value up to its quote.  Most
 * of a document is these, so they go at memchr's pace. */
static size_t lm__skip_run(lm__xin *in, const unsigned char *p, size_t i,
                           size_t n)
{
  int stop;
  const unsigned char *q;

  if (in->state == LM__S_TEXT)
    stop = '<';
  else if (in->state == LM__S_ETAG)
    stop = '>';
  else if (in->state == LM__S_DQ)
    stop = '"';
  else if (in->state == LM__S_SQ)
    stop = '\'';
  else
    return i;
  q = memchr(p + i, stop, n - i);
  if (q == NULL)
    q = p + n;
  in->line += lm__newlines(p + i, (size_t)(q - (p + i)));
  return (size_t)(q - p);
}

/* The name in a start tag from p[i] (a name byte) on, at once: hashed
 * and counted as lm__name_byte does it a byte at a time.  Returns the
 * index of the run's last byte (or of the byte that made it too long). */
static size_t lm__name_run(lm__xin *in, const unsigned char *p, size_t i,
                           size_t n)
{
  uint64_t h = in->in_name ? in->name_hash : LM__FNV_OFFSET;
  size_t len = in->in_name ? in->name_len : 0;

  in->in_name = 1;
  for (; i < n && lm__name_char(p[i]); i++) {
    h = (h ^ p[i]) * LM__FNV_PRIME;
    if (++len > LM__XML_NAME_MAX) {
      in->name_hash = h;
      in->name_len = len;
      lm__cut(in, i, "line %ld: a name longer than %d bytes", in->mark,
              LM__XML_NAME_MAX);
      return i;
    }
  }
  in->name_hash = h;
  in->name_len = len;
  return i - 1;
}

static int lm__scan(lm__xin *in, const unsigned char *p, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    unsigned char c;

    i = lm__skip_run(in, p, i, n);
    if (i == n)
      break;
    c = p[i];
    if (in->state == LM__S_STAG && lm__name_char(c)) {
      /* Names are most of a tag; no name byte is '<' or a newline. */
      i = lm__name_run(in, p, i, n);
      if (in->rc != LM_OK)
        return in->rc;
      continue;
    }
    if (c == '\n')
      in->line++;
    else if (c == '<') {
      in->lt_seen = 1;
      in->lt_at = in->total + i;
      in->mark = in->line;
    }
    if (lm__scan_byte(in, c, i) != LM_OK)
      return in->rc;
  }
  return LM_OK;
}

/* The next chunk of input: file or memory, through the scanner.  After a
 * failure the input ends (0 bytes: the parser finishes what it has); the
 * reading reports the failure in place of what the parser makes of the
 * cut.  A read error ends it with -1. */
static int lm__xin_read(void *ctx, char *buf, int len)
{
  lm__xin *in = ctx;
  size_t n;

  if (in->rc != LM_OK || len <= 0) {
    in->eof_sent = in->rc != LM_OK;
    return in->rc == LM_ERROR ? -1 : 0;
  }
  if (in->fd >= 0) {
    ssize_t got;
    do
      got = read(in->fd, buf, (size_t)len);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
      char why[128] = "";
      strerror_r(errno, why, sizeof why);
      snprintf(in->msg, sizeof in->msg, "cannot read %s: %s", in->path,
               why);
      in->rc = LM_ERROR;
      in->eof_sent = 1;
      return -1;
    }
    n = (size_t)got;
  } else {
    n = in->len - in->pos;
    if (n > (size_t)len)
      n = (size_t)len;
    memcpy(buf, in->mem + in->pos, n);
    in->pos += n;
  }
  if (lm__scan(in, (const unsigned char *)buf, n) != LM_OK)
    n = in->keep;
  in->total += n;
  if (n == 0)
    in->eof_sent = 1;
  return (int)n;
}

/* ------------------------------------------------------------ the reader */

/* The first serious error libxml2 reported. */
typedef struct lm__xerr {
  int seen;  /* 0 none, 1 an error, 2 a fatal error */
  int code;  /* xmlParserErrors */
  long line;
  char msg[LM__XML_MSG_MAX];
  int before_eof; /* found before the input was cut short */
} lm__xerr;

/* An element of the record being read, and what it has gathered.  The
 * attribute values live in `value`, whose memory is kept from one element
 * to the next: a record costs no allocation per attribute. */
typedef struct lm__frame {
  const lm__espec *spec; /* NULL for the record element */
  int opens;             /* LM__IN_ of its children */
  const char *attr[LM__XML_ATTRS_MAX];
  lm__buf value[LM__XML_ATTRS_MAX];
} lm__frame;

/* One attribute as SAX2 hands it over: local name, prefix, namespace URI,
 * value (not NUL-terminated) and its end. */
typedef const xmlChar *const *lm__sattr;

/* The element being started, as SAX2 hands it over. */
typedef struct lm__selem {
  const char *name; /* "x:job" when the prefix is not declared */
  int has_ns;       /* in a namespace */
  int nsdefs;       /* namespace declarations on it */
  int nattrs;
  const xmlChar **attrs; /* nattrs * 5 pointers */
} lm__selem;

typedef struct lm__rd {
  const lm__xml_sink *sink;
  xmlParserCtxtPtr ctxt;
  lm__xin in;
  lm__xerr err;
  int rc;    /* a callback's code that stopped the parser, or LM_OK */
  int depth; /* elements open */
  unsigned long records; /* children of the root so far */
  size_t rec_bytes;      /* bytes of values the record has taken */
  /* The record being read, and one to build the next in (a record is
   * read, handed to the sink and emptied). */
  lm_record *r;
  lm_record *spare;
  long rec_line;
  int skip; /* 1: skipping a bad record (or stray element) to its end */
  lm__frame frame[LM__XML_FRAMES_MAX];
  int nframes;
  lm__buf text;   /* text content of the innermost element */
  lm__buf value;  /* scratch: one attribute value */
  lm__buf qname;  /* scratch: "prefix:name" */
  /* Character data comes in runs: the parser's tree builder would make
   * one text node of each run, and its line is where the run's first
   * piece ended. */
  int in_run;
  int run_reported; /* the run's stray text has been reported */
  long text_line; /* where the last run began; 0 after an element */
} lm__rd;

/* Drops the tail of a message that a length limit cut inside a UTF-8
 * sequence. */
static void lm__utf8_trim(char *s)
{
  size_t n = strlen(s);
  while (n > 0 && !lm__utf8_valid(s, n))
    n--;
  s[n] = '\0';
}

static void lm__xml_error(void *arg, xmlErrorPtr e)
{
  lm__rd *d = arg;
  int level;
  size_t n;

  if (e == NULL || e->level < XML_ERR_ERROR)
    return;
  level = e->level == XML_ERR_FATAL ? 2 : 1;
  if (d->err.seen >= level)
    return; /* the first error is the cause; later ones are echoes */
  d->err.seen = level;
  d->err.code = e->code;
  d->err.line = e->line;
  d->err.before_eof = !d->in.eof_sent;
  /* The first line only: libxml2 adds a second with raw bytes of the
   * input, which could be personal data. */
  snprintf(d->err.msg, sizeof d->err.msg, "%s",
           e->message ? e->message : "malformed document");
  n = strcspn(d->err.msg, "\r\n");
  d->err.msg[n] = '\0';
  lm__utf8_trim(d->err.msg);
}

static int lm__blank(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!lm__is_space((unsigned char)s[i]))
      return 0;
  return 1;
}

/* The parser's current line: at a start tag's end for an element, at the
 * end of the piece for character data. */
static long lm__line(const lm__rd *d)
{
  return d->ctxt->input != NULL ? (long)d->ctxt->input->line : 0;
}

static long lm__element_line(lm__rd *d)
{
  if (d->text_line > 0)
    return d->text_line;
  return lm__line(d);
}

static void lm__frames_clear(lm__rd *d)
{
  int i, j;
  for (i = 0; i < d->nframes; i++)
    for (j = 0; j < LM__XML_ATTRS_MAX; j++)
      d->frame[i].attr[j] = NULL;
  d->nframes = 0;
}

static void lm__record_drop(lm__rd *d)
{
  lm__frames_clear(d);
  lm_record_free(d->r);
  d->r = NULL;
}

/* "job J1": the record being read, for messages. */
static void lm__where(const lm__rd *d, char *buf, size_t n)
{
  if (d->r != NULL)
    snprintf(buf, n, "%s %s", lm__kind_name(d->r->kind), d->r->id);
  else
    snprintf(buf, n, "record");
}

/*
 * A record that cannot be read: the sink hears of it (id, line, reason)
 * and the rest of the record is skipped.  Returns what the sink says: 0
 * to go on.  The reason never holds a value of <contact>: callers pass
 * names, and lm__record_set keeps personal values out of its messages.
 */
static int lm__bad(lm__rd *d, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int lm__bad(lm__rd *d, int code, const char *fmt, ...)
{
  char reason[LM__XML_MSG_MAX];
  char id[LM__ID_MAX + 1];
  int has_id = d->r != NULL;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  lm__utf8_trim(reason);
  if (has_id)
    memcpy(id, d->r->id, sizeof id);
  lm__record_drop(d);
  d->skip = 1;
  return d->sink->bad(d->sink->ctx, has_id ? id : NULL, d->rec_line, code,
                      reason);
}

/* A field failed to take its value: a record error, unless the failure is
 * not the record's fault (memory), which stops the reading. */
static int lm__field_failed(lm__rd *d, int rc, const char *element)
{
  char where[LM__ID_MAX + 32];

  if (rc != LM_EINVAL && rc != LM_EPARSE)
    return rc;
  lm__where(d, where, sizeof where);
  if (element != NULL)
    return lm__bad(d, LM_EINVAL, "%s <%s>: %s", where, element,
                   lm__errmsg());
  return lm__bad(d, LM_EINVAL, "%s: %s", where, lm__errmsg());
}

/* ------------------------------------------------------- SAX2's shapes */

static lm__sattr lm__attr_at(const lm__selem *el, int i)
{
  return el->attrs + 5 * i;
}

/* The attribute's name as the tree would have it: "p:name" when its
 * prefix is not declared.  Borrowed until the next call. */
static const char *lm__attr_name(lm__rd *d, lm__sattr a)
{
  if (a[1] == NULL || a[2] != NULL)
    return (const char *)a[0];
  lm__buf_reset(&d->qname);
  if (lm__buf_adds(&d->qname, (const char *)a[1]) != LM_OK ||
      lm__buf_add(&d->qname, ":", 1) != LM_OK ||
      lm__buf_adds(&d->qname, (const char *)a[0]) != LM_OK)
    return (const char *)a[0];
  return lm__buf_cstr(&d->qname);
}

/*
 * An attribute's value into b, NUL-terminated.  Without entity
 * substitution libxml2 hands an '&' over as "&#38;" (its tree builder
 * decodes it again), and an '&' stands in a value for nothing else, since
 * any other reference is expanded or refused.
 */
static int lm__attr_copy(lm__buf *b, lm__sattr a)
{
  const char *v = (const char *)a[3], *end = (const char *)a[4];
  size_t n = (size_t)(end - v), i, o = 0;

  lm__buf_reset(b);
  /* The copy is never longer than the value: room reserved once. */
  if (lm__buf_reserve(b, n + 1) != LM_OK)
    return lm__fail(LM_ENOMEM, "out of memory");
  for (i = 0; i < n; i++) {
    b->data[o++] = v[i];
    if (v[i] == '&' && n - i > 4 && memcmp(v + i + 1, "#38;", 4) == 0)
      i += 4;
  }
  b->data[o] = '\0';
  b->len = o;
  return LM_OK;
}

/* The value of the attribute `name` without a namespace, into d->value;
 * 0 when absent, 1 when there, or a negative LM_E code. */
static int lm__attr_get(lm__rd *d, const lm__selem *el, const char *name)
{
  int i;
  for (i = 0; i < el->nattrs; i++) {
    lm__sattr a = lm__attr_at(el, i);
    if (a[1] == NULL && strcmp((const char *)a[0], name) == 0)
      return lm__attr_copy(&d->value, a) == LM_OK ? 1 : LM_ENOMEM;
  }
  return 0;
}

static int lm__has_xml_id(const lm__selem *el)
{
  int i;
  for (i = 0; i < el->nattrs; i++) {
    lm__sattr a = lm__attr_at(el, i);
    if (a[1] != NULL && a[2] != NULL && strcmp((const char *)a[1], "xml") == 0 &&
        strcmp((const char *)a[0], "id") == 0)
      return 1;
  }
  return 0;
}

/* An attribute (or a namespace declaration) not in `map`: its name, for
 * the message, or NULL when all are known. */
static const char *lm__unknown_attr(lm__rd *d, const lm__selem *el,
                                    const lm__attr_map *map, size_t nmap,
                                    const char *also)
{
  size_t i;
  int k;

  if (el->nsdefs > 0)
    return "xmlns";
  for (k = 0; k < el->nattrs; k++) {
    lm__sattr a = lm__attr_at(el, k);
    const char *name = (const char *)a[0];
    int known = 0;
    if (a[2] != NULL)
      return name; /* in a namespace */
    if (a[1] != NULL)
      return lm__attr_name(d, a); /* an undeclared prefix */
    if (also != NULL && strcmp(name, also) == 0)
      continue;
    for (i = 0; i < nmap && map[i].name != NULL && !known; i++)
      known = strcmp(name, map[i].name) == 0;
    if (!known)
      return name;
  }
  return NULL;
}

/* --------------------------------------------------------- the document */

static int lm__root_start(lm__rd *d, const lm__selem *el, long line)
{
  static const lm__attr_map none[1] = {{NULL, 0}};
  const char *odd, *version;
  int rc;

  if (el->has_ns || strcmp(el->name, "libmatch") != 0)
    return lm__fail(LM_EPARSE,
                    "line %ld: the root element must be <libmatch>, not "
                    "<%.*s>",
                    line, lm__clip(el->name, 40), el->name);
  odd = lm__unknown_attr(d, el, none, 0, "version");
  if (odd != NULL)
    return lm__fail(LM_EPARSE, "line %ld: unknown attribute '%.*s' on "
                               "<libmatch>",
                    line, lm__clip(odd, 40), odd);
  rc = lm__attr_get(d, el, "version");
  if (rc < 0)
    return rc;
  if (rc == 0)
    return lm__fail(LM_EPARSE, "line %ld: <libmatch> needs version=\"1\"",
                    line);
  version = lm__buf_cstr(&d->value);
  if (strcmp(version, "1") == 0)
    return LM_OK;
  return lm__fail(LM_EPARSE,
                  "line %ld: version \"%.*s\" of the format is not supported "
                  "(only 1)",
                  line, lm__clip(version, 20), version);
}

/* ------------------------------------------------------------ a record */

static int lm__record_grow(lm__rd *d, size_t n);

static int lm__record_start(lm__rd *d, const lm__selem *el, long line)
{
  const lm__attr_map *map;
  const char *kname, *odd, *id;
  lm_kind kind;
  size_t i;
  int rc;

  d->rec_line = line;
  d->skip = 0;
  d->rec_bytes = 0;
  kind = el->has_ns ? (lm_kind)0 : lm__kind_from_name(el->name);
  if (kind == 0)
    return lm__bad(d, LM_EPARSE, "unknown element <%.*s>",
                   lm__clip(el->name, 40), el->name);
  kname = lm__kind_name(kind);
  rc = lm__attr_get(d, el, "id");
  if (rc < 0)
    return rc;
  if (rc == 0)
    return lm__bad(d, LM_EPARSE, "%s without id", kname);
  id = lm__buf_cstr(&d->value);
  if (d->value.len > LM__ID_MAX)
    return lm__bad(d, LM_EINVAL,
                   "%s id '%.*s...' longer than %d bytes (LM_MAX_ID_BYTES)",
                   kname, lm__clip(id, 24), id, LM__ID_MAX);
  if (!lm__id_valid(id))
    return lm__bad(d, LM_EPARSE,
                   "%s with a bad id (1-%d printable bytes, no white space)",
                   kname, LM__ID_MAX);
  if (d->spare != NULL) {
    rc = lm__record_reuse(d->spare, kind, id);
    if (rc == LM_OK) {
      d->r = d->spare;
      d->spare = NULL;
    }
  } else {
    rc = lm_record_new(&d->r, kind, id);
  }
  if (rc != LM_OK)
    return rc;
  d->r->line = line;
  d->frame[0].spec = NULL;
  d->frame[0].opens = LM__IN_RECORD;
  d->nframes = 1;

  map = lm__record_attrs[kind];
  odd = lm__unknown_attr(d, el, map, LM__XML_RECORD_ATTRS, "id");
  if (odd != NULL)
    return lm__bad(d, LM_EPARSE, "unknown attribute '%.*s' on %s %s",
                   lm__clip(odd, 40), odd, kname, d->r->id);
  for (i = 0; i < LM__XML_RECORD_ATTRS && map[i].name != NULL; i++) {
    rc = lm__attr_get(d, el, map[i].name);
    if (rc < 0)
      return rc;
    if (rc == 0)
      continue;
    rc = lm__record_set(d->r, map[i].field, lm__buf_cstr(&d->value));
    if (rc != LM_OK)
      return lm__field_failed(d, rc, NULL);
    rc = lm__record_grow(d, d->value.len);
    if (rc != LM_OK || d->r == NULL)
      return rc; /* stopped, or the record was rejected */
  }
  return LM_OK;
}

/* The record takes n more bytes of values: within LM_MAX_RECORD_BYTES, or
 * it is rejected (before it can take more memory than that). */
static int lm__record_grow(lm__rd *d, size_t n)
{
  char where[LM__ID_MAX + 32];

  if (n <= LM_MAX_RECORD_BYTES && d->rec_bytes <= LM_MAX_RECORD_BYTES - n) {
    d->rec_bytes += n;
    return LM_OK;
  }
  lm__where(d, where, sizeof where);
  return lm__bad(d, LM_EINVAL, "%s: more than %d bytes of values "
                 "(LM_MAX_RECORD_BYTES)", where, LM_MAX_RECORD_BYTES);
}

static int lm__record_end(lm__rd *d)
{
  lm_record *r = d->r;
  int rc;

  d->r = NULL;
  lm__frames_clear(d);
  rc = d->sink->record(d->sink->ctx, r);
  lm_record_free(d->spare);
  d->spare = r;
  return rc;
}

/* An element inside a record begins: find what it is, keep its
 * attributes for its end (text first, then attributes, so that the
 * attributes win). */
static int lm__child_start(lm__rd *d, const lm__selem *el)
{
  const lm__frame *up = &d->frame[d->nframes - 1];
  const lm__espec *s = NULL;
  const char *name = el->name, *odd;
  char where[LM__ID_MAX + 32];
  lm__frame *f;
  int i, k, rc;

  if (!el->has_ns && up->opens != LM__IN_NONE &&
      d->nframes < LM__XML_FRAMES_MAX)
    s = lm__espec_find(d->r->kind, up->opens, name);
  if (s == NULL) {
    lm__where(d, where, sizeof where);
    if (up->spec == NULL)
      return lm__bad(d, LM_EPARSE, "unknown element <%.*s> in %s",
                     lm__clip(name, 40), name, where);
    return lm__bad(d, LM_EPARSE, "unknown element <%.*s> in <%s> of %s",
                   lm__clip(name, 40), name, up->spec->name, where);
  }
  odd = lm__unknown_attr(d, el, s->attrs, LM__XML_ATTRS_MAX, NULL);
  if (odd != NULL) {
    lm__where(d, where, sizeof where);
    return lm__bad(d, LM_EPARSE, "unknown attribute '%.*s' on <%s> in %s",
                   lm__clip(odd, 40), odd, s->name, where);
  }
  f = &d->frame[d->nframes++];
  f->spec = s;
  f->opens = s->special == LM__SP_CONTAINER ? s->opens : LM__IN_NONE;
  for (i = 0; i < LM__XML_ATTRS_MAX; i++)
    f->attr[i] = NULL;
  lm__buf_reset(&d->text);
  for (k = 0; k < el->nattrs; k++) {
    lm__sattr a = lm__attr_at(el, k);
    for (i = 0; i < LM__XML_ATTRS_MAX; i++)
      if (s->attrs[i].name &&
          strcmp((const char *)a[0], s->attrs[i].name) == 0)
        break;
    if (i == LM__XML_ATTRS_MAX)
      continue; /* cannot happen: checked above */
    if (lm__attr_copy(&f->value[i], a) != LM_OK)
      return LM_ENOMEM;
    f->attr[i] = lm__buf_cstr(&f->value[i]);
    if (f->value[i].len > LM__TEXT_MAX) {
      lm__where(d, where, sizeof where);
      return lm__bad(d, LM_EINVAL,
                     "attribute '%s' of <%s> in %s is longer than %d bytes "
                     "(LM_MAX_FIELD_BYTES)",
                     s->attrs[i].name, s->name, where, LM__TEXT_MAX);
    }
    rc = lm__record_grow(d, f->value[i].len);
    if (rc != LM_OK || d->r == NULL)
      return rc; /* stopped, or the record was rejected */
  }
  return LM_OK;
}

/* A number in an attribute: full-width digits read like ASCII ones. */
static int lm__read_number(const char *v, double lo, double hi, double *out)
{
  char small[64], *folded = NULL, *end;
  double x;
  int rc = lm__fold_to(v, strlen(v), small, sizeof small, &folded);

  if (rc != LM_OK)
    return rc; /* LM_ENOMEM, or LM_EINVAL for bytes that are not UTF-8 */
  errno = 0;
  x = lm__strtod(folded, &end);
  rc = (*folded == '\0' || *end != '\0' || errno != 0 || !isfinite(x) ||
        x < lo || x > hi)
           ? LM_EINVAL
           : LM_OK;
  if (folded != small)
    lm__xfree(folded);
  if (rc == LM_OK)
    *out = x;
  return rc;
}

/* <salary min max period>text</salary>: the text is read first; amounts
 * per month go through lm__record_set like any field, amounts for
 * another period are converted by lm__record_set_salary. */
static int lm__apply_salary(lm__rd *d, const lm__frame *f)
{
  const char *min = (const char *)f->attr[0];
  const char *max = (const char *)f->attr[1];
  const char *per = (const char *)f->attr[2];
  double lo = -1, hi = -1;
  int period = LM__PER_MONTH, rc = LM_OK;

  if (!lm__blank(lm__buf_cstr(&d->text), d->text.len))
    rc = lm__record_set(d->r, LM_F_SALARY, lm__buf_cstr(&d->text));
  if (rc == LM_OK && per != NULL) {
    rc = lm__norm_period(per, &period);
    if (rc != LM_OK && rc != LM_ENOMEM)
      rc = lm__fail(LM_EINVAL,
                    "period: '%.*s' is not hour, day, month or year",
                    lm__clip(per, 40), per);
  }
  if (rc != LM_OK)
    return rc;
  if (period == LM__PER_MONTH) {
    if (min != NULL)
      rc = lm__record_set(d->r, LM_F_SALARY_MIN, min);
    if (rc == LM_OK && max != NULL)
      rc = lm__record_set(d->r, LM_F_SALARY_MAX, max);
    return rc;
  }
  if (min != NULL && (rc = lm__read_number(min, 0, 1e9, &lo)) != LM_OK)
    return rc == LM_ENOMEM ? rc
                           : lm__fail(LM_EINVAL,
                                      "salary: min '%.*s' is not an amount",
                                      lm__clip(min, 40), min);
  if (max != NULL && (rc = lm__read_number(max, 0, 1e9, &hi)) != LM_OK)
    return rc == LM_ENOMEM ? rc
                           : lm__fail(LM_EINVAL,
                                      "salary: max '%.*s' is not an amount",
                                      lm__clip(max, 40), max);
  if (min == NULL && max == NULL)
    return LM_OK; /* a period alone says nothing */
  return lm__record_set_salary(d->r, lo, hi, period);
}

/* <skill level="required|preferred"> (job) or <skill years="2"> (seeker):
 * the skill as named; the api makes it canonical later. */
static int lm__apply_skill(lm__rd *d, const lm__frame *f)
{
  const char *v = (const char *)f->attr[0];
  const char *name = lm__buf_cstr(&d->text);
  size_t n = d->text.len;
  int level = d->r->kind == LM_JOB ? LM_SKILL_REQUIRED : LM_SKILL_HELD;
  double years = -1;
  char *copy;
  int rc;

  while (n > 0 && lm__is_space((unsigned char)*name)) {
    name++;
    n--;
  }
  while (n > 0 && lm__is_space((unsigned char)name[n - 1]))
    n--;
  if (n == 0)
    return lm__fail(LM_EINVAL, "skill: empty");
  if (n > LM__XML_SKILL_MAX)
    return lm__fail(LM_EINVAL, "skill: longer than %d bytes",
                    LM__XML_SKILL_MAX);
  if (v != NULL && d->r->kind == LM_JOB) {
    if (strcmp(v, "required") == 0)
      level = LM_SKILL_REQUIRED;
    else if (strcmp(v, "preferred") == 0)
      level = LM_SKILL_PREFERRED;
    else
      return lm__fail(LM_EINVAL,
                      "skill: level '%.*s' is not required or preferred",
                      lm__clip(v, 40), v);
  } else if (v != NULL) {
    rc = lm__read_number(v, 0, 70, &years);
    if (rc == LM_ENOMEM)
      return rc;
    if (rc != LM_OK || years != floor(years))
      return lm__fail(LM_EINVAL,
                      "skill: years '%.*s' is not a whole number in 0..70",
                      lm__clip(v, 40), v);
  }
  copy = lm__strndup(name, n);
  if (copy == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  rc = lm__record_add_skill(d->r, copy, NULL, level, (int)years,
                            LM_FOUND_SKILL);
  lm__xfree(copy);
  return rc;
}

static int lm__apply_plain(lm__rd *d, const lm__frame *f)
{
  const lm__espec *s = f->spec;
  int i, rc = LM_OK;

  if (s->text != 0 && !lm__blank(lm__buf_cstr(&d->text), d->text.len))
    rc = lm__record_set(d->r, s->text, lm__buf_cstr(&d->text));
  for (i = 0; i < LM__XML_ATTRS_MAX && rc == LM_OK; i++)
    if (f->attr[i] != NULL)
      rc = lm__record_set(d->r, s->attrs[i].field,
                          (const char *)f->attr[i]);
  return rc;
}

/* An element inside a record ends: its text and attributes become
 * fields. */
static int lm__child_end(lm__rd *d)
{
  lm__frame *f = &d->frame[d->nframes - 1];
  const lm__espec *s = f->spec;
  int rc, i;

  switch (s->special) {
  case LM__SP_CONTAINER:
    rc = LM_OK;
    break;
  case LM__SP_SALARY:
    rc = lm__apply_salary(d, f);
    break;
  case LM__SP_SKILL:
    rc = lm__apply_skill(d, f);
    break;
  default:
    rc = lm__apply_plain(d, f);
    break;
  }
  for (i = 0; i < LM__XML_ATTRS_MAX; i++)
    f->attr[i] = NULL;
  d->nframes--;
  lm__buf_reset(&d->text);
  if (rc != LM_OK)
    return lm__field_failed(d, rc, s->name);
  return LM_OK;
}

/* Text inside a record belongs to the innermost element, if that element
 * takes text; elsewhere only white space may stand. */
static int lm__record_text(lm__rd *d, const char *s, size_t n)
{
  const lm__frame *f = &d->frame[d->nframes - 1];
  char where[LM__ID_MAX + 32];
  int rc;
  int takes = f->spec != NULL && (f->spec->text != 0 ||
                                  f->spec->special == LM__SP_SKILL);

  if (!takes) {
    if (lm__blank(s, n))
      return LM_OK;
    lm__where(d, where, sizeof where);
    if (f->spec == NULL)
      return lm__bad(d, LM_EPARSE, "text directly in %s", where);
    return lm__bad(d, LM_EPARSE, "text in <%s> of %s", f->spec->name,
                   where);
  }
  if (n > LM__TEXT_MAX || d->text.len > LM__TEXT_MAX - n) {
    lm__where(d, where, sizeof where);
    return lm__bad(d, LM_EINVAL, "<%s> of %s is longer than %d bytes "
                   "(LM_MAX_FIELD_BYTES)",
                   f->spec->name, where, LM__TEXT_MAX);
  }
  rc = lm__record_grow(d, n);
  if (rc != LM_OK || d->r == NULL)
    return rc; /* stopped, or the record was rejected */
  return lm__buf_add(&d->text, s, n);
}

/* ------------------------------------------------------------ the events */

static int lm__on_start(lm__rd *d, const lm__selem *el, int depth)
{
  long line = lm__element_line(d);

  d->text_line = 0;
  if (depth >= LM__XML_DEPTH_MAX)
    return lm__fail(LM_EPARSE, "line %ld: elements nested more than %d deep "
                    "(LM_MAX_DEPTH)",
                    line, LM__XML_DEPTH_MAX);
  if (lm__has_xml_id(el))
    return lm__fail(LM_EPARSE, "line %ld: xml:id attributes are not "
                               "accepted",
                    line);
  if (depth == 0)
    return lm__root_start(d, el, line);
  if (depth == 1) {
    if (++d->records > lm__xml_records_max)
      return lm__fail(LM_EPARSE, "line %ld: more than %lu records in one "
                      "document (LM_MAX_RECORDS)",
                      line, lm__xml_records_max);
    return lm__record_start(d, el, line);
  }
  if (d->skip || d->r == NULL)
    return LM_OK;
  return lm__child_start(d, el);
}

static int lm__on_end(lm__rd *d, int depth)
{
  d->text_line = 0;
  if (depth == 0)
    return LM_OK;
  if (depth == 1) {
    if (d->skip || d->r == NULL) {
      d->skip = 0;
      lm__record_drop(d);
      return LM_OK;
    }
    return lm__record_end(d);
  }
  if (d->skip || d->r == NULL || d->nframes <= 1)
    return LM_OK;
  return lm__child_end(d);
}

/* The line of the first visible character of s[0..n), which ends on
 * `end_line`. */
static long lm__first_visible_line(const char *s, size_t n, long end_line)
{
  size_t i = 0;
  while (i < n && lm__is_space((unsigned char)s[i]))
    i++;
  for (; i < n && end_line > 1; i++)
    if (s[i] == '\n')
      end_line--;
  return end_line;
}

/* One piece of a run of character data in the element at `depth`. */
static int lm__on_text(lm__rd *d, const char *s, size_t n, int depth)
{
  if (depth <= 1) {
    int rc;
    if (d->run_reported || lm__blank(s, n))
      return LM_OK;
    d->run_reported = 1;
    d->rec_line = lm__first_visible_line(s, n, lm__line(d));
    rc = lm__bad(d, LM_EPARSE, "text outside a record");
    d->skip = 0; /* nothing to skip: the next element is a record */
    return rc;
  }
  if (d->skip || d->r == NULL)
    return LM_OK;
  return lm__record_text(d, s, n);
}

/* A callback's failure stops the parser; the reading returns its code. */
static void lm__stop(lm__rd *d, int rc)
{
  if (rc == LM_OK || d->rc != LM_OK)
    return;
  d->rc = rc;
  xmlStopParser(d->ctxt);
}

static void lm__sax_start(void *ctx, const xmlChar *local,
                          const xmlChar *prefix, const xmlChar *uri,
                          int nsdefs, const xmlChar **ns, int nattrs,
                          int ndefaulted, const xmlChar **attrs)
{
  lm__rd *d = ctx;
  lm__selem el;
  int depth = d->depth++;

  (void)ns;
  (void)ndefaulted;
  d->in_run = 0;
  if (d->rc != LM_OK)
    return;
  el.name = (const char *)local;
  if (prefix != NULL && uri == NULL) {
    /* An undeclared prefix (the parser has reported it): named as the
     * tree would name it. */
    lm__buf_reset(&d->qname);
    if (lm__buf_adds(&d->qname, (const char *)prefix) != LM_OK ||
        lm__buf_add(&d->qname, ":", 1) != LM_OK ||
        lm__buf_adds(&d->qname, (const char *)local) != LM_OK) {
      lm__stop(d, LM_ENOMEM);
      return;
    }
    el.name = lm__buf_cstr(&d->qname);
  }
  el.has_ns = uri != NULL;
  el.nsdefs = nsdefs;
  el.nattrs = nattrs;
  el.attrs = attrs;
  lm__stop(d, lm__on_start(d, &el, depth));
}

static void lm__sax_end(void *ctx, const xmlChar *local,
                        const xmlChar *prefix, const xmlChar *uri)
{
  lm__rd *d = ctx;

  (void)local;
  (void)prefix;
  (void)uri;
  d->in_run = 0;
  d->depth--;
  if (d->rc != LM_OK)
    return;
  lm__stop(d, lm__on_end(d, d->depth));
}

static void lm__sax_text(void *ctx, const xmlChar *s, int len)
{
  lm__rd *d = ctx;

  if (d->rc != LM_OK || len < 0)
    return;
  if (!d->in_run) {
    d->in_run = 1;
    d->run_reported = 0;
    d->text_line = lm__line(d);
  }
  lm__stop(d, lm__on_text(d, (const char *)s, (size_t)len, d->depth));
}

/* Comments and PIs are not text; they end a run of it. */
static void lm__sax_comment(void *ctx, const xmlChar *value)
{
  lm__rd *d = ctx;
  (void)value;
  d->in_run = 0;
}

static void lm__sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
  lm__rd *d = ctx;
  (void)target;
  (void)data;
  d->in_run = 0;
}

/* ------------------------------------------------ after a broken document */

static int lm__broken(lm__rd *d)
{
  if (d->in.rc == LM_OK && d->in.total == 0)
    return lm__fail(LM_EPARSE, "line 1: the document is empty");
  if (d->err.seen && d->err.code == XML_ERR_NO_MEMORY)
    return lm__fail(LM_ENOMEM, "out of memory in the XML parser");
  /* The scanner's reason beats what the parser made of the cut, but not
   * an error the parser found in what came before it (the parser only
   * stumbles on the cut itself once it hears the input has ended). */
  if (d->in.rc != LM_OK &&
      !(d->in.rc == LM_EPARSE && d->err.seen == 2 && d->err.before_eof))
    return lm__fail(d->in.rc, "%s", d->in.msg);
  if (!d->err.seen)
    return lm__fail(LM_EPARSE, "line %ld: the document is not well formed",
                    lm__line(d));
  return lm__fail(LM_EPARSE, "line %ld: %s", d->err.line, d->err.msg);
}

/* The parser has stopped taking input: a callback stopped it, or the
 * document is broken. */
static int lm__halted(const lm__rd *d)
{
  return d->rc != LM_OK || !d->ctxt->wellFormed || d->err.seen == 2;
}

/* Input size per push: large enough that the parser's per-call costs
 * vanish, small enough to stay in cache. */
#define LM__XML_CHUNK (64 * 1024)

/* Feeds the document through the scanner to the parser, chunk by chunk;
 * the callbacks do the rest. */
static int lm__feed(lm__rd *d)
{
  char *buf = lm__malloc(LM__XML_CHUNK);
  int n;

  if (buf == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  for (;;) {
    n = lm__xin_read(&d->in, buf, LM__XML_CHUNK);
    if (n < 0)
      break; /* a read error: in.rc says it */
    if (n > 0)
      xmlParseChunk(d->ctxt, buf, n, 0);
    if (lm__halted(d) || n == 0 || d->in.rc != LM_OK)
      break;
  }
  lm__xfree(buf);
  if (d->in.rc != LM_ERROR && !lm__halted(d)) {
    d->in.eof_sent = 1;
    xmlParseChunk(d->ctxt, NULL, 0, 1);
  }
  if (d->rc != LM_OK)
    return d->rc;
  if (d->ctxt->wellFormed && d->in.rc == LM_OK && d->err.seen < 2)
    return LM_OK;
  return lm__broken(d);
}

static pthread_once_t lm__xml_once = PTHREAD_ONCE_INIT;

static void lm__xml_init(void)
{
  xmlInitParser();
  lm__places_init();
}

static int lm__read(lm__xin *in, const lm__xml_sink *sink)
{
  xmlSAXHandler sax;
  lm__rd *d;
  int rc, i, j;

  pthread_once(&lm__xml_once, lm__xml_init);
  d = lm__calloc(1, sizeof *d);
  if (d == NULL)
    return lm__fail(LM_ENOMEM, "out of memory");
  d->sink = sink;
  d->in = *in;
  d->in.line = 1;
  d->in.mark = 1;
  lm__known_names(&d->in);
  /* Only these callbacks: no tree, no entity or DTD handling at all (an
   * undeclared entity is a fatal error without them). */
  memset(&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = lm__sax_start;
  sax.endElementNs = lm__sax_end;
  sax.characters = lm__sax_text;
  sax.ignorableWhitespace = lm__sax_text;
  sax.comment = lm__sax_comment;
  sax.processingInstruction = lm__sax_pi;
  sax.serror = lm__xml_error;
  /* No name for a buffer: libxml2 would look for the directory of
   * "(memory)", find no '/', and call getcwd() on every read (a fifth of
   * a small ingest under the sanitizers), for resolving relative URIs
   * that this reader never loads.  Our messages use in->path. */
  d->ctxt = xmlCreatePushParserCtxt(&sax, d, NULL, 0,
                                    in->fd >= 0 ? in->path : NULL);
  if (d->ctxt == NULL) {
    rc = lm__fail(LM_ENOMEM, "out of memory");
  } else {
    xmlCtxtUseOptions(d->ctxt, LM__XML_OPTIONS);
    rc = lm__feed(d);
    xmlFreeParserCtxt(d->ctxt);
  }
  lm__record_drop(d);
  lm_record_free(d->spare);
  for (i = 0; i < LM__XML_FRAMES_MAX; i++)
    for (j = 0; j < LM__XML_ATTRS_MAX; j++)
      lm__buf_free(&d->frame[i].value[j]);
  lm__buf_free(&d->text);
  lm__buf_free(&d->value);
  lm__buf_free(&d->qname);
  lm__xfree(d);
  return rc;
}

int lm__xml_read_file(const char *path, const lm__xml_sink *sink)
{
  lm__xin in;
  int rc;

  if (path == NULL || sink == NULL || !sink->record || !sink->bad)
    return lm__fail(LM_EINVAL, "xml read: NULL argument");
  memset(&in, 0, sizeof in);
  in.path = path;
  in.fd = open(path, O_RDONLY | O_CLOEXEC);
  if (in.fd < 0) {
    char why[128] = "";
    strerror_r(errno, why, sizeof why);
    return lm__fail(LM_ERROR, "cannot open %s: %s", path, why);
  }
  rc = lm__read(&in, sink);
  close(in.fd);
  return rc;
}

int lm__xml_read_memory(const char *buf, size_t len,
                        const lm__xml_sink *sink)
{
  lm__xin in;

  if ((buf == NULL && len > 0) || sink == NULL || !sink->record ||
      !sink->bad)
    return lm__fail(LM_EINVAL, "xml read: NULL argument");
  memset(&in, 0, sizeof in);
  in.fd = -1;
  in.path = "(memory)";
  in.mem = buf ? buf : "";
  in.len = len;
  return lm__read(&in, sink);
}
