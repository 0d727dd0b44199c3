"""Plain functions that read and change the catalogue; each takes a Session first."""
