"""Tables of the learning record's events area (filled in by its migration)."""
