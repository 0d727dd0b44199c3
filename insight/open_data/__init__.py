"""The open data-sharing API for institutions (issue 17): clients and their secrets, scopes,
OAuth 2.0 tokens (Authlib), per-client rate limits and daily quotas, the audit log, the
catalogue change feed, k-anonymous aggregate statistics and consenting learners' records.

Plain services over a SQLAlchemy `Session` (or a `limits` storage); the web app wires them to
HTTP in webapp/views/open_api.py and webapp/views/api_clients.py. See docs/open-data.md.
"""
