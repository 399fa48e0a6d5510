-- Tries at SQL questions. A query that does not parse or run (a typo, a
-- refused statement, prose) is feedback to fix and send again, not an
-- answer; this table counts every query a person sends to the sandbox for a
-- question, so those retries are limited and the sandbox cannot be used as a
-- free SQL console. Kept in PostgreSQL so restarts and replicas agree.
CREATE TABLE sql_attempts (
    member_id   bigint NOT NULL REFERENCES members ON DELETE CASCADE, -- who tried (members are per server)
    question_id text NOT NULL,                                -- the bank or custom question the queries were for
    tries       integer NOT NULL CHECK (tries > 0),           -- queries sent to the sandbox for it, the graded one included
    last_at     timestamptz NOT NULL,                         -- when the latest one arrived
    PRIMARY KEY (member_id, question_id)
);
COMMENT ON TABLE sql_attempts IS 'Queries sent per person per SQL question, to limit retries after SQL errors.';

-- /flags lists every answer saved without a grade (the grader was down), flagged or not.
CREATE INDEX answers_ungraded ON answers (answered_at) WHERE verdict IS NULL;
