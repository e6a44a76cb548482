#!/bin/bash
# Runs once, when the official postgres image initialises its data directory
# (/docker-entrypoint-initdb.d): the same roles as the embedded stack (access module's
# PostgresAccess): one login role per service with its password, owning only its schema; nobody
# else may connect. The image's POSTGRES_INITDB_ARGS=--auth=scram-sha-256 makes every connection
# need a password.
set -euo pipefail
for variable in PE_DB_COST_PASSWORD PE_DB_ANALYTICS_PASSWORD PE_DB_ANALYTICS_QUERY_PASSWORD; do
    if [[ -z ${!variable:-} ]]; then
        echo "postgres: $variable is empty; run bin/promptengine credentials and docker compose --env-file .promptengine/credentials.env up" >&2
        exit 1
    fi
done
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v cost_password="$PE_DB_COST_PASSWORD" -v analytics_password="$PE_DB_ANALYTICS_PASSWORD" \
    -v query_password="$PE_DB_ANALYTICS_QUERY_PASSWORD" <<'SQL'
CREATE ROLE pe_cost LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'cost_password';
CREATE ROLE pe_analytics LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'analytics_password';
-- analytics' query API: reads the schema, writes only the API's own tables (analytics migration V10);
-- CREATEROLE (PostgreSQL 16+: only over the roles it creates) for the tenants' reporting roles
CREATE ROLE pe_analytics_query LOGIN NOSUPERUSER NOCREATEDB CREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'query_password';
REVOKE ALL ON DATABASE promptengine FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE promptengine TO pe_cost, pe_analytics, pe_analytics_query;
GRANT CONNECT ON DATABASE promptengine TO pe_analytics_query WITH GRANT OPTION;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA cost AUTHORIZATION pe_cost;
CREATE SCHEMA analytics AUTHORIZATION pe_analytics;
-- the BI views (docs/reporting.md)
CREATE SCHEMA reporting AUTHORIZATION pe_analytics;
GRANT USAGE ON SCHEMA analytics TO pe_analytics_query;
CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public;
SQL
