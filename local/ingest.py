"""A real RTMP(S) ingest on loopback for the local cloud and the tests: Debian nginx with the
RTMP module records every stream to FLV and cuts an HLS preview (2 s pieces, served over
HTTP); the stream module terminates TLS in front of it (RTMPS) with a certificate from a local
CA made by openssl, so a client can verify it by trusting ``ca_file``.

nginx names recordings and HLS playlists after the published stream name. Given
``stream_names`` (stream key -> a name such as ``livehost-room-7-r2``, the room's channel), the
ingest checks every publish as IVS does (an unknown or revoked key is refused) and renames the
stream, so the key is in no file name, no preview URL and no log line (the log level is
``notice``: nginx-rtmp prints the name it was given at ``info``).

    with LocalIngest(tmp_path, stream_names={"sk_1": "room-1-r1"}.get) as ingest:
        push(ingest.publish_url("sk_1", tls=True), ca_file=ingest.ca_file)
        ingest.recordings()  # [.../recordings/room-1-r1-1700000000.flv]"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from xml.etree import ElementTree

NGINX = "/usr/sbin/nginx"
MODULES_DIR = Path("/usr/lib/nginx/modules")
MODULES = ("ngx_rtmp_module.so", "ngx_stream_module.so")
HOST = "127.0.0.1"
APP = "app"

CONFIG = """\
{user}worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/logs/error.log notice;
{load_modules}
events {{ worker_connections 256; }}

rtmp {{
    server {{
        listen {host}:{rtmp_port};
        chunk_size 4096;
        application {app} {{
            live on;
{on_publish}            record all;
            record_path {workdir}/recordings;
            record_unique on;
            # nginx-rtmp's HLS sees a publish before on_publish renames it, a relay after
            push rtmp://{host}:{rtmp_port}/preview;
        }}
        application preview {{
            live on;
            allow publish {host};
            deny publish all;
            hls on;
            hls_path {workdir}/hls;
            hls_fragment 2s;
            hls_playlist_length 10s;
        }}
    }}
}}

stream {{
    server {{
        listen {host}:{rtmps_port} ssl;
        proxy_pass {host}:{rtmp_port};
        ssl_certificate {workdir}/tls/server.crt;
        ssl_certificate_key {workdir}/tls/server.key;
    }}
}}

http {{
    access_log off;
    client_body_temp_path {workdir}/tmp/body;
    proxy_temp_path {workdir}/tmp/proxy;
    fastcgi_temp_path {workdir}/tmp/fastcgi;
    uwsgi_temp_path {workdir}/tmp/uwsgi;
    scgi_temp_path {workdir}/tmp/scgi;
    types {{ application/vnd.apple.mpegurl m3u8; video/mp2t ts; }}
    server {{
        listen {host}:{http_port};
        location /hls/ {{
            alias {workdir}/hls/;
            add_header Cache-Control no-cache;
            add_header Access-Control-Allow-Origin *;
        }}
        location = /stat {{
            rtmp_stat all;
        }}
    }}
}}
"""

SERVER_EXTENSIONS = """\
subjectAltName=DNS:localhost,IP:127.0.0.1
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
"""


StreamNames = Callable[[str], str | None]
# what the ingest tells a recorder (local.recorder): a stream published, a recording closed
Published = Callable[[str], None]
Recorded = Callable[[str, Path], None]


class IngestError(RuntimeError):
    """The local ingest could not start (busy port, nginx or a module missing, bad config)."""


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def _accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.2):
        return True
    return False


def _last_tag_ms(flv: Path) -> int | None:
    """The timestamp of an FLV file's last complete tag (None if the end is half written)."""
    with flv.open("rb") as f:
        size = f.seek(0, os.SEEK_END)
        if size < 13 + 15:
            return None
        f.seek(size - 4)
        previous = int.from_bytes(f.read(4), "big")
        if previous < 11 or previous > size - 17:
            return None
        f.seek(size - 4 - previous)
        header = f.read(11)
    kind, length = header[0] & 0x1F, int.from_bytes(header[1:4], "big")
    if kind not in (8, 9, 18) or length + 11 != previous:
        return None
    return int.from_bytes(header[4:7], "big") | header[7] << 24


