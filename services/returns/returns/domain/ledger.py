"""The tamper-evident ledger of a returned item: one entry per move, each carrying the previous
entry's hash; an entry's hash is SHA-256 over its canonical serialization (sorted keys, no
spaces, UTF-8). The certificate id is taken from the hash of the restock entry, so rewriting the
chain (even with recomputed hashes) no longer matches the id the shopper holds."""

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64
CERTIFICATE_PREFIX = "VC-"
CERTIFICATE_HASH_CHARS = 24


def canonical(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LedgerEntry:
    item_id: uuid.UUID
    seq: int
    body: str  # the canonical serialization; the hash is over exactly these bytes
    hash: str

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.body)


def next_entry(
    previous: LedgerEntry | None, *, item_id: uuid.UUID, kind: str, at: datetime, actor: dict[str, str], data: dict
) -> LedgerEntry:
    seq = 1 if previous is None else previous.seq + 1
    body = canonical(
        {
            "item_id": str(item_id),
            "seq": seq,
            "kind": kind,
            "at": at.isoformat(),
            "actor": actor,
            "data": data,
            "prev_hash": GENESIS_HASH if previous is None else previous.hash,
        }
    )
    return LedgerEntry(item_id=item_id, seq=seq, body=body, hash=sha256_hex(body))


def certificate_id_for(entry_hash: str) -> str:
    return CERTIFICATE_PREFIX + entry_hash[:CERTIFICATE_HASH_CHARS].upper()


@dataclass
class Verification:
    valid: bool
    entries: int
    problems: list[str] = field(default_factory=list)


def verify(entries: Sequence[LedgerEntry], *, certificate_id: str | None = None) -> Verification:
    """Check every hash, every link, the sequence, and (for a certificate) that the restock entry
    is the one the certificate id names."""
    problems: list[str] = []
    previous_hash = GENESIS_HASH
    restock_hash: str | None = None
    for expected_seq, entry in enumerate(sorted(entries, key=lambda e: e.seq), start=1):
        if sha256_hex(entry.body) != entry.hash:
            problems.append(f"entry {entry.seq}: its content does not match its hash")
        try:
            document = json.loads(entry.body)
        except ValueError:
            problems.append(f"entry {entry.seq}: unreadable")
            continue
        if document.get("seq") != expected_seq or entry.seq != expected_seq:
            problems.append(f"entry {entry.seq}: out of sequence (expected {expected_seq})")
        if document.get("item_id") != str(entry.item_id):
            problems.append(f"entry {entry.seq}: belongs to another item")
        if document.get("prev_hash") != previous_hash:
            problems.append(f"entry {entry.seq}: does not follow the previous entry")
        if document.get("kind") == "restocked":
            restock_hash = entry.hash
        previous_hash = entry.hash
    if not entries:
        problems.append("no ledger entries")
    if certificate_id is not None and (restock_hash is None or certificate_id_for(restock_hash) != certificate_id):
        problems.append("the certificate id does not match the restock entry")
    return Verification(valid=not problems, entries=len(entries), problems=problems)
