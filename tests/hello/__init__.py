"""Tests of the test-only plugin tests/plugins/hello that are not the core's: its part of the route matrix."""
