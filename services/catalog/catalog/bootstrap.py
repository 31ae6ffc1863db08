"""Wires catalog's dependencies once per process; tests build their own with other settings."""

import logging
from dataclasses import dataclass
from functools import cached_property

from elasticsearch import Elasticsearch

from catalog.adapters.search import SearchIndex, check_search, make_search_client
from catalog.config import Settings
from catalog.service_layer.unit_of_work import CatalogUnitOfWork
from vitrine_shared.container import ServiceContainer
from vitrine_shared.health import ReadinessCheck


@dataclass
class Container(ServiceContainer[Settings, CatalogUnitOfWork]):
    service = "catalog"
    unit_of_work_class = CatalogUnitOfWork

    @cached_property
    def search(self) -> Elasticsearch:
        return make_search_client(self.settings.elasticsearch_url, timeout=self.settings.search_timeout_s)

    @cached_property
    def search_index(self) -> SearchIndex:
        return SearchIndex(self.search, alias=self.settings.search_alias)

    @cached_property
    def indexing_index(self) -> SearchIndex:
        """The same index for the indexer and the CLIs, with a patient client."""
        client = make_search_client(self.settings.elasticsearch_url, timeout=self.settings.indexing_timeout_s)
        return SearchIndex(client, alias=self.settings.search_alias)

    def readiness_checks(self) -> dict[str, ReadinessCheck]:
        return {**super().readiness_checks(), "search": lambda: check_search(self.search)}


# The client logs every request at INFO; the indexer polls every second, so only problems are kept.
logging.getLogger("elastic_transport.transport").setLevel(logging.WARNING)


def bootstrap(settings: Settings | None = None) -> Container:
    return Container(settings or Settings())
