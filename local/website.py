"""The console and the viewer page as the stack hosts them (S3 behind CloudFront, the API
under ``/v1/`` on the same origin), served from ``web/`` by the local gateway: the same files,
the npm packages under ``/vendor/`` and a generated ``/config.json`` (what ``site_config``
gives; ``livehost web publish`` writes the AWS one). Locally the site also draws a run's
execution graph at ``/executions/<executionArn>`` (``local.graph``), where the config's
``executionGraphUrl`` points; in AWS that URL is the Step Functions console's."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"
# what the pages import as /vendor/<name>: files of the npm packages in web/package.json
VENDOR = {"hls.mjs": "node_modules/hls.js/dist/hls.mjs"}
PAGES = ("console", "viewer", "shared", "img")
TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json"}
# Where a run's execution graph is; the console fills in {region} and {executionArn}.
AWS_EXECUTION_GRAPH = (
    "https://{region}.console.aws.amazon.com/states/home?region={region}"
    "#/v2/executions/details/{executionArn}"
)
LOCAL_EXECUTION_GRAPH = "/executions/{executionArn}"
ExecutionPages = Callable[[str], str]  # execution ARN -> the graph page (HTML)


def site_config(
    *,
    region: str,
    user_pool_id: str,
    client_id: str,
    viewer_api_key: str,
    cognito_endpoint: str | None = None,
    cues: str = "id3",
    api_base: str = "/v1",
    execution_graph: str = AWS_EXECUTION_GRAPH,
) -> dict[str, Any]:
    """What the pages read from /config.json: where the API and Cognito are, the viewer
    route's key, where timed metadata comes from (``id3`` in the HLS pieces, as IVS
    delivers it; ``feed``: the local playback's cue feed beside the playlist) and where a
    run's execution graph is (a URL template)."""
    return {
        "apiBase": api_base,
        "region": region,
        "cognito": {
            "endpoint": cognito_endpoint or f"https://cognito-idp.{region}.amazonaws.com/",
            "userPoolId": user_pool_id,
            "clientId": client_id,
        },
        "viewerApiKey": viewer_api_key,
        "cues": cues,
        "executionGraphUrl": execution_graph,
    }


@dataclass
class StaticSite:
    """GET-only files: ``/`` -> the console, page folders, vendor files, the config; with
    ``executions``, execution graph pages under ``/executions/``."""

    config: dict[str, Any]
    root: Path = WEB_ROOT
    executions: ExecutionPages | None = None

    def get(self, path: str) -> tuple[int, dict[str, str], bytes] | None:
        """The answer for ``path``, or None when it is not the site's (an API path)."""
        path = path.split("?", 1)[0]
        if path in ("/", "/console", "/viewer"):
            target = "/console/" if path == "/" else path + "/"
            return 302, {"Location": target}, b""
        if path == "/config.json":
            return _file(json.dumps(self.config, indent=2).encode(), ".json")
        top, _, rest = path.lstrip("/").partition("/")
        if top == "executions" and self.executions is not None:
            return self._graph(unquote(rest))
        if top == "vendor":
            if rest not in VENDOR:
                return _missing()
            return self._read(self.root / VENDOR[rest])
        if top not in PAGES:
            return None
        file = (self.root / top / (rest or "index.html")).resolve()
        if not file.is_relative_to((self.root / top).resolve()):
            return _missing()
        return self._read(file)

    def _graph(self, execution_arn: str) -> tuple[int, dict[str, str], bytes]:
        assert self.executions is not None
        try:
            page = self.executions(execution_arn)
        except Exception as exc:  # no such execution, not an ARN: say which
            return 404, {"Content-Type": "text/plain"}, f"{exc}\n".encode()
        return _file(page.encode(), ".html")

    def _read(self, target: Path) -> tuple[int, dict[str, str], bytes]:
        if not target.is_file():
            return _missing()
        return _file(target.read_bytes(), target.suffix)


def _file(body: bytes, suffix: str) -> tuple[int, dict[str, str], bytes]:
    kind = TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0] or "application/octet-stream"
    return 200, {"Content-Type": kind, "Cache-Control": "no-cache"}, body


def _missing() -> tuple[int, dict[str, str], bytes]:
    return 404, {"Content-Type": "text/plain"}, b"not found\n"


def site_files(root: Path = WEB_ROOT) -> dict[str, Path]:
    """Every file the site serves, by its key (path without the leading '/')."""
    files = {
        f"{top}/{path.relative_to(root / top).as_posix()}": path
        for top in PAGES
        if (root / top).is_dir()
        for path in sorted((root / top).rglob("*"))
        if path.is_file()
    }
    for name, source in VENDOR.items():
        if not (root / source).is_file():
            raise FileNotFoundError(f"{root / source} is missing: run ./dev setup (npm ci in web/)")
        files[f"vendor/{name}"] = root / source
    return files


def publish(
    outputs: dict[str, str],
    *,
    region: str,
    s3: Any,
    apigateway: Any,
    cloudfront: Any = None,
    root: Path = WEB_ROOT,
) -> list[str]:
    """Upload the site and its config.json to the stack's web bucket (``outputs``: the stack's
    outputs) and invalidate CloudFront's copies; returns the keys written."""
    if "WebBucketName" not in outputs:
        raise ValueError("the stack hosts no web pages: deploy it with WebHosting=true")
    key = apigateway.get_api_key(apiKey=outputs["ViewerApiKeyId"], includeValue=True)["value"]
    config = site_config(
        region=region,
        user_pool_id=outputs["UserPoolId"],
        client_id=outputs["UserPoolClientId"],
        viewer_api_key=key,
    )
    bucket = outputs["WebBucketName"]
    written = []
    for name, path in site_files(root).items():
        kind = _file(b"", path.suffix)[1]["Content-Type"]
        s3.put_object(Bucket=bucket, Key=name, Body=path.read_bytes(), ContentType=kind)
        written.append(name)
    s3.put_object(
        Bucket=bucket,
        Key="config.json",
        Body=json.dumps(config, indent=2).encode(),
        ContentType="application/json",
        CacheControl="no-cache",
    )
    written.append("config.json")
    if cloudfront is not None and outputs.get("WebDistributionId"):
        cloudfront.create_invalidation(
            DistributionId=outputs["WebDistributionId"],
            InvalidationBatch={
                "Paths": {"Quantity": 1, "Items": ["/*"]},
                "CallerReference": f"livehost-{len(written)}-{id(written)}",
            },
        )
    return written
