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
 *   index (index.c)        features, postings, grid, vocabularies
 *   rank (rank.c)          exact top-k both ways, advice, refresh
 *   batch (batch.c, batch_algo.c, assign.c)  fairs: stable, optimal,
 *                          priority; the dense assignment
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

/* 1 when u[i..n) begins with a well-formed three-byte character of
 * U+1000..U+CFFF (lead bytes E1..EC): CJK and most of what a Chinese text
 * holds, never a surrogate or a noncharacter.  The validators' fast path. */
static inline int lm__utf8_is_cjk3(const unsigned char *u, size_t i,
                                   size_t n)
{
  return u[i] >= 0xE1 && u[i] <= 0xEC && i + 2 < n &&
         (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80;
}

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
/* lm__fold into buf (cap bytes) when the key fits there (len + len / 3 +
 * 5 bytes always do), else into a new string: free *out when it is not
 * buf.  For the hot paths, which fold short texts and drop the key. */
int lm__fold_to(const char *s, size_t len, char *buf, size_t cap,
                char **out);

/*
 * strtod, read by hand for plain decimals ("30.2003412", "-115.5", ".5"):
 * up to 15 significant digits and 22 decimals, the correctly rounded
 * double, whatever the locale.  Everything else (white space, exponents,
 * hex, inf, nan, longer numbers) goes to strtod itself, so the result and
 * *end are always strtod's in the C locale.  errno is set only by strtod.
 */
double lm__strtod(const char *s, char **end);

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

/* A mark on a dictionary, to forget the terms added after it without
 * loading the dictionary again (the fuzz targets: an engine that took a
 * term reads as it did before).  The mark borrows d's strings: it is
 * valid until d is freed, and d may go back to it any number of times.
 * lm__skilldict_rollback cannot fail; it needs the caller's exclusion. */
typedef struct lm__skillmark lm__skillmark;
int lm__skilldict_mark(const lm__skilldict *d, lm__skillmark **out);
void lm__skilldict_rollback(lm__skilldict *d, const lm__skillmark *m);
void lm__skillmark_free(lm__skillmark *m);

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

/* A block of the memory a record's strings live in (record.c). */
typedef struct lm__rchunk lm__rchunk;

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
  /* Every string above (values, list items, skill names) is a piece of
   * these blocks, freed with the record: a value costs no allocation of
   * its own.  `dropped` counts the bytes of values replaced since. */
  lm__rchunk *chunks;
  size_t dropped;
};

/* Bytes of the blocks r's strings are cut from (a test's measure). */
size_t lm__record_bytes_held(const lm_record *r);

/* Empties r and makes it a record of `kind` and `id`, as lm_record_new
 * would make one, keeping the memory it holds for the next values.
 * LM_OK, or LM_EINVAL (r unchanged). */
int lm__record_reuse(lm_record *r, lm_kind kind, const char *id);

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

/* Detaches r's skills (r then has none), to be added again canonical;
 * lm__skills_free frees what was taken. */
void lm__record_take_skills(lm_record *r, lm__rskill **skills, size_t *n);
void lm__skills_free(lm__rskill *skills, size_t n);

/* Whole-record checks after all fields are set (a job needs ...). */
int lm__record_validate(const lm_record *r);

/* A deep copy. */
int lm__record_clone(const lm_record *r, lm_record **out);

/* ------------------------------------------------------------------- xml */

/*
 * What the streaming reader hands over.  record() gets each complete
 * record, which it may change (the reader frees it after the call);
 * bad() gets each record that could not be read: its id (or NULL), line
 * and reason.  Either returns LM_OK to go on, or a code to stop the
 * reading with that code.
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
/* Pages the store's checkpointer thread has copied from the log into the
 * file (0 for a store without one: in memory, read-only); for tests.  The
 * log sizes that wake it and that make the writer checkpoint itself are
 * variables a test may lower (store.c). */
unsigned long lm__store_checkpointed(lm__store *s);
extern unsigned long lm__ckpt_pages;
extern unsigned long lm__ckpt_writer_pages;

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
/* As lm__store_foreach in storage order: faster, for reading everything. */
int lm__store_scan(lm__store *s, lm_kind kind,
                   int (*each)(void *ctx, const lm_record *r), void *ctx);

/* Skill terms added at run time. */
int lm__store_add_skill_term(lm__store *s, const char *canonical,
                             const char *alias);
