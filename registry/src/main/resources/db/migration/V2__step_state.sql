-- Durable state of a running step instance (e.g. kiln/tune's finished trials), so a killed and
-- resumed run continues where the step stopped.
CREATE TABLE step_state (
  run_id     VARCHAR(64)  NOT NULL,
  step_key   VARCHAR(400) NOT NULL,
  name       VARCHAR(200) NOT NULL,
  val        TEXT         NOT NULL,
  updated_at BIGINT       NOT NULL,
  PRIMARY KEY (run_id, step_key, name),
  FOREIGN KEY (run_id, step_key) REFERENCES step_runs (run_id, step_key)
);
