-- A results store as eqbench 0.1 left it (schema version 1), for the migration test.
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    benchmark TEXT NOT NULL,
    metadata_json TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    results_json TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    started_at REAL NOT NULL,
    finished_at REAL NOT NULL DEFAULT 0
);
CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    role TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    request_json TEXT NOT NULL,
    status TEXT NOT NULL,
    http_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    content TEXT NOT NULL,
    latency_s REAL NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX exchanges_by_run ON exchanges(run_id, id);
CREATE INDEX exchanges_by_item ON exchanges(run_id, iteration, item_id);
CREATE TABLE items (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    state TEXT NOT NULL,
    answer TEXT NOT NULL,
    tries INTEGER NOT NULL,
    parsed_json TEXT NOT NULL,
    scores_json TEXT NOT NULL,
    updated_at REAL NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (run_id, iteration, item_id)
);
CREATE INDEX items_by_seq ON items(run_id, seq);

-- Rows as eqbench 0.1 (schema version 1) wrote them: an EQ-Bench run, a
-- Creative Writing run with its judge run, a Judgemark run and a translation.
INSERT INTO runs VALUES (1, '1--v2--en--m----------openai----', 'eq-bench', '{}', 'interrupted', '', '', 1.0, 2.0);
INSERT INTO runs VALUES (2, '1--creative-writing--m--------openai----', 'creative-writing', '{}', 'completed', '', '', 1.0, 2.0);
INSERT INTO runs VALUES (3, '1--creative-writing--m--------openai------judge--j', 'creative-writing-judge', '{}', 'completed', '', '', 1.0, 2.0);
INSERT INTO runs VALUES (4, '1--judgemark--j', 'judgemark', '{}', 'completed', '', '', 1.0, 2.0);
INSERT INTO runs VALUES (5, 'translate--q.json--de--full--t', 'translate', '{}', 'completed', '', '', 1.0, 2.0);
INSERT INTO items VALUES (1, 1, '1', 'done', 'Anger: 5', 1, '{}', '{}', 1.5, 1);
INSERT INTO items VALUES (1, 1, '2', 'failed', 'no', 3, '{}', '{}', 1.6, 2);
INSERT INTO items VALUES (2, 1, '1', 'done', 'A piece.', 1, '', '', 1.5, 1);
INSERT INTO items VALUES (3, 1, '1', 'done', 'Purple Prose: 3', 1, '{}', 'null', 1.5, 1);
INSERT INTO items VALUES (4, 1, 'model|1', 'done', 'Trite: 2', 1, '{}', 'null', 1.5, 1);
INSERT INTO items VALUES (5, 1, '1', 'done', '{}', 1, '', '', 1.5, 1);
INSERT INTO exchanges VALUES (1, 1, 1, '1', 1, 'test', 'http://h/v1', '{}', 'OK', 200, '{}', 'Anger: 5', 0.1, 3, 4, 1.5);
INSERT INTO exchanges VALUES (2, 3, 1, '1', 1, 'judge', 'http://h/v1', '{}', 'OK', 200, '{}', 'Purple Prose: 3', 0.1, 3, 4, 1.5);
PRAGMA user_version = 1;
