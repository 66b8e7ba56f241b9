-- a later migration for StoreKillIT: several DDL statements, which H2 runs outside transactions
CREATE TABLE kill_test_a (id VARCHAR(64) PRIMARY KEY, payload VARCHAR(4000));
INSERT INTO kill_test_a SELECT id, spec_source FROM runs;
ALTER TABLE runs ADD COLUMN kill_test_note VARCHAR(200);
CREATE INDEX kill_test_a_payload ON kill_test_a (payload);
CREATE TABLE kill_test_b (id BIGINT PRIMARY KEY, a_id VARCHAR(64) REFERENCES kill_test_a (id));
