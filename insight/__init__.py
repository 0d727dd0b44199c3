"""Insight: rollup tables kept by the jobs worker, the data cockpit and partners' course analytics,
"ask the data", the open data-sharing API's clients, scopes and audit, and the national export
(issue 17).

May import assistant, records, search, recommender and catalogue; its tables use catalogue's Base
and live in the one Alembic history."""
