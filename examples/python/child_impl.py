#!/usr/bin/env python3
"""genode-child-spec's process protocol, served by the Python port of the
child framework in childframework/.

Run it under the checker:

    npx child-spec check --exec "python3 examples/python/child_impl.py"

It reads one JSON request per line on standard input and writes exactly
one JSON reply per line on standard output, in order, until its input
ends. Nothing else goes to standard output; diagnostics of the adapter
itself go to standard error. See docs/implementing.md for the protocol.
"""

from __future__ import annotations

import json
import sys

sys.dont_write_bytecode = True  # keep the example's folder free of __pycache__

from childframework.system import System, UsageError  # noqa: E402

CONTRACT_VERSION = 1
NAME = "python-example"
METHODS = {"hello", "create", "apply", "observe", "dispose"}


class Adapter:
    """The five methods of the protocol over a table of systems by handle."""

    def __init__(self) -> None:
        self.systems: dict[str, System] = {}
        self.created = 0

    def hello(self, params: dict):
        # Answer with our own version; the checker decides whether it speaks it.
        return {"version": CONTRACT_VERSION, "name": NAME}

    def create(self, params: dict):
        system = System(params["description"])
        self.created += 1
        handle = f"s{self.created}"
        self.systems[handle] = system
        return {"system": handle}

    def apply(self, params: dict):
        return self.system(params["system"]).apply(params["operation"])

    def observe(self, params: dict):
        return self.system(params["system"]).observe()

    def dispose(self, params: dict):
        self.system(params["system"])
        del self.systems[params["system"]]
        return None

    def system(self, handle: str) -> System:
        if handle not in self.systems:
            raise UsageError(f"no system {handle}")
        return self.systems[handle]

    def answer(self, request: dict) -> dict:
        """The reply to one request: its result, or an error for misuse."""
        method = request.get("method")
        if method not in METHODS:
            return {"id": request["id"], "error": {"message": f"unknown method {method!r}"}}
        try:
            return {"id": request["id"], "result": getattr(self, method)(request.get("params", {}))}
        except UsageError as error:
            return {"id": request["id"], "error": {"message": str(error)}}
        except (KeyError, TypeError, ValueError) as error:
            # A malformed request, or a bug here: either way the checker learns of it through an error reply.
            return {"id": request["id"], "error": {"message": f"{type(error).__name__}: {error}"}}


def main() -> int:
    adapter = Adapter()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as error:
            print(f"child_impl.py: a request is not JSON: {error}", file=sys.stderr)
            return 1
        if not isinstance(request, dict) or not isinstance(request.get("id"), int):
            print("child_impl.py: a request has no id", file=sys.stderr)
            return 1
        sys.stdout.write(json.dumps(adapter.answer(request), separators=(",", ":")) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
