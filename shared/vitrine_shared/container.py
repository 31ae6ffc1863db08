"""The base of every service's dependency container (its `bootstrap.py`): settings, engine,
sessions, unit of work, readiness checks. Built once per process; tests build their own."""

from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from vitrine_shared.db import check_database, make_engine, make_session_factory
from vitrine_shared.health import ReadinessCheck
from vitrine_shared.messaging.connection import check_broker
from vitrine_shared.settings import ServiceSettings
from vitrine_shared.unit_of_work import UnitOfWork

SettingsT = TypeVar("SettingsT", bound=ServiceSettings)
UnitOfWorkT = TypeVar("UnitOfWorkT", bound=UnitOfWork)


@dataclass
class ServiceContainer(Generic[SettingsT, UnitOfWorkT]):
    service: ClassVar[str]
    unit_of_work_class: ClassVar[type[UnitOfWork]] = UnitOfWork

    settings: SettingsT

    def start_mappers(self) -> None:
        """Map domain classes onto tables; services with imperative mappings override this."""

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url, application_name=self.service)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        self.start_mappers()
        return make_session_factory(self.engine)

    def uow(self) -> UnitOfWorkT:
        return self.unit_of_work_class(self.session_factory, producer=self.service)  # type: ignore[return-value]

    def readiness_checks(self) -> dict[str, ReadinessCheck]:
        return {
            "database": lambda: check_database(self.engine),
            "broker": lambda: check_broker(self.settings.amqp_url),
        }
