-- Versions of project files a run read, as a data-versioning system (DVC) knows them: the answer
-- to "which data trained this model", what `kiln data status` compares against and what
-- `kiln reproduce` restores. sha256 ties the version to the artifact the steps read.
CREATE TABLE data_versions (
  run_id      VARCHAR(64)   NOT NULL REFERENCES runs (id),
  path        VARCHAR(1000) NOT NULL,
  system      VARCHAR(40)   NOT NULL,
  hash        VARCHAR(200)  NOT NULL,
  size        BIGINT        NOT NULL,
  source      VARCHAR(1000) NOT NULL,
  descriptor  TEXT,
  modified    BOOLEAN       NOT NULL,
  sha256      VARCHAR(64)   NOT NULL,
  recorded_at BIGINT        NOT NULL,
  PRIMARY KEY (run_id, path)
);
CREATE INDEX data_versions_by_hash ON data_versions (system, hash);
