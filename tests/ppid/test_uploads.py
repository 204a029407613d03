"""Every hostile file is built here, so the suite carries no binary fixtures."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import time
import zipfile
import zlib

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)
from reportlab.pdfgen import canvas

from ppid.uploads import CleanUpload, clean_upload

MB = 1024 * 1024
DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ODF_TEXT = "application/vnd.oasis.opendocument.text"
ODF_SHEET = "application/vnd.oasis.opendocument.spreadsheet"
ODF_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
    'xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
    "<office:body><office:text>"
    "<text:h>Pengumuman</text:h>"
    "<text:p>Rapat <text:span>warga</text:span> hari<text:s/>Senin.</text:p>"
    "</office:text></office:body></office:document-content>"
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The client's Content-Type is deliberately wrong: it must be ignored.
    return SimpleUploadedFile(name, content, content_type="text/plain")


def refused(name: str, content: bytes, code: str, shown: str | None = None, **kw):
    with pytest.raises(ValidationError) as caught:
        clean_upload(upload(name, content), **kw)
    error = caught.value
    assert error.code == code
    assert isinstance(error.message, str) and error.message
    assert (shown or name) in error.message
    return error


# --- builders -------------------------------------------------------------


def pdf_with_text(text: str = "Laporan realisasi anggaran desa 2024") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def blank_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    return writer


def pdf_with_hidden_open_action() -> bytes:
    """The catalog sits in a compressed object stream, out of a byte scan's sight."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R"
        b" /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    offsets, position = [], 0
    for body in bodies:
        offsets.append(position)
        position += len(body) + 1
    header = b" ".join(b"%d %d" % (n + 1, off) for n, off in enumerate(offsets)) + b" "
    packed = zlib.compress(header + b" ".join(bodies) + b" ")
    out = bytearray(b"%PDF-1.7\n")
    objstm_at = len(out)
    out += (
        b"4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d >>"
        b"\nstream\n" % (len(header), len(packed))
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [(0, 0, 65535), (2, 4, 0), (2, 4, 1), (2, 4, 2), (1, objstm_at, 0)]
    rows.append((1, xref_at, 0))
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out += (
        b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>"
        b"\nstream\n" % len(table)
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def image_bytes(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def noisy(size: tuple[int, int] = (128, 96)) -> Image.Image:
    return Image.effect_noise(size, 64).convert("RGB")


def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def zipped(members: dict[str, bytes | str], **options) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, **options) as archive:
        for member, data in members.items():
            if member == "mimetype":
                archive.writestr(member, data, compress_type=zipfile.ZIP_STORED)
            else:
                archive.writestr(member, data)
    return buffer.getvalue()


def docx(paragraphs: list[str], **extra: bytes | str) -> bytes:
    body = "".join(
        "<w:p><w:r><w:t>{}</w:t></w:r></w:p>".format(text) for text in paragraphs
    )
    document = '<w:document xmlns:w="{}"><w:body>{}</w:body></w:document>'.format(
        W_NS, body
    )
    return zipped(
        {"[Content_Types].xml": DOCX_TYPES, "word/document.xml": document, **extra}
    )


# --- PDF ------------------------------------------------------------------


def test_pdf_with_text_is_kept_and_indexed():
    data = pdf_with_text()
    result = clean_upload(upload("laporan.pdf", data))
    assert isinstance(result, CleanUpload)
    assert result.content == data
    assert (result.extension, result.content_type) == ("pdf", "application/pdf")
    assert result.original_name == "laporan.pdf"
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert "Laporan realisasi anggaran desa 2024" in result.extracted_text


def test_pdf_with_javascript_is_refused():
    writer = blank_writer()
    writer.add_open_action(JavaScript("app.alert('x');"))
    refused("surat.pdf", written(writer), "pdf_active_content")


def test_pdf_with_open_action_is_refused():
    writer = blank_writer()
    page = writer.pages[0].indirect_reference
    writer.root_object[NameObject("/OpenAction")] = ArrayObject(
        [page, NameObject("/Fit")]
    )
    data = written(writer)
    assert b"JavaScript" not in data
    refused("surat.pdf", data, "pdf_active_content")


def test_pdf_page_action_is_refused():
    writer = blank_writer()
    writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert(1)"))
    refused("surat.pdf", written(writer), "pdf_active_content")


def test_pdf_with_attachment_is_refused():
    writer = blank_writer()
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    refused("surat.pdf", written(writer), "pdf_active_content")


def test_pdf_action_hidden_in_object_stream_is_refused():
    data = pdf_with_hidden_open_action()
    assert b"OpenAction" not in data and b"JavaScript" not in data
    assert PdfReader(io.BytesIO(data)).trailer["/Root"]["/OpenAction"]
    refused("surat.pdf", data, "pdf_active_content")


def test_pdf_escaped_name_in_unreferenced_object_is_refused():
    writer = blank_writer()
    # Not reachable from the catalog, so only the byte scan can see it.
    writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        )
    )
    data = written(writer).replace(b"/Launch", b"/L#61unch")
    assert b"/L#61unch" in data
    refused("surat.pdf", data, "pdf_active_content")


