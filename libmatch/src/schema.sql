-- schema.sql: the libmatch store, schema version 2.
--
-- This file is the one description of the database.  The build embeds it
-- in the library (schema.h, as the C string lm__schema_sql) and store.c
-- runs it, inside one transaction, on a new empty database.  An existing
-- database is never re-created: store.c migrates it one version at a time
-- (its table lm__migrations), so a change here needs a migration there
-- and a new LM__SCHEMA_VERSION in internal.h.
--
-- The SQLite file is the source of truth (DESIGN.md); the in-memory index
-- is rebuilt from it.  Nothing below is derived data.
--
-- History: version 1 kept list items and skills in tables of their own
-- (record_item, record_skill, with an index on the canonical skill that
-- nothing read); version 2 packs them into the record row (store.c's
-- migration converts a version 1 file when it is opened read-write).
--
-- Conventions:
--   * Record-level scalar fields are columns of `record`, named exactly as
--     lm__field(f)->name in record.c; store.c builds its INSERT and SELECT
--     from that table and checks at open that every column is here with
--     the right type.  Column names never come from record data.
--   * NULL means "not set".  Text is UTF-8 as given after normalisation.
--   * Dates are TEXT 'YYYY-MM-DD' (they sort and compare as text).
--   * Personal data (phone, id_number) is stored for the portal, and only
--     ever leaves the library through an export that asks for it.
--   * Written for SQLite 3.31 (configure's minimum): no STRICT tables.
--   * No two question marks in a row anywhere in this file: the C
--     compiler would read them as a trigraph inside the embedded string.

-- One row per job, seeker, employer, service point or community.
CREATE TABLE record (
  -- The row's key (an alias of SQLite's rowid).  A replaced record keeps
  -- its rowid: store.c updates the row in place.
  rowid INTEGER PRIMARY KEY,
  -- lm_kind: 1 job, 2 seeker, 3 employer, 4 service point, 5 community.
  kind INTEGER NOT NULL,
  -- The record's id as given (1-64 printable UTF-8 bytes, no white space);
  -- opaque: quotes, semicolons and any script are data, always bound.
  id TEXT NOT NULL,

  -- Every kind.
  status TEXT,            -- 'open' (closed/withdrawn records are removed)
  name TEXT,              -- <title> of a job, <name> of the others
  lat REAL,               -- location, WGS84 degrees
  lon REAL,               -- location, WGS84 degrees
  district TEXT,          -- six-digit administrative division code
  address TEXT,           -- text of <location>

  -- Jobs.
  employer TEXT,          -- the employer record's id
  openings INTEGER,       -- number of openings, >= 1
  posted TEXT,            -- date posted
  expires TEXT,           -- date the posting expires
  occupation TEXT,        -- national occupation code '6-18-01-01'
  industry TEXT,          -- industry, free text
  salary_max INTEGER,     -- CNY per month
  shift TEXT,             -- day | night | rotating | flexible | part-time
  age_text TEXT,          -- age requirement as written ('18至45周歲')
  age_min INTEGER,        -- read from age_text or given
  age_max INTEGER,        -- read from age_text or given
  description TEXT,       -- <description>

  -- Jobs and seekers.
  salary_text TEXT,       -- salary as written ('5千-8千元/月', '面議')
  salary_min INTEGER,     -- CNY per month (a seeker's: the least accepted)
  negotiable INTEGER,     -- 1 when the salary is negotiable (面議)
  window_from TEXT,       -- date: temporary work from / available from
  window_to TEXT,         -- date: temporary work to / available to
  education TEXT,         -- vocabulary word: job minimum, seeker level
  experience_years INTEGER, -- job: required; seeker: has
  text TEXT,              -- requirements <text> (job), <text> (seeker)

  -- Seekers.
  registered TEXT,        -- date registered
  major TEXT,             -- field of study
  birth_year INTEGER,
  experience_occupation TEXT, -- occupation code of the experience
  mobility_minutes INTEGER,   -- how long the seeker will travel
  mobility_mode TEXT,     -- walk | bike | ebike | bus | car
  phone TEXT,             -- personal data: never in messages or logs
  id_number TEXT,         -- personal data: never in messages or logs

  -- Employers, service points, communities.
  alliance TEXT,          -- employer: the employers' alliance it belongs to
  point_kind TEXT,        -- station | gig-market | training | fair-venue
  population INTEGER,     -- community: residents

  -- List fields and skills, packed into the row (version 2): a record is
  -- one b-tree entry and one index entry, so a bulk load writes two
  -- b-trees instead of four, and a replacement rewrites one row.  NULL
  -- when the record has none.  Both are sequences of entries made of
  -- unsigned LEB128 varints (7 bits a byte, low first, the high bit set
  -- on all but the last byte) and UTF-8 strings, each string a varint
  -- byte length and that many bytes (no NUL):
  --   items:  field, value        field: the lm_field number (LM_F_GROUP,
  --                               ...); entries by field, then in the
  --                               order given
  --   skills: name, canonical+, level, years+1, found_in
  --           name: as written, or the dictionary's term; canonical+: a
  --           string preceded by a varint of its length + 1, or the single
  --           varint 0 when the skill was stored before it was looked up;
  --           level: lm_skill_level (0 held, 1 required, 2 preferred);
  --           years+1: a seeker's years of use plus one (0: unknown);
  --           found_in: LM_FOUND_... bits (1 <skill>, 2 <text>,
  --           4 <description>, 8 <title>); entries in the record's order
  -- store.c writes and reads them (lm__pack_*); a malformed blob is an
  -- error naming the record, never a guess.
  items BLOB,
  skills BLOB,

  -- A kind and id name one record; this index also gives the id order
  -- that lm__store_foreach promises.
  UNIQUE (kind, id)
);

-- Skills-dictionary terms added at run time (lm_engine_add_skill_term),
-- replayed over the shipped dictionary at every open in rowid order,
-- which is the order they were last added in.  A term added without an
-- alias is stored with alias = canonical.
CREATE TABLE skill_term (
  canonical TEXT NOT NULL, -- the canonical term
  alias TEXT NOT NULL,     -- a term read as `canonical` (as written)
  PRIMARY KEY (alias)
);

-- The schema version; store.c refuses a database from a newer library
-- and migrates an older one.  Keep equal to LM__SCHEMA_VERSION.
PRAGMA user_version = 2;
