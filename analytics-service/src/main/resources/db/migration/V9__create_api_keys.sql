-- API keys managed at run time (/v1/admin/keys). Only the SHA-256 of a key is stored, never the raw
-- key; prefix is its first characters, enough to recognise it in a list, far too few to guess it.
-- version grows with every change (Spring Data JDBC's optimistic lock); published_version is the
-- version the broker acknowledged on promptengine.apikeys.v1 (ApiKeyRelay), so a row whose
-- published_version is behind is published again until it is acknowledged. Keys from configuration
-- are not here: they are the bootstrap and change only in configuration.
CREATE TABLE api_key
(
    id                uuid PRIMARY KEY,
    name              text        NOT NULL,
    tenant            text        NOT NULL,
    role              text        NOT NULL,
    sha256            char(64)    NOT NULL UNIQUE,
    prefix            text        NOT NULL,
    created_at        timestamptz NOT NULL,
    created_by        text        NOT NULL,
    expires_at        timestamptz,
    revoked_at        timestamptz,
    replaced_by       uuid REFERENCES api_key (id),
    version           bigint      NOT NULL,
    published_version bigint      NOT NULL DEFAULT -1
);

CREATE INDEX api_key_tenant_idx ON api_key (tenant, created_at, id);
CREATE INDEX api_key_unpublished_idx ON api_key (id) WHERE published_version < version;
