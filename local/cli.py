"""The ``livehost`` command.

livehost local up [--port N]      the local cloud in the background; prints its endpoints
livehost local status             is it up, and where
livehost local down               stop it; leaves no process or port behind
livehost local demo --out DIR [--room events/rooms/NAME]
                                  a whole room, locally: video, transcript, graphs, figures
livehost graph ARN -o FILE.html   an execution as a graph (local or in an AWS account)
livehost web publish [--stack S]  upload the console and viewer page (and their config) to AWS
livehost cost --room events/demo-room.json [--viewers N] [--hours-per-day H]
                                  what the room costs in AWS per hour, day and month
livehost login --stack S [--username EMAIL]
                                  sign an operator in to a deployed stack (password from a
                                  prompt or $LIVEHOST_PASSWORD); the session is kept
livehost token --stack S          the signed-in operator's ID token (for curl)
livehost smoke --stack S          one small room end to end through the stack, step by step
livehost bake --stack S [--instance-type T]
                                  an image with the render host installed, from the stack's
                                  own bootstrap; prints the RenderHostAmiId to deploy with

Works from any folder: the local cloud's state lives in the LiveHost checkout's
.livehost/local (or in --dir DIR, or $LIVEHOST_LOCAL_DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from local import leftovers

WORKDIR = Path(".livehost/local")  # inside the checkout; replaced by main() with the real one


def checkout() -> Path:
    """The LiveHost checkout: the one the working folder is in, else the one this package
    was installed from (``pip install -e``)."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "template.yaml").is_file() and (folder / "local" / "cli.py").is_file():
            return folder
    return Path(__file__).resolve().parent.parent


def local_dir(explicit: Path | None) -> Path:
    """Where the local cloud keeps its state: ``--dir``, $LIVEHOST_LOCAL_DIR, or the checkout."""
    if explicit is not None:
        return explicit.resolve()
    if env := os.environ.get("LIVEHOST_LOCAL_DIR"):
        return Path(env).resolve()
    return checkout() / ".livehost" / "local"


def main(argv: list[str] | None = None) -> int:
    """Run the command; an unexpected error is one line (LIVEHOST_DEBUG=1: the traceback)."""
    try:
        return _run(argv)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("LIVEHOST_DEBUG"):
            raise
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"livehost: {type(exc).__name__}: {message}", file=sys.stderr)
        return 1


