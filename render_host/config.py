"""Every render host setting in one place (uvicorn's Config habit). Values come from the
environment (``LIVEHOST_*``) and the boot document the provision function wrote."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from livehost.boot import BOOT_PATH, AgentBoot


class AgentConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIVEHOST_", extra="ignore")

    boot_path: Path = Path(BOOT_PATH)
    instance_id: str = "unknown"
    instance_type: str = "unknown"
    workdir: Path = Path("/var/lib/livehost")

    # ingest: rtmps://{channel ingest endpoint}:{ingest_port}/{ingest_app}/{stream key}
    ingest_scheme: str = "rtmps"
    ingest_port: int = 443
    ingest_app: str = "app"
    ingest_ca_file: Path | None = Field(default=None, description="trust a private CA")
    ingest_rw_timeout_s: float = 3.0
    first_keyframe_timeout_s: float = 20.0

    viseme_lead_ms: int = Field(
        default=30, description="show each viseme this early (video and audio share pts)"
    )
    now_cut_within_ms: int = Field(
        default=150,
        ge=0,
        description="NOW waits this long at most for a word boundary, then cuts faded",
    )
    now_cut_ready_within_ms: int = Field(
        default=33,
        ge=0,
        description="the same bound once the insert's speech is here (a frame: 33 ms)",
    )
    viseme_track: Path | None = Field(default=None, description="write the viseme track here")
    video_kbps: int | None = None
    encoder_threads: int = 2

    poll_wait_s: int = Field(default=2, ge=0, le=20)
    heartbeat_every_s: float = 2.0
    health_every_s: float = 5.0
    shutdown_grace_s: float = 8.0
    agent_version: str = "0.1.0"

    def boot(self) -> AgentBoot:
        return AgentBoot.model_validate_json(self.boot_path.read_text())
