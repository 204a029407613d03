"""Version counters of the visitors' cache (core.versions)."""

from django.core.cache import cache

from core import versions


def test_a_counter_started_on_reading_is_the_one_stored(monkeypatch):
    reads = []

    class Spy:
        """The cache, noting single reads."""

        def __getattr__(self, name):
            return getattr(cache, name)

        def get(self, *args, **kwargs):
            reads.append(args)
            return cache.get(*args, **kwargs)

    monkeypatch.setattr(versions, "cache", Spy())
    started = versions.read_or_start(["item:991"])["item:991"]
    monkeypatch.undo()
    assert started == versions.read(["item:991"])["item:991"] is not None
    # The number it added is the value: not read back.
    assert reads == []


def test_a_counter_another_process_started_first_is_read_back(monkeypatch):
    def add_after_another(key, value, timeout=None):
        cache.set(key, 42, timeout=None)
        return False

    monkeypatch.setattr(versions.cache, "add", add_after_another)
    assert versions.read_or_start(["item:992"])["item:992"] == 42
