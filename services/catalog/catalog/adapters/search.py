"""The Elasticsearch client. The server's major version must equal the client's (8)."""

from elasticsearch import Elasticsearch


def make_search_client(url: str) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=5, max_retries=0, retry_on_timeout=False)


def check_search(client: Elasticsearch) -> None:
    # `GET /` is absent from the local distribution; cluster health exists everywhere.
    health = client.cluster.health(timeout="2s")
    if health["status"] == "red":
        raise RuntimeError("cluster health is red")
