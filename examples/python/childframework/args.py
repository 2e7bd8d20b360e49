"""Genode arg strings: `ram_quota=8192, cap_quota=4, label="x"`.

Key=value pairs separated by commas; a value in double quotes may contain
commas. Setting an argument removes the old one and appends the new one.
As in Genode, the string must fit a session-args buffer of 160 bytes: an
argument that does not fit is dropped (the old one stays removed).
"""

from __future__ import annotations

import re

SESSION_ARGS_MAX = 160
SERVICE_NAME_MAX = 32
MAX_SAFE_INTEGER = 2**53 - 1

_NUMBER = re.compile(r"(0x[0-9a-f]+|[0-9]+)([kmg]?)", re.IGNORECASE)
_UNIT = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def byte_length(text: str) -> int:
    return len(text.encode("utf-8"))


class ArgString:
    """An immutable list of (key, raw value) pairs."""

    def __init__(self, args: list[tuple[str, str]]) -> None:
        self.args = args

    @staticmethod
    def parse(text: str) -> ArgString:
        pairs = [_parse_arg(part) for part in _split_top_level(text)]
        return ArgString([pair for pair in pairs if pair[0] != ""])

    def find(self, key: str) -> str | None:
        for name, value in self.args:
            if name == key:
                return value
        return None

    def ulong(self, key: str, fallback: int) -> int:
        """The value as an unsigned number: decimal or 0x hex, with an optional
        K, M or G suffix; anything else gives `fallback`. Saturates at 2^53-1."""
        raw = self.find(key)
        if raw is None:
            return fallback
        match = _NUMBER.fullmatch(raw)
        if match is None:
            return fallback
        digits, suffix = match.group(1), match.group(2)
        value = int(digits, 16) if digits.lower().startswith("0x") else int(digits, 10)
        return min(value * _UNIT[suffix.lower()], MAX_SAFE_INTEGER)

    def string(self, key: str, fallback: str) -> str:
        raw = self.find(key)
        return fallback if raw is None else _unquote(raw)

    def remove(self, key: str) -> ArgString:
        return ArgString([(name, value) for name, value in self.args if name != key])

    def set(self, key: str, value: str | int) -> ArgString:
        without = self.remove(key)
        result = ArgString(without.args + [(key, str(value))])
        return without if byte_length(str(result)) > SESSION_ARGS_MAX else result

    def set_string(self, key: str, value: str) -> ArgString:
        return self.set(key, f'"{value}"')

    def __str__(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in self.args)


def _split_top_level(text: str) -> list[str]:
    parts, quoted, start = [], False, 0
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _parse_arg(part: str) -> tuple[str, str]:
    key, eq, value = part.partition("=")
    return (part.strip(), "") if not eq else (key.strip(), value.strip())


def _unquote(raw: str) -> str:
    # a lone '"' opens and closes at once, so it reads as empty, as in Genode and the reference
    return raw[1:-1] if raw.startswith('"') and raw.endswith('"') else raw


def ram_quota(args: ArgString) -> int:
    return args.ulong("ram_quota", 0)


def cap_quota(args: ArgString) -> int:
    return args.ulong("cap_quota", 0)


def label_of(args: ArgString) -> str:
    return args.string("label", "")


def prefixed_label(prefix: str, label: str) -> str:
    """`<prefix> -> <label>`, or just the prefix for an empty label."""
    if prefix == "":
        return label
    return prefix if label == "" else f"{prefix} -> {label}"


def valid_session_args(args: str) -> bool:
    return byte_length(args) <= SESSION_ARGS_MAX


def valid_service_name(name: str) -> bool:
    return byte_length(name) <= SERVICE_NAME_MAX
