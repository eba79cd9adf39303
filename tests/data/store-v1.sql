-- store-v1.sql: a libmatch store of schema version 1, as the library of
-- that version wrote it (commit 5dbc1f3), dumped with Python's
-- sqlite3.iterdump.  Contents: the skill term 数控车床 <- CNC车削 added
-- through lm_engine_add_skill_term, then tests/data/format-example.xml,
-- xml-format-examples.xml, alliance-tiny.xml and circle-tiny.xml ingested
-- in that order.  tests/test_store.c loads it into a file, opens it with
-- the current library (which migrates it) and checks that the export
-- equals the export of a fresh store given the same input.
PRAGMA user_version = 1;
BEGIN TRANSACTION;
CREATE TABLE record (
  -- The row's key (an alias of SQLite's rowid); the child tables refer to
  -- it.  A replaced record keeps its rowid: store.c updates the row in
  -- place and rewrites its items and skills.
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

  -- A kind and id name one record; this index also gives the id order
  -- that lm__store_foreach promises.
  UNIQUE (kind, id)
);
INSERT INTO "record" VALUES(1,3,'E0042',NULL,'某機械有限公司',30.2,115.04,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'ed-manufacturing',NULL,NULL);
INSERT INTO "record" VALUES(2,1,'J000123',NULL,'數控車床操作工',30.2012,115.0383,'420204','下陸區團城山街道','E0042',3,'2026-11-01','2026-12-31','6-18-01-01','智能製造',8000,'day',NULL,18,45,'free text; skills and terms found here count too',NULL,5000,NULL,'2026-12-01','2027-02-28','secondary-vocational',1,'要求：中專及以上學歷，1年以上相關工作經驗，能適應倒班',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(3,1,'J000124',NULL,'焊工',NULL,NULL,NULL,NULL,'E0042',NULL,NULL,NULL,NULL,NULL,8000,NULL,'18至45周歲',18,45,NULL,'5千-8千元/月',5000,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(4,2,'S000001',NULL,NULL,30.2101,115.0772,'420202',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,4500,NULL,'2026-12-01',NULL,'bachelor',2,'free text: 熟悉數控編程，會看圖紙','2026-10-20','機械設計製造及其自動化',2003,'6-18-01-01',15,'bike','13800000000','420202200301011234',NULL,NULL,NULL);
INSERT INTO "record" VALUES(5,4,'P07',NULL,'團城山街道就業服務站',30.205,115.041,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'station',NULL);
INSERT INTO "record" VALUES(6,5,'C0123',NULL,'團城山社區',30.207,115.036,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,8200);
INSERT INTO "record" VALUES(7,3,'E1',NULL,'甲机械厂',30.2,115.04,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'lake',NULL,NULL);
INSERT INTO "record" VALUES(8,3,'E2',NULL,'乙钢构厂',30.22,115.04,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'lake',NULL,NULL);
INSERT INTO "record" VALUES(9,3,'E3',NULL,'丙船厂',30.3,115.04,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'lake',NULL,NULL);
INSERT INTO "record" VALUES(10,3,'E4',NULL,'丁铸造厂',30.2,115.04,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'hill',NULL,NULL);
INSERT INTO "record" VALUES(11,3,'E5',NULL,'戊五金厂',30.2,115.04,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(12,1,'J1',NULL,'数控车床操作工',30.205,115.0,'420204',NULL,NULL,2,'2026-11-01',NULL,NULL,'智能制造',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(13,1,'J2',NULL,'装配工',30.22,115.0,'420204',NULL,NULL,3,NULL,NULL,NULL,'智能製造',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(14,1,'J3',NULL,'仓库管理员',30.23,115.0,'420204',NULL,NULL,5,NULL,NULL,NULL,'现代物流',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(15,1,'J5',NULL,'收银员',30.201,115.0,'420204',NULL,NULL,9,'2026-10-01','2026-11-01',NULL,'商贸餐饮',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(16,1,'J6',NULL,'保洁员',30.301,115.0,'420202',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(17,2,'W1',NULL,NULL,30.2,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-01','2026-12-31',NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,60,'bus',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(18,2,'W2',NULL,NULL,30.2,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-01','2027-01-31',NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,60,'bus',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(19,2,'W3',NULL,NULL,30.2,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-01','2026-12-31',NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,60,'bus',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(20,2,'W8',NULL,NULL,30.2,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-01','2026-12-31',NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,60,'bus',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(21,2,'W9',NULL,NULL,30.4,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-01','2026-12-31',NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,10,'walk',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(22,2,'W10',NULL,NULL,30.2,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2027-03-01','2027-03-31',NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,60,'bus',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(23,2,'W4',NULL,NULL,30.2,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-01','2026-12-31',NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,60,'bus',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(24,2,'W5',NULL,NULL,30.2,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-01','2026-12-31',NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,60,'bus',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(25,2,'W6',NULL,NULL,30.2,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-01','2026-12-31',NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,60,'bus',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(26,2,'W7',NULL,NULL,30.2,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,60,'bus',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(27,2,'W11',NULL,NULL,30.2,115.04,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-01','2026-12-31',NULL,NULL,NULL,'2026-11-01',NULL,NULL,NULL,60,'bus',NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(28,1,'J4',NULL,'快递员',30.25,115.0,'420204',NULL,NULL,1,NULL,NULL,NULL,'现代物流',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(29,1,'J7',NULL,'网络主播',NULL,NULL,NULL,NULL,NULL,4,NULL,NULL,NULL,'电商直播',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(30,1,'J8',NULL,'电工',30.202,115.0,'420204',NULL,NULL,6,'2026-12-01',NULL,NULL,'建筑',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "record" VALUES(31,4,'P1',NULL,'团城山街道就业服务站',30.21,115.0,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'station',NULL);
INSERT INTO "record" VALUES(32,4,'P2',NULL,'下陆区职业技能培训中心',30.195,115.0,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'training',NULL);
INSERT INTO "record" VALUES(33,4,'P3',NULL,'花湖街道零工驿站',30.285,115.0,'420202',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'gig-market',NULL);
INSERT INTO "record" VALUES(34,4,'P4',NULL,'黄石市人力资源市场',30.5,115.0,'420202',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'fair-venue',NULL);
INSERT INTO "record" VALUES(35,5,'C1',NULL,'八卦嘴社区',30.2,115.0,'420204',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,5000);
INSERT INTO "record" VALUES(36,5,'C2',NULL,'湖滨社区',30.3,115.0,'420202',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,800);
INSERT INTO "record" VALUES(37,5,'C3',NULL,'新村',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,100);
CREATE TABLE record_item (
  record INTEGER NOT NULL REFERENCES record(rowid) ON DELETE CASCADE,
  field INTEGER NOT NULL, -- the lm_field number (LM_F_GROUP, ...)
  seq INTEGER NOT NULL,   -- 0-based position within the field's list
  value TEXT NOT NULL,    -- the item as normalised (a group word, ...)
  PRIMARY KEY (record, field, seq)
) WITHOUT ROWID;
INSERT INTO "record_item" VALUES(2,39,0,'車工四級');
INSERT INTO "record_item" VALUES(2,40,0,'retired-fisher');
INSERT INTO "record_item" VALUES(4,38,0,'graduate');
INSERT INTO "record_item" VALUES(4,39,0,'車工四級');
INSERT INTO "record_item" VALUES(4,41,0,'6-18');
INSERT INTO "record_item" VALUES(4,42,0,'智能製造');
INSERT INTO "record_item" VALUES(4,43,0,'day');
INSERT INTO "record_item" VALUES(17,38,0,'employer:E1');
INSERT INTO "record_item" VALUES(18,38,0,'employer:E1');
INSERT INTO "record_item" VALUES(19,38,0,'employer:E2');
INSERT INTO "record_item" VALUES(20,38,0,'employer:E2');
INSERT INTO "record_item" VALUES(21,38,0,'employer:E3');
INSERT INTO "record_item" VALUES(22,38,0,'employer:E3');
INSERT INTO "record_item" VALUES(23,38,0,'employer:E4');
INSERT INTO "record_item" VALUES(24,38,0,'employer:E5');
INSERT INTO "record_item" VALUES(26,38,0,'employer:E1');
INSERT INTO "record_item" VALUES(27,38,0,'employer:E9');
CREATE TABLE record_skill (
  record INTEGER NOT NULL REFERENCES record(rowid) ON DELETE CASCADE,
  seq INTEGER NOT NULL,   -- 0-based position: the record's skill order
  name TEXT NOT NULL,     -- as written, or the dictionary's term
  canonical TEXT,         -- the dictionary's canonical term; NULL when
                          -- the skill was stored before it was looked up
  level INTEGER NOT NULL, -- lm_skill_level: 0 held, 1 required,
                          -- 2 preferred
  years INTEGER NOT NULL, -- seeker: years of use; -1 unknown
  found_in INTEGER NOT NULL, -- LM_FOUND_... bits: 1 <skill>, 2 <text>,
                             -- 4 <description>, 8 <title>
  PRIMARY KEY (record, seq)
) WITHOUT ROWID;
INSERT INTO "record_skill" VALUES(2,0,'數控車床','数控车床',1,-1,9);
INSERT INTO "record_skill" VALUES(2,1,'CAD製圖','CAD制图',2,-1,1);
INSERT INTO "record_skill" VALUES(3,0,'焊接','焊接',2,-1,8);
INSERT INTO "record_skill" VALUES(4,0,'數控車床','数控车床',0,2,1);
INSERT INTO "record_skill" VALUES(4,1,'数控编程','数控编程',0,-1,2);
INSERT INTO "record_skill" VALUES(4,2,'机械制图','机械制图',0,-1,2);
INSERT INTO "record_skill" VALUES(12,0,'数控车床','数控车床',2,-1,8);
INSERT INTO "record_skill" VALUES(13,0,'机械装配','机械装配',2,-1,8);
INSERT INTO "record_skill" VALUES(14,0,'仓库管理','仓库管理',2,-1,8);
INSERT INTO "record_skill" VALUES(15,0,'收银','收银',2,-1,8);
INSERT INTO "record_skill" VALUES(16,0,'保洁','保洁',2,-1,8);
INSERT INTO "record_skill" VALUES(17,0,'焊接','焊接',0,-1,1);
INSERT INTO "record_skill" VALUES(18,0,'焊接','焊接',0,-1,1);
INSERT INTO "record_skill" VALUES(19,0,'焊接','焊接',0,-1,1);
INSERT INTO "record_skill" VALUES(21,0,'焊接','焊接',0,-1,1);
INSERT INTO "record_skill" VALUES(22,0,'焊接','焊接',0,-1,1);
INSERT INTO "record_skill" VALUES(26,0,'焊接','焊接',0,-1,1);
INSERT INTO "record_skill" VALUES(28,0,'快递','快递',2,-1,8);
INSERT INTO "record_skill" VALUES(29,0,'网络主播','网络主播',2,-1,8);
INSERT INTO "record_skill" VALUES(30,0,'电工','电工',2,-1,8);
CREATE TABLE skill_term (
  canonical TEXT NOT NULL, -- the canonical term
  alias TEXT NOT NULL,     -- a term read as `canonical` (as written)
  PRIMARY KEY (alias)
);
INSERT INTO "skill_term" VALUES('数控车床','CNC车削');
CREATE INDEX record_skill_canonical ON record_skill (canonical);
COMMIT;