class LocalIngest:
    """nginx-rtmp on loopback: RTMP, RTMPS (local CA), recordings and an HLS preview.

    Ports given as 0 are chosen at the first ``start()`` and kept, so ``stop()`` then
    ``start()`` comes back on the same addresses (a real outage and recovery)."""

    def __init__(
        self,
        workdir: str | Path,
        rtmp_port: int = 0,
        rtmps_port: int = 0,
        http_port: int = 0,
        *,
        stream_names: StreamNames | None = None,
        on_published: Published | None = None,
        on_recorded: Recorded | None = None,
    ) -> None:
        self.workdir = Path(workdir).resolve()
        self.ports = {"rtmp": rtmp_port, "rtmps": rtmps_port, "http": http_port}
        self._process: subprocess.Popen[bytes] | None = None
        self._publish_check = (
            _PublishCheck(stream_names, on_published, on_recorded) if stream_names else None
        )

    # ---- addresses ------------------------------------------------------------------

    @property
    def rtmp_url(self) -> str:
        """The RTMP ingest endpoint; append the stream key (``publish_url`` does)."""
        return f"rtmp://{HOST}:{self.ports['rtmp']}/{APP}/"

    @property
    def rtmps_url(self) -> str:
        """The RTMPS ingest endpoint (TLS with the local CA's certificate)."""
        return f"rtmps://{HOST}:{self.ports['rtmps']}/{APP}/"

    @property
    def hls_url(self) -> str:
        """Base of the HLS preview: ``<hls_url><stream>.m3u8`` plays a stream."""
        return f"http://{HOST}:{self.ports['http']}/hls/"

    @property
    def ca_file(self) -> Path:
        """The local CA certificate a client trusts to verify the RTMPS front."""
        return self.workdir / "tls" / "ca.crt"

    @property
    def recordings_dir(self) -> Path:
        return self.workdir / "recordings"

    def publish_url(self, stream: str, *, tls: bool = False) -> str:
        """The URL to push ``stream`` to, over RTMPS when ``tls``."""
        return (self.rtmps_url if tls else self.rtmp_url) + stream

    def stream_time_ms(self, stream: str) -> int | None:
        """Where ``stream`` is on its own clock: the timestamp of the last frame the ingest
        received (the newest tag of its recording); None while it is not published."""
        with urllib.request.urlopen(f"http://{HOST}:{self.ports['http']}/stat", timeout=2) as r:
            stats = ElementTree.fromstring(r.read())
        publishing = any(
            found.findtext("name") == stream and found.find("publishing") is not None
            for found in stats.iter("stream")
        )
        recordings = sorted(self.recordings_dir.glob(f"{stream}-*.flv"), key=lambda p: p.name)
        if not publishing or not recordings:
            return None
        for _ in range(20):  # nginx may be half way through writing a tag
            if (ms := _last_tag_ms(recordings[-1])) is not None:
                return ms
            time.sleep(0.005)
        return None

    def recordings(self) -> list[Path]:
        """The recorded FLV files, oldest first."""
        return sorted(self.recordings_dir.glob("*.flv"), key=lambda p: (p.stat().st_mtime, p.name))

    # ---- lifecycle ------------------------------------------------------------------

    def start(self, timeout_s: float = 5.0) -> LocalIngest:
        """Start nginx and wait until every port accepts connections."""
        if self._process is not None:
            return self
        for module in MODULES:
            if not (MODULES_DIR / module).exists():
                raise IngestError(
                    f"{MODULES_DIR / module} missing: install libnginx-mod-rtmp/-stream"
                )
        for name, port in self.ports.items():
            if port and not _port_is_free(port):
                raise IngestError(f"{name} port {HOST}:{port} is busy: stop what uses it or pass 0")
        for name, port in self.ports.items():
            self.ports[name] = port or free_port()
        self._prepare_dirs()
        self._make_certificates()
        if self._publish_check:
            self._publish_check.start()
        config = self.workdir / "nginx.conf"
        config.write_text(self.config_text())
        self._process = subprocess.Popen(
            [NGINX, "-p", str(self.workdir), "-e", str(self.workdir / "logs" / "error.log"),
             "-c", str(config)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        self._wait_until_ready(timeout_s)
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop nginx (fast shutdown: open streams are cut) and make sure no process is left."""
        if self._publish_check:
            self._publish_check.stop()
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout_s)
        # workers are in nginx's session: none may outlive the master
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.stderr:
            process.stderr.close()

    @property
    def pid(self) -> int | None:
        """The nginx master's pid (also its process group) while started."""
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> LocalIngest:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---- pieces ---------------------------------------------------------------------

    def config_text(self) -> str:
        """The nginx.conf for the current ports and workdir."""
        # nginx workers drop to `nobody` when the master is root: keep root so they can write
        user = "user root;\n" if os.geteuid() == 0 else ""
        load_modules = "\n".join(f"load_module {MODULES_DIR / m};" for m in MODULES)
        on_publish = ""
        if self._publish_check:
            on_publish = f"            on_publish {self._publish_check.url};\n"
            if self._publish_check.on_recorded:
                on_publish += f"            on_record_done {self._publish_check.done_url};\n"
        return CONFIG.format(
            on_publish=on_publish,
            user=user,
            workdir=self.workdir,
            load_modules=load_modules,
            host=HOST,
            app=APP,
            rtmp_port=self.ports["rtmp"],
            rtmps_port=self.ports["rtmps"],
            http_port=self.ports["http"],
        )

    def error_log(self) -> str:
        log = self.workdir / "logs" / "error.log"
        return log.read_text(errors="replace") if log.exists() else ""

    def _prepare_dirs(self) -> None:
        for sub in ("logs", "recordings", "hls", "tls", "tmp"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)

    def _make_certificates(self) -> None:
        tls = self.workdir / "tls"
        if (tls / "server.crt").exists() and self.ca_file.exists():
            return
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        (tls / "server.ext").write_text(SERVER_EXTENSIONS)
        steps = [
            ["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "30",
             "-subj", "/CN=LiveHost local CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.crt", "-days", "30", "-extfile", "server.ext"],
        ]  # fmt: skip
        for step in steps:
            done = subprocess.run(["openssl", *step], cwd=tls, capture_output=True, check=False)
            if done.returncode != 0:
                raise IngestError(f"openssl {step[0]} failed: {done.stderr.decode().strip()}")

    def _wait_until_ready(self, timeout_s: float) -> None:
        assert self._process is not None
        deadline = time.monotonic() + timeout_s
        waiting = dict(self.ports)
        while waiting:
            if self._process.poll() is not None:
                stderr = self._process.stderr.read().decode() if self._process.stderr else ""
                self._process = None
                raise IngestError(f"nginx exited: {stderr.strip() or self.error_log()[-800:]}")
            waiting = {name: port for name, port in waiting.items() if not _accepts(port)}
            if waiting and time.monotonic() > deadline:
                names = ", ".join(f"{name} {HOST}:{port}" for name, port in waiting.items())
                self.stop()
                raise IngestError(f"nginx did not accept on {names} within {timeout_s} s")
            if waiting:
                time.sleep(0.02)


class _PublishCheck:
    """nginx-rtmp's ``on_publish`` callback on loopback: a 302 to the stream's name renames the
    stream (recordings, HLS), a 403 refuses an unknown key. With a recorder it also tells it
    of each accepted publish and (``on_record_done``) of each closed recording."""

    def __init__(
        self,
        stream_names: StreamNames,
        on_published: Published | None = None,
        on_recorded: Recorded | None = None,
    ) -> None:
        self.stream_names = stream_names
        self.on_published = on_published
        self.on_recorded = on_recorded
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://{HOST}:{self._server.server_address[1]}/publish"

    @property
    def done_url(self) -> str:
        assert self._server is not None
        return f"http://{HOST}:{self._server.server_address[1]}/record_done"

    def start(self) -> None:
        if self._server is not None:
            return
        names, published, recorded = self.stream_names, self.on_published, self.on_recorded

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                if self.path == "/record_done":
                    path = Path(form.get("path", [""])[0])
                    if recorded and path.name:  # named <stream>-<unix time>.flv
                        recorded(path.name.rsplit("-", 1)[0], path)
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                name = names(form.get("name", [""])[0])
                self.send_response(302 if name else 403)
                if name:
                    self.send_header("Location", name)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if name and published:
                    published(name)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the request carries the stream key."""

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        threading.Thread(
            target=self._server.serve_forever, name="ingest-publish-check", daemon=True
        ).start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server:
            server.shutdown()
            server.server_close()
