-- Budgets (docs/alerts.md, "Budgets"): a rule with condition budget limits the cost of a calendar
-- day, week (Monday, UTC) or month; it fires at each of its notification levels (percent of the
-- limit) as the period's spend crosses it, with a linear forecast of the period's end.
ALTER TABLE alert_rule ADD COLUMN budget_period text;        -- day | week | month (condition budget)
ALTER TABLE alert_rule ADD COLUMN notify_at text;             -- levels in percent of the limit, ascending, comma-separated
ALTER TABLE alert_state ADD COLUMN level numeric;             -- the highest level crossed this period
ALTER TABLE alert_state ADD COLUMN last_forecast numeric;     -- the period's spend extrapolated
ALTER TABLE alert_transition ADD COLUMN level numeric;
ALTER TABLE alert_transition ADD COLUMN forecast numeric;
