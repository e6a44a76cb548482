-- Privacy at rest (docs/privacy.md): content that ingest sealed is stored as it arrived, the Avro
-- single-object encoding of SealedContent (key id, wrapped data key, nonce, AES-256-GCM
-- ciphertext). The clear content columns of such a row stay null; only the query API opens it, for
-- a caller allowed to see content, and audits every read.
ALTER TABLE usage_content ADD COLUMN sealed bytea;
ALTER TABLE execution_content ADD COLUMN sealed bytea;
