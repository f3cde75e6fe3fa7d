"""A third-party-style instrument that lives only in tests: the worked example of every hook."""
