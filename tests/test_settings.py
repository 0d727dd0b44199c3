"""Settings come from overrides, then the environment, then defaults."""

from __future__ import annotations

import stat

import pytest

from webapp.settings import Settings


def test_secret_key_is_generated_once_and_private(tmp_path):
    first = Settings.load(environ={}, overrides={"INSTANCE_PATH": str(tmp_path)})
    again = Settings.load(environ={}, overrides={"INSTANCE_PATH": str(tmp_path)})
    assert len(first.secret_key) == 64 and first.secret_key == again.secret_key
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_defaults_live_in_the_instance_folder(tmp_path):
    settings = Settings.load(environ={"INSTANCE_PATH": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'lifelong.db'}"
    assert settings.index_dir == tmp_path / "index"
    assert settings.model_dir == tmp_path / "models"
    assert settings.max_upload_bytes == 200 * 1024 * 1024


def test_environment_and_overrides(tmp_path):
    env = {
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": "postgresql://db/x",
        "SECRET_KEY": "from-env",
        "DEMO_COURSES": "123",
    }
    settings = Settings.load(environ=env, overrides={"SECRET_KEY": "override"})
    assert settings.database_url == "postgresql://db/x"
    assert settings.secret_key == "override"
    assert settings.demo_courses == 123
    assert not (tmp_path / "secret_key").exists()


def test_rate_limit_settings(tmp_path):
    settings = Settings.load(environ={"INSTANCE_PATH": str(tmp_path)})
    assert settings.redis_url == "" and settings.trusted_proxies == 0
    assert settings.login_limit_per_account == "5 per 15 minutes"
    assert settings.login_limit_per_ip == "20 per 15 minutes"
    assert settings.signup_limit_per_ip == "5 per hour"
    assert settings.post_limit_per_ip == ""
    env = {
        "INSTANCE_PATH": str(tmp_path),
        "REDIS_URL": "redis://cache:6379/1",
        "TRUSTED_PROXIES": "2",
        "LOGIN_LIMIT_PER_IP": "50 per hour",
        "POST_LIMIT_PER_IP": "300 per minute",
    }
    settings = Settings.load(environ=env, overrides={"SIGNUP_LIMIT_PER_IP": "10 per day"})
    assert settings.redis_url == "redis://cache:6379/1" and settings.trusted_proxies == 2
    assert settings.login_limit_per_ip == "50 per hour"
    assert settings.signup_limit_per_ip == "10 per day"
    assert settings.post_limit_per_ip == "300 per minute"


def test_recommender_backend_settings(tmp_path):
    settings = Settings.load(environ={"INSTANCE_PATH": str(tmp_path)})
    assert settings.recommender_backend == "implicit"
    assert settings.recommender_spark_master == "local[*]"
    env = {
        "INSTANCE_PATH": str(tmp_path),
        "RECOMMENDER_BACKEND": "Spark",
        "RECOMMENDER_SPARK_MASTER": "spark://trainer:7077",
    }
    context = Settings.load(environ=env).job_context()
    assert (context.recommender_backend, context.spark_master) == (
        "spark",
        "spark://trainer:7077",
    )
    with pytest.raises(ValueError, match="RECOMMENDER_BACKEND must be one of implicit, spark"):
        Settings.load(environ={**env, "RECOMMENDER_BACKEND": "mahout"})
