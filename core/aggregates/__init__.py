"""Maintained aggregates: an instrument's figures summed per (instrument, region, period, measure).

Instruments declare what to sum (`register_aggregates`, plugin_api.Aggregate); the core keeps the sums in
the table `aggregate_value` in the same transaction as every write of the rows (ORM flushes through a
session listener, Excel imports through the engine's store), so the national overview reads a few
hundred sums instead of scanning the rows.
"""
