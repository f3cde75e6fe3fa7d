"""Organisations: schools, municipalities, employers, the RMC and others."""
