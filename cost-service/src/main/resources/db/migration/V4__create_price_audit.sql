-- Every change of the shared price catalog through the API: who (key name, tenant, role), what
-- (create, replace, delete), and the row before and after, written in the transaction of the change.
CREATE TABLE price_audit
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    key_name    text        NOT NULL,
    tenant      text        NOT NULL,
    role        text        NOT NULL,
    action      text        NOT NULL CHECK (action IN ('create', 'replace', 'delete')),
    price_id    uuid        NOT NULL,
    before      jsonb,
    after       jsonb
);

CREATE INDEX price_audit_price_idx ON price_audit (price_id, id);
