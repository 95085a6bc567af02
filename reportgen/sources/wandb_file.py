"""Reader of W&B's `run-*.wandb` transaction log into `wandb_internal_pb2.Record` messages.

Format (unchanged from wandb 0.19 to 0.31): a 7-byte header `:W&B` + uint16 0xBEE1 + uint8 0,
then 32 KiB blocks of LevelDB-log chunks `crc32 (u32) length (u16) type (u8) data`, chunk types
FULL=1, FIRST=2, MIDDLE=3, LAST=4, CRC = crc32(data, crc32(type byte)). wandb >= 0.30 ships no
reader, so this is ours.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BLOCK = 32768
HEADER = 7
_FULL, _FIRST, _MIDDLE, _LAST = 1, 2, 3, 4
_TYPE_CRC = {t: zlib.crc32(bytes([t])) & 0xFFFFFFFF for t in (1, 2, 3, 4)}


class NotAWandbFile(ValueError):
    """The file does not start with the W&B header."""


@dataclass
class ReadResult:
    """Records read, and where (if anywhere) the file stopped making sense."""

    records: list[Any]
    damage: str | None = None


def read_records(path: Path) -> ReadResult:
    """Every intact record of `path`; on damage, those before it and a description."""
    from wandb.proto import wandb_internal_pb2 as pb

    data = path.read_bytes()
    if len(data) < HEADER:
        raise NotAWandbFile(f"{path} is too short to be a .wandb file")
    ident, magic, version = struct.unpack("<4sHB", data[:HEADER])
    if ident != b":W&B" or magic != 0xBEE1 or version != 0:
        raise NotAWandbFile(f"{path} is not a W&B transaction log")
    records: list[Any] = []
    damage = None
    for payload, problem in _chunks(data):
        if problem:
            damage = problem
            break
        record = pb.Record()
        try:
            record.ParseFromString(payload)
        except Exception:  # protobuf's DecodeError
            damage = "a record that does not decode"
            break
        records.append(record)
    return ReadResult(records, damage)


def _chunks(data: bytes) -> Iterator[tuple[bytes, str | None]]:
    """Whole record payloads, joined from FIRST/MIDDLE/LAST chunks; stop at the first damage."""
    pos, pending = HEADER, None
    end = len(data)
    while pos + HEADER <= end:
        left = BLOCK - pos % BLOCK
        if left < HEADER:  # block trailer too small for a chunk header
            pos += left
            continue
        crc, length, kind = struct.unpack("<IHB", data[pos:pos + HEADER])
        if kind == 0 and length == 0:  # zero padding up to the block's end
            pos += left
            continue
        if kind not in _TYPE_CRC or length > left - HEADER:
            yield b"", f"a corrupt chunk header at byte {pos}"
            return
        payload = data[pos + HEADER:pos + HEADER + length]
        if len(payload) < length:
            yield b"", f"the file ends inside a record at byte {pos}"
            return
        if zlib.crc32(payload, _TYPE_CRC[kind]) & 0xFFFFFFFF != crc:
            yield b"", f"a checksum mismatch at byte {pos}"
            return
        pos += HEADER + length
        if kind == _FULL:
            yield payload, None
        elif kind == _FIRST:
            pending = payload
        elif pending is None:
            yield b"", f"a record continuation without its start at byte {pos}"
            return
        elif kind == _MIDDLE:
            pending += payload
        else:
            yield pending + payload, None
            pending = None
    if pending is not None:
        yield b"", "the file ends inside a record"
