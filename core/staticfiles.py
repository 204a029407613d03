"""The storage of collected static files, with each file's URL remembered."""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Names a process asks the URL of: the layout's few files, not input.
URLS_KEPT = 1000


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, remembering the URL of each
    file it was asked for.

    The layout asks for six files on every page, and each lookup (the
    manifest, quoting, joining to ``STATIC_URL``) cost more than rendering
    the tag. The manifest is read once when the storage is made and a
    change of ``STATIC_URL`` or ``STORAGES`` makes a new storage, so a URL
    never changes while it is remembered.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or settings.DEBUG or name is None:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = super().url(name)
            if len(self._urls) >= URLS_KEPT:
                self._urls.clear()
            self._urls[name] = found
        return found
