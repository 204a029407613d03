"""The static files storage remembers URLs (core.staticfiles)."""

import json

from core.staticfiles import ManifestStaticFilesStorage


def storage_with(tmp_path, paths):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": paths, "version": "1.1", "hash": "x"})
    )
    return ManifestStaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_a_url_is_looked_up_once(tmp_path, settings, monkeypatch):
    settings.DEBUG = False
    storage = storage_with(tmp_path, {"css/portal.css": "css/portal.abc123.css"})
    looked_up = []
    stored_name = storage.stored_name
    monkeypatch.setattr(
        storage, "stored_name", lambda name: looked_up.append(name) or stored_name(name)
    )
    for _ in range(3):
        assert storage.url("css/portal.css") == "/static/css/portal.abc123.css"
    assert looked_up == ["css/portal.css"]


def test_debug_asks_the_manifest_storage_every_time(tmp_path, settings):
    storage = storage_with(tmp_path, {"js/portal.js": "js/portal.def456.js"})
    settings.DEBUG = False
    assert storage.url("js/portal.js") == "/static/js/portal.def456.js"
    settings.DEBUG = True
    assert storage.url("js/portal.js") == "/static/js/portal.js"
