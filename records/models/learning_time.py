"""Tables of the learning record's learning_time area (filled in by its migration)."""