def _run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(
        prog="livehost", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    local_parser = commands.add_parser("local", help="the local cloud")
    local_parser.add_argument(
        "--dir", type=Path, help="the local cloud's state folder (default: the checkout's)"
    )
    local = local_parser.add_subparsers(dest="action", required=True)
    up = local.add_parser("up", help="start the local cloud in the background")
    up.add_argument("--port", type=int, default=4566, help="the AWS emulator's port (0: any free)")
    local.add_parser("status", help="is the local cloud up")
    local.add_parser("down", help="stop the local cloud")
    demo = local.add_parser("demo", help="run a whole room locally")
    demo.add_argument("--out", type=Path, default=Path("out/demo"))
    demo.add_argument("--short", action="store_true", help="a shorter show (for tests)")
    demo.add_argument(
        "--room",
        type=Path,
        default=None,
        help="a sample room folder (e.g. events/rooms/mandarin-showcase); default: the English showcase",
    )
    graph = commands.add_parser("graph", help="an execution as an HTML graph")
    graph.add_argument("execution_arn")
    graph.add_argument("-o", "--output", type=Path, required=True)
    graph.add_argument("--no-children", action="store_true")
    graph.add_argument("--region", help="AWS region (default: from the environment)")
    web = commands.add_parser("web", help="the console and the viewer page").add_subparsers(
        dest="action", required=True
    )
    publish = web.add_parser("publish", help="upload web/ and its config to the stack's bucket")
    publish.add_argument("--stack", default="livehost")
    publish.add_argument("--region", default=None)
    add_cost_arguments(commands.add_parser("cost", help="a room's cost in AWS"))
    login = commands.add_parser("login", help="sign an operator in to a deployed stack")
    login.add_argument("--username", help="the operator's email (default: asked)")
    login.add_argument(
        "--new-password",
        action="store_true",
        help="first sign-in with a temporary password: choose a new one "
        "(asked, or $LIVEHOST_NEW_PASSWORD)",
    )
    token = commands.add_parser("token", help="print the signed-in operator's ID token")
    smoke = commands.add_parser("smoke", help="run one small room through a deployed stack")
    smoke.add_argument("--live-timeout", type=float, default=900.0, help="seconds to reach LIVE")
    bake = commands.add_parser("bake", help="an image for faster render host starts")
    bake.add_argument(
        "--instance-type", help="the bake instance's type (default: the stack's first)"
    )
    for stack_parser in (login, token, smoke, bake):
        stack_parser.add_argument("--stack", default="livehost", help="the stack's name")
        stack_parser.add_argument("--region", default=None)
    args = parser.parse_args(argv)

    if args.command in ("login", "token", "smoke", "bake"):
        from local.operator_commands import run_operator_command

        return run_operator_command(args)

    if args.command == "cost":
        from local.cost_command import cost

        return cost(args)

    if args.command == "graph":
        from local.graph import main as graph_main

        return graph_main(
            [
                args.execution_arn,
                "-o",
                str(args.output),
                *(["--no-children"] if args.no_children else []),
                *(["--region", args.region] if args.region else []),
            ]
        )
    if args.command == "web":
        return web_publish(args.stack, args.region)
    global WORKDIR
    WORKDIR = local_dir(args.dir)
    if args.action == "demo":
        from local.demo import run_demo

        return run_demo(args.out, short=args.short, room=args.room)
    return {"up": lambda: local_up(args.port), "status": local_status, "down": local_down}[
        args.action
    ]()


def add_cost_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--room", type=Path, default=Path("events/demo-room.json"))
    parser.add_argument(
        "--script", type=Path, default=None, help="default: next to the room (script.json)"
    )
    parser.add_argument("--viewers", type=int, default=100, help="concurrent viewers")
    parser.add_argument("--hours-per-day", type=float, default=24.0)
    parser.add_argument("--questions-per-hour", type=float, default=20.0)
    parser.add_argument("--region", default="us-east-1")


def web_publish(stack: str, region: str | None) -> int:
    """Upload the site to the deployed stack's web bucket with a config for that stack."""
    import boto3

    from local.website import publish

    session = boto3.session.Session(region_name=region)
    if session.region_name is None:
        print("livehost: no region: pass --region or set AWS_DEFAULT_REGION", file=sys.stderr)
        return 2
    described = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    try:
        written = publish(
            outputs,
            region=session.region_name,
            s3=session.client("s3"),
            apigateway=session.client("apigateway"),
            cloudfront=session.client("cloudfront"),
        )
    except (ValueError, FileNotFoundError) as exc:
        print(f"livehost: {exc}", file=sys.stderr)
        return 1
    print(f"{len(written)} files published; the console: {outputs.get('ConsoleUrl')}")
    return 0


def _state() -> dict | None:
    path = WORKDIR / "cloud.json"
    return json.loads(path.read_text()) if path.exists() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def local_up(port: int) -> int:
    state = _state()
    if state and _alive(state["pid"]):
        print(f"the local cloud is already up at {state['endpoint']}")
        return _print_endpoints(state)
    from local.cloud import PortBusy, ensure_free

    if port:
        try:
            ensure_free(port, "AWS emulator")
        except PortBusy as exc:
            print(f"livehost: {exc}", file=sys.stderr)
            return 1
    WORKDIR.mkdir(parents=True, exist_ok=True)
    (WORKDIR / "cloud.json").unlink(missing_ok=True)
    with open(WORKDIR / "service.err", "wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "local.service", "--workdir", str(WORKDIR), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
    deadline = time.time() + 90
    while time.time() < deadline:
        if (state := _state()) is not None:
            return _print_endpoints(state)
        if process.poll() is not None:
            error = WORKDIR / "error.txt"
            reason = (
                error.read_text().split("\n\n")[0]
                if error.exists()
                else (WORKDIR / "service.err").read_text()
            )
            print(f"livehost: the local cloud did not start: {reason}", file=sys.stderr)
            return 1
        time.sleep(0.3)
    process.terminate()
    print(
        f"livehost: the local cloud took more than 90 s to start; see {WORKDIR / 'cloud.log'}",
        file=sys.stderr,
    )
    return 1


def _print_endpoints(state: dict) -> int:
    outputs = state["outputs"]
    print(f"AWS emulator   {state['endpoint']}  (template.yaml deployed as stack 'livehost')")
    if state.get("ingest"):
        print(
            f"RTMP ingest    {state['ingest']['rtmps']} (RTMPS)  {state['ingest']['rtmp']} (RTMP)"
        )
        print(f"HLS preview    {state['ingest']['hls']}livehost-<roomId>-r<run>.m3u8")
    if state.get("api"):
        api = state["api"]
        print(f"REST API       {api['url']}/v1  (viewer x-api-key: {api['apiKey']})")
        print(f"Console        {api['console']}")
        print(
            f"  sign in as   {api['operator']['username']}  password {api['operator']['password']}"
        )
        print(f"Viewer page    {api['viewer']}")
        print(f"  operator token (1 h): export LIVEHOST_TOKEN={api['operatorToken']}")
        print(f"  documentation: {api['url']}/docs  ({api['url']}/openapi.json)")
    print(f"RoomLifecycle  {outputs['RoomLifecycleArn']}")
    print("\nPoint the AWS CLI or boto3 at it:")
    print(
        f"  export AWS_ENDPOINT_URL={state['endpoint']} AWS_DEFAULT_REGION=us-east-1 "
        "AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing"
    )
    print(
        "  aws stepfunctions start-execution --state-machine-arn "
        f"{outputs['RoomLifecycleArn']} --name demo-showcase-cli-$(date +%s) "
        "--input file://events/start-room.json"
    )
    return 0


def local_status() -> int:
    state = _state()
    if not state or not _alive(state["pid"]):
        print("the local cloud is down")
        return 3
    print(f"the local cloud is up (pid {state['pid']})")
    return _print_endpoints(state)


def local_down() -> int:
    """Stop the cloud, then look: no process of it and no port of it may be left. Whatever
    is left is killed and named; the message says what was found, not what was hoped."""
    state = _state() or {}
    pid = state.get("pid")
    if pid and _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + 30
        while _alive(pid) and time.time() < deadline:
            time.sleep(0.2)
    stubborn = leftovers.processes(WORKDIR, pid)
    leftovers.kill_all(stubborn)
    remaining = leftovers.processes(WORKDIR, pid)
    busy = [port for port in leftovers.ports(state) if leftovers.listening(port)]
    if remaining or busy:
        what = [str(p) for p in remaining] + [f"port {port}" for port in busy]
        print(f"livehost: stopped, but still there: {'; '.join(what)}", file=sys.stderr)
        return 1
    (WORKDIR / "cloud.json").unlink(missing_ok=True)
    if stubborn:
        killed = ", ".join(str(p.pid) for p in stubborn)
        print(
            f"the local cloud is down (killed what was still running: pid {killed}); "
            "no process or port of it is left"
        )
    elif not pid:
        print("the local cloud was not up; no process or port of it is left")
    else:
        print("the local cloud is down; no process or port of it is left")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
