"""Consortia: the organisations of a region that co-operate on an instrument."""
