import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from zmd_targets import env


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("ZMD_X", raw)
    assert env.env_bool("ZMD_X") is expected


def test_env_bool_rejects_a_value_it_does_not_know(monkeypatch):
    monkeypatch.setenv("ZMD_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="ZMD_X"):
        env.env_bool("ZMD_X")


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("ZMD_X", raising=False)
    assert env.env_bool("ZMD_X", default=True) is True


def test_env_int_rejects_words_and_out_of_range_numbers(monkeypatch):
    monkeypatch.setenv("ZMD_X", "twelve")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("ZMD_X", 1)
    monkeypatch.setenv("ZMD_X", "70000")
    with pytest.raises(ImproperlyConfigured, match="at most 65535"):
        env.env_int("ZMD_X", 1, maximum=65535)
    monkeypatch.setenv("ZMD_X", "25")
    assert env.env_int("ZMD_X", 1, maximum=65535) == 25


def test_env_date_reads_iso_dates_and_rejects_others(monkeypatch):
    monkeypatch.setenv("ZMD_TODAY_X", "2018-09-30")
    assert env.env_date("ZMD_TODAY_X") == dt.date(2018, 9, 30)
    monkeypatch.setenv("ZMD_TODAY_X", "30/09/2018")
    with pytest.raises(ImproperlyConfigured, match="YYYY-MM-DD"):
        env.env_date("ZMD_TODAY_X")


def test_env_time_rejects_a_bad_time(monkeypatch):
    monkeypatch.setenv("ZMD_T", "25:99")
    with pytest.raises(ImproperlyConfigured, match="HH:MM"):
        env.env_time("ZMD_T", "02:00")
    monkeypatch.setenv("ZMD_T", "03:15")
    assert env.env_time("ZMD_T", "02:00") == dt.time(3, 15)


def test_env_url_rejects_an_unknown_scheme(monkeypatch):
    monkeypatch.setenv("DATABASE_URL_X", "mysql://root@localhost/db")
    with pytest.raises(ImproperlyConfigured, match="postgres"):
        env.env_url("DATABASE_URL_X", "", schemes=("sqlite", "postgres"))


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS_X", "a.gov.cn, b.gov.cn,,")
    assert env.env_list("HOSTS_X") == ["a.gov.cn", "b.gov.cn"]


def _load_settings(monkeypatch, **environ):
    """Import a fresh copy of the settings module under the given environment."""
    import importlib
    import sys

    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("zmd_targets.settings_probe", None)
    spec = importlib.util.spec_from_file_location(
        "zmd_targets.settings_probe", importlib.import_module("zmd_targets.settings").__file__
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_production_mode_refuses_the_development_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _load_settings(monkeypatch, ZMD_MODE="production", DEBUG="0")


def test_production_mode_refuses_debug(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        _load_settings(monkeypatch, ZMD_MODE="production", DEBUG="1", SECRET_KEY="x" * 60)


def test_production_mode_turns_on_secure_cookies_and_hsts(monkeypatch):
    module = _load_settings(
        monkeypatch, ZMD_MODE="production", DEBUG="0", SECRET_KEY="s" * 60, ALLOWED_HOSTS="a.gov.cn"
    )
    assert module.SESSION_COOKIE_SECURE and module.CSRF_COOKIE_SECURE
    assert module.SECURE_HSTS_SECONDS >= 31536000
    assert module.ALLOWED_HOSTS == ["a.gov.cn"]


def test_unknown_mode_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="ZMD_MODE"):
        _load_settings(monkeypatch, ZMD_MODE="staging")


def test_redis_url_switches_celery_from_the_filesystem_to_redis(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    module = _load_settings(monkeypatch)
    assert module.CELERY_BROKER_URL == "filesystem://"
    module = _load_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3")
    assert module.CELERY_BROKER_URL == "redis://127.0.0.1:6379/3"


def test_database_url_defaults_to_sqlite_under_var(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    module = _load_settings(monkeypatch)
    assert module.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert str(module.DATABASES["default"]["NAME"]).endswith("var/zmd.sqlite3")
