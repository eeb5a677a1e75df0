"""Cached, lazily created AWS clients. Configuration comes from the standard environment
(region, credentials, AWS_ENDPOINT_URL), so the same code talks to AWS or to the emulator."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_lock = threading.Lock()
# The one client-side retry layer (throttling and 5xx, exponential backoff with jitter): code
# above it does not loop again, and workflows retry only named errors (e.g. SpeechThrottled).
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 4}, connect_timeout=5, read_timeout=70
)


@cache
def _session() -> boto3.session.Session:
    return boto3.session.Session()


def client(service: str) -> Any:
    """A boto3 client for ``service`` (thread-safe creation, one per service)."""
    with _lock:
        return _client(service)


@cache
def _client(service: str) -> Any:
    return _session().client(service, config=CLIENT_CONFIG)  # type: ignore[call-overload]


def presigner() -> Any:
    """An S3 client that presigns with SigV4 (botocore's default for us-east-1 is the legacy
    query signature), for URLs handed to players."""
    with _lock:
        return _presigner()


@cache
def _presigner() -> Any:
    config = CLIENT_CONFIG.merge(Config(signature_version="s3v4"))
    return _session().client("s3", config=config)  # type: ignore[call-overload]


def table(name: str) -> Any:
    """A DynamoDB Table resource."""
    with _lock:
        return _table(name)


@cache
def _table(name: str) -> Any:
    return _session().resource("dynamodb", config=CLIENT_CONFIG).Table(name)  # type: ignore[call-overload]
