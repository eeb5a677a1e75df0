"""``livehost login``, ``token``, ``smoke`` and ``bake``: the commands that talk to a deployed stack as
its operator, reading the stack's outputs (``--stack``, ``--region``)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time

from local.bake import Bake, BakeFailed
from local.session import NotSignedIn, SignInFailed, current, login
from local.smoke import SmokeFailed, SmokeRun
from local.stack import Stack, StackNotReady, read_stack


def run_operator_command(args: argparse.Namespace) -> int:
    try:
        stack = read_stack(args.stack, args.region)
        if args.command == "login":
            return _login(stack, args)
        if args.command == "token":
            print(current(stack).id_token)
            return 0
        if args.command == "bake":
            Bake(stack, sys.stdout, instance_type=args.instance_type).run()
            return 0
        SmokeRun(stack, sys.stdout, live_timeout_s=args.live_timeout).run()
        return 0
    except (StackNotReady, SignInFailed, NotSignedIn) as exc:
        print(f"livehost {args.command}: {exc}", file=sys.stderr)
        return 2
    except BakeFailed as exc:
        print(f"livehost bake: FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # the bake instance is terminated already (Bake.run)
        print(f"livehost {args.command}: interrupted", file=sys.stderr)
        return 130
    except SmokeFailed as exc:
        print(f"livehost smoke: FAILED: {exc}", file=sys.stderr)
        return 1


def _login(stack: Stack, args: argparse.Namespace) -> int:
    username = args.username or input("operator email: ").strip()
    password = os.environ.get("LIVEHOST_PASSWORD") or getpass.getpass(f"password for {username}: ")
    new_password = None
    if args.new_password:
        new_password = os.environ.get("LIVEHOST_NEW_PASSWORD") or getpass.getpass("new password: ")
    session = login(stack, username, password, new_password)
    until = time.strftime("%H:%M", time.localtime(session.expires_at))
    print(
        f"signed in to stack {stack.name} ({stack.region}) as {username}; token valid until {until}"
    )
    print(f"API {session.api_url}  (livehost token --stack {stack.name} prints the token)")
    return 0
