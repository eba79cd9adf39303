/*
 * libmatch.h: index job postings and jobseeker profiles, rank matches.
 *
 * This header is the manual.  Read it top to bottom once.
 *
 * THREADS.  One lm_engine is shared by all the threads of a portal.  Every
 * function taking an lm_engine may be called from any thread at any time:
 * reads (lm_engine_get, lm_engine_count, exports) run concurrently, writes
 * (ingest, put, remove, skill terms) are serialised inside the engine, and
 * a read never sees half of a write.  lm_record and lm_report objects are
 * not shared: each belongs to the thread that holds it.  lm_errmsg() is
 * per thread: it tells the calling thread about its own last failure.
 * An engine on a file, opened for writing, runs one thread of its own
 * that copies committed writes from SQLite's log into the file, so that
 * no write waits for those disk syncs; lm_engine_close ends it.
 *
 * ERRORS.  Every function that can fail returns an int: LM_OK (0) or a
 * negative LM_E... code.  lm_strerror(code) gives the fixed text of the
 * code; lm_errmsg(e) the detail of this thread's last failure.  The library
 * never prints, never aborts and never exits.  Personal data (phone and ID
 * numbers) never appears in a message.
 *
 * OWNERSHIP.  Inputs are copied.  An object returned through `**out` is
 * the caller's and is freed with its lm_<type>_free (or _close).  A
 * returned `const char *` is borrowed from its parent object and is valid
 * until that object changes or is freed.  A constructor that fails leaves
 * `*out` NULL.
 *
 * This header is C89-clean, but for <stdint.h> (int64_t, for
 * lm_assign_solve), which every C compiler in use ships.
 */
#ifndef LIBMATCH_H
#define LIBMATCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LM_BUILDING) && defined(__GNUC__) && __GNUC__ >= 4
#define LM_EXTERN extern __attribute__((visibility("default")))
#else
#define LM_EXTERN extern
#endif

/* ---------------------------------------------------------------- version */

#define LM_VERSION_MAJOR 0
#define LM_VERSION_MINOR 1
#define LM_VERSION_PATCH 0
#define LM_VERSION_STRING "0.1.0"
/** major * 10000 + minor * 100 + patch, as lm_version_number() returns. */
#define LM_VERSION_NUMBER                                                    \
  (LM_VERSION_MAJOR * 10000 + LM_VERSION_MINOR * 100 + LM_VERSION_PATCH)

/** The run-time library's version string, "MAJOR.MINOR.PATCH"; static. */
LM_EXTERN const char *lm_version(void);
/** The run-time library's LM_VERSION_NUMBER. */
LM_EXTERN int lm_version_number(void);

/* ----------------------------------------------------------------- errors */

enum {
  LM_OK = 0,
  LM_ERROR = -1,     /* anything else: an I/O error, a broken invariant */
  LM_ENOMEM = -2,    /* out of memory; nothing was changed */
  LM_EINVAL = -3,    /* a bad argument or a record that fails validation */
  LM_ENOTFOUND = -4, /* no record with that kind and id */
  LM_EPARSE = -5,    /* the document (or a record in it) cannot be read */
  LM_EDB = -6,       /* the database failed (busy, corrupt, read-only) */
  LM_ECANCELED = -7  /* a progress callback asked to stop; nothing changed */
};

/** Fixed English text for an LM_E... code; never NULL; static. */
LM_EXTERN const char *lm_strerror(int code);

struct lm_engine;
/**
 * The detail of the calling thread's last failure in libmatch ("line 12:
 * job J7: bad <salary> '五千八'"); "" if there was none.  Borrowed until the
 * thread's next libmatch call.  `e` may be NULL (a failed lm_engine_open).
 */
LM_EXTERN const char *lm_errmsg(const struct lm_engine *e);

/** Frees memory that libmatch returned to the caller as a plain buffer. */
LM_EXTERN void lm_free(void *p);

/* ----------------------------------------------------------------- limits */

/*
 * What one record and one document may hold: far above what a posting or
 * a profile needs, low enough that one untrusted record costs bounded
 * memory and time.  Going over is an error whose message names the limit
 * (by the macro's name) and, in a document, the record's id and line:
 * lm_record_set, lm_record_add_skill and lm_engine_put return LM_EINVAL;
 * an ingest rejects the record (LM_EINVAL in the report) and goes on,
 * except for LM_MAX_RECORDS and LM_MAX_DEPTH, which stop the reading
 * with LM_EPARSE.  doc/SECURITY.md says why each is what it is.
 */
#define LM_MAX_ID_BYTES 64         /* bytes of a record id */
#define LM_MAX_FIELD_BYTES 65536   /* bytes of one field's text (after
                                      trimming), one list item included */
#define LM_MAX_LIST_ITEMS 64       /* items of one list field */
#define LM_MAX_SKILLS 128          /* skills of one record, named in
                                      <skill> and found in its text */
#define LM_MAX_SKILL_BYTES 256     /* bytes of one skill's name */
#define LM_MAX_RECORD_BYTES 1048576 /* bytes of one record's values: the
                                      text of its fields and list items
                                      and its skill names, together */
#define LM_MAX_RECORDS 10000000    /* records (children of <libmatch>) in
                                      one document, bad ones included */
#define LM_MAX_DEPTH 64            /* levels of XML elements, the root
                                      being one */

/*
 * What lm_assign_solve takes, so that every price, path length and total
 * it computes, and a caller's sum of its prices, fit in int64_t (going
 * over is LM_EINVAL, the message naming the row and column of the cost).
 */
#define LM_MAX_ASSIGN_COST ((int64_t)1 << 40) /* |cost| of one pair,
                                      1,099,511,627,776 */
#define LM_MAX_ASSIGN_SIDE 1048576 /* rows or columns, whichever are
                                      fewer (2^20) */

/* ------------------------------------------------------------- the engine */

