"""The till agent's settings: ``SMARTSTORE_POS_*`` variables (or the command's flags)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PosSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SMARTSTORE_POS_", extra="ignore")

    server_url: str = "http://127.0.0.1:8000"
    device_key: str = ""  # the till's pos_terminal key (``smartstore device create --kind pos_terminal``)
    shop_id: int = 0  # the shop this till sells for
    till_code: str = "TILL1"  # prefix of the till's order numbers; unique in the store
    state_dir: Path = Path("pos-state")  # the outbox and catalogue cache (SQLite) live here
    host: str = "127.0.0.1"
    port: int = 8700
    store_name: str = "智慧商店"
    printer: str = "file:receipts.bin"  # network:HOST[:PORT], usb:VID:PID, file:PATH, none
    paper_mm: int = Field(default=80, description="58 or 80")
    receipt_url: str = "{server}/kiosk/m/receipts/{token}"  # the QR: the e-receipt (signed with the till's key)
    batch_size: int = 200  # sales per forwarded batch
    backoff_max_s: float = 60.0  # the longest wait between two tries of a failing forward
    heartbeat_s: float = 5.0
    catalog_every_s: float = 60.0
    request_timeout_s: float = 5.0
    supervisor_pin: str = ""  # set: the dead-letter page and its API ask for it (header X-Supervisor-Pin)
    flush_wait_s: float = 10.0  # closing a shift waits this long for the outbox to empty, then refuses
