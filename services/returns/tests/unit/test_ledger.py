"""The hash chain: canonical serialization, links, tampering, the certificate id's anchor."""

import dataclasses
import json
import uuid
from datetime import UTC, datetime, timedelta

from returns.domain.ledger import GENESIS_HASH, canonical, certificate_id_for, next_entry, sha256_hex, verify

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ACTOR = {"subject": "staff-1", "initials": "OO"}


def chain(item_id: uuid.UUID, kinds: list[str]) -> list:
    entries, previous = [], None
    for n, kind in enumerate(kinds):
        previous = next_entry(
            previous, item_id=item_id, kind=kind, at=T0 + timedelta(hours=n), actor=ACTOR, data={"n": n}
        )
        entries.append(previous)
    return entries


def test_canonical_serialization_ignores_key_order_and_hashes_are_sha256() -> None:
    assert canonical({"b": 1, "a": [2, {"d": 1, "c": "é"}]}) == '{"a":[2,{"c":"é","d":1}],"b":1}'
    assert sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_each_entry_carries_the_previous_entrys_hash() -> None:
    entries = chain(uuid.uuid4(), ["requested", "received", "inspected"])
    assert entries[0].document["prev_hash"] == GENESIS_HASH
    assert entries[1].document["prev_hash"] == entries[0].hash
    assert entries[2].document["prev_hash"] == entries[1].hash
    assert [e.seq for e in entries] == [1, 2, 3]
    assert verify(entries).valid


def test_an_edited_entry_is_detected() -> None:
    entries = chain(uuid.uuid4(), ["requested", "received", "inspected", "restocked"])
    document = entries[2].document
    document["data"]["grade"] = "A"
    entries[2] = dataclasses.replace(entries[2], body=canonical(document))
    result = verify(entries)
    assert not result.valid
    assert "entry 3: its content does not match its hash" in result.problems


def test_a_rewritten_chain_with_recomputed_hashes_no_longer_matches_the_certificate() -> None:
    item_id = uuid.uuid4()
    original = chain(item_id, ["requested", "received", "restocked"])
    certificate_id = certificate_id_for(original[-1].hash)
    assert verify(original, certificate_id=certificate_id).valid
    forged, previous = [], None
    for entry in original:
        document = entry.document
        previous = next_entry(
            previous, item_id=item_id, kind=document["kind"], at=T0, actor={"subject": "x", "initials": "XX"}, data={}
        )
        forged.append(previous)
    assert verify(forged).valid  # internally consistent...
    result = verify(forged, certificate_id=certificate_id)
    assert not result.valid  # ...but not the chain the certificate was issued for
    assert "the certificate id does not match the restock entry" in result.problems


def test_removed_or_reordered_entries_are_detected() -> None:
    entries = chain(uuid.uuid4(), ["requested", "received", "inspected"])
    assert not verify([entries[0], entries[2]]).valid
    swapped = [entries[0], dataclasses.replace(entries[2], seq=2), dataclasses.replace(entries[1], seq=3)]
    assert not verify(swapped).valid
    assert not verify([]).valid


def test_an_entry_moved_to_another_item_is_detected() -> None:
    entries = chain(uuid.uuid4(), ["requested"])
    moved = dataclasses.replace(entries[0], item_id=uuid.uuid4())
    assert "entry 1: belongs to another item" in verify([moved]).problems
    assert json.loads(entries[0].body)["item_id"] == str(entries[0].item_id)