/**
 * lm_engine: an open store (a SQLite file, the source of truth) with its
 * skills dictionary.  Open with lm_engine_open, close with lm_engine_close.
 */
typedef struct lm_engine lm_engine;

#define LM_OPTIONS_VERSION 1

/** Open the store read-only: ingest, put and remove fail with LM_EINVAL. */
#define LM_OPEN_READONLY 0x1u
/**
 * Build the ranking index at the first query (or lm_engine_refresh)
 * instead of at open, and do not maintain it for writes made before
 * then.  For bulk loaders: the open is immediate, each write is cheaper,
 * and an ingest's memory stays flat whatever the size of the store.
 * Queries give the same answers; the first one waits for the build.
 */
#define LM_OPEN_LAZY_INDEX 0x2u

/**
 * Options for lm_engine_open.  Start from LM_OPTIONS_INIT or
 * lm_options_init() so that fields added later get their defaults.
 */
typedef struct lm_options {
  unsigned int version;    /* LM_OPTIONS_VERSION */
  unsigned int flags;      /* LM_OPEN_... */
  const char *skills_path; /* skills dictionary file; NULL: the installed one
                              (or $LIBMATCH_SKILLS when set) */
  int busy_timeout_ms;     /* wait this long for another process's lock */
  unsigned int batch_size; /* records per transaction when ingesting */
} lm_options;

#define LM_OPTIONS_INIT { LM_OPTIONS_VERSION, 0u, NULL, 5000, 10000u }

/**
 * Fills *opts with the defaults for `version` (pass LM_OPTIONS_VERSION).
 * Returns LM_EINVAL for a version this library does not know.
 */
LM_EXTERN int lm_options_init(lm_options *opts, unsigned int version);

/**
 * Opens (creating if missing) the store at `path`, a file name or
 * ":memory:".  An older schema is migrated.  `opts` may be NULL for the
 * defaults.  On success *out is the caller's, closed with lm_engine_close;
 * on failure *out is NULL and lm_errmsg(NULL) says why.
 * Returns LM_OK, LM_EINVAL, LM_ENOMEM or LM_EDB.
 */
LM_EXTERN int lm_engine_open(lm_engine **out, const char *path,
                             const lm_options *opts);

/** Closes the engine and frees it.  NULL is a no-op.  No call may be under
 * way on `e` in another thread. */
LM_EXTERN void lm_engine_close(lm_engine *e);

/* ---------------------------------------------------------------- records */

/** Record kinds, as the elements of FORMAT.md. */
typedef enum lm_kind {
  LM_JOB = 1,
  LM_SEEKER = 2,
  LM_EMPLOYER = 3,
  LM_SERVICE_POINT = 4,
  LM_COMMUNITY = 5
} lm_kind;

/**
 * Fields of a record, named after FORMAT.md.  Each field holds text, a
 * number or a list; lm_record_set takes the text form of any of them
 * (numbers as decimal text, dates as YYYY-MM-DD or Chinese forms, free-text
 * salary and age which are normalised).  List fields (marked [list]) append
 * one item per call.
 */
typedef enum lm_field {
  LM_F_STATUS = 1,       /* "open"; "closed"/"withdrawn" mark a removal */
  LM_F_NAME,             /* <title> of a job, <name> of the others */
  LM_F_EMPLOYER,         /* job: the employer's id */
  LM_F_OPENINGS,         /* job: number of openings (>= 1; default 1) */
  LM_F_POSTED,           /* job: date posted */
  LM_F_EXPIRES,          /* job: date the posting expires */
  LM_F_REGISTERED,       /* seeker: date registered */
  LM_F_OCCUPATION,       /* job: occupation code "6-18-01-01" */
  LM_F_INDUSTRY,         /* job */
  LM_F_LAT,              /* location, degrees */
  LM_F_LON,              /* location, degrees */
  LM_F_DISTRICT,         /* six-digit administrative division code */
  LM_F_ADDRESS,          /* text of <location> */
  LM_F_SALARY,           /* free text ("5千-8千元/月", "面議"), normalised */
  LM_F_SALARY_MIN,       /* CNY per month */
  LM_F_SALARY_MAX,       /* CNY per month (job) */
  LM_F_NEGOTIABLE,       /* "1" when the salary is negotiable (面議) */
  LM_F_SHIFT,            /* day | night | rotating | flexible | part-time */
  LM_F_WINDOW_FROM,      /* date */
  LM_F_WINDOW_TO,        /* date */
  LM_F_EDUCATION,        /* job: minimum; seeker: level.  Vocabulary word
                            or Chinese (本科, 中專, ...) */
  LM_F_MAJOR,            /* seeker */
  LM_F_AGE,              /* job: free text "18至45周歲", normalised */
  LM_F_AGE_MIN,          /* job */
  LM_F_AGE_MAX,          /* job */
  LM_F_BIRTH_YEAR,       /* seeker */
  LM_F_EXPERIENCE_YEARS, /* job: required; seeker: has */
  LM_F_EXPERIENCE_OCCUPATION, /* seeker: occupation code of experience */
  LM_F_MOBILITY_MINUTES, /* seeker */
  LM_F_MOBILITY_MODE,    /* seeker: walk | bike | ebike | bus | car */
  LM_F_TEXT,             /* requirements <text> (job) or <text> (seeker) */
  LM_F_DESCRIPTION,      /* job */
  LM_F_PHONE,            /* seeker: personal data, never in messages */
  LM_F_ID_NUMBER,        /* seeker: personal data, never in messages */
  LM_F_ALLIANCE,         /* employer: alliance name */
  LM_F_POINT_KIND,       /* service point: station | gig-market | training |
                            fair-venue */
  LM_F_POPULATION,       /* community */
  LM_F_GROUP,            /* [list] seeker: key group (unknown ones kept) */
  LM_F_CERTIFICATE,      /* [list] job: required; seeker: held */
  LM_F_PRIORITY_GROUP,   /* [list] job: group the post favours */
  LM_F_PREF_OCCUPATION,  /* [list] seeker: preferred occupation code prefix */
  LM_F_PREF_INDUSTRY,    /* [list] seeker */
  LM_F_PREF_SHIFT,       /* [list] seeker */
  LM_F_COUNT_            /* not a field: one past the last */
} lm_field;

