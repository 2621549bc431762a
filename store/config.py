"""Settings of the store server, read from the environment (prefix ``SMARTSTORE_``) or ``.env``."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-in-production"

# Prefixes owned by other packages' settings (pos_bridge, vision) and by the test suite.
_FOREIGN_PREFIXES = ("SMARTSTORE_POS_", "SMARTSTORE_VISION_", "SMARTSTORE_TEST_")


class SettingsError(RuntimeError):
    """A setting is unknown or has a value the server cannot use."""


class StoreSettings(BaseSettings):
    """Everything the server process can be configured with."""

    model_config = SettingsConfigDict(env_prefix="SMARTSTORE_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/smartstore.db"
    secret_key: str = PLACEHOLDER_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "console"
    default_timezone: str = "Asia/Shanghai"
    default_locale: Literal["zh_CN", "en"] = "zh_CN"
    session_max_age_s: int = 8 * 3600
    token_max_age_s: int = 30 * 24 * 3600
    # Sign-in throttle (store.auth.throttle): free failures per username *and* address within the window,
    # then a lock of login_backoff_s that doubles with each further failure (at most the window).
    login_max_failures: int = Field(default=5, ge=1)
    login_window_s: int = Field(default=900, ge=1)
    login_backoff_s: int = Field(default=30, ge=1)
    # One address trying many usernames (password spraying) is refused after this many failures in the window.
    login_max_failures_per_address: int = Field(default=50, ge=1)
    # Public endpoints (sign-in page, token): requests per client address per minute (store.ratelimit).
    signin_rate_per_minute: int = Field(default=30, ge=1)
    # Request bodies: JSON and forms, and multipart uploads (imports); larger ones get a 413 before being read.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    # Addresses of reverse proxies whose X-Forwarded-For/-Proto `serve` trusts (comma-separated; "" = none).
    forwarded_allow_ips: str = ""
    # Session cookies: "auto" marks them Secure when the request came over https or env is production.
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    api_docs: bool = True  # /api/v1/docs (Swagger UI) and the OpenAPI spec; turn off in production if wanted
    max_order_lines: int = Field(default=1000, ge=1)  # lines one order may carry (more: 422)
    max_batch_sales: int = Field(default=500, ge=1)  # sales one POST /sales/orders/batch may carry (more: 422)
    # Seconds the admin reuses a self-assessment it scored (store.assessment.report_cache); 0: score every request.
    report_cache_s: int = Field(default=300, ge=0)
    # Credit complaints (store.credit): hours the shop and the store have to answer a complaint before it is
    # overdue (the shopper is then offered the 12315 route); public form limits per device and per phone an hour.
    credit_response_hours: int = Field(default=48, ge=1)
    credit_complaints_per_device_hour: int = Field(default=5, ge=1)
    credit_complaints_per_phone_hour: int = Field(default=3, ge=1)
    demo_seed: int = 42
    # Growth colours on the admin pages: "auto" is red up / green down in Chinese (the Chinese convention)
    # and green up / red down in English; "red_up" or "green_up" fixes one for both languages.
    admin_growth_colours: Literal["auto", "red_up", "green_up"] = "auto"
    payment_plugin: str = "simulator"  # store.payments: the payment network plugin (simulator, or a real one)
    # store.delivery: the key couriers sign their status callbacks with (HMAC-SHA256); "" derives one per store
    # from secret_key (store.delivery.courier.signing_key), for the simulator and a courier set up by the store.
    courier_secret: str = ""
    # store.workdays: a file with newer official holiday notices (format of store/workdays_cn.txt); "" = bundled only
    workdays_file: str = ""
    demo_admin_password: str = "smartstore-demo"
    sql_echo: bool = False
    backup_dir: str = "var/backups"  # `smartstore backup` and the nightly job write here
    backup_keep: int = Field(default=7, ge=1)  # newest backups kept in that folder; older ones are deleted
    backup_nightly: bool = True  # the worker takes a backup and runs a restore drill every night
    # Retention beyond the newest backup_keep (daily): the newest backup of each of the last N weeks / months.
    backup_weekly: int = Field(default=4, ge=0)
    backup_monthly: int = Field(default=12, ge=0)
    backup_offsite_dir: str = ""  # a folder on another box (NAS / USB mount): each good backup is copied there
    # Facilities (IoT over MQTT): the broker `smartstore worker` subscribes to; "" turns the subscriber off.
    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = Field(default=1883, ge=1, le=65535)
    mqtt_client_id: str = "smartstore-worker"  # a fixed id with a persistent session: QoS 1 waits while down

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _real_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r}") from exc
        return value

    @field_validator("port")
    @classmethod
    def _port_range(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("must be between 1 and 65535")
        return value

    @model_validator(mode="after")
    def _no_placeholder_secret_in_production(self) -> StoreSettings:
        if self.env == "production" and self.secret_key == PLACEHOLDER_SECRET:
            raise ValueError("SMARTSTORE_SECRET_KEY must be set to a real secret in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def unknown_environment_settings(environ: dict[str, str] | None = None) -> list[str]:
    """Names of ``SMARTSTORE_*`` variables that no setting reads (usually a typo)."""
    environ = dict(os.environ if environ is None else environ)
    known = {f"SMARTSTORE_{name.upper()}" for name in StoreSettings.model_fields}
    return sorted(
        name
        for name in environ
        if name.startswith("SMARTSTORE_") and name not in known and not name.startswith(_FOREIGN_PREFIXES)
    )


def load_settings(**overrides: object) -> StoreSettings:
    """Read settings, turning pydantic's report into one readable :class:`SettingsError`."""
    unknown = unknown_environment_settings()
    if unknown:
        raise SettingsError("unknown setting(s): " + ", ".join(unknown) + " (see README 'Configuration' for the list)")
    try:
        return StoreSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "settings"
            name = f"SMARTSTORE_{field.upper()}" if field != "settings" else "settings"
            lines.append(f"{name}: {error['msg']}")
        raise SettingsError("invalid setting(s): " + "; ".join(lines)) from None


@lru_cache(maxsize=1)
def get_settings() -> StoreSettings:
    """The process-wide settings (read once)."""
    return load_settings()
