"""Blueprints of the site."""