/** Skill levels: on a job required or preferred; on a seeker, held. */
typedef enum lm_skill_level {
  LM_SKILL_HELD = 0,
  LM_SKILL_REQUIRED = 1,
  LM_SKILL_PREFERRED = 2
} lm_skill_level;

/** Where a skill was found: bits of lm_skill.found_in. */
#define LM_FOUND_SKILL 0x1u       /* a <skill> element */
#define LM_FOUND_TEXT 0x2u        /* <text> */
#define LM_FOUND_DESCRIPTION 0x4u /* <description> */
#define LM_FOUND_TITLE 0x8u       /* <title> */

/** A skill of a record, as lm_record_skill reports it (strings borrowed). */
typedef struct lm_skill {
  const char *name;      /* as written in <skill>, or the dictionary's term */
  const char *canonical; /* the dictionary's canonical term, or the name
                            folded when the dictionary does not know it */
  int level;             /* lm_skill_level */
  int years;             /* seeker: years of use; -1 unknown */
  unsigned int found_in; /* LM_FOUND_... bits */
} lm_skill;

/**
 * lm_record: one job, seeker, employer, service point or community, built
 * by a portal field by field (lm_record_new, lm_record_set, lm_engine_put)
 * or read back from the store (lm_engine_get).  Free with lm_record_free.
 */
typedef struct lm_record lm_record;

/**
 * Creates an empty record of `kind` with `id` (1-64 printable bytes, no
 * white space).  *out is the caller's, freed with lm_record_free.
 * Returns LM_OK, LM_EINVAL (bad kind or id) or LM_ENOMEM.
 */
LM_EXTERN int lm_record_new(lm_record **out, lm_kind kind, const char *id);

/** Frees a record.  NULL is a no-op. */
LM_EXTERN void lm_record_free(lm_record *r);

/**
 * Sets field `f` from its text form (a list field gets one more item).
 * `value` is copied; NULL clears a scalar field or empties a list.
 * Returns LM_OK, LM_EINVAL (a field this kind does not have, a value
 * that cannot be read: the message says which) or LM_ENOMEM.
 */
LM_EXTERN int lm_record_set(lm_record *r, lm_field f, const char *value);

/**
 * Adds a skill (level: lm_skill_level; years: -1 when unknown).
 * Returns LM_OK, LM_EINVAL or LM_ENOMEM.
 */
LM_EXTERN int lm_record_add_skill(lm_record *r, const char *name, int level,
                                  int years);

/** The record's kind. */
LM_EXTERN lm_kind lm_record_kind(const lm_record *r);
/** The record's id; borrowed. */
LM_EXTERN const char *lm_record_id(const lm_record *r);

/**
 * The text form of a scalar field (numbers in decimal, dates YYYY-MM-DD,
 * salaries per month), or NULL when unset.  Borrowed until the record
 * changes or is freed.
 */
LM_EXTERN const char *lm_record_get(const lm_record *r, lm_field f);

/**
 * A numeric field's value (dates: days since 1970-01-01).  Returns LM_OK,
 * LM_ENOTFOUND when unset, LM_EINVAL for a field that is not numeric.
 */
LM_EXTERN int lm_record_number(const lm_record *r, lm_field f, double *out);

/** How many items a list field holds (0 for a scalar field). */
LM_EXTERN size_t lm_record_count(const lm_record *r, lm_field f);
/** Item `i` of a list field, or NULL past the end; borrowed. */
LM_EXTERN const char *lm_record_item(const lm_record *r, lm_field f,
                                     size_t i);

/** How many skills the record has, named and found in its text. */
LM_EXTERN size_t lm_record_skill_count(const lm_record *r);
/** Skill `i` into *out (strings borrowed).  LM_OK or LM_EINVAL. */
LM_EXTERN int lm_record_skill(const lm_record *r, size_t i, lm_skill *out);

/* ----------------------------------------------------------------- writes */

/**
 * Validates `r`, finds skills in its free text, and stores it (replacing
 * the record of the same kind and id) in one transaction.  A record whose
 * status is closed/withdrawn removes the stored one instead.  `r` is not
 * consumed.  Returns LM_OK, LM_EINVAL (validation: the message names the
 * field), LM_ENOMEM or LM_EDB; on failure the store is unchanged.
 */
LM_EXTERN int lm_engine_put(lm_engine *e, const lm_record *r);

/** Removes a record.  Returns LM_OK, LM_ENOTFOUND or LM_EDB. */
LM_EXTERN int lm_engine_remove(lm_engine *e, lm_kind kind, const char *id);

/**
 * Reads a stored record.  *out is the caller's (lm_record_free).
 * Returns LM_OK, LM_ENOTFOUND, LM_ENOMEM or LM_EDB.
 */
LM_EXTERN int lm_engine_get(lm_engine *e, lm_kind kind, const char *id,
                            lm_record **out);

/** Number of stored records of `kind` into *out.  LM_OK or LM_EDB. */
LM_EXTERN int lm_engine_count(lm_engine *e, lm_kind kind, size_t *out);

/**
 * Adds a skills-dictionary term at run time: `alias` (any script or
 * width) is read as the skill `canonical`; alias NULL adds `canonical`
 * alone.  Kept in the store, so it survives reopening.  Records stored
 * before the call keep the skills they were given.
 * Returns LM_OK, LM_EINVAL, LM_ENOMEM or LM_EDB.
 */
LM_EXTERN int lm_engine_add_skill_term(lm_engine *e, const char *canonical,
                                       const char *alias);

