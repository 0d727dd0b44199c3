"""Learning records: learning time and the learner's profile, certificates and their signing,
the credit bank's ledger, study groups with organisers, and special events (issue 16).

Imports only `catalogue`; its tables use catalogue's Base and live in the one Alembic history."""