int lm__store_foreach_skill_term(lm__store *s,
                                 int (*each)(void *ctx, const char *canonical,
                                             const char *alias),
                                 void *ctx);

/* The schema version this library writes (PRAGMA user_version). */
#define LM__SCHEMA_VERSION 2

/* PRAGMA data_version of the writing connection: it changes when another
 * connection (another process, another engine) commits.  A file store's
 * caller holds the engine's write lock. */
int lm__store_data_version(lm__store *s, long long *out);

/* ------------------------------------------------------------------- geo */

/* Commute modes (lm__norm_mode's words), in this order; 0 is unknown. */
enum { LM__MODE_NONE = 0, LM__MODE_WALK, LM__MODE_BIKE, LM__MODE_EBIKE,
       LM__MODE_BUS, LM__MODE_CAR };
/* The mode code of a mode word, or LM__MODE_NONE. */
int lm__mode_code(const char *word);
/* Speed in km/h (walk 5, bike 15, ebike 20, bus 20, car 35); an unknown
 * mode travels as LM__MODE_DEFAULT. */
double lm__mode_speed(int mode);
/* Great-circle distance in km (haversine, radius 6371.0088 km).  Cheap:
 * no libm call below about 630 km, so scoring may call it per pair; the
 * index, the filter and the explanations all measure with this one. */
double lm__distance_km(double lat1, double lon1, double lat2, double lon2);
/* Minutes to travel a straight-line distance by mode (x 1.3 detour). */
double lm__commute_minutes(double km, int mode);
/* The straight-line km reachable in minutes by mode. */
double lm__reach_km(double minutes, int mode);

/* A seeker who states no mobility is taken to accept 30 minutes; one who
 * states no mode, the bus (doc/SCORING.md). */
#define LM__MODE_DEFAULT LM__MODE_BUS
#define LM__MINUTES_DEFAULT 30

/* Key groups lm__group_bit knows: bits 1 << 0 .. 1 << (LM__NGROUPS - 1). */
#define LM__NGROUPS 9

/* ----------------------------------------------------------------- index */

/* No date. */
#define LM__NO_DAY INT32_MIN

/* Shifts as bits (lm__norm_shift's words). */
enum { LM__SHIFT_DAY = 1, LM__SHIFT_NIGHT = 2, LM__SHIFT_ROTATING = 4,
       LM__SHIFT_FLEXIBLE = 8, LM__SHIFT_PART_TIME = 16 };
int lm__shift_bit(const char *word); /* 0 for unknown */

/* Key groups of FORMAT.md as bits, in the vocabulary's order. */
int lm__group_bit(const char *word); /* 0 for a group not in it */
/* The word of group bit 1 << i; NULL outside 0 .. LM__NGROUPS - 1. */
const char *lm__group_word(int i);

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

/*
 * The index (index.c): features of every stored job and seeker by slot,
 * an id -> slot hash per kind, posting lists (skills, occupation
 * prefixes), a grid of LM__CELL_DEG-degree cells per kind, and the skill
 * rarities.  Not locked inside: the engine's rwlock lets queries share it
 * and gives a batch's apply to itself.  Only the vocabularies (names for
 * reasons, terms of ad-hoc profiles) may be read without that lock.
 */
typedef struct lm__index lm__index;

/* Vocabulary terms interned while the index holds nothing that names them
 * count from 1; ids at or above this are temporary, for the terms of an
 * ad-hoc profile that no stored record has (they match nothing). */
#define LM__TEMP_ID 0x80000000u
/* Side of a grid cell, degrees (about 1.1 km by 1 km at Huangshi). */
#define LM__CELL_DEG 0.01

/* A seeker in a grid cell: reach is the straight-line km the index's
 * reach function gave (rounded up to a float), minutes and mode as the
 * features have them, for queries that override the commute. */
typedef struct lm__sentry {
  uint32_t slot;
  float reach;
  uint16_t minutes;
  uint8_t mode;
} lm__sentry;

/* A box in degrees: a cell's bounds, or the area a query reads. */
typedef struct lm__box {
  double lat0, lat1, lon0, lon1;
} lm__box;

/* The km within which a seeker accepts work, INFINITY for no limit; the
 * index files seekers in cells sorted by it. */
typedef double (*lm__reach_fn)(const lm__seekerf *s);

int lm__index_new(lm__index **out, lm__reach_fn reach);
void lm__index_free(lm__index *ix);

