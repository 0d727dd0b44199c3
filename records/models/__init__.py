"""The tables of the learning record, one module per area; importing this registers them all
on catalogue's Base."""

from records.models import certificates, credits, events, groups, learning_time  # noqa: F401