def test_pdf_with_user_password_is_refused():
    writer = blank_writer()
    writer.encrypt("rahasia", algorithm="RC4-128")
    refused("rahasia.pdf", written(writer), "pdf_encrypted")


def test_pdf_with_owner_password_only_is_accepted():
    writer = blank_writer()
    writer.encrypt("", "pemilik", algorithm="RC4-128")
    assert clean_upload(upload("terkunci.pdf", written(writer))).extension == "pdf"


def test_damaged_pdf_is_refused():
    refused("rusak.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "bad_pdf")


def test_html_named_pdf_is_refused():
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    refused("laporan.pdf", html, "unsupported_type")


# --- images ---------------------------------------------------------------


def test_jpeg_loses_exif_and_gps_and_is_turned_upright():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif[0x0112] = 6  # rotate 90° clockwise when displayed
    exif[0x8825] = {1: "S", 2: (7.0, 23.0, 12.0), 3: "E", 4: (109.0, 21.0, 5.0)}
    data = image_bytes(noisy((64, 48)), "JPEG", exif=exif.tobytes())
    assert b"SpyCam" in data

    result = clean_upload(upload("foto.jpg", data))
    assert (result.extension, result.content_type) == ("jpg", "image/jpeg")
    assert b"SpyCam" not in result.content and b"Exif" not in result.content
    cleaned = Image.open(io.BytesIO(result.content))
    assert cleaned.format == "JPEG"
    assert len(cleaned.getexif()) == 0
    assert cleaned.size == (48, 64)
    assert result.extracted_text == ""


def test_jpeg_comment_is_dropped():
    data = image_bytes(noisy(), "JPEG", comment=b"<script>alert(1)</script>")
    assert b"<script>" in data
    assert b"<script>" not in clean_upload(upload("foto.jpeg", data)).content


def test_png_html_polyglot_is_neutralised_and_alpha_kept():
    image = Image.new("RGBA", (20, 10), (255, 0, 0, 0))
    image.putpixel((1, 1), (0, 255, 0, 128))
    payload = b"<html><script>alert(document.domain)</script></html>"
    data = image_bytes(image, "PNG") + payload

    result = clean_upload(upload("gambar.png", data))
    assert payload not in result.content and b"<script" not in result.content
    cleaned = Image.open(io.BytesIO(result.content))
    assert (cleaned.format, cleaned.mode) == ("PNG", "RGBA")
    assert cleaned.getpixel((1, 1)) == (0, 255, 0, 128)
    assert cleaned.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize("size", [(30_000, 30_000), (8_000, 6_000)])
def test_pixel_bomb_is_refused_from_its_header(size):
    # Only the header is real: decoding would fail as damaged, so the code
    # proves the refusal came before any decoding.
    data = png_header_only(*size)
    started = time.monotonic()
    refused("bom.png", data, "image_too_large")
    assert time.monotonic() - started < 1


def test_truncated_jpeg_is_refused():
    data = image_bytes(noisy((256, 256)), "JPEG", quality=95)
    refused("potong.jpg", data[: len(data) // 2], "bad_image")


def test_webp_with_malformed_exif_is_reencoded():
    data = image_bytes(noisy(), "WEBP", exif=b"Exif\x00\x00SpyCam")
    result = clean_upload(upload("foto.webp", data))
    assert (result.extension, result.content_type) == ("webp", "image/webp")
    assert b"SpyCam" not in result.content
    assert Image.open(io.BytesIO(result.content)).format == "WEBP"


def test_gif_is_refused():
    refused("animasi.gif", image_bytes(noisy(), "GIF"), "unsupported_type")


# --- markup, executables and text -----------------------------------------


def test_svg_with_script_is_refused():
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(1)</script></svg>"
    )
    refused("logo.svg", svg, "unsupported_type")


def test_svg_that_also_parses_as_csv_is_refused():
    svg = b'<svg viewBox="0,0,9,9" onload="alert(1,2)"></svg>\n<svg a="1,2,3,4,5"/>\n'
    refused("data.csv", svg, "unsupported_type")


def test_html_is_refused():
    html = b"<!DOCTYPE html>\n<html><body><p>a, b, c</p></body></html>\n"
    refused("halaman.html", html, "unsupported_type")


def test_csv_carrying_a_script_tag_is_refused():
    refused(
        "data.csv", b"nama,alamat\n<script>alert(1)</script>,x\n", "unsupported_type"
    )


def test_executable_is_refused():
    refused("setup.pdf", b"MZ\x90\x00\x03" + bytes(200), "unsupported_type")


def test_csv_with_bom_is_accepted():
    data = "\ufeffnama;jumlah\nBojong;12\nKandanggampang;7\n".encode()
    result = clean_upload(upload("rekap.csv", data))
    assert (result.extension, result.content_type) == ("csv", "text/csv")
    assert result.content == data
    assert result.extracted_text.startswith("nama;jumlah")


def test_extracted_text_is_capped():
    result = clean_upload(upload("panjang.csv", b"kode,nama\n" * 30_000))
    assert len(result.extracted_text) == 200_000


def test_csv_that_looks_like_a_bitmap_signature_is_accepted():
    data = b"BMI,berat\n22,60\n"
    assert clean_upload(upload("bmi.csv", data)).extension == "csv"


def test_prose_is_refused():
    prose = (
        b"Dengan hormat,\nSaya, warga Purbalingga, meminta salinan anggaran.\n"
        b"Terima kasih.\n"
    )
    refused("surat.csv", prose, "unsupported_type")


def test_text_that_is_not_utf8_is_refused():
    refused(
        "data.csv",
        "nama,kota\nJosé,Purbalingga\n".encode("latin-1"),
        "unsupported_type",
    )


def test_csv_with_an_oversized_field_is_refused():
    data = b"a,b\n" + b"x" * 200_000 + b",y\n"
    refused("besar.csv", data, "bad_csv")


# --- names ----------------------------------------------------------------


def test_path_parts_are_stripped_from_the_name():
    result = clean_upload(upload("../../etc/passwd.pdf", pdf_with_text()))
    assert result.original_name == "passwd.pdf"
    windows = clean_upload(upload("C:\\Users\\x\\..\\laporan.pdf", pdf_with_text()))
    assert windows.original_name == "laporan.pdf"


def test_extension_follows_the_content():
    png = image_bytes(noisy(), "PNG")
    result = clean_upload(upload("x.php.jpg", png))
    assert (result.extension, result.original_name) == ("png", "x.php.png")
    titled = clean_upload(upload("Laporan v2.0 final", pdf_with_text()))
    assert titled.original_name == "Laporan v2.0 final.pdf"


def test_bidi_and_control_characters_are_removed():
    name = "invoice\u202efdp\u2066.exe\x00\x1b  \t  copy"
    result = clean_upload(upload(name, pdf_with_text()))
    assert result.original_name == "invoicefdp.exe copy.pdf"


def test_long_name_is_capped_keeping_the_extension():
    result = clean_upload(upload("a" * 10_000 + ".pdf", pdf_with_text()))
    assert len(result.original_name) == 150
    assert result.original_name.endswith("a.pdf")


def test_name_left_empty_gets_a_default():
    result = clean_upload(upload("\u202e..", pdf_with_text()))
    assert result.original_name == "berkas.pdf"


# --- size -----------------------------------------------------------------


def test_oversize_file_is_refused():
    error = refused("besar.csv", b"a,b\n" * (MB // 4 + 1), "too_large", max_size=MB)
    assert "1 MB" in error.message


def test_declared_size_is_trusted_for_refusal_without_reading():
    class Unreadable(io.BytesIO):
        def read(self, *args: object) -> bytes:
            raise AssertionError("the file was read")

    uploaded = upload("besar.pdf", pdf_with_text())
    uploaded.size = 50 * MB
    uploaded.file = Unreadable()
    with pytest.raises(ValidationError) as caught:
        clean_upload(uploaded, max_size=MB)
    assert caught.value.code == "too_large"


def test_understated_size_does_not_sneak_through():
    uploaded = upload("besar.csv", b"a,b\n" * 1000)
    uploaded.size = 10
    with pytest.raises(ValidationError) as caught:
        clean_upload(uploaded, max_size=100)
    assert caught.value.code == "too_large"


def test_default_limit_comes_from_settings(settings):
    settings.PPID_UPLOAD_MAX_BYTES = 100
    refused("data.csv", b"a,b\n" * 50, "too_large")


def test_empty_file_is_refused():
    refused("kosong.pdf", b"", "empty")


# --- office documents -----------------------------------------------------


def test_docx_is_kept_and_indexed():
    data = docx(["Halo dunia", "Baris kedua"])
    result = clean_upload(upload("laporan.pdf", data))
    assert result.extension == "docx"
    assert result.content_type.endswith("wordprocessingml.document")
    assert result.original_name == "laporan.docx"
    assert result.content == data
    assert result.extracted_text == "Halo dunia\nBaris kedua"


def test_docx_with_vba_project_is_refused():
    data = docx(["Aktifkan makro"], **{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    refused("makro.docx", data, "office_macros")


def test_docx_declaring_macros_under_another_name_is_refused():
    types = DOCX_TYPES.replace(
        "</Types>",
        '<Override PartName="/word/x.bin" '
        'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    data = docx(["x"], **{"[Content_Types].xml": types, "word/x.bin": b"\x00"})
    refused("makro.docx", data, "office_macros")


def test_docx_with_entity_bomb_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="{}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    ).format(W_NS)
    data = docx([], **{"word/document.xml": bomb})
    refused("bom.docx", data, "bad_office")


def test_docx_without_its_document_is_refused():
    data = zipped({"[Content_Types].xml": DOCX_TYPES, "word/styles.xml": "<x/>"})
    refused("kosong.docx", data, "bad_office")


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    # Level 1 keeps building it fast while still far above 100:1.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            zeros = bytes(MB)
            for _ in range(200):
                member.write(zeros)
    data = buffer.getvalue()
    assert len(data) < 2 * MB
    refused("bom.docx", data, "zip_bomb")


def test_small_high_ratio_member_is_refused():
    data = docx(["x"], **{"word/media/x.bin": bytes(2 * MB)})
    refused("bom.docx", data, "zip_bomb")


def test_zip_whose_total_size_is_too_large_is_refused(monkeypatch):
    # Stored random bytes have no suspicious ratio; only the total can trip.
    monkeypatch.setattr("ppid.uploads.MAX_ZIP_TOTAL", MB)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("word/document.xml", "<x/>")
        archive.writestr("word/media/a.bin", os.urandom(MB))
    refused("besar.docx", buffer.getvalue(), "zip_bomb")


def test_zip_with_too_many_members_is_refused():
    members: dict[str, bytes | str] = {f"word/m{i}.xml": "" for i in range(2_001)}
    data = docx(["x"], **members)
    refused("banyak.docx", data, "zip_bomb")


def test_xlsx_is_accepted():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Anggaran"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = clean_upload(upload("anggaran.xlsx", buffer.getvalue()))
    assert result.extension == "xlsx"
    assert result.content_type.endswith("spreadsheetml.sheet")
    assert result.extracted_text == ""


def test_pptx_is_accepted():
    data = zipped({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"})
    assert clean_upload(upload("paparan.pptx", data)).extension == "pptx"


def test_odt_is_accepted_and_indexed():
    data = zipped({"mimetype": ODF_TEXT, "content.xml": ODF_CONTENT})
    result = clean_upload(upload("pengumuman.odt", data))
    assert (result.extension, result.content_type) == ("odt", ODF_TEXT)
    assert result.extracted_text == "Pengumuman\nRapat warga hari Senin."


def test_ods_is_accepted():
    data = zipped({"mimetype": ODF_SHEET, "content.xml": ODF_CONTENT})
    result = clean_upload(upload("tabel.ods", data))
    assert (result.extension, result.extracted_text) == ("ods", "")


def test_odt_with_basic_macros_is_refused():
    data = zipped(
        {
            "mimetype": ODF_TEXT,
            "content.xml": ODF_CONTENT,
            "Basic/Standard/Module1.xml": "<script/>",
        }
    )
    refused("makro.odt", data, "office_macros")


def test_odf_presentation_is_refused():
    data = zipped(
        {
            "mimetype": "application/vnd.oasis.opendocument.presentation",
            "content.xml": ODF_CONTENT,
        }
    )
    refused("paparan.odp", data, "unsupported_type")


def test_plain_zip_is_refused():
    data = zipped({"foto.jpg": b"x", "catatan.txt": "halo"})
    refused("arsip.docx", data, "unsupported_type")


def test_damaged_zip_is_refused():
    data = docx(["Halo"])
    refused("rusak.docx", data[:200], "bad_office")
