"""Image plumbing shared by the upload gate and the thumbnails."""

from __future__ import annotations

import struct

from PIL import Image, ImageOps


def upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says, or an unturned copy."""
    # Broken EXIF is common from phones and scanners; the pixels are still
    # good, only the orientation is unknown.
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, struct.error):
        return image.copy()
