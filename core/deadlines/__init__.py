"""Deadlines: every instrument's dates and the core's own, one calendar, a personal task list,
reminders by e-mail (each sent once) and a per-user iCal feed."""
