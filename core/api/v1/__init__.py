"""Version 1 of the JSON API, under /api/v1/."""
