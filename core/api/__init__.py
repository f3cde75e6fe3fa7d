"""The JSON API (issue 23): organisation API tokens, and the endpoints under /api/v1/ they open."""