/*
 * The features of a job or seeker record (prepared by the engine or read
 * from the store).  A record to index (stored = 1; jobs always) interns
 * its terms and takes its arrays and id from the index's pools: only the
 * writer may do that.  An ad-hoc profile (stored = 0) only looks terms up,
 * under the shared lock, and borrows the record's id.  Free what is not
 * handed to a batch with lm__index_drop_*.  LM_OK, LM_EINVAL, LM_ENOMEM.
 */
int lm__index_jobf(lm__index *ix, const lm_record *r, lm__jobf *out);
int lm__index_seekerf(lm__index *ix, const lm_record *r, int stored,
                      lm__seekerf *out);
void lm__index_drop_jobf(lm__index *ix, lm__jobf *f);
void lm__index_drop_seekerf(lm__index *ix, lm__seekerf *f, int stored);

/*
 * A batch: the writes of one committed transaction, kept aside (features
 * built, terms interned) until the commit, then applied at once.  Records
 * of other kinds are ignored.  A batch rolled back is cleared.
 */
typedef struct lm__ibatch lm__ibatch;
int lm__ibatch_new(lm__ibatch **out);
void lm__ibatch_free(lm__index *ix, lm__ibatch *b);
/* A prepared record: a put, or a removal when its status says so. */
int lm__ibatch_add(lm__index *ix, lm__ibatch *b, const lm_record *r);
int lm__ibatch_remove(lm__ibatch *b, lm_kind kind, const char *id);
void lm__ibatch_clear(lm__index *ix, lm__ibatch *b);
size_t lm__ibatch_size(const lm__ibatch *b);
/* Applies the batch in order (a put replaces the record of its id) and
 * empties it.  Needs the index to itself.  LM_OK, or LM_ENOMEM with the
 * index part-applied: rebuild it. */
int lm__index_apply(lm__index *ix, lm__ibatch *b);
/* Drops the last record added (it did not reach the store). */
void lm__ibatch_pop(lm__index *ix, lm__ibatch *b);
/* Building an index not yet shared, from the store: load each record,
 * then settle once (sorting cells once rather than per batch). */
int lm__index_load(lm__index *ix, const lm_record *r);
/* Room for n records of kind (jobs or seekers) before loading them, so
 * that the arrays and the id hash are not grown and copied on the way. */
int lm__index_reserve(lm__index *ix, lm_kind kind, size_t n);
int lm__index_settle(lm__index *ix);

/* Reads, under the shared lock. */
size_t lm__index_live(const lm__index *ix, lm_kind kind);
uint32_t lm__index_nslots(const lm__index *ix, lm_kind kind); /* bitsets */
const lm__jobf *lm__index_job(const lm__index *ix, uint32_t slot);
const lm__seekerf *lm__index_seeker(const lm__index *ix, uint32_t slot);
/* 1 and *slot when the live record of kind and id is there, else 0. */
int lm__index_find(const lm__index *ix, lm_kind kind, const char *id,
                   uint32_t *slot);
/* idf[skill id] = ln(1 + jobs / (1 + jobs listing the skill)). */
const float *lm__index_idf(const lm__index *ix, size_t *n);
/* The largest reach and stated minutes of a located seeker (they may be
 * stale high after removals, never low). */
double lm__index_max_reach(const lm__index *ix);
unsigned lm__index_max_minutes(const lm__index *ix);
/* A term's name (LM__VOCAB_*), or NULL for 0 and temporary ids; safe
 * from any thread. */
const char *lm__index_name(lm__index *ix, int vocab, uint32_t id);
/* The id of a term (folded), 0 when no record has it. */
uint32_t lm__index_lookup(lm__index *ix, int vocab, const char *text);

/*
 * Marks (bits, one per slot, zeroed by the caller) the records that share
 * something with the other side, which rank.c's bounds rely on:
 * the jobs listing one of the seeker's skills, every job naming no skill,
 * the jobs whose code shares its first two levels with the seeker's
 * experience or with a preferred prefix of two levels or more, and the
 * jobs under a one-level preferred prefix; for a job, the seekers holding
 * one of its skills and those the same rule marks the job for.
 */
void lm__index_mark_jobs(const lm__index *ix, const lm__seekerf *s,
                         uint64_t *bits);
void lm__index_mark_seekers(const lm__index *ix, const lm__jobf *j,
                            uint64_t *bits);