/**
 * The canonical skill for `text` (a term or synonym, any script or width)
 * into *out, borrowed until the engine is closed.  LM_OK or LM_ENOTFOUND.
 */
LM_EXTERN int lm_engine_skill_lookup(lm_engine *e, const char *text,
                                     const char **out);

/* ----------------------------------------------------------------- ingest */

/**
 * lm_report: what one ingest did.  Make one with lm_report_new, pass it to
 * any number of ingests (counts add up), free it with lm_report_free.
 */
typedef struct lm_report lm_report;

/** Creates an empty report; *out is the caller's.  LM_OK or LM_ENOMEM. */
LM_EXTERN int lm_report_new(lm_report **out);
/** Frees a report.  NULL is a no-op. */
LM_EXTERN void lm_report_free(lm_report *r);

/** Counts kept by a report. */
typedef enum lm_count {
  LM_COUNT_ADDED = 0,    /* new records stored */
  LM_COUNT_REPLACED = 1, /* records that replaced one with the same id */
  LM_COUNT_REMOVED = 2,  /* records removed by status closed/withdrawn */
  LM_COUNT_REJECTED = 3  /* records not stored because of an error */
} lm_count;

/** One of the report's counts. */
LM_EXTERN size_t lm_report_count(const lm_report *r, lm_count which);
/** Number of errors the report holds. */
LM_EXTERN size_t lm_report_error_count(const lm_report *r);
/**
 * Error `i`: *record_id (NULL where no id was known), *line (0 where no
 * line), *reason; each out pointer may be NULL.  Strings are borrowed.
 * Returns the error's LM_E... code, or LM_EINVAL when i is out of range.
 */
LM_EXTERN int lm_report_error(const lm_report *r, size_t i,
                              const char **record_id, long *line,
                              const char **reason);

/** All or nothing: any error rolls the whole ingest back. */
#define LM_INGEST_ALL_OR_NOTHING 0x1u

/**
 * Reads a FORMAT.md document from the file `path`, streaming, and stores
 * its records.  By default a bad record is reported and skipped and the
 * rest are kept; with LM_INGEST_ALL_OR_NOTHING the first error rolls the
 * ingest back and the store is as it was.  A malformed document stops the
 * reading where it breaks (records before it are kept, unless all or
 * nothing).  DTDs, external entities and the network are never read.
 * `report` (may be NULL) gets the counts and errors.
 * Returns LM_OK when the whole document was read (bad records skipped are
 * in the report), LM_EPARSE when the document is malformed or, all or
 * nothing, has a bad record; LM_EINVAL, LM_ENOMEM, LM_EDB.
 */
LM_EXTERN int lm_engine_ingest_file(lm_engine *e, const char *path,
                                    unsigned int flags, lm_report *report);

/** As lm_engine_ingest_file, from `len` bytes at `buf` (copied as read). */
LM_EXTERN int lm_engine_ingest_buffer(lm_engine *e, const char *buf,
                                      size_t len, unsigned int flags,
                                      lm_report *report);

/* ----------------------------------------------------------------- export */

/** Include personal data (<contact>) in exports; off by default. */
#define LM_EXPORT_PERSONAL 0x1u

/**
 * Writes every stored record to `path` as a FORMAT.md document, in a fixed
 * order (employers, jobs, seekers, service points, communities; each by
 * id).  Ingesting the output gives back the same store.
 * Returns LM_OK, LM_ERROR (cannot write the file), LM_ENOMEM or LM_EDB.
 */
LM_EXTERN int lm_engine_export_file(lm_engine *e, const char *path,
                                    unsigned int flags);

/**
 * As lm_engine_export_file, into a new NUL-terminated buffer *out of *len
 * bytes (len may be NULL); the caller frees it with lm_free.
 */
LM_EXTERN int lm_engine_export_buffer(lm_engine *e, unsigned int flags,
                                      char **out, size_t *len);

/* ---------------------------------------------------------------- ranking */

/*
 * Ranking answers "which jobs suit this jobseeker?" and "which jobseekers
 * suit this posting?" from an in-memory index that is rebuilt from the
 * store at open and kept in step with every committed write.  Results are
 * exact (the true top k of the scoring model under the query's filters),
 * deterministic (ties broken by id) and explained.  doc/SCORING.md gives
 * the model: every hard filter, every weight and why.
 */

/** Score components.  Each result carries every component's contribution
 * (weight x fit); they sum to the score. */
typedef enum lm_component {
  LM_C_SKILLS = 0,  /* required skills covered (by rarity), preferred ones */
  LM_C_OCCUPATION,  /* shared prefix of the occupation codes */
  LM_C_COMMUTE,     /* commute minutes against the limit */
  LM_C_SALARY,      /* pay against the seeker's minimum */
  LM_C_EDUCATION,   /* education and experience against the requirement */
  LM_C_PREFERENCE,  /* the seeker's stated occupation, industry, shift */
  LM_C_WINDOW,      /* overlap of the time windows */
  LM_C_PRIORITY,    /* a post favouring one of the seeker's key groups */
  LM_C_FRESHNESS,   /* how recently the job was posted */
  LM_C_COUNT_       /* not a component: how many there are */
} lm_component;

/* Hard filters, as bits: to relax them (lm_query.relax) and to say which
 * excluded a pair (lm_results_filters). */
#define LM_FILTER_CLOSED 0x01u      /* job expired, or not yet posted */
#define LM_FILTER_AGE 0x02u         /* seeker's age outside the job's range */
#define LM_FILTER_EDUCATION 0x04u   /* education below the job's minimum */
#define LM_FILTER_CERTIFICATE 0x08u /* a required certificate missing */
#define LM_FILTER_COMMUTE 0x10u     /* beyond the seeker's mobility minutes */
#define LM_FILTER_SALARY 0x20u      /* job's maximum below seeker's minimum */
#define LM_FILTER_WINDOW 0x40u      /* time windows do not overlap */
#define LM_FILTER_QUERY 0x80u       /* the query's own filters (district...) */

