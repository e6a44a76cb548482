-- Every index costs each raw insert; these two serve no query of the query API:
-- executions are joined to their usage through usage_fact's primary key (tenant, id, occurred_at),
-- and usage counts by prompt come from the usage rollups.
DROP INDEX IF EXISTS execution_fact_usage_idx;
DROP INDEX IF EXISTS usage_fact_prompt_idx;
