"""Tables of the learning record's certificates area (filled in by its migration)."""
