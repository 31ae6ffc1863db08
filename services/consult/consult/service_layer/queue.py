"""The instant queue: "talk to an advisor now". Everything lives in the database (any instance
serves any shopper or advisor); changes are announced with NOTIFY so sockets update at once."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from consult.adapters.changefeed import notify
from consult.domain.model import LANGUAGES, Advisor
from consult.domain.session import CallSession, QueueEntry, QueueStatus, estimated_wait
from consult.service_layer import booking as booking_service
from consult.service_layer.unit_of_work import ConsultUnitOfWork
from vitrine_shared.auth.capabilities import capability_digest, new_capability
from vitrine_shared.problems import Conflict, NotFound, Unprocessable

QUEUE_TOPIC = "queue"
PRESENCE_TIMEOUT = timedelta(seconds=45)  # a waiting shopper unseen this long has left


class QueueClosed(Conflict):
    slug, title = "queue-closed", "No advisor is available now"


@dataclass(frozen=True)
class QueueStatusView:
    entry_id: uuid.UUID
    status: str
    position: int
    estimated_wait_seconds: int
    advisors_on_duty: int
    session_id: uuid.UUID | None


def on_duty(uow: ConsultUnitOfWork, *, language: str | None, category: str | None, now: datetime) -> list[Advisor]:
    """Advisors whose opening hours contain `now` and who serve this language and category."""
    result = []
    for advisor in uow.advisors.all(active_only=True):
        if not advisor.matches(language=language, category=category):
            continue
        schedule = advisor.schedule()
        day = schedule.local_day(now)
        windows = schedule.real_windows_on(day) + schedule.real_windows_on(day - timedelta(days=1))
        if any(start <= now < end for start, end in windows):
            result.append(advisor)
    return result


def join(
    uow: ConsultUnitOfWork,
    *,
    language: str,
    category: str | None,
    shopper_name: str,
    mode: str = "video",
    average_call: timedelta,
    now: datetime | None = None,
) -> tuple[QueueEntry, str, QueueStatusView]:
    if language not in LANGUAGES:
        raise Unprocessable("language", "fr or en")
    now = now or datetime.now(UTC)
    with uow:
        open_now = bool(on_duty(uow, language=language, category=category, now=now))
    if not open_now:
        upcoming = booking_service.list_slots(
            uow,
            booking_service.SlotQuery(
                start=now, end=now + timedelta(days=14), mode=mode, language=language, category=category
            ),
            now=now,
        )[:3]
        raise QueueClosed(
            "No advisor is available right now; book a time instead.",
            next_slots=[slot.starts_at.isoformat() for slot in upcoming],
            booking_url="/api/consult/slots",
        )
    with uow:
        capability = new_capability()
        entry = QueueEntry(
            token_digest=capability.digest,
            language=language,
            category=category,
            shopper_name=shopper_name.strip()[:200] or "Shopper",
            mode=mode,
            joined_at=now,
            last_seen_at=now,
        )
        uow.queue.add(entry)
        notify(uow.session, QUEUE_TOPIC)
        uow.commit()
    return entry, capability.token, status(uow, entry.id, capability.token, average_call=average_call, now=now)


def status(
    uow: ConsultUnitOfWork,
    entry_id: uuid.UUID,
    token: str,
    *,
    average_call: timedelta,
    now: datetime | None = None,
    touch: bool = True,
) -> QueueStatusView:
    """Where the shopper stands; reading it counts as a sign of life."""
    now = now or datetime.now(UTC)
    with uow:
        entry = uow.queue.by_token(entry_id, capability_digest(token))
        if entry is None:
            raise NotFound("No queue entry with this id and token.")
        if entry.status == QueueStatus.WAITING and touch:
            entry.last_seen_at = now
            uow.commit()
        position, duty = 0, 0
        if entry.status == QueueStatus.WAITING:
            waiting = uow.queue.waiting(now - PRESENCE_TIMEOUT)
            peers = [e for e in waiting if e.language == entry.language and e.category == entry.category]
            position = next((i for i, e in enumerate(peers, start=1) if e.id == entry.id), len(peers) + 1)
            duty = len(on_duty(uow, language=entry.language, category=entry.category, now=now))
        wait = estimated_wait(position, duty, average_call)
        return QueueStatusView(entry.id, entry.status, position, int(wait.total_seconds()), duty, entry.session_id)


def leave(uow: ConsultUnitOfWork, entry_id: uuid.UUID, token: str) -> None:
    with uow:
        entry = uow.queue.by_token(entry_id, capability_digest(token), for_update=True)
        if entry is None:
            raise NotFound("No queue entry with this id and token.")
        if entry.status == QueueStatus.WAITING:
            entry.status = QueueStatus.LEFT
            notify(uow.session, QUEUE_TOPIC)
            uow.commit()


def snapshot(uow: ConsultUnitOfWork, advisor: Advisor, *, now: datetime | None = None) -> list[dict]:
    """The live queue as this advisor sees it: the shoppers they can serve, in order (first
    names and waiting times only)."""
    now = now or datetime.now(UTC)
    with uow:
        if uow.queue.expire_stale(now - PRESENCE_TIMEOUT):
            notify(uow.session, QUEUE_TOPIC)
            uow.commit()
        return [
            {
                "entry_id": str(e.id),
                "position": index,
                "shopper_name": e.shopper_name,
                "language": e.language,
                "category": e.category,
                "mode": e.mode,
                "waiting_seconds": int((now - e.joined_at).total_seconds()) if e.joined_at else 0,
            }
            for index, e in enumerate(
                (
                    e
                    for e in uow.queue.waiting(now - PRESENCE_TIMEOUT)
                    if e.language in advisor.languages and (e.category is None or e.category in advisor.skills)
                ),
                start=1,
            )
        ]


def claim_next(
    uow: ConsultUnitOfWork, *, advisor_id: uuid.UUID, instance: str, now: datetime | None = None
) -> tuple[QueueEntry, CallSession]:
    """The advisor takes the longest-waiting shopper they can serve; a call session is opened
    for the two of them (the shopper joins it with their queue token)."""
    now = now or datetime.now(UTC)
    with uow:
        advisor = uow.advisors.get(advisor_id)
        if advisor is None or not advisor.active:
            raise NotFound("No active advisor profile.")
        entry = uow.queue.next_for(
            languages=advisor.languages, skills=advisor.skills, fresh_since=now - PRESENCE_TIMEOUT
        )
        if entry is None:
            raise Conflict("Nobody you can serve is waiting.", reason="queue-empty")
        call = CallSession(
            advisor_id=advisor.id,
            shopper_token_digest=entry.token_digest,
            owner_instance=instance,
            mode=entry.mode,
            queue_entry_id=entry.id,
        )
        uow.sessions.add(call)
        entry.status = QueueStatus.CLAIMED
        entry.advisor_id = advisor.id
        entry.session_id = call.id
        entry.claimed_at = now
        notify(uow.session, QUEUE_TOPIC)
        uow.commit()
        return entry, call
