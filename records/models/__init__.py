"""The tables of the learning record, one module per area; importing this registers them all
on catalogue's Base."""

from records.models import (  # noqa: F401
    certificates,
    credits,
    events,
    groups,
    learning_time,
    personal_data,
    progress,
)
