"""Agreements (convenanten): templates offered by instruments, signed in core."""
