"""Tables of the learning record's credits area (filled in by its migration)."""
