"""The national overview: every region side by side, per instrument (the national_overview hook)."""
