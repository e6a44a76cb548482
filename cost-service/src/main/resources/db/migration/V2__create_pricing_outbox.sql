-- Transactional outbox: written in the same transaction as the catalog change, relayed to the
-- compacted pricing topic in seq order, deleted once the broker acknowledged it.
CREATE TABLE pricing_outbox (
    seq         bigserial PRIMARY KEY,
    record_key  text        NOT NULL,
    payload     bytea,      -- Avro single-object encoded ModelPrice; null is a tombstone
    created_at  timestamptz NOT NULL
);
