/*
 * internal.h: what the library's files share.  Not installed.
 *
 * Layers (DESIGN.md), bottom to top; a file uses only what is below it:
 *   util (error.c, mem.c)  errors, allocation, growable buffers
 *   text (text.c)          UTF-8, width and script folding
 *   normalize (normalize.c, skills.c)  free text to values, skills dictionary
 *   model (record.c)       the records, their fields, validation
 *   xml (xml_read.c, xml_write.c)  FORMAT.md in and out
 *   store (store.c, schema.sql)    SQLite, the source of truth
 *   api (engine.c, ingest.c, report.c; api.h)  libmatch.h
 */
#ifndef LM_INTERNAL_H
#define LM_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "libmatch.h"

/* ------------------------------------------------------------------ util */

/*
 * Errors.  Every failing internal function records why with lm__fail and
 * returns the code, so the message reaches the caller through lm_errmsg.
 * The message is per thread.  Never put a phone or ID number in it.
 */
int lm__fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int lm__vfail(int code, const char *fmt, va_list ap);
/* Prefixes the current message: "line 12: " + "bad <salary>". */
int lm__fail_prefix(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void lm__clear_error(void);
const char *lm__errmsg(void);

/*
 * Allocation goes through these so that tests can make any allocation fail
 * (lm__alloc_fail_after).  They never abort; NULL means out of memory.
 */
void *lm__malloc(size_t n);
void *lm__calloc(size_t n, size_t size);
void *lm__realloc(void *p, size_t n);
void lm__xfree(void *p);
char *lm__strdup(const char *s);
char *lm__strndup(const char *s, size_t n);
/* Test hook: allocation number n (0-based) from now on fails; -1 stops. */
void lm__alloc_fail_after(long n);

/* A growable byte buffer, always NUL-terminated when len > 0 or after
 * lm__buf_cstr. */
typedef struct lm__buf {
  char *data;
  size_t len;
  size_t cap;
} lm__buf;

int lm__buf_reserve(lm__buf *b, size_t extra);
int lm__buf_add(lm__buf *b, const char *s, size_t n);
int lm__buf_adds(lm__buf *b, const char *s);
int lm__buf_printf(lm__buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *lm__buf_cstr(lm__buf *b); /* "" for an empty buffer */
void lm__buf_reset(lm__buf *b);       /* len = 0, keeps memory */
void lm__buf_free(lm__buf *b);

/* ------------------------------------------------------------------ text */

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, no
 * NUL), else 0. */
int lm__utf8_valid(const char *s, size_t len);

/* Decodes one code point at s (len bytes left) into *cp; returns its byte
 * length, or 0 on malformed input. */
size_t lm__utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp into out (4 bytes room); returns the byte length. */
size_t lm__utf8_encode(uint32_t cp, char *out);

/* Traditional to simplified for one code point (itself when none). */
uint32_t lm__t2s(uint32_t cp);
/* Full-width ASCII forms (U+FF01..FF5E) and the ideographic space to
 * ASCII; other code points unchanged. */
uint32_t lm__halfwidth(uint32_t cp);

/*
 * The matching key of a text: half width, simplified script, ASCII lower
 * case, white space runs collapsed to one space and trimmed.  *out is a new
 * string (lm__xfree).  Returns LM_OK, LM_EINVAL (not UTF-8) or LM_ENOMEM.
 */
int lm__fold(const char *s, size_t len, char **out);

/* ------------------------------------------------------------- normalize */

/* Compiles the patterns once for the process (thread-safe). */
int lm__norm_init(void);

/* Salary periods. */
enum { LM__PER_HOUR = 1, LM__PER_DAY, LM__PER_MONTH, LM__PER_YEAR };

typedef struct lm__salary {
  long min;       /* CNY per month; -1 when open below */
  long max;       /* CNY per month; -1 when open above */
  int negotiable; /* 面議 */
} lm__salary;

/* "5000-8000元/月", "5千-8千", "4.5K", "6萬/年", "200元/天", "面議", full
 * width digits, 至/到/~/－ ranges, 以上/以下.  LM_OK or LM_EPARSE (with a
 * message naming what could not be read; garbage is rejected, not guessed). */
int lm__norm_salary(const char *text, lm__salary *out);
/* "hour" | "day" | "month" | "year" (and 時/天/日/月/年) into *period. */
int lm__norm_period(const char *text, int *period);
/* An amount per period as CNY per month (rounded). */
long lm__salary_per_month(double amount, int period);

/* "18至45周歲", "45歲以下", "18-45岁", "18周岁以上": -1 where open. */
int lm__norm_age(const char *text, int *min, int *max);

/* Education levels, ordered; senior-high and secondary-vocational rank
 * equal (lm__edu_rank). */
enum {
  LM__EDU_NONE = 0,
  LM__EDU_PRIMARY,
  LM__EDU_JUNIOR_MIDDLE,
  LM__EDU_SENIOR_HIGH,
  LM__EDU_SECONDARY_VOCATIONAL,
  LM__EDU_ASSOCIATE,
  LM__EDU_BACHELOR,
  LM__EDU_MASTER,
  LM__EDU_DOCTORATE
};
/* A vocabulary word ("bachelor") or Chinese (本科, 大專, 中專及以上...) into
 * *level and its vocabulary word *word (static).  LM_OK or LM_EPARSE. */
int lm__norm_education(const char *text, int *level, const char **word);
int lm__edu_rank(int level);
const char *lm__edu_word(int level);

/* "2026-11-01", "2026/11/1", "2026.11.01", "2026年11月1日" into days since
 * 1970-01-01.  LM_OK or LM_EPARSE (also for 2026-02-30). */
int lm__norm_date(const char *text, int32_t *days);
/* Days since 1970-01-01 as "YYYY-MM-DD" (out has 11 bytes). */
void lm__date_format(int32_t days, char out[11]);

/* Closed vocabularies: English word or Chinese into the English word
 * (static).  LM_OK or LM_EPARSE. */
int lm__norm_shift(const char *text, const char **word);
int lm__norm_mode(const char *text, const char **word);
int lm__norm_point_kind(const char *text, const char **word);
/* A key group: known words and Chinese names into the vocabulary word;
 * an unknown group is kept as written (*word = NULL, LM_OK). */
int lm__norm_group(const char *text, const char **word);

/*
 * The skills dictionary: canonical terms with their aliases, matched on
 * folded keys, so any script or width of a term or alias finds it.
 * Reads are thread-safe; adding needs the caller's exclusion.
 */
typedef struct lm__skilldict lm__skilldict;

int lm__skilldict_new(lm__skilldict **out);
void lm__skilldict_free(lm__skilldict *d);
/* Loads "canonical<TAB>alias<TAB>alias..." lines ('#' comments). */
int lm__skilldict_load(lm__skilldict *d, const char *path);
int lm__skilldict_add(lm__skilldict *d, const char *canonical,
                      const char *alias);
/* The canonical term for a term or alias, or NULL. */
const char *lm__skilldict_lookup(const lm__skilldict *d, const char *text);
size_t lm__skilldict_size(const lm__skilldict *d);

/* Calls found(ctx, canonical) once per distinct dictionary term found in
 * text (leftmost-longest, on folded text).  Returns LM_OK, a non-zero
 * value from found, LM_EINVAL or LM_ENOMEM. */
int lm__skilldict_scan(const lm__skilldict *d, const char *text,
                       int (*found)(void *ctx, const char *canonical),
                       void *ctx);

/* ----------------------------------------------------------------- model */

/* Limits (documented in libmatch.h's users' terms by the api). */
#define LM__ID_MAX 64
#define LM__TEXT_MAX (64 * 1024)
#define LM__LIST_MAX 64
#define LM__SKILLS_MAX 128

/* How a field's value is held. */
typedef enum lm__ftype {
  LM__FT_TEXT = 1, /* free text */
  LM__FT_WORD,     /* a closed vocabulary, canonical word */
  LM__FT_INT,      /* integer */
  LM__FT_REAL,     /* double */
  LM__FT_DATE,     /* days since 1970 (text YYYY-MM-DD) */
  LM__FT_LIST      /* list of text items */
} lm__ftype;

typedef struct lm__field_info {
  lm_field field;
  const char *name;  /* column and diagnostic name: "salary_min" */
  lm__ftype type;
  unsigned int kinds; /* bit (1 << kind) for each kind that has it */
  int personal;       /* phone, id number: never in messages */
} lm__field_info;

/* The field's description, or NULL for a bad field. */
const lm__field_info *lm__field(lm_field f);

typedef struct lm__list {
  char **items;
  size_t n;
  size_t cap;
} lm__list;

typedef struct lm__rskill {
  char *name;
  char *canonical;
  int level;
  int years;
  unsigned int found_in;
} lm__rskill;

struct lm_record {
  lm_kind kind;
  char id[LM__ID_MAX + 1];
  long line;   /* where it began in a document; 0 when built by hand */
  int removal; /* status closed or withdrawn */
  /* Scalar fields: canonical text (NULL when unset) and, for numbers and
   * dates, the value. */
  char *text[LM_F_COUNT_];
  double num[LM_F_COUNT_];
  lm__list list[LM_F_COUNT_];
  lm__rskill *skills;
  size_t nskills;
  size_t capskills;
};

/* The kind's element name ("job", "service-point"), or NULL. */
const char *lm__kind_name(lm_kind kind);
/* The kind for an element name, or 0. */
lm_kind lm__kind_from_name(const char *name);
/* 1 when id is 1-64 printable bytes without white space. */
int lm__id_valid(const char *id);

/*
 * Sets a field from its text form: checks the field belongs to the kind,
 * normalises free text (salary, age, education, dates, vocabularies) and
 * stores the canonical text and value.  LM_OK, LM_EINVAL or LM_ENOMEM, with
 * a message naming the field (never its value when it is personal).
 */
int lm__record_set(lm_record *r, lm_field f, const char *value);
/* Typed setters for readers that have the value (the store). */
int lm__record_set_int(lm_record *r, lm_field f, long v);
int lm__record_set_real(lm_record *r, lm_field f, double v);
/* Salary with a period other than the month. */
int lm__record_set_salary(lm_record *r, double min, double max, int period);

/* Adds or merges a skill (same canonical: found_in bits are or-ed, the
 * explicit name and level win). */
int lm__record_add_skill(lm_record *r, const char *name,
                         const char *canonical, int level, int years,
                         unsigned int found_in);

/* Drops every skill (to add them again canonical). */
void lm__record_clear_skills(lm_record *r);

/* Whole-record checks after all fields are set (a job needs ...). */
int lm__record_validate(const lm_record *r);

/* A deep copy. */
int lm__record_clone(const lm_record *r, lm_record **out);

/* ------------------------------------------------------------------- xml */

/*
 * What the streaming reader hands over.  record() gets each complete
 * record (the reader frees it after the call); bad() gets each record that
 * could not be read: its id (or NULL), line and reason.  Either returns
 * LM_OK to go on, or a code to stop the reading with that code.
 */
typedef struct lm__xml_sink {
  int (*record)(void *ctx, lm_record *r);
  int (*bad)(void *ctx, const char *id, long line, int code,
             const char *reason);
  void *ctx;
} lm__xml_sink;

/* Reads a FORMAT.md document with libxml2's reader: no DTD, no entities
 * beyond the predefined ones, no network.  LM_OK when read to the end,
 * LM_EPARSE for a malformed document (message with the line), or what a
 * sink callback returned. */
int lm__xml_read_file(const char *path, const lm__xml_sink *sink);
int lm__xml_read_memory(const char *buf, size_t len,
                        const lm__xml_sink *sink);

/* FORMAT.md out.  One writer per document. */
typedef struct lm__xml_writer lm__xml_writer;
/* To a file (path) or, path NULL, to memory. */
int lm__xml_writer_new(lm__xml_writer **out, const char *path);
/* Writes one record; personal data only with LM_EXPORT_PERSONAL. */
int lm__xml_write_record(lm__xml_writer *w, const lm_record *r,
                         unsigned int flags);
/* Closes the document; for memory, hands the text over in *out (may be
 * NULL for a file) and *len. */
int lm__xml_writer_finish(lm__xml_writer *w, char **out, size_t *len);
/* Frees a writer (finished or not). */
void lm__xml_writer_free(lm__xml_writer *w);

/* ----------------------------------------------------------------- store */

typedef struct lm__store lm__store;

/* Opens or creates the database, applies WAL, foreign keys, migrations. */
int lm__store_open(lm__store **out, const char *path, int readonly,
                   int busy_timeout_ms);
void lm__store_close(lm__store *s);

/* A write transaction (BEGIN IMMEDIATE), and savepoints inside it so that
 * one record's failure undoes only that record. */
int lm__store_begin(lm__store *s);
int lm__store_commit(lm__store *s);
int lm__store_rollback(lm__store *s);
int lm__store_savepoint(lm__store *s);
int lm__store_release(lm__store *s);
int lm__store_rollback_savepoint(lm__store *s);

/* Upsert inside a transaction; *replaced = 1 when the id existed. */
int lm__store_put(lm__store *s, const lm_record *r, int *replaced);
/* Delete inside a transaction; *existed = 1 when it did. */
int lm__store_remove(lm__store *s, lm_kind kind, const char *id,
                     int *existed);
/* Reads; safe from any thread (the store serialises its connection). */
int lm__store_get(lm__store *s, lm_kind kind, const char *id,
                  lm_record **out);
int lm__store_count(lm__store *s, lm_kind kind, size_t *out);
/* Calls each(ctx, r) for every record of kind in id order (r is freed
 * after the call); stops with each's non-zero return. */
int lm__store_foreach(lm__store *s, lm_kind kind,
                      int (*each)(void *ctx, const lm_record *r), void *ctx);

/* Skill terms added at run time. */
int lm__store_add_skill_term(lm__store *s, const char *canonical,
                             const char *alias);
int lm__store_foreach_skill_term(lm__store *s,
                                 int (*each)(void *ctx, const char *canonical,
                                             const char *alias),
                                 void *ctx);

/* The schema version this library writes (PRAGMA user_version). */
#define LM__SCHEMA_VERSION 1

/* ------------------------------------------------------------------- geo */

/* Commute modes (lm__norm_mode's words), in this order; 0 is unknown. */
enum { LM__MODE_NONE = 0, LM__MODE_WALK, LM__MODE_BIKE, LM__MODE_EBIKE,
       LM__MODE_BUS, LM__MODE_CAR };
/* The mode code of a mode word, or LM__MODE_NONE. */
int lm__mode_code(const char *word);
/* Speed in km/h (walk 5, bike 15, ebike 20, bus 20, car 35). */
double lm__mode_speed(int mode);
/* Great-circle distance in km. */
double lm__distance_km(double lat1, double lon1, double lat2, double lon2);
/* Minutes to travel a straight-line distance by mode (x 1.3 detour). */
double lm__commute_minutes(double km, int mode);
/* The straight-line km reachable in minutes by mode. */
double lm__reach_km(double minutes, int mode);

/* ----------------------------------------------------------------- index */

/* No date. */
#define LM__NO_DAY INT32_MIN

/* Shifts as bits (lm__norm_shift's words). */
enum { LM__SHIFT_DAY = 1, LM__SHIFT_NIGHT = 2, LM__SHIFT_ROTATING = 4,
       LM__SHIFT_FLEXIBLE = 8, LM__SHIFT_PART_TIME = 16 };
int lm__shift_bit(const char *word); /* 0 for unknown */

/* Key groups of FORMAT.md as bits, in the vocabulary's order. */
int lm__group_bit(const char *word); /* 0 for a group not in it */

/* Occupation code "6-18-01-01" as up to four numbers. */
typedef struct lm__occ {
  uint8_t len; /* levels, 0 when none */
  uint8_t level[4];
} lm__occ;
int lm__occ_parse(const char *code, lm__occ *out); /* 0 on a bad code */
/* Levels the two codes share from the top. */
int lm__occ_shared(const lm__occ *a, const lm__occ *b);

/*
 * Compact features of a job and of a seeker: what filtering and scoring
 * read.  Ids of skills, certificates and industries are the index's
 * interned numbers (lm__vocab), arrays sorted ascending.
 */
typedef struct lm__jobf {
  const char *id;
  float lat, lon;
  uint8_t has_loc;
  uint8_t shift;   /* one LM__SHIFT_ bit, 0 none */
  uint8_t edu_min; /* lm__edu_rank + 1, 0 none */
  uint8_t age_min, age_max; /* 0 none */
  uint8_t exp_years;
  uint8_t negotiable;
  uint8_t closed;  /* removed: kept as a tombstone until compaction */
  lm__occ occ;
  uint16_t openings;
  uint16_t nreq, npref, ncerts;
  uint32_t industry; /* 0 none */
  uint32_t groups;   /* priority groups (lm__group_bit) */
  uint32_t district; /* six digits as a number, 0 none */
  int32_t sal_min, sal_max; /* CNY per month, -1 unknown */
  int32_t posted, expires, win_from, win_to; /* days or LM__NO_DAY */
  uint32_t *skills;  /* nreq required, then npref preferred */
  uint32_t *certs;
} lm__jobf;

typedef struct lm__seekerf {
  const char *id;
  float lat, lon;
  uint8_t has_loc;
  uint8_t edu;       /* lm__edu_rank + 1, 0 none */
  uint8_t exp_years;
  uint8_t mode;      /* LM__MODE_ */
  uint8_t pref_shifts; /* LM__SHIFT_ bits */
  uint8_t closed;
  uint16_t minutes;  /* mobility minutes, 0 none */
  uint16_t birth_year; /* 0 none */
  uint16_t nskills, ncerts, npref_ind, npref_occ;
  lm__occ occ;       /* experience occupation */
  uint32_t groups;   /* lm__group_bit of each known group */
  uint32_t district;
  int32_t sal_min;   /* -1 none */
  int32_t win_from, win_to, registered;
  uint32_t *skills;
  uint32_t *certs;
  uint32_t *pref_ind;
  lm__occ *pref_occ;
} lm__seekerf;

/* ----------------------------------------------------------------- score */

/* How one query scores: weights, today, overrides, relaxed filters, and
 * the skill rarity the index keeps (idf[skill id]). */
typedef struct lm__scorer {
  double weight[LM_C_COUNT_];
  int32_t today;
  int commute_minutes; /* > 0 overrides the seeker's */
  int commute_mode;    /* > 0 overrides the seeker's */
  unsigned int relax;
  const float *idf;
  size_t nidf;
} lm__scorer;

/* The default weight of each component (doc/SCORING.md). */
extern const double lm__default_weight[LM_C_COUNT_];

/* The LM_FILTER_ bits (less the relaxed ones) that exclude the pair. */
unsigned int lm__filter(const lm__scorer *sc, const lm__seekerf *s,
                        const lm__jobf *j);
/* The pair's score; part[c] gets each component's contribution (may be
 * NULL).  The same value whichever side asked. */
double lm__score(const lm__scorer *sc, const lm__seekerf *s,
                 const lm__jobf *j, double *part);

#endif /* LM_INTERNAL_H */
