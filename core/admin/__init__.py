"""The platform admin section: users, organisations, audit log."""
