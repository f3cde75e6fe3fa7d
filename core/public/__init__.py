"""The opt-in public region page (/openbaar/<region>/): what a region shows its stakeholders without a login.

Off until the region's coordinators switch it on; it shows the consortium per instrument, the agreements in
force with their fingerprint, and only figures a coordinator published: a snapshot of a complete school year,
taken when it was published and suppressed by the instrument's own rule (the public_figures hook).
"""
