"""What DynamoDB TTL and S3 lifecycle expiration do in AWS, done for the emulator, which keeps
expired items and objects for ever (gap 29 in ``local.moto_gaps``): every ``interval_s`` the
sweeper deletes each table's items whose TTL attribute is in the past, and each bucket's
objects older than its lifecycle rules' ``Expiration.Days``. Through the public APIs only
(DescribeTimeToLive, Scan, DeleteItem; GetBucketLifecycleConfiguration, ListObjectsV2,
DeleteObject), so it acts on exactly what the template configured."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

log = logging.getLogger("livehost.local.expiry")

DAY_S = 24 * 3600


class ExpirySweeper:
    """Deletes expired items and objects, as TTL and lifecycle rules do (``sweep()`` once,
    or ``start()`` a thread that sweeps every ``interval_s``)."""

    def __init__(
        self,
        client: Callable[[str], Any],
        interval_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.dynamodb, self.s3 = client("dynamodb"), client("s3")
        self.interval_s, self.clock = interval_s, clock
        self.deleted = {"items": 0, "objects": 0}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> ExpirySweeper:
        self._thread = threading.Thread(target=self._run, name="expiry", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.sweep()
            except Exception:  # a sweep that fails is tried again at the next interval
                log.exception("expiry sweep failed")

    def sweep(self) -> dict[str, int]:
        """One pass over every table and bucket; what it deleted."""
        items = sum(self.sweep_table(t) for t in self.dynamodb.list_tables()["TableNames"])
        objects = sum(self.sweep_bucket(b["Name"]) for b in self.s3.list_buckets()["Buckets"])
        self.deleted["items"] += items
        self.deleted["objects"] += objects
        return {"items": items, "objects": objects}

    def sweep_table(self, table: str) -> int:
        """Delete ``table``'s items whose TTL attribute is past; how many."""
        ttl = self.dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        if ttl.get("TimeToLiveStatus") != "ENABLED":
            return 0
        attribute = ttl["AttributeName"]
        keys = [
            k["AttributeName"]
            for k in self.dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
        ]
        deleted, start = 0, None
        while True:
            page = self.dynamodb.scan(
                TableName=table,
                FilterExpression="#ttl < :now",
                ExpressionAttributeNames={"#ttl": attribute},
                ExpressionAttributeValues={":now": {"N": str(int(self.clock()))}},
                **({"ExclusiveStartKey": start} if start else {}),
            )
            for item in page["Items"]:
                self.dynamodb.delete_item(TableName=table, Key={k: item[k] for k in keys})
                deleted += 1
            start = page.get("LastEvaluatedKey")
            if not start:
                return deleted

    def sweep_bucket(self, bucket: str) -> int:
        """Delete ``bucket``'s objects its lifecycle rules expire; how many."""
        try:
            rules = self.s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        except ClientError:  # no lifecycle configuration: nothing expires
            return 0
        deleted = 0
        for rule in rules:
            days = rule.get("Expiration", {}).get("Days")
            if rule.get("Status") != "Enabled" or not days:
                continue
            prefix = rule.get("Prefix", rule.get("Filter", {}).get("Prefix", ""))
            cutoff = self.clock() - days * DAY_S
            for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=prefix
            ):
                for obj in page.get("Contents", []):
                    if obj["LastModified"].timestamp() < cutoff:
                        self.s3.delete_object(Bucket=bucket, Key=obj["Key"])
                        deleted += 1
        return deleted