/*
 * The grid: calls each once per non-empty cell that meets box (box NULL:
 * every cell) with the cell's bounds and its records, then once with
 * bounds NULL for the records without a place (jobs without a location;
 * seekers without one or with an unlimited reach).  A seekers' cell is
 * sorted by reach, longest first.
 */
typedef void (*lm__jobs_fn)(void *ctx, const uint32_t *slot, size_t n,
                            const lm__box *bounds);
typedef void (*lm__seekers_fn)(void *ctx, const lm__sentry *e, size_t n,
                               const lm__box *bounds);
void lm__index_jobs_near(const lm__index *ix, const lm__box *box,
                         lm__jobs_fn each, void *ctx);
void lm__index_seekers_near(const lm__index *ix, const lm__box *box,
                            lm__seekers_fn each, void *ctx);

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

/* The LM_FILTER_ bits (less the relaxed ones) that exclude the pair.  A
 * removed record (closed) is LM_FILTER_CLOSED even when that is relaxed.
 * doc/SCORING.md gives every filter. */
unsigned int lm__filter(const lm__scorer *sc, const lm__seekerf *s,
                        const lm__jobf *j);
/* The pair's score; part[c] gets each component's contribution (may be
 * NULL).  The same value whichever side asked. */
double lm__score(const lm__scorer *sc, const lm__seekerf *s,
                 const lm__jobf *j, double *part);

/* Default weights, no overrides, nothing relaxed, no rarities (every
 * skill counts 1) for `today` (days, or LM__NO_DAY). */
void lm__scorer_init(lm__scorer *sc, int32_t today);

/*
 * lm__filter and lm__score in one pass, for the hot path: the distance is
 * measured once and an excluded pair is not scored.  Returns 0 when the
 * pair passes, with *score and part (may be NULL) bit for bit what
 * lm__score gives; otherwise some of the excluding bits (at least one,
 * not always all: lm__filter says all), and *score and part untouched.
 */
unsigned int lm__filter_score(const lm__scorer *sc, const lm__seekerf *s,
                              const lm__jobf *j, double *score, double *part);
/*
 * A job's date, age, education and salary filters under a scorer, and
 * its removal, as bounds a seeker must meet (lm__jgate_init): the gate
 * shuts exactly the pairs those exclude, for lm__filter_score_jobs to
 * pass over them at a glance.
 */
typedef struct lm__jgate {
  int32_t sal_max, age_lo, age_hi; /* pays at most; ages accepted */
  uint8_t edu_min, shut;           /* education asked; closed to all */
} lm__jgate;
void lm__jgate_init(const lm__scorer *sc, const lm__jobf *j, lm__jgate *g);

/*
 * lm__filter_score of the seeker s with each job jf[job[i]], i < n, for a
 * batch (a fair): the acceptable jobs go to ok[] (room for n, apart from
 * job[]) and their scores to score[], in the order given, and their
 * number is returned.  The same verdicts and the same doubles, with what
 * depends on the seeker alone worked out once.  gate[job[i]] is
 * lm__jgate_init of the job under sc.  bits (may be NULL) is scratch of
 * nbits bits, all 0, and 0 again on return: the seeker's skills are
 * looked up in it when they are all below nbits.
 */
size_t lm__filter_score_jobs(const lm__scorer *sc, const lm__seekerf *s,
                             const lm__jobf *const *jf,
                             const lm__jgate *gate, const uint32_t *job,
                             size_t n, uint64_t *bits, uint32_t nbits,
                             uint32_t *ok, double *score);

/*
 * The straight-line km beyond which COMMUTE excludes the seeker's pairs
 * under sc (its override or the seeker's minutes and mode, or the
 * defaults), padded against rounding: every pair the filter keeps has
 * lm__distance_km(seeker, job) <= this.  For the grid's candidate search.
 */
double lm__commute_reach_km(const lm__scorer *sc, const lm__seekerf *s);

/* Vocabularies an explanation asks the index to name ids of. */
enum { LM__VOCAB_SKILL = 0, LM__VOCAB_CERT = 1, LM__VOCAB_INDUSTRY = 2 };

/*
 * A short reason per component, in simplified Chinese with the values
 * ("技能 4/5：数控车床、CAD制图…", "通勤约12分钟（自行车）"), into
 * reason[c] (each reset first; "" when there is nothing to say or the
 * weight is 0).  name(ctx, vocab, id) gives a skill, certificate or
 * industry name (NULL: leave it out); name may be NULL.  part is the
 * pair's contributions from lm__score or NULL: the reasons are derived
 * from the features as the parts are, so they always agree.  Never any
 * personal data: the features hold none.  Off the hot path.
 * Returns LM_OK or LM_ENOMEM.
 */
