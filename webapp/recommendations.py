"""The recommender subsystem of the web app: the model store web workers read from."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from recommender.artefacts import ModelStore

EXTENSION = "lifelong.models"


def init_app(app: Flask, model_dir: Path) -> ModelStore:
    """Open the model directory; each worker loads the current version on first use."""
    store = ModelStore(model_dir)
    app.extensions[EXTENSION] = store
    return store


def get_models(app: Flask | None = None) -> ModelStore:
    """The app's model store."""
    return (app or current_app).extensions[EXTENSION]
