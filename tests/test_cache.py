"""Memory stays bounded: the answer cache and the page cache count bytes, and keep nothing too large."""
from __future__ import annotations

from alliance_kg.server.cache import ENTRY_OVERHEAD, ByteCache
from alliance_kg.server.engine import Answer
from tests.test_sparql_safety import app_with


def answer(size: int) -> Answer:
    return Answer("graph", b"x" * size, 1, False)


def test_the_cache_evicts_by_bytes_least_recently_used_first():
    cache = ByteCache(capacity=10 * (1000 + ENTRY_OVERHEAD + 20), max_entry=5000)
    for i in range(30):
        cache.put(("q", i), answer(1000))
        assert cache.bytes <= cache.capacity
    assert 5 <= len(cache) <= 10 and cache.get(("q", 29)) is not None and cache.get(("q", 0)) is None
    cache.get(("q", 25))                   # used: it outlives the ones put after it
    for i in range(30, 38):
        cache.put(("q", i), answer(1000))
    assert cache.get(("q", 25)) is not None


def test_an_answer_over_the_entry_limit_is_not_kept():
    cache = ByteCache(capacity=100_000, max_entry=2000)
    assert cache.put("big", answer(5000)) is False and cache.get("big") is None and cache.bytes == 0
    assert cache.put("small", answer(100)) is True


def test_many_distinct_construct_answers_stay_within_the_configured_bytes(build_dir):
    with app_with(build_dir, cache_bytes=200_000, cache_max_entry_bytes=50_000) as app:
        client = app.test_client()
        site = app.extensions["alliance_kg"]
        for i in range(60):
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }} LIMIT {50 + i}"
            assert client.get("/sparql", query_string={"query": query}).status_code == 200
            assert site.answers.bytes <= 200_000
        assert len(site.answers) > 5
        everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"       # larger than the entry limit
        response = client.get("/sparql", query_string={"query": everything})
        assert len(response.data) > 50_000
        assert all("LIMIT" in key[1].query for key in site.answers.entries)


def test_gzipped_downloads_are_cached_within_the_page_budget(build_dir):
    with app_with(build_dir, page_cache_bytes=300_000, page_max_entry_bytes=200_000) as app:
        client = app.test_client()
        site = app.extensions["alliance_kg"]
        for name in ("dataset.nq", "dataset.ttl", "dataset.nt", "dataset.trig", "dataset.jsonld", "ontology.ttl"):
            assert client.get(f"/download/{name}", headers={"Accept-Encoding": "gzip"}).status_code == 200
            assert site.pages.bytes <= 300_000
        assert len(site.pages) >= 1