int lm__explain(const lm__scorer *sc, const lm__seekerf *s, const lm__jobf *j,
                const double *part,
                const char *(*name)(void *ctx, int vocab, uint32_t id),
                void *ctx, lm__buf reason[LM_C_COUNT_]);
/* The non-empty reasons, one per line in component order, appended to
 * out: the text of a result.  LM_OK or LM_ENOMEM. */
int lm__explain_join(const lm__buf reason[LM_C_COUNT_], lm__buf *out);

/*
 * Why the LM_FILTER_ bits exclude the pair ("年龄 52 岁，超出 18–45；缺少
 * 证书：焊工证"), reasons joined by "；", into out (reset first).
 * LM_FILTER_QUERY gets a generic reason: rank.c knows the query's detail.
 * Returns LM_OK or LM_ENOMEM.
 */
int lm__explain_filters(const lm__scorer *sc, const lm__seekerf *s,
                        const lm__jobf *j, unsigned int bits,
                        const char *(*name)(void *ctx, int vocab,
                                            uint32_t id),
                        void *ctx, lm__buf *out);

/* ------------------------------------------------------------------ rank */

/* The reach the index files a seeker under: lm__commute_reach_km with no
 * override (the seeker's minutes and mode, or the defaults). */
double lm__rank_reach(const lm__seekerf *s);

/* ----------------------------------------------------------------- batch */

/* No partner, no rank. */
#define LM__NONE UINT32_MAX

/*
 * A two-sided instance over integers (batch_algo.c): the a side (seekers,
 * residents, men) 0..na-1 and the b side (jobs, hospitals, women)
 * 0..nb-1 with capacities.  Each side's preference lists, best first, as
 * CSR: x's list is to[off[x] .. off[x + 1]).  A pair is acceptable when
 * each lists the other; a list holds no b (or a) twice.
 */
typedef struct lm__bi {
  uint32_t na, nb;
  const uint32_t *cap; /* nb places */
  const uint32_t *a_off, *a_to;
  const uint32_t *b_off, *b_to;
} lm__bi;

/* Progress, fraction 0..1, called about every 1% of the work; a non-zero
 * return stops the work with LM_ECANCELED.  May be NULL. */
typedef int (*lm__tick_fn)(void *ctx, double fraction);

/* Deferred acceptance proposed by the a side (the a-optimal stable
 * matching) or by the b side (the b-optimal one): match[a] is a's b or
 * LM__NONE.  LM_OK, LM_ENOMEM, LM_ECANCELED. */
int lm__stable_a(const lm__bi *in, uint32_t *match, lm__tick_fn tick,
                 void *ctx);
int lm__stable_b(const lm__bi *in, uint32_t *match, lm__tick_fn tick,
                 void *ctx);
/* The number of blocking pairs of match (acceptable pairs whose a prefers
 * the b to its partner, or has none, and whose b has a free place or
 * prefers the a to its worst partner). */
int lm__blocking_pairs(const lm__bi *in, const uint32_t *match,
                       size_t *count);

/*
 * A maximum-weight b-matching over the a lists (the b lists are not read):
 * each a matched at most once, each b at most cap[b] times, w[e] >= 0 the
 * weight of a-list entry e.  Exact (integers).  match as above; *total the
 * weight; u[na] and v[nb] (either may be NULL) the LP duals certifying it:
 * u, v >= 0, u[a] + v[b] >= w on every edge and = on the matched ones,
 * u[a] = 0 for an unmatched a, v[b] = 0 for a b with a free place; so
 * sum u + sum cap v = total.  LM_OK, LM_EINVAL, LM_ENOMEM, LM_ECANCELED.
 */
int lm__bmatch(const lm__bi *in, const int64_t *w, uint32_t *match,
               int64_t *u, int64_t *v, int64_t *total, lm__tick_fn tick,
               void *ctx);

/* The scorer lm_rank_jobs builds from q (NULL: the defaults) on ix: the
 * same weights, today, overrides and relaxed filters (rank.c). */
int lm__rank_scorer(lm__index *ix, const lm_query *q, lm__scorer *sc);

#endif /* LM_INTERNAL_H */
