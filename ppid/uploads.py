"""Turn an uploaded file into something safe to store, or refuse it.

Every upload to the public information portal passes through ``clean_upload``.
The file's type is decided from its bytes alone: the name and Content-Type the
browser sent are attacker-controlled and only survive as a display name.
Images are re-encoded (which drops metadata and anything smuggled after the
pixel data), PDFs and office documents are checked for active content and
resource-exhaustion tricks, and plain text is only accepted as CSV.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, ParseError  # nosec B405 # types only; XML is parsed by defusedxml

import filetype
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PasswordType, PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from core.images import upright

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB
MAX_NAME_LENGTH = 150
FALLBACK_STEM = "berkas"
MAX_TEXT_CHARS = 200_000

MAX_IMAGE_PIXELS = 40_000_000
JPEG_QUALITY = 88

MAX_PDF_PAGES = 500
# Reachable containers visited when looking for active content; a legitimate
# document of a few thousand pages stays well below this.
MAX_PDF_NODES = 300_000

MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_TOTAL = 100 * MB
MAX_ZIP_RATIO = 100
ZIP_RATIO_MIN_SIZE = 1 * MB

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
}

# Spellings of an extension that already agree with the detected type.
EXTENSION_ALIASES = {"jpg": {"jpg", "jpeg"}}

_IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
# filetype reports animated PNGs separately; after re-encoding they are PNGs.
_FILETYPE_IMAGES = {"jpg": "jpg", "png": "png", "apng": "png", "webp": "webp"}
# Everything filetype 1.2 may answer for a zip container; which office format
# it really is gets decided by looking inside the archive.
_FILETYPE_ZIPS = {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"}

_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_OOXML_PREFIXES = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_OFFICE_MAIN_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
    "odt": "content.xml",
    "ods": "content.xml",
}

# Names that make a PDF do something when opened or carry another file. The
# byte scan and the structural walk both look for them as keys and as values
# (an action says ``/S /JavaScript``, an attachment ``/Type /EmbeddedFile``).
_PDF_ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/EF",
        "/FileAttachment",
        "/RichMedia",
        "/XFA",
    }
)
# Stream bodies are compressed binary in which short names such as ``/JS``
# turn up by chance; the structural walk covers what the scan skips.
_PDF_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_PDF_NAME = re.compile(rb"/[^\x00\t\n\x0c\r /<>\[\]()%{}]+")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

_BIDI_CONTROLS = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_EXTENSION_LIKE = re.compile(r"[A-Za-z0-9]{1,10}")

# Anything a browser could treat as markup must not be stored as "CSV".
_MARKUP = re.compile(
    r"<\s*(?:!doctype|\?xml|!--|/?\s*(?:script|svg|html|head|body|iframe|frame"
    r"|object|embed|img|meta|link|style|form|base|math|a|xsl)\b)",
    re.IGNORECASE,
)
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CSV_DELIMITERS = (",", ";", "\t", "|")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODF_PARAGRAPHS = frozenset({_TEXT + "p", _TEXT + "h"})
_ODF_SPECIALS = {_TEXT + "s": " ", _TEXT + "tab": "\t", _TEXT + "line-break": "\n"}


@dataclass(frozen=True)
class CleanUpload:
    """A validated upload, ready to be stored and indexed."""

    content: bytes
    extension: str
    content_type: str
    original_name: str
    size: int
    sha256: str
    extracted_text: str


def store_upload(record: Any, upload: CleanUpload, names: list[str]) -> None:
    """Save a cleaned upload as ``record`` (a model with ``file``,
    ``original_name``, ``content_type``, ``size`` and ``sha256``) under a
    neutral name; its stored name joins ``names``, so a failing service can
    remove it again (``core.files.stored_files_removed_on_error``)."""
    record.original_name = upload.original_name
    record.content_type = upload.content_type
    record.size = upload.size
    record.sha256 = upload.sha256
    record.file.save(
        "berkas.{}".format(upload.extension), ContentFile(upload.content), save=False
    )
    names.append(record.file.name)
    record.save()


def clean_upload(uploaded: UploadedFile, *, max_size: int | None = None) -> CleanUpload:
    """Validate, neutralise and describe one uploaded file; raise ValidationError otherwise."""
    limit = (
        max_size
        if max_size is not None
        else getattr(settings, "PPID_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)
    )
    raw_name = uploaded.name or ""
    name = _display_name(raw_name)
    if uploaded.size is not None and uploaded.size > limit:
        raise _too_large(name, limit)
    data = _read_at_most(uploaded, limit + 1)
    # The declared size comes from the client or a temporary file and may lie.
    if len(data) > limit:
        raise _too_large(name, limit)
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")

    extension, archive = _detect(data, name)
    name = _display_name(raw_name, extension)
    content = data
    if extension in _IMAGE_FORMATS:
        content = _clean_image(data, extension, name)
        text = ""
    elif extension == "pdf":
        text = _clean_pdf(data, name)
    elif extension == "csv":
        text = data.decode("utf-8-sig")
    else:
        if archive is None:
            # _detect opens the archive of every office format; a check
            # rather than an assert, which python -O would drop.
            raise RuntimeError("no archive for a .{} file".format(extension))
        with archive:
            text = _clean_office(archive, extension, name)

    return CleanUpload(
        content=content,
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        original_name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        extracted_text=_clip(text),
    )


def _display_name(raw: str, extension: str | None = None) -> str:
    name = unicodedata.normalize("NFC", raw)
    name = "".join(
        char
        for char in name
        if ord(char) not in _BIDI_CONTROLS
        and (char.isspace() or unicodedata.category(char) != "Cc")
    )
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split()).strip(" .")
    if extension is not None:
        name = _with_extension(name, extension)
    elif not name:
        name = FALLBACK_STEM
    return _cap_length(name)


def _with_extension(name: str, extension: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and _is_extension(suffix):
        if suffix.lower() in EXTENSION_ALIASES.get(extension, {extension}):
            return name
        return "{}.{}".format(stem.rstrip(" ."), extension)
    return "{}.{}".format(name or FALLBACK_STEM, extension)


def _is_extension(suffix: str) -> bool:
    # "v2.0 final" or "2024" are part of the title, not an extension.
    return bool(_EXTENSION_LIKE.fullmatch(suffix)) and not suffix.isdigit()


def _cap_length(name: str) -> str:
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and _is_extension(suffix):
        room = MAX_NAME_LENGTH - len(suffix) - 1
        return "{}.{}".format(stem[:room].rstrip(" .") or FALLBACK_STEM, suffix)
    return name[:MAX_NAME_LENGTH].rstrip(" .")


def _clip(text: str) -> str:
    # PostgreSQL text columns cannot hold NUL.
    return text.replace("\x00", "")[:MAX_TEXT_CHARS]


def _read_at_most(uploaded: UploadedFile, count: int) -> bytes:
    uploaded.seek(0)
    chunks: list[bytes] = []
    remaining = count
    while remaining > 0:
        chunk = uploaded.read(min(remaining, MB))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _too_large(name: str, limit: int) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is larger than the %(limit)s MB limit.")
        % {"name": name, "limit": floatformat(limit / MB, -1)},
        code="too_large",
    )


def _unsupported(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” is not a supported file type. Upload a PDF, JPEG, PNG, "
            "WebP, Word, Excel, PowerPoint, OpenDocument or CSV file."
        )
        % {"name": name},
        code="unsupported_type",
    )


def _bad_office(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a valid office document or is damaged.") % {"name": name},
        code="bad_office",
    )


def _bad_pdf(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a valid PDF or is damaged.") % {"name": name},
        code="bad_pdf",
    )


def _detect(data: bytes, name: str) -> tuple[str, zipfile.ZipFile | None]:
    guess = filetype.guess(data)
    guessed = guess.extension if guess is not None else None
    if guessed in _FILETYPE_IMAGES:
        return _FILETYPE_IMAGES[guessed], None
    if guessed == "pdf":
        return "pdf", None
    if guessed in _FILETYPE_ZIPS:
        return _detect_office(data, name)
    # A text file can start with bytes filetype mistakes for a signature
    # ("BM..." looks like a bitmap), so any other answer still gets a CSV try.
    if _is_csv(data, name):
        return "csv", None
    raise _unsupported(name)


def _is_csv(data: bytes, name: str) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if _TEXT_CONTROLS.search(text) or _MARKUP.search(text):
        return False
    try:
        return any(
            _consistent_columns(text, delimiter) for delimiter in _CSV_DELIMITERS
        )
    except csv.Error:
        raise ValidationError(
            _("“%(name)s” is not a valid CSV file.") % {"name": name}, code="bad_csv"
        ) from None


def _consistent_columns(text: str, delimiter: str) -> bool:
    # Prose parses as CSV too; a table has the same two or more columns on
    # every row.
    width = 0
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if not row or row == [""]:
            continue
        if width == 0:
            width = len(row)
            if width < 2:
                return False
        elif len(row) != width:
            return False
    return width >= 2


def _clean_image(data: bytes, extension: str, name: str) -> bytes:
    image_format = _IMAGE_FORMATS[extension]
    too_large = ValidationError(
        _("“%(name)s” is too large: images may have at most %(limit)s megapixels.")
        % {"name": name, "limit": MAX_IMAGE_PIXELS // 1_000_000},
        code="image_too_large",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise too_large
                image.load()
                return _encode_image(upright(image), image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError):
        raise ValidationError(
            _("“%(name)s” is not a valid image or is damaged.") % {"name": name},
            code="bad_image",
        ) from None


def _encode_image(image: Image.Image, image_format: str) -> bytes:
    options: dict[str, Any] = {}
    if image_format == "JPEG":
        if image.mode not in ("L", "RGB", "CMYK"):
            image = image.convert("RGB")
        options = {"quality": JPEG_QUALITY, "optimize": True}
    elif image_format == "PNG":
        transparency = image.info.get("transparency")
        if transparency is not None and image.mode not in ("RGBA", "LA"):
            options["transparency"] = transparency
    else:
        has_alpha = image.mode in ("RGBA", "LA", "PA") or ("transparency" in image.info)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if has_alpha else "RGB")
        options = {"quality": JPEG_QUALITY}
    # Encoders fall back to image.info for EXIF, XMP, ICC and JPEG comments;
    # an empty info is what guarantees none of it is written back.
    image.info = {}
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def _clean_pdf(data: bytes, name: str) -> str:
    active = ValidationError(
        _(
            "“%(name)s” contains scripts, automatic actions or embedded files, "
            "which are not allowed in PDF files."
        )
        % {"name": name},
        code="pdf_active_content",
    )
    if _pdf_bytes_look_active(data):
        raise active

    outcome = "ok"
    # pypdf signals malformed input with a wide range of exception types.
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except Exception:
                opened = False
            if not opened:
                outcome = "encrypted"
        if outcome == "ok":
            outcome = _walk_pdf(reader)
    except Exception:
        raise _bad_pdf(name) from None
    if outcome == "encrypted":
        raise ValidationError(
            _(
                "“%(name)s” is protected with a password. Upload a PDF that "
                "opens without one."
            )
            % {"name": name},
            code="pdf_encrypted",
        )
    if outcome == "active":
        raise active
    if outcome == "too_complex":
        raise ValidationError(
            _("“%(name)s” is too complex to be checked for active content.")
            % {"name": name},
            code="pdf_too_complex",
        )
    return _pdf_text(reader, name)


def _pdf_bytes_look_active(data: bytes) -> bool:
    outside_streams = _PDF_STREAM_BODY.sub(b" ", data)
    for match in _PDF_NAME.finditer(outside_streams):
        raw = _PDF_NAME_ESCAPE.sub(
            lambda escape: bytes([int(escape.group(1), 16)]), match.group()
        )
        if raw.decode("latin-1") in _PDF_ACTIVE_NAMES:
            return True
    return False


def _walk_pdf(reader: PdfReader) -> str:
    # Everything reachable from the trailer, including objects that live in
    # compressed object streams, which the byte scan cannot see.
    pending: list[Any] = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    budget = MAX_PDF_NODES
    while pending:
        node = pending.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        if isinstance(node, NameObject):
            if node in _PDF_ACTIVE_NAMES:
                return "active"
            continue
        if not isinstance(node, (DictionaryObject, ArrayObject)):
            continue
        budget -= 1
        if budget < 0:
            return "too_complex"
        if isinstance(node, DictionaryObject):
            for key_name, value in dict.items(node):
                if key_name in _PDF_ACTIVE_NAMES:
                    return "active"
                pending.append(value)
        else:
            pending.extend(list.__iter__(node))
    return "ok"


def _pdf_text(reader: PdfReader, name: str) -> str:
    parts: list[str] = []
    total = 0
    try:
        page_count = len(reader.pages)
    except Exception:
        raise _bad_pdf(name) from None
    for index in range(min(page_count, MAX_PDF_PAGES)):
        try:
            text = reader.pages[index].extract_text()
        except LimitReachedError:
            # A page whose content inflates past pypdf's limits is hostile.
            raise _bad_pdf(name) from None
        except Exception:  # nosec B112 # one unreadable page must not hide the rest
            # One unreadable page should not hide the rest from search.
            continue
        parts.append(text)
        total += len(text) + 1
        if total >= MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _detect_office(data: bytes, name: str) -> tuple[str, zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _bad_office(name) from None
    try:
        _refuse_zip_bomb(members, name)
        names = {member.filename for member in members}
        if "mimetype" in names:
            mimetype = _read_member(archive, "mimetype", 200, name)
            extension = _ODF_TYPES.get(mimetype.decode("ascii", "replace").strip())
        elif "[Content_Types].xml" in names:
            kinds = {
                kind
                for prefix, kind in _OOXML_PREFIXES.items()
                if any(member.startswith(prefix) for member in names)
            }
            extension = kinds.pop() if len(kinds) == 1 else None
        else:
            extension = None
        if extension is None:
            raise _unsupported(name)
        if _OFFICE_MAIN_PART[extension] not in names:
            raise _bad_office(name)
    except Exception:
        archive.close()
        raise
    return extension, archive


def _refuse_zip_bomb(members: list[zipfile.ZipInfo], name: str) -> None:
    # Sizes come from the central directory; zipfile never inflates a member
    # past its declared size, so checking them bounds all later reads.
    bomb = ValidationError(
        _("“%(name)s” would unpack to a suspicious size and was refused.")
        % {"name": name},
        code="zip_bomb",
    )
    if len(members) > MAX_ZIP_MEMBERS:
        raise bomb
    total = 0
    for member in members:
        total += member.file_size
        if total > MAX_ZIP_TOTAL:
            raise bomb
        if (
            member.file_size > ZIP_RATIO_MIN_SIZE
            and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1)
        ):
            raise bomb


def _read_member(archive: zipfile.ZipFile, member: str, limit: int, name: str) -> bytes:
    try:
        with archive.open(member) as handle:
            return handle.read(limit)
    except (
        zipfile.BadZipFile,
        RuntimeError,
        NotImplementedError,
        OSError,
        EOFError,
        ValueError,
        zlib.error,
    ):
        raise _bad_office(name) from None


def _clean_office(archive: zipfile.ZipFile, extension: str, name: str) -> str:
    names = set(archive.namelist())
    if extension in ("docx", "xlsx", "pptx"):
        content_types = _parse_xml(archive, "[Content_Types].xml", name)
        declared = " ".join(
            element.get("ContentType", "") for element in content_types.iter()
        ).lower()
        has_macros = (
            "vbaproject" in declared
            or "macroenabled" in declared
            or any(
                member.lower().rsplit("/", 1)[-1] == "vbaproject.bin"
                for member in names
            )
        )
    else:
        # OpenDocument keeps Basic and script macros in these folders.
        has_macros = any(member.startswith(("Basic/", "Scripts/")) for member in names)
    if has_macros:
        raise ValidationError(
            _("“%(name)s” contains macros, which are not allowed.") % {"name": name},
            code="office_macros",
        )
    if extension == "docx":
        return _docx_text(_parse_xml(archive, "word/document.xml", name))
    if extension == "odt":
        return _odf_text(_parse_xml(archive, "content.xml", name))
    return ""


def _parse_xml(archive: zipfile.ZipFile, member: str, name: str) -> Element:
    xml = _read_member(archive, member, MAX_ZIP_TOTAL, name)
    try:
        return SafeET.fromstring(xml, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise _bad_office(name) from None


def _capped(pieces: Iterator[str]) -> str:
    collected: list[str] = []
    total = 0
    for piece in pieces:
        collected.append(piece)
        total += len(piece)
        if total >= MAX_TEXT_CHARS:
            break
    return "".join(collected).strip()


def _docx_text(root: Element) -> str:
    def pieces() -> Iterator[str]:
        # Text only lives in w:t leaves, so document order is enough.
        for element in root.iter():
            if element.tag == _W + "p":
                yield "\n"
            elif element.tag == _W + "t" and element.text:
                yield element.text
            elif element.tag == _W + "tab":
                yield "\t"
            elif element.tag in (_W + "br", _W + "cr"):
                yield "\n"

    return _capped(pieces())


def _odf_text(root: Element) -> str:
    def pieces() -> Iterator[str]:
        # ODF paragraphs hold mixed content (text, spans, tails) and may nest
        # through notes; an explicit stack keeps deep nesting from recursing.
        stack: list[tuple[Element, bool] | str] = [(root, False)]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                yield item
                continue
            element, inside = item
            inside = inside or element.tag in _ODF_PARAGRAPHS
            if inside and element.tag in _ODF_SPECIALS:
                yield _ODF_SPECIALS[element.tag]
            if element.tag in _ODF_PARAGRAPHS:
                stack.append("\n")
            for child in reversed(element):
                if inside and child.tail:
                    stack.append(child.tail)
                stack.append((child, inside))
            if inside and element.text:
                yield element.text

    return _capped(pieces())


def clean_uploads(
    uploads: Iterable[UploadedFile], field: str = "files"
) -> list[CleanUpload]:
    """Check every file before anything is written, so one bad file leaves
    everything as it was; the errors of all of them are named under ``field``."""
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(clean_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({field: errors})
    return cleaned