#define LM_QUERY_VERSION 1

/**
 * What to rank and how.  Start from LM_QUERY_INIT or lm_query_init().
 * Strings are borrowed for the call.  A filter left NULL or 0 filters
 * nothing.  The record filters apply to the records being ranked (jobs
 * for lm_rank_jobs, seekers for lm_rank_seekers) where the field exists.
 */
typedef struct lm_query {
  unsigned int version; /* LM_QUERY_VERSION */
  unsigned int k;       /* how many results; 0 means 10 */
  const char *today;    /* "YYYY-MM-DD" for expiry and freshness; NULL:
                           the current date */
  const char *district;          /* six-digit code */
  const char *industry;          /* a job's industry */
  const char *occupation_prefix; /* a job's occupation code starts with */
  const char *shift;             /* a job's shift */
  long salary_floor;             /* a job pays at least this per month */
  const char *reserved_group;    /* only posts favouring this group ("*":
                                    any group) */
  const char *window_from;       /* only records available over */
  const char *window_to;         /* this window */
  int commute_minutes;           /* overrides the seeker's minutes */
  const char *commute_mode;      /* overrides the seeker's mode */
  unsigned int relax;            /* LM_FILTER_... bits switched off */
  double weights[LM_C_COUNT_];   /* < 0: the default weight */
} lm_query;

#define LM_QUERY_INIT                                                        \
  { LM_QUERY_VERSION, 10u, NULL, NULL, NULL, NULL, NULL, 0L, NULL, NULL,   \
    NULL, 0, NULL, 0u, { -1, -1, -1, -1, -1, -1, -1, -1, -1 } }

/** Fills *q with the defaults for `version`.  LM_OK or LM_EINVAL. */
LM_EXTERN int lm_query_init(lm_query *q, unsigned int version);

/**
 * lm_results: ranked matches with their explanations.  Free with
 * lm_results_free.  Belongs to the thread that got it.
 */
typedef struct lm_results lm_results;

/**
 * The top q->k jobs for the stored seeker `seeker_id` (q may be NULL).
 * *out is the caller's (lm_results_free).  Returns LM_OK, LM_ENOTFOUND,
 * LM_EINVAL (a bad query: the message says which field) or LM_ENOMEM.
 */
LM_EXTERN int lm_rank_jobs(lm_engine *e, const char *seeker_id,
                           const lm_query *q, lm_results **out);

/**
 * The top q->k seekers for the stored job `job_id`; as lm_rank_jobs.  A
 * post that favours key groups (LM_F_PRIORITY_GROUP) lists their members
 * first, then the others, each in score order, unless the query weighs
 * LM_C_PRIORITY at 0 (doc/SCORING.md).
 */
LM_EXTERN int lm_rank_seekers(lm_engine *e, const char *job_id,
                              const lm_query *q, lm_results **out);

/**
 * The top q->k jobs for a seeker profile that is not stored (a walk-in at
 * a service counter): `profile` is an LM_SEEKER record built with
 * lm_record_new and lm_record_set; it is not stored.  As lm_rank_jobs.
 */
LM_EXTERN int lm_rank_jobs_for_profile(lm_engine *e, const lm_record *profile,
                                       const lm_query *q, lm_results **out);

/**
 * One pair explained, whether or not it passes the hard filters: *out
 * holds one result whose lm_results_filters says which filters exclude it
 * (0 when none) and whose components give its score.
 */
LM_EXTERN int lm_explain(lm_engine *e, const char *seeker_id,
                         const char *job_id, const lm_query *q,
                         lm_results **out);

/** Number of results. */
LM_EXTERN size_t lm_results_count(const lm_results *r);
/** Result i's record id; borrowed.  NULL past the end. */
LM_EXTERN const char *lm_results_id(const lm_results *r, size_t i);
/** Result i's score, 0 to 100 with the default weights. */
LM_EXTERN double lm_results_score(const lm_results *r, size_t i);
/** Component c's contribution to result i's score. */
LM_EXTERN double lm_results_component(const lm_results *r, size_t i,
                                      lm_component c);
/** Component c's reason for result i, in Chinese with the values
 * ("通勤約12分鐘（自行車）"); "" when it has nothing to say.  Borrowed. */
LM_EXTERN const char *lm_results_reason(const lm_results *r, size_t i,
                                        lm_component c);
/** All of result i's reasons, one per line; borrowed. */
LM_EXTERN const char *lm_results_text(const lm_results *r, size_t i);
/** The hard filters excluding result i (only lm_explain gives any). */
LM_EXTERN unsigned int lm_results_filters(const lm_results *r, size_t i);
/** Why those filters exclude it, in Chinese with the values; borrowed. */
LM_EXTERN const char *lm_results_filter_reason(const lm_results *r,
                                               size_t i);
/** Frees results.  NULL is a no-op. */
LM_EXTERN void lm_results_free(lm_results *r);

/**
 * lm_advice: for a seeker, the skills and certificates that would unlock
 * the most additional jobs within reach (retraining paths).
 */
typedef struct lm_advice lm_advice;

/** Advice kinds. */
#define LM_ADVICE_SKILL 1
#define LM_ADVICE_CERTIFICATE 2

/**
 * Gap advice for the stored seeker `seeker_id` under q (may be NULL): up
 * to q->k items, most jobs unlocked first.  *out is the caller's
 * (lm_advice_free).  LM_OK, LM_ENOTFOUND, LM_EINVAL, LM_ENOMEM.
 */
LM_EXTERN int lm_advise(lm_engine *e, const char *seeker_id,
                        const lm_query *q, lm_advice **out);
