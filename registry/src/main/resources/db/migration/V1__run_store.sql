-- Kiln run store. Portable between H2 and PostgreSQL: times are epoch milliseconds.
CREATE TABLE runs (
  id              VARCHAR(64)   PRIMARY KEY,
  pipeline        VARCHAR(200)  NOT NULL,
  pipeline_file   VARCHAR(1000) NOT NULL,
  spec_source     TEXT          NOT NULL,
  spec_sha256     VARCHAR(64)   NOT NULL,
  params_json     TEXT          NOT NULL,
  status          VARCHAR(16)   NOT NULL,
  created_at      BIGINT        NOT NULL,
  started_at      BIGINT,
  finished_at     BIGINT,
  error           TEXT,
  owner_pid       BIGINT,
  owner_host      VARCHAR(255),
  version         INT           NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_pipeline ON runs (pipeline, created_at);

CREATE TABLE step_runs (
  run_id           VARCHAR(64)  NOT NULL REFERENCES runs (id),
  step_key         VARCHAR(400) NOT NULL,
  step_id          VARCHAR(64)  NOT NULL,
  step_type        VARCHAR(200) NOT NULL,
  status           VARCHAR(16)  NOT NULL,
  attempt          INT          NOT NULL,
  cache_key        VARCHAR(64),
  cache_components TEXT,
  started_at       BIGINT,
  finished_at      BIGINT,
  error            TEXT,
  outputs_json     TEXT,
  cached_from      VARCHAR(64),
  version          INT          NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, step_key)
);
CREATE INDEX step_runs_by_cache_key ON step_runs (cache_key, status);

CREATE TABLE artifacts (
  sha256      VARCHAR(64)  PRIMARY KEY,
  size        BIGINT       NOT NULL,
  media_type  VARCHAR(200) NOT NULL,
  created_at  BIGINT       NOT NULL
);

-- lineage: which artifacts a step instance read (in) and produced (out)
CREATE TABLE lineage (
  run_id     VARCHAR(64)  NOT NULL,
  step_key   VARCHAR(400) NOT NULL,
  direction  VARCHAR(3)   NOT NULL,
  name       VARCHAR(400) NOT NULL,
  sha256     VARCHAR(64)  NOT NULL REFERENCES artifacts (sha256),
  PRIMARY KEY (run_id, step_key, direction, name),
  FOREIGN KEY (run_id, step_key) REFERENCES step_runs (run_id, step_key)
);
CREATE INDEX lineage_by_artifact ON lineage (sha256);

CREATE TABLE metrics (
  run_id      VARCHAR(64)      NOT NULL,
  step_key    VARCHAR(400)     NOT NULL,
  name        VARCHAR(250)     NOT NULL,
  step        BIGINT           NOT NULL,
  val         DOUBLE PRECISION NOT NULL,
  recorded_at BIGINT           NOT NULL,
  FOREIGN KEY (run_id, step_key) REFERENCES step_runs (run_id, step_key)
);
CREATE INDEX metrics_by_run ON metrics (run_id, step_key);
