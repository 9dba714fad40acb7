"""A Spark Connect server's address, ``sc://HOST[:PORT][/;name=value…]`` (the parameters carry
a token or TLS), and whether a server answers there: pyspark's client retries an unreachable
server for about ten minutes before giving up, a run says so at once."""

from __future__ import annotations

import re
import socket

from barometre.errors import BarometreError

DEFAULT_PORT = 15002  # Spark Connect's, when the URL names none
CONNECT_URL = re.compile(r"sc://(?P<host>[^/:;\s]+)(:(?P<port>\d+))?(/.*)?")
_ANSWER_TIMEOUT = 10.0


def server_answers(host: str, port: int, timeout: float = _ANSWER_TIMEOUT) -> bool:
    """Whether something accepts connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def check_server(remote: str) -> None:
    """Raise an error naming the URL unless a Spark Connect server answers there."""
    match = CONNECT_URL.fullmatch(remote)
    if match is None:
        raise BarometreError(f"{remote!r} is not a Spark Connect URL (sc://HOST:PORT)")
    host, port = match["host"], int(match["port"] or DEFAULT_PORT)
    if not server_answers(host, port):
        raise BarometreError(
            f"no Spark Connect server answers at {remote} ({host}:{port}): start one "
            "(`make spark-cluster` here) or check the URL"
        )
