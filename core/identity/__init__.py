"""Users, memberships with roles, passwords and login."""