/** Number of items. */
LM_EXTERN size_t lm_advice_count(const lm_advice *a);
/** Item i: the skill or certificate (borrowed), NULL past the end. */
LM_EXTERN const char *lm_advice_item(const lm_advice *a, size_t i);
/** Item i's kind: LM_ADVICE_SKILL or LM_ADVICE_CERTIFICATE. */
LM_EXTERN int lm_advice_kind(const lm_advice *a, size_t i);
/** How many more jobs within reach item i would unlock. */
LM_EXTERN size_t lm_advice_jobs(const lm_advice *a, size_t i);
/** Frees advice.  NULL is a no-op. */
LM_EXTERN void lm_advice_free(lm_advice *a);

/* --------------------------------------------------------------- browsing */

/*
 * Browsing reads the store as it is, for programs that look at the data
 * as a whole (coverage maps, reports) rather than rank it, and measures
 * commutes with the model the ranking uses, so that what they show agrees
 * with what lm_rank_jobs keeps.
 */

/**
 * Calls each(ctx, r) once for every stored record of `kind`, in id order
 * (byte order), all from one snapshot of the store: a write committed
 * meanwhile, by this thread or another, is not seen.  `r` is borrowed for
 * the call only (copy what you keep).  `each` may call lm_engine_get and
 * lm_engine_count on `e`, but must not write to it nor start another
 * lm_engine_foreach; other threads may use `e` as usual.  A non-zero
 * return from `each` stops the walk and is returned as it is.
 * Returns LM_OK, LM_EINVAL (bad kind, NULL e or each), LM_ENOMEM, LM_EDB,
 * or what `each` returned.
 */
LM_EXTERN int lm_engine_foreach(lm_engine *e, lm_kind kind,
                                int (*each)(void *ctx, const lm_record *r),
                                void *ctx);

/**
 * The commute in minutes from (lat1, lon1) to (lat2, lon2), in degrees,
 * by `mode` ("walk", "bike", "ebike", "bus", "car", or a Chinese word
 * such as 步行 or 电动车; NULL: the bus, as for a seeker who names none)
 * into *out: the model of doc/SCORING.md (the great-circle distance x 1.3
 * at the mode's speed), computed by the functions the ranking uses.  (The
 * ranking holds coordinates in single precision, so its figure for a pair
 * may differ from this one in the last digits.)
 * Needs no engine; any thread.  Returns LM_OK or LM_EINVAL (an unknown
 * mode, a coordinate out of range or NaN, out NULL; *out is NaN then).
 */
LM_EXTERN int lm_commute_minutes(const char *mode, double lat1, double lon1,
                                 double lat2, double lon2, double *out);

/**
 * The key under which the library compares a text (an industry, a skill):
 * half width, simplified script, ASCII lower case, runs of white space as
 * one space, trimmed; so "智能製造" and "智能制造" have one key.  For
 * grouping records by a field as the ranking does.  *out is a new string,
 * the caller frees it with lm_free; NULL on failure.  Any thread.
 * Returns LM_OK, LM_EINVAL (NULL argument, text not UTF-8) or LM_ENOMEM.
 */
LM_EXTERN int lm_text_fold(char **out, const char *text);

/**
 * Makes another process's committed writes visible to this engine's
 * queries (this engine's own writes always are).  LM_OK, LM_ENOMEM,
 * LM_EDB.
 */
LM_EXTERN int lm_engine_refresh(lm_engine *e);

/* ------------------------------------------------------------------ fairs */

/*
 * A recruitment fair: the seekers and jobs of the fair matched in one run,
 * each seeker to at most one job and each job to at most its openings.
 * The fair scores pairs exactly as lm_rank_jobs does (the same hard
 * filters and score for the same query) and keeps, as preference lists,
 * each side's top K acceptable partners (score descending, ties by id); a
 * pair is in the fair when each side has the other in its top K.
 * doc/BATCH.md gives the modes, the reasons, the priority rule, the costs
 * and the XML.
 *
 * lm_fair belongs to one thread at a time; it reads the engine (under the
 * engine's usual locks) while it runs, and other threads may keep using
 * the engine.  lm_assignment belongs to the thread that got it.
 */

/** lm_fair: the fair's seekers and jobs (stored ids) and the last run. */
typedef struct lm_fair lm_fair;
/** lm_assignment: a run's result.  Free with lm_assignment_free. */
typedef struct lm_assignment lm_assignment;

/** Modes of a run. */
typedef enum lm_fair_mode {
  LM_FAIR_STABLE_SEEKER = 1,   /* stable, seekers propose: the
                                  seeker-optimal stable assignment */
  LM_FAIR_STABLE_EMPLOYER = 2, /* stable, jobs propose: the
                                  employer-optimal stable assignment */
  LM_FAIR_OPTIMAL = 3,         /* the largest total score (exact) */
  LM_FAIR_PRIORITY = 4         /* first the most seekers of the priority
                                  groups matched, then the largest total */
} lm_fair_mode;

/** Why a seeker was left unmatched (lm_assignment_unmatched). */
typedef enum lm_unmatched_reason {
  LM_UNMATCHED_NO_ACCEPTABLE_JOB = 1, /* every job of the fair fails a
                                         hard filter */
  LM_UNMATCHED_OUTSIDE_TOP_K = 2,     /* acceptable jobs, but none of the
                                         seeker's top K has the seeker in
                                         its own top K */
  LM_UNMATCHED_FILLED_BY_HIGHER = 3,  /* stable modes: every job in the
                                         seeker's list is filled by seekers
                                         its employer ranks higher */
  LM_UNMATCHED_NOT_CHOSEN = 4         /* optimal and priority modes: a
                                         larger total leaves them out */
} lm_unmatched_reason;

#define LM_FAIR_OPTIONS_VERSION 1

/**
 * How to run a fair.  Start from LM_FAIR_OPTIONS_INIT or
 * lm_fair_options_init().  Strings and the query are borrowed for the
 * call.
 */
