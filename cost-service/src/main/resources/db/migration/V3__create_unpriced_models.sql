-- Executions that no catalog row priced, counted per provider and model (event time first/last seen).
CREATE TABLE unpriced_models (
    provider    text        NOT NULL,
    model       text        NOT NULL,
    executions  bigint      NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    PRIMARY KEY (provider, model)
);
