"""Tables of the learning record's groups area (filled in by its migration)."""