typedef struct lm_fair_options {
  unsigned int version; /* LM_FAIR_OPTIONS_VERSION */
  int mode;             /* lm_fair_mode */
  unsigned int k;       /* preference lists: top k per side; 0 means 50 */
  const char *groups;   /* LM_FAIR_PRIORITY: the priority groups, comma
                           separated words or Chinese names ("graduate,
                           retired-fisher"); NULL: every key group */
  const lm_query *query; /* scoring as lm_rank_jobs with this query (its
                            today, weights, commute overrides and relaxed
                            filters; its k and record filters are not
                            used); NULL: the defaults, today's date */
  int (*progress)(double fraction, void *ctx); /* may be NULL: called
                            with 0..1 at most about 250 times a run; a
                            non-zero return cancels the run */
  void *progress_ctx;
} lm_fair_options;

#define LM_FAIR_OPTIONS_INIT                                                 \
  { LM_FAIR_OPTIONS_VERSION, LM_FAIR_STABLE_SEEKER, 50u, NULL, NULL, NULL,  \
    NULL }

/** Fills *o with the defaults for `version`.  LM_OK or LM_EINVAL. */
LM_EXTERN int lm_fair_options_init(lm_fair_options *o, unsigned int version);

/**
 * Creates an empty fair over the engine `e`, which must outlive it.  *out
 * is the caller's, freed with lm_fair_free.  LM_OK, LM_EINVAL, LM_ENOMEM.
 */
LM_EXTERN int lm_fair_new(lm_fair **out, lm_engine *e);
/** Frees a fair (not its engine).  NULL is a no-op. */
LM_EXTERN void lm_fair_free(lm_fair *f);

/**
 * Adds the stored seeker or job `id` (kind LM_SEEKER or LM_JOB) to the
 * fair; adding one twice adds it once.  A job brings its openings.
 * Returns LM_OK, LM_EINVAL, LM_ENOTFOUND (no such record) or LM_ENOMEM.
 */
LM_EXTERN int lm_fair_add(lm_fair *f, lm_kind kind, const char *id);

/**
 * Ingests a FORMAT.md document into the engine (as lm_engine_ingest_file,
 * with `flags` and `report`) and adds its seekers and jobs that the store
 * then holds to the fair.  Returns what the ingest returned, or LM_ENOMEM.
 */
LM_EXTERN int lm_fair_ingest_file(lm_fair *f, const char *path,
                                  unsigned int flags, lm_report *report);
/** As lm_fair_ingest_file, from `len` bytes at `buf`. */
LM_EXTERN int lm_fair_ingest_buffer(lm_fair *f, const char *buf, size_t len,
                                    unsigned int flags, lm_report *report);

/** Number of seekers (not withdrawn) and jobs in the fair. */
LM_EXTERN size_t lm_fair_count(const lm_fair *f, lm_kind kind);

/**
 * Runs the fair.  *out is the caller's (lm_assignment_free), and the fair
 * keeps what lm_fair_repair needs.  On failure or cancellation the fair is
 * as it was before the call.  Returns LM_OK, LM_EINVAL (bad options: the
 * message says which), LM_ENOTFOUND (a member is no longer stored),
 * LM_ENOMEM or LM_ECANCELED.
 */
LM_EXTERN int lm_fair_run(lm_fair *f, const lm_fair_options *opts,
                          lm_assignment **out);

/** A seeker leaves the fair.  LM_OK, LM_EINVAL or LM_ENOTFOUND (not in
 * the fair). */
LM_EXTERN int lm_fair_withdraw(lm_fair *f, const char *seeker_id);
/** The job `job_id` of the fair now has `openings` openings (0 closes it
 * for the fair).  LM_OK, LM_EINVAL or LM_ENOTFOUND (not in the fair). */
LM_EXTERN int lm_fair_set_openings(lm_fair *f, const char *job_id,
                                   unsigned int openings);

/**
 * After withdrawals and changed openings, repairs the last run's
 * assignment without scoring again: the result is the one lm_fair_run
 * with the same options would give now (the same matching for the stable
 * modes, the same total for the optimal ones), and its changes
 * (lm_assignment_change) say who gained, lost or changed a job against
 * the last run.  The records themselves must not have changed since.
 * *out is the caller's.  LM_OK, LM_EINVAL (no run yet), LM_ENOTFOUND,
 * LM_ENOMEM.
 */
LM_EXTERN int lm_fair_repair(lm_fair *f, lm_assignment **out);

/** Frees an assignment.  NULL is a no-op. */
LM_EXTERN void lm_assignment_free(lm_assignment *a);
/** The mode it was made with. */
LM_EXTERN int lm_assignment_mode(const lm_assignment *a);
/** Number of pairs (seeker, job), by seeker id. */
LM_EXTERN size_t lm_assignment_pair_count(const lm_assignment *a);
/**
 * Pair i: seeker and job ids (borrowed) and the score (lm_rank_jobs's);
 * each out pointer may be NULL.  LM_OK or LM_EINVAL past the end.
 */
LM_EXTERN int lm_assignment_pair(const lm_assignment *a, size_t i,
                                 const char **seeker_id, const char **job_id,
                                 double *score);
/** Pair i's explanation, one reason per line as lm_results_text; "" past
 * the end.  Borrowed. */
LM_EXTERN const char *lm_assignment_pair_text(const lm_assignment *a,
                                              size_t i);
/** The sum of the pairs' scores. */
LM_EXTERN double lm_assignment_total(const lm_assignment *a);

/** Number of unmatched seekers, by id. */
LM_EXTERN size_t lm_assignment_unmatched_count(const lm_assignment *a);
/**
 * Unmatched seeker i: id (borrowed, may be NULL) and the reason: an
 * lm_unmatched_reason, or LM_EINVAL past the end.
 */
LM_EXTERN int lm_assignment_unmatched(const lm_assignment *a, size_t i,
                                      const char **seeker_id);
/** Why, in Chinese with the figures ("没有可接受的岗位：..."); borrowed;
 * "" past the end. */
