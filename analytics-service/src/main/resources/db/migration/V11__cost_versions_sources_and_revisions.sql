-- Event contract v2 (docs/pricing.md): which version and layer of a price priced an execution, the
-- tenant discount applied, what the total is (catalog or provider-reported), both totals, and the
-- cost revision a re-pricing correction raised it to. Executions stored before this migration were
-- priced by the catalog at revision 0: their catalog_cost is their total_cost.

ALTER TABLE execution_fact
    ADD COLUMN price_version    int,
    ADD COLUMN price_layer      text,
    ADD COLUMN discount_id      uuid,
    ADD COLUMN discount_percent numeric(38, 18),
    ADD COLUMN cost_source      text NOT NULL DEFAULT 'unknown', -- catalog | provider | unknown (unpriced)
    ADD COLUMN catalog_cost     numeric(38, 18),
    ADD COLUMN provider_cost    numeric(38, 18),
    ADD COLUMN cost_revision    int  NOT NULL DEFAULT 0;

UPDATE execution_fact
SET cost_source  = 'catalog',
    catalog_cost = total_cost
WHERE pricing_status = 'priced';
