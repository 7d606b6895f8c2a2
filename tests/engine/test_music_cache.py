"""The generic analysis cache: content hashing, versioned entries, atomic writes."""

from __future__ import annotations

import hashlib
import json

import pytest

from musiccog.engine import cache


def test_file_content_hash_is_blake2b_of_the_bytes(tmp_path):
    data = bytes(range(256)) * 9000  # > 1 chunk
    path = tmp_path / "a.bin"
    path.write_bytes(data)
    assert cache.file_content_hash(path) == hashlib.blake2b(data, digest_size=20).hexdigest()
    other = tmp_path / "b.bin"
    other.write_bytes(data[:-1] + b"\x00")
    assert cache.file_content_hash(other) != cache.file_content_hash(path)


def test_round_trip_and_version_invalidation(tmp_path):
    key = "ab" * 20
    assert cache.load_cached("music", key, version="1", cache_dir=tmp_path) is None
    entry = cache.store_cached("music", key, {"x": [1.5, 2]}, version="1", cache_dir=tmp_path)
    assert entry == tmp_path / "music" / f"{key}.json"
    assert cache.load_cached("music", key, version="1", cache_dir=tmp_path) == {"x": [1.5, 2]}
    assert cache.load_cached("music", key, version="2", cache_dir=tmp_path) is None
    assert cache.load_cached("video", key, version="1", cache_dir=tmp_path) is None
    assert not list((tmp_path / "music").glob("*.tmp"))


def test_env_var_sets_the_root_and_argument_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "env"))
    assert cache.cache_root() == tmp_path / "env"
    assert cache.cache_root(tmp_path / "arg") == tmp_path / "arg"
    cache.store_cached("video", "k1", {"a": 1})
    assert (tmp_path / "env" / "video" / "k1.json").is_file()


def test_corrupt_entry_is_a_miss(tmp_path):
    (tmp_path / "music").mkdir()
    (tmp_path / "music" / "k.json").write_text("{not json")
    assert cache.load_cached("music", "k", cache_dir=tmp_path) is None
    (tmp_path / "music" / "k.json").write_text(json.dumps([1, 2]))
    assert cache.load_cached("music", "k", cache_dir=tmp_path) is None


def test_unwritable_cache_is_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cache.store_cached("music", "k", {"a": 1}, cache_dir=blocker) is None


@pytest.mark.parametrize("kind,key", [("../x", "k"), ("music", "a/b"), ("", "k")])
def test_unsafe_names_are_refused(tmp_path, kind, key):
    with pytest.raises(ValueError):
        cache.load_cached(kind, key, cache_dir=tmp_path)