LM_EXTERN const char *lm_assignment_unmatched_text(const lm_assignment *a,
                                                   size_t i);

/** Statistics of one key group over the fair's seekers. */
typedef struct lm_group_stats {
  const char *group;  /* vocabulary word ("graduate"); borrowed, static */
  size_t present;     /* seekers of the group in the fair */
  size_t matched;     /* of them, matched */
  double match_rate;  /* matched / present, 0 when none present */
  double mean_score;  /* mean score of their pairs, 0 when none */
} lm_group_stats;

/** Number of key groups reported (every group of FORMAT.md's vocabulary). */
LM_EXTERN size_t lm_assignment_group_count(const lm_assignment *a);
/** Group i's statistics into *out.  LM_OK or LM_EINVAL. */
LM_EXTERN int lm_assignment_group(const lm_assignment *a, size_t i,
                                  lm_group_stats *out);

/**
 * The optimal mode's certificate, in score points: a price for every
 * seeker and job of the fair (seekers and jobs by id, 0 for those in no
 * pair of the fair), such that prices are >= 0, a seeker's plus a job's
 * is at least the pair's score for every pair of the fair and equal for
 * the pairs chosen, an unmatched seeker's and a job with a free opening's
 * are 0, and the seekers' prices plus the jobs' times their openings add
 * up to the total: no assignment of the fair's pairs scores more.  Scores
 * are taken in millionths of a point for this (doc/BATCH.md).
 * lm_assignment_price_count is 0 for the other modes.
 */
LM_EXTERN size_t lm_assignment_price_count(const lm_assignment *a,
                                           lm_kind kind);
/** Seeker or job i's id (borrowed) and price.  LM_OK or LM_EINVAL. */
LM_EXTERN int lm_assignment_price(const lm_assignment *a, lm_kind kind,
                                  size_t i, const char **id, double *price);

/** What lm_fair_repair changed for one seeker. */
typedef enum lm_change_kind {
  LM_CHANGE_GAINED = 1,  /* had no job, has one */
  LM_CHANGE_LOST = 2,    /* had a job, has none (or withdrew) */
  LM_CHANGE_MOVED = 3    /* has another job */
} lm_change_kind;

/** Number of changes against the previous run (0 for lm_fair_run). */
LM_EXTERN size_t lm_assignment_change_count(const lm_assignment *a);
/**
 * Change i: the seeker, the job before and after (NULL for none), all
 * borrowed (each out pointer may be NULL).  Returns an lm_change_kind, or
 * LM_EINVAL past the end.
 */
LM_EXTERN int lm_assignment_change(const lm_assignment *a, size_t i,
                                   const char **seeker_id,
                                   const char **old_job,
                                   const char **new_job);

/**
 * Writes the assignment as XML (doc/BATCH.md) to the file `path`.
 * Returns LM_OK, LM_EINVAL or LM_ERROR (cannot write).
 */
LM_EXTERN int lm_assignment_write_xml(const lm_assignment *a,
                                      const char *path);
/** As lm_assignment_write_xml, into a new NUL-terminated buffer *out of
 * *len bytes (len may be NULL), freed with lm_free. */
LM_EXTERN int lm_assignment_write_xml_buffer(const lm_assignment *a,
                                             char **out, size_t *len);

/*
 * The dense assignment problem on its own, without an engine: the optimal
 * mode for one opening per job and every pair acceptable, as in the
 * OR-Library's assign100 ... assign800.  Jonker and Volgenant's algorithm
 * on integer costs, exact; doc/BATCH.md ("The dense solver") gives its
 * cost: a few milliseconds for 800 x 800.
 */

/** lm_assign_solve's flag: the largest total instead of the least. */
#define LM_ASSIGN_MAXIMIZE 0x1u
/** In col_of_row: the row has no column (only when rows > cols). */
#define LM_ASSIGN_NONE ((size_t)-1)

/**
 * Assigns rows to columns, each at most once, so that the smaller side is
 * assigned entirely (every row when rows <= cols, every column when
 * rows > cols) and the sum of the chosen costs is the least possible (the
 * largest with LM_ASSIGN_MAXIMIZE).  `cost` is rows x cols, row-major:
 * cost[i * cols + j] is row i's cost for column j; read only, may be
 * NULL when rows or cols is 0.  Ties between optima are broken the same
 * way for the same input.
 *
 * Each output may be NULL; on failure none is written:
 * - col_of_row[rows]: row i's column, or LM_ASSIGN_NONE;
 * - total: the sum of the chosen costs;
 * - row_price[rows] u and col_price[cols] v: the certificate that no
 *   assignment does better (LP duality).  Minimising: u[i] + v[j] <=
 *   cost[i][j] for every pair, with equality for every chosen pair; the
 *   larger side's prices (v when rows <= cols, a square matrix included;
 *   u when rows > cols) are <= 0, and 0 for its members left unassigned;
 *   and sum u + sum v == total.  Maximising: the same with >= for both
 *   inequalities (u[i] + v[j] >= cost[i][j], the larger side's prices
 *   >= 0).
 *
 * Time O(n^2 m) at worst for n = min(rows, cols) and m = max(rows, cols),
 * far less on most inputs; memory O(m), plus a copy of the costs when
 * maximising or when rows > cols.  Needs no engine; any thread.
 * Returns LM_OK, LM_EINVAL (cost NULL for a non-empty matrix, rows x cols
 * overflowing size_t, min(rows, cols) > LM_MAX_ASSIGN_SIDE, a cost beyond
 * LM_MAX_ASSIGN_COST in magnitude: the message names its row and column,
 * unknown flags) or LM_ENOMEM.
 */
LM_EXTERN int lm_assign_solve(size_t rows, size_t cols, const int64_t *cost,
                              unsigned int flags, size_t *col_of_row,
                              int64_t *row_price, int64_t *col_price,
                              int64_t *total);

#ifdef __cplusplus
}
#endif

#endif /* LIBMATCH_H */
