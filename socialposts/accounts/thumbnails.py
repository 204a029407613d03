"""Post thumbnails: an image reduced to a small JPEG.

The pixels are decoded and encoded again, so nothing but the picture
survives: no EXIF (with its GPS position), no comments, nothing appended
after the image data. The type is read from the bytes; the name and
Content-Type a browser sends are not trusted.
"""

from __future__ import annotations

import io
import logging
import struct
import time
import warnings
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

from core.images import upright

logger = logging.getLogger(__name__)

FIELD = "thumbnail"
MAX_SIZE = (640, 640)
JPEG_QUALITY = 85
FORMATS = ("JPEG", "PNG", "WEBP")
# Decoded pixels, not bytes, are what exhausts memory: a PNG of a few
# kilobytes may declare a canvas of gigapixels.
MAX_PIXELS = 40_000_000
# Pillow signals malformed input with a wide range of exception types.
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError)


def make_thumbnail(upload: UploadedFile) -> ContentFile:
    """The uploaded image as a thumbnail; a ValidationError on ``thumbnail``."""
    limit = settings.PPID_UPLOAD_MAX_BYTES
    too_large = _refusal(_("The file is larger than the upload limit."), "too_large")
    if upload.size is not None and upload.size > limit:
        raise too_large
    upload.seek(0)
    # The declared size comes from the client and may lie.
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return thumbnail_from_bytes(data)


def thumbnail_from_bytes(data: bytes) -> ContentFile:
    """JPEG, PNG or WebP bytes as a JPEG within 640 × 640, without metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
                _refuse_bomb(probe)
                # verify() checks what decoding alone may let pass (PNG
                # checksums), but leaves the image unusable: open it again.
                probe.verify()
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                # A JPEG decodes at a fraction of its size when that is
                # still twice the thumbnail: less memory, same result.
                image.draft(None, (MAX_SIZE[0] * 2, MAX_SIZE[1] * 2))
                image.load()
                picture = _on_white(upright(image))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (*_UNREADABLE, struct.error):
        raise _refusal(_("Upload a JPEG, PNG or WebP image."), "bad_image") from None
    picture.thumbnail(MAX_SIZE, Image.Resampling.LANCZOS)
    # Encoders fall back to image.info for ICC, XMP and comments.
    picture.info = {}
    output = io.BytesIO()
    picture.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(output.getvalue(), name="thumbnail.jpg")


def _refuse_bomb(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()


def _too_many_pixels() -> ValidationError:
    return _refusal(
        _("The image is too large: at most %(limit)s megapixels.")
        % {"limit": MAX_PIXELS // 1_000_000},
        "image_too_large",
    )


def _refusal(message: str, code: str) -> ValidationError:
    return ValidationError({FIELD: ValidationError(message, code=code)})


def _on_white(image: Image.Image) -> Image.Image:
    # JPEG has no transparency; converted directly, transparent pixels turn
    # into whatever colour they hide, often black.
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


# A pull stores at most this many new pictures, within this many seconds:
# the first pull of an account brings three months of posts, and the rest
# follow the next night.
PULLED_PER_RUN = 60
PULLED_SECONDS = 120
PULLED_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3


def store_pulled(
    account_id: int,
    urls: dict[str, str],
    *,
    heartbeat: Callable[[], None] = lambda: None,
) -> int:
    """Download, shrink and store the pictures of the account's posts that
    have none yet; return how many were stored.

    A picture is decoration: one that fails to download or decode is left
    for the next pull and never fails the run. TikTok's cover links expire
    within hours, hence right after the pull.
    """
    from socialposts.accounts.models import Post

    missing = Post.objects.filter(
        account_id=account_id, external_id__in=list(urls), thumbnail=""
    ).order_by("-published_at")[:PULLED_PER_RUN]
    deadline = time.monotonic() + PULLED_SECONDS
    stored = 0
    with httpx.Client(
        timeout=settings.SOCIAL_HTTP_TIMEOUT_SECONDS, follow_redirects=False
    ) as http:
        for post in missing:
            if time.monotonic() > deadline:
                break
            heartbeat()
            try:
                picture = thumbnail_from_bytes(_download(http, urls[post.external_id]))
                post.thumbnail.save("thumbnail.jpg", picture, save=False)
            except Exception as exc:  # noqa: BLE001 - see the docstring
                logger.info("thumbnail of post %s not stored: %s", post.pk, exc)
                continue
            # A form may have stored one meanwhile; that one wins.
            if Post.objects.filter(pk=post.pk, thumbnail="").update(
                thumbnail=post.thumbnail.name
            ):
                stored += 1
            else:
                post.thumbnail.delete(save=False)
    return stored


def picture_allowed(url: str) -> bool:
    """Only the platforms' picture hosts over HTTPS, and the configured API
    addresses themselves (the fake server in tests and the demo): a link in
    an answer must not make the portal fetch from its own network."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    origin = "{}://{}".format(parts.scheme, parts.netloc)
    if origin in _api_origins():
        return True
    return parts.scheme == "https" and any(
        host == allowed or host.endswith("." + allowed)
        for allowed in settings.SOCIAL_PICTURE_HOSTS
    )


def _api_origins() -> set[str]:
    urls = (
        settings.SOCIAL_GRAPH_BASE_URL,
        settings.SOCIAL_YOUTUBE_BASE_URL,
        settings.SOCIAL_TIKTOK_BASE_URL,
    )
    return {"{}://{}".format(*urlsplit(url)[:2]) for url in urls}


def _download(http: httpx.Client, url: str) -> bytes:
    """The body, refused past PULLED_MAX_BYTES whatever the headers say;
    every redirect is checked as the first link was."""
    for _hop in range(MAX_REDIRECTS + 1):
        if not picture_allowed(url):
            raise ValueError("picture host not allowed: {}".format(url[:200]))
        with http.stream("GET", url) as response:
            if response.is_redirect:
                url = str(response.next_request.url) if response.next_request else ""
                continue
            response.raise_for_status()
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > PULLED_MAX_BYTES:
                    raise ValueError(
                        "picture larger than {} bytes".format(PULLED_MAX_BYTES)
                    )
            return bytes(data)
    raise ValueError("too many redirects")
