"""Per-instrument retention: detailed rows go after the period a region (or the platform) sets; sums stay.

Instruments declare which rows are detail and how old a row is (`retention_rules`, plugin_api.RetentionRule);
`regio purge` removes what is past the period (core.retention.apply) and keeps the maintained aggregates as
they were (core.aggregates.maintain.retain).
"""
