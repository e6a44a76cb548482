-- Anomaly rules (docs/alerts.md, "Anomalies"): condition anomaly compares each complete hour of its
-- scope with the same hour of the week over the past baseline_weeks weeks (median and MAD of the
-- hourly rollups); threshold holds k, the band's half-width in scaled MADs.
ALTER TABLE alert_rule ADD COLUMN baseline_weeks int; -- condition anomaly only: weeks of the baseline
