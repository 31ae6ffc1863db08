from datetime import timedelta

from consult.bootstrap import Container, bootstrap
from consult.service_layer import booking, sessions
from vitrine_shared.worker import PeriodicJob, run_worker


def jobs(container: Container) -> list[PeriodicJob]:
    lead = timedelta(hours=container.settings.reminder_lead_hours)
    return [
        PeriodicJob(
            "consult-reminders",
            container.settings.reminder_interval_s,
            lambda: booking.publish_due_reminders(container.uow(), lead=lead),
        ),
        PeriodicJob("consult-recording-expiry", 300, lambda: sessions.expire_recordings(container.uow())),
    ]


if __name__ == "__main__":
    container = bootstrap()
    run_worker(container, container.subscriptions(), jobs=jobs(container))
