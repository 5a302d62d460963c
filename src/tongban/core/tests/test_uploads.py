"""Uploads: hostile files are refused with their own code; ordinary ones pass.

Every hostile file is made here, in the test, from the libraries that make real ones
(reportlab, pypdf, Pillow, zlib), so each test shows exactly what is refused.
"""

import io
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from tongban.core.errors import InvalidInput
from tongban.core.uploads import (
    JPEG,
    PDF,
    PNG,
    UNREADABLE,
    submission_size_check,
    upload_check,
)

MB = 1024 * 1024


def _pdf(pages: int = 1, text: str = "scan") -> bytes:
    """A PDF as reportlab writes it: ASCII85 and Flate streams, a cross-reference table."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for number in range(pages):
        page.drawString(72, 720, f"{text} {number + 1}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def _rewritten(change: Callable[[PdfWriter], None] | None = None) -> bytes:
    """The reportlab PDF read and written again by pypdf, after `change`."""
    writer = PdfWriter(clone_from=io.BytesIO(_pdf()))
    if change is not None:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _names(**entries: Any) -> DictionaryObject:
    """A PDF dictionary from keyword arguments: names stay names, text becomes a string."""
    made = DictionaryObject()
    for key, value in entries.items():
        if isinstance(value, str) and value.startswith("/"):
            value = NameObject(value)
        elif isinstance(value, str):
            value = TextStringObject(value)
        made[NameObject(f"/{key}")] = value
    return made


def _stream(writer: PdfWriter, data: bytes, **entries: Any) -> Any:
    """An indirect stream stored as given (already encoded), added to the first page's
    contents so it is part of the document."""
    stream = StreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[NameObject(f"/{key}")] = (
            NameObject(value) if isinstance(value, str) else value
        )
    reference = writer._add_object(stream)
    page = writer.pages[0]
    page[NameObject("/Contents")] = ArrayObject(
        [page.raw_get("/Contents"), reference] if "/Contents" in page else [reference]
    )
    return reference


def _refusal(data: bytes, content_type: str = PDF) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        upload_check(data, content_type)
    return refused.value


def _image(
    size: tuple[int, int], image_format: str, mode: str = "RGB", **options: Any
) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), "black")
    draw.text((10, 10), "scan", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def _photo(size: tuple[int, int] = (1600, 1200), **options: Any) -> bytes:
    """A JPEG as a camera writes it: smooth light and sensor noise, EXIF, quality 92."""
    from PIL import Image

    channels = [
        Image.linear_gradient("L").resize(size),
        Image.radial_gradient("L").resize(size),
        Image.effect_noise(size, 40),
    ]
    exif = Image.Exif()
    exif[0x010F] = "Camera"  # Make
    exif[0x0110] = "Phone 12"  # Model
    buffer = io.BytesIO()
    Image.merge("RGB", channels).save(buffer, "JPEG", quality=92, exif=exif, **options)
    return buffer.getvalue()


def _zip(
    name: str = "page.html", content: bytes = b"<script>alert(1)</script>"
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


# --- ordinary files pass ----------------------------------------------------------------


def test_ordinary_pdfs_pass() -> None:
    upload_check(_pdf(), PDF)
    upload_check(_pdf(pages=30, text="正文"), PDF)
    upload_check(_rewritten(), PDF)  # pypdf: object streams, compressed xref
    # a page added in an incremental update: two %%EOF, the first in the middle
    original = _pdf()
    writer = PdfWriter(io.BytesIO(original), incremental=True)
    writer.add_blank_page()
    update = io.BytesIO()
    writer.write(update)
    updated = update.getvalue()
    assert updated.startswith(original) and updated.count(b"%%EOF") == 2
    upload_check(updated, PDF)
    # padding a mail program or a copy leaves after %%EOF
    upload_check(_pdf() + b"\r\n\0\0\0", PDF)


def test_a_pdf_with_a_link_an_opening_page_and_images_passes() -> None:
    """What office software writes: a web link the reader clicks, JPEG and Flate
    images, a page that opens at a destination."""
    from PIL import Image

    def change(writer: PdfWriter) -> None:
        page = writer.pages[0]
        link = _names(
            Type="/Annot",
            Subtype="/Link",
            A=_names(S="/URI", URI="https://zwfw.example.gov.cn/"),
        )
        link[NameObject("/Rect")] = ArrayObject([NumberObject(n) for n in (0, 0, 9, 9)])
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
        writer.root_object[NameObject("/OpenAction")] = ArrayObject(
            [page.indirect_reference, NameObject("/Fit")]
        )

    upload_check(_rewritten(change), PDF)
    for mode in ("RGB", "L", "1"):
        image = Image.new(mode, (800, 600), "white")
        buffer = io.BytesIO()
        image.save(
            buffer, "PDF", resolution=150
        )  # Pillow: a JPEG or Flate image a page
        upload_check(buffer.getvalue(), PDF)


def test_ordinary_images_pass() -> None:
    upload_check(_image((2480, 3508), "PNG"), PNG)  # an A4 page at 300 dpi
    upload_check(_image((640, 480), "PNG", optimize=True), PNG)
    upload_check(_image((2480, 3508), "JPEG", quality=85), JPEG)
    upload_check(_photo(), JPEG)
    upload_check(_photo(progressive=True), JPEG)
    upload_check(_photo() + b"\0" * 100, JPEG)  # zero padding after the EOI


def test_what_phones_append_to_a_photo_passes() -> None:
    """Phones write more after the photo's EOI: a second JPEG (an HDR gain map or a
    preview, as MPF), Samsung's trailer, or the video of a motion photo."""
    photo = _photo()
    gain_map = _image((400, 300), "JPEG")
    upload_check(photo + gain_map, JPEG)
    record = b"\0\0\x01\x0aImage_UTC_Data1767225600000"
    directory = b"SEFH" + struct.pack("<III", 107, 1, 0) + b"\0" * 12
    upload_check(
        photo + record + directory + struct.pack("<I", len(directory)) + b"SEFT", JPEG
    )
    video = struct.pack(">I4s", 24, b"ftyp") + b"mp42\0\0\0\0mp42isom"
    video += struct.pack(">I4s", 16, b"mdat") + b"\0" * 8
    upload_check(photo + gain_map + video, JPEG)


def test_a_submission_within_its_total_passes_and_one_past_it_is_refused() -> None:
    submission_size_check([20 * MB, 20 * MB, 10 * MB])
    with pytest.raises(InvalidInput) as refused:
        submission_size_check([20 * MB, 20 * MB, 20 * MB, 20 * MB])
    assert refused.value.code == "submission_too_large"
    assert refused.value.fields == {"file": "submission_too_large"}
    assert str(refused.value.message) == (
        "本次提交的文件共 80.0 MB，一次提交不能超过 50 MB。"
        "请压缩文件，或先保存草稿再逐个上传。"
    )
    with override_settings(UPLOAD_MAX_SUBMISSION_BYTES=80 * MB):
        submission_size_check([20 * MB] * 4)


# --- PDFs that would run something or carry other files -----------------------------------


def _javascript_on_open(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(
        _names(S="/JavaScript", JS="app.alert('hi')")
    )


def _javascript_on_page_open(writer: PdfWriter) -> None:
    writer.pages[0][NameObject("/AA")] = _names(
        O=_names(Type="/Action", S="/JavaScript", JS="this.submitForm('x')")
    )


def _javascript_name_tree(writer: PdfWriter) -> None:
    script = writer._add_object(_names(S="/JavaScript", JS="app.alert(1)"))
    tree = _names()
    tree[NameObject("/Names")] = ArrayObject([TextStringObject("start"), script])
    writer.root_object[NameObject("/Names")] = _names(
        JavaScript=writer._add_object(tree)
    )


def _launch(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = _names(
        S="/Launch", F="cmd.exe", Win=_names(F="cmd.exe", P="/c calc")
    )


def _attachment(writer: PdfWriter) -> None:
    writer.add_attachment("invoice.exe", b"MZ\x90\x00")


def _attachment_annotation(writer: PdfWriter) -> None:
    page = writer.pages[0]
    note = _names(Type="/Annot", Subtype="/FileAttachment", Contents="see attached")
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(note)])


def _web_address_on_open(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = _names(
        S="/GoTo",
        D=ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")]),
        Next=_names(S="/URI", URI="https://tracker.example/open"),
    )


def _xfa_form(writer: PdfWriter) -> None:
    form = _names()
    form[NameObject("/Fields")] = ArrayObject()
    form[NameObject("/XFA")] = writer._add_object(StreamObject())
    writer.root_object[NameObject("/AcroForm")] = form


def _rich_media(writer: PdfWriter) -> None:
    page = writer.pages[0]
    flash = _names(Type="/Annot", Subtype="/RichMedia")
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(flash)])


@pytest.mark.parametrize(
    ("change", "what"),
    [
        (_javascript_on_open, "javascript"),
        (_javascript_on_page_open, "javascript"),
        (_javascript_name_tree, "javascript"),
        (_launch, "launch"),
        (_attachment, "embedded_file"),
        (_attachment_annotation, "embedded_file"),
        (_web_address_on_open, "automatic_uri"),
        (_xfa_form, "xfa"),
        (_rich_media, "rich_media"),
    ],
)
def test_a_pdf_that_runs_something_or_carries_files_is_refused(
    change: Callable[[PdfWriter], None], what: str
) -> None:
    refused = _refusal(_rewritten(change))
    assert refused.code == "file_active_content"
    assert refused.fields == {"file": what}
    assert str(refused.message) == (
        "PDF 中含有脚本、附件、多媒体或会自动执行的动作，出于安全原因不能接受。"
        "请用“打印为 PDF”或重新扫描生成后上传。"
    )


def _compressed_pdf(catalog_extra: bytes = b"") -> bytes:
    """A PDF 1.5 as Word or Acrobat write it: its objects compressed in an object stream,
    its cross-reference a stream too, so no dictionary is readable in the bytes."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    offsets, body = [], b""
    for item in objects:
        offsets.append(len(body))
        body += item + b"\n"
    index = b" ".join(b"%d %d" % (n + 1, at) for n, at in enumerate(offsets)) + b"\n"
    packed = zlib.compress(index + body)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    stream_at = len(out)
    out += (
        b"4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d >>"
        % (
            len(index),
            len(packed),
        )
    )
    out += b"\nstream\n" + packed + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, 4, n) for n in range(3)]
    rows += [struct.pack(">BIH", 1, stream_at, 0), struct.pack(">BIH", 1, xref_at, 0)]
    table = zlib.compress(b"".join(rows))
    out += (
        b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode"
        b" /Length %d >>\nstream\n" % len(table)
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def test_a_script_inside_an_object_stream_is_found() -> None:
    """What no scan of the bytes can see: pypdf reads the compressed objects."""
    upload_check(_compressed_pdf(), PDF)
    hidden = _compressed_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ")
    assert b"JavaScript" not in hidden
    assert _refusal(hidden).fields == {"file": "javascript"}
    launch = _compressed_pdf(b"/AA << /WC << /S /Launch /F (cmd.exe) >> >> ")
    assert _refusal(launch).fields == {"file": "launch"}


def test_a_script_written_with_escaped_names_or_left_out_of_the_xref_is_found() -> None:
    escaped = _pdf().replace(
        b"/Type /Catalog",
        b"/Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (1) >>",
    )
    assert b"JavaScript" not in escaped
    assert _refusal(escaped).fields == {"file": "javascript"}
    # an object no cross-reference lists, which a viewer rebuilding the table would find
    original = _pdf()
    at = original.rindex(b"xref")
    unlisted = (
        original[:at]
        + b"99 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n"
        + original[at:]
    )
    assert _refusal(unlisted).fields == {"file": "launch"}


# --- bombs --------------------------------------------------------------------------------


def test_a_pdf_whose_streams_inflate_past_the_bound_is_refused_without_inflating_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 50 KB stream of zeros that inflates to 50 MB, against a bound of 10 MB: refused
    as soon as the bound is passed, never holding more than a chunk of it."""
    bomb = zlib.compress(b"\0" * (50 * MB), 9)
    data = _rewritten(lambda writer: _stream(writer, bomb, Filter="/FlateDecode"))
    assert len(data) < 100_000
    inflated = _count_inflated(monkeypatch)
    with override_settings(UPLOAD_MAX_DECODED_BYTES=10 * MB):
        tracemalloc.start()
        refused = _refusal(data)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert refused.code == "file_decompressed_too_large"
    assert refused.fields == {"file": "decompressed_too_large"}
    assert str(refused.message) == (
        "PDF 解压后超过 10 MB，不能接受。请用“打印为 PDF”或重新扫描生成后上传。"
    )
    assert 10 * MB < sum(inflated) <= 11 * MB  # stopped one chunk past the bound
    assert peak < 8 * MB  # a chunk at a time, not the 10 MB it was allowed
    with override_settings(UPLOAD_MAX_DECODED_BYTES=60 * MB):
        upload_check(data, PDF)  # the same file within a larger bound


def _count_inflated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every piece the checker inflates, as it inflates it."""
    from tongban.core import uploads

    pieces: list[int] = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self) -> None:
            self.inflater = real()

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            out = self.inflater.decompress(data, max_length)
            pieces.append(len(out))
            return out

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inflater, name)

    monkeypatch.setattr(uploads.zlib, "decompressobj", Counting)
    return pieces


def test_a_stream_compressed_twice_counts_each_inflating() -> None:
    bomb = zlib.compress(zlib.compress(b"\0" * (50 * MB), 9), 9)
    data = _rewritten(
        lambda writer: _stream(
            writer,
            bomb,
            Filter=ArrayObject([NameObject("/FlateDecode"), NameObject("/Fl")]),
        )
    )
    assert len(data) < 10_000
    with override_settings(UPLOAD_MAX_DECODED_BYTES=10 * MB):
        assert _refusal(data).code == "file_decompressed_too_large"


def test_older_filters_are_decoded_within_the_same_bound() -> None:
    """reportlab wraps every stream in ASCII85; run-length packs 128 bytes in two."""
    import base64

    zeros = zlib.compress(b"\0" * (50 * MB), 9)
    wrapped = _rewritten(
        lambda writer: _stream(
            writer,
            base64.a85encode(zeros, adobe=True),
            Filter=ArrayObject(
                [NameObject("/ASCII85Decode"), NameObject("/FlateDecode")]
            ),
        )
    )
    runs = _rewritten(
        lambda writer: _stream(writer, b"\x81\0" * (200 * 1024) + b"\x80", Filter="/RL")
    )
    with override_settings(UPLOAD_MAX_DECODED_BYTES=10 * MB):
        assert _refusal(wrapped).code == "file_decompressed_too_large"
        assert _refusal(runs).code == "file_decompressed_too_large"  # 25 MB
    with override_settings(UPLOAD_MAX_DECODED_BYTES=60 * MB):
        upload_check(wrapped, PDF)
        upload_check(runs, PDF)


def test_ascii85_is_decoded_as_python_decodes_it() -> None:
    import base64
    import random

    from tongban.core.uploads import _ascii85_decoded

    for size in (0, 1, 4, 5, 7, 1000, 300_001):
        data = random.Random(size).randbytes(size)  # noqa: S311 — test data
        data += b"\0" * 8 + data[:3]  # a group of zeros is written `z`
        encoded = base64.a85encode(data, adobe=True, wrapcol=75)
        assert b"z" in encoded
        assert _ascii85_decoded(encoded) == data


def test_many_streams_share_one_bound() -> None:
    part = zlib.compress(b"\0" * (3 * MB), 9)

    def change(writer: PdfWriter) -> None:
        for _ in range(4):
            _stream(writer, part, Filter="/FlateDecode")

    data = _rewritten(change)
    with override_settings(UPLOAD_MAX_DECODED_BYTES=10 * MB):
        assert _refusal(data).code == "file_decompressed_too_large"
    with override_settings(UPLOAD_MAX_DECODED_BYTES=14 * MB):
        upload_check(data, PDF)


def test_a_pdf_past_the_page_bound_is_refused() -> None:
    upload_check(_pdf(pages=12), PDF)
    with override_settings(UPLOAD_MAX_PDF_PAGES=10):
        refused = _refusal(_pdf(pages=12))
    assert refused.code == "file_too_many_pages"
    assert str(refused.message) == "PDF 有 12 页，单个文件不能超过 10 页。"


def test_an_image_inside_a_pdf_is_bounded_in_pixels() -> None:
    huge = _rewritten(
        lambda writer: _stream(
            writer,
            zlib.compress(b"\0" * 1000),
            Type="/XObject",
            Subtype="/Image",
            Width=NumberObject(9000),
            Height=NumberObject(9000),
            BitsPerComponent=NumberObject(8),
            ColorSpace="/DeviceRGB",
            Filter="/FlateDecode",
        )
    )
    assert _refusal(huge).code == "file_too_many_pixels"


def test_an_image_past_the_pixel_bound_is_refused_from_its_header() -> None:
    """An 81-megapixel PNG (black and white, as a scanner's) is 30 KB; refused from its
    header, before any pixel is decoded."""
    png = _image((9000, 9000), "PNG", mode="1")
    assert len(png) < 1 * MB
    refused = _refusal(png, PNG)
    assert refused.code == "file_too_many_pixels"
    assert refused.fields == {"file": "too_many_pixels"}
    assert str(refused.message) == (
        "图片为 9000×9000 像素（共 81.0 百万像素），不能超过 50 百万像素，请缩小后上传。"
    )
    jpeg = _image((9000, 9000), "JPEG", mode="L")
    assert _refusal(jpeg, JPEG).code == "file_too_many_pixels"
    with override_settings(UPLOAD_MAX_IMAGE_PIXELS=100_000_000):
        upload_check(png, PNG)


def test_a_header_past_pillows_own_bomb_limit_is_refused_as_too_many_pixels() -> None:
    """Pillow refuses to open an image past twice its MAX_IMAGE_PIXELS; that is our
    refusal too, whatever our bound says."""
    png = _image((200, 200), "PNG")
    # IHDR says 20000 x 20000 (400 MP); the checksum is made right, so only size tells.
    header = b"IHDR" + struct.pack(">II", 20_000, 20_000) + png[24:29]
    forged = png[:12] + header + struct.pack(">I", zlib.crc32(header)) + png[33:]
    with override_settings(UPLOAD_MAX_IMAGE_PIXELS=10**9):
        refused = _refusal(forged, PNG)
    assert refused.code == "file_too_many_pixels"
    assert "20000×20000" in str(refused.message)
    assert "不能超过 178 百万像素" in str(refused.message)  # Pillow's 2 x 89,478,485


def test_every_frame_of_an_animated_png_counts() -> None:
    from PIL import Image

    frames = [Image.new("L", (600, 600), shade) for shade in (0, 128, 255, 64)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    with override_settings(UPLOAD_MAX_IMAGE_PIXELS=1_000_000):
        upload_check(_image((600, 600), "PNG", mode="L"), PNG)  # one frame: 0.36 MP
        refused = _refusal(buffer.getvalue(), PNG)  # four
    assert refused.code == "file_too_many_pixels"
    assert "共 1.4 百万像素" in str(refused.message)


def test_a_pdf_with_an_owner_password_is_checked_and_one_needing_a_password_is_not() -> (
    None
):
    """Permissions only (no password to open): pypdf opens it with the empty password, so
    everything is checked, its streams decrypted first. A password to open: unreadable."""

    def bomb(writer: PdfWriter) -> None:
        _stream(writer, zlib.compress(b"\0" * (50 * MB), 9), Filter="/FlateDecode")
        writer.encrypt("", "owner", algorithm="AES-256")

    def locked(writer: PdfWriter) -> None:
        writer.encrypt("secret", "owner", algorithm="AES-256")

    upload_check(_rewritten(lambda writer: writer.encrypt("", "owner")), PDF)
    with override_settings(UPLOAD_MAX_DECODED_BYTES=10 * MB):
        assert _refusal(_rewritten(bomb)).code == "file_decompressed_too_large"
    assert _refusal(_rewritten(locked)).code == UNREADABLE


# --- polyglots ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (
            _pdf() + b"<html><script>alert(document.cookie)</script></html>",
            "trailing_data",
        ),
        (_pdf() + b"\n%% <!doctype html><script>x</script>", "trailing_data"),
        (b"<html><script>alert(1)</script>\n" + _pdf(), "header"),
        (_pdf() + _zip(), "zip"),
        (_pdf().replace(b"%PDF-1.3\n", b"%PDF-1.3\n%PK\x05\x06\n", 1), "zip"),
        (
            _pdf().replace(b"%PDF-1.3\n", b"%PDF-1.3\n%<html><script>x</script>\n", 1),
            "html",
        ),
    ],
    ids=[
        "html-after",
        "html-comment-after",
        "html-before",
        "zip-after",
        "zip-record-inside",
        "html-inside",
    ],
)
def test_a_pdf_that_is_also_a_page_or_an_archive_is_refused(
    data: bytes, what: str
) -> None:
    refused = _refusal(data)
    assert refused.code == "file_mixed_formats"
    assert refused.fields == {"file": what}


def test_a_zip_hidden_inside_a_pdf_stream_is_refused() -> None:
    """An archive stored in a stream, before %%EOF: a ZIP reader still finds it."""
    data = _rewritten(lambda writer: _stream(writer, _zip()))
    assert _refusal(data).fields == {"file": "zip"}


@pytest.mark.parametrize(
    ("data", "content_type", "what"),
    [
        (
            _image((64, 64), "PNG") + b"<html><script>alert(1)</script>",
            PNG,
            "trailing_data",
        ),
        (_image((64, 64), "PNG") + _zip(), PNG, "zip"),
        (_photo((64, 64)) + b"<script>alert(1)</script>", JPEG, "trailing_data"),
        (_photo((64, 64)) + _zip(), JPEG, "zip"),
        (_photo((64, 64)) + b"\0\0" + b"<html>", JPEG, "trailing_data"),
    ],
    ids=["png-html", "png-zip", "jpeg-html", "jpeg-zip", "jpeg-zeros-html"],
)
def test_an_image_with_a_page_or_an_archive_after_it_is_refused(
    data: bytes, content_type: str, what: str
) -> None:
    refused = _refusal(data, content_type)
    assert refused.code == "file_mixed_formats"
    assert refused.fields == {"file": what}


def test_random_bytes_that_look_like_a_zip_signature_are_not_an_archive() -> None:
    """The four bytes of an end-of-directory record turn up in compressed data by chance;
    only a record whose directory is where it says counts."""
    photo = _photo((64, 64))
    at = photo.index(b"\xff\xda") + 20  # inside the coded data
    chance = photo[:at] + b"PK\x05\x06" + b"\x11" * 18 + photo[at:]
    upload_check(chance, JPEG)


# --- broken files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"%PDF-1.7\n garbage that is not a PDF\n%%EOF", PDF),
        (_pdf()[:-200], PDF),
        (_image((64, 64), "PNG")[:-30], PNG),
        (_photo((64, 64))[:-2], JPEG),
    ],
    ids=["pdf-garbage", "pdf-truncated", "png-truncated", "jpeg-no-eoi"],
)
def test_a_broken_file_is_unreadable(data: bytes, content_type: str) -> None:
    refused = _refusal(data, content_type)
    assert refused.code == UNREADABLE
    assert refused.fields == {"file": "unreadable"}


def test_a_long_run_of_digits_is_read_in_linear_time() -> None:
    """A regular expression that backtracks turned 20 KB of digits into 3 s of a worker's
    time (quadratic: a 20 MB file would hold it for days). 4 MB now takes well under a
    second; the bound here is far above that and far below the quadratic time."""
    import time

    data = b"%PDF-1.4\n" + b"1" * 4_000_000 + b"\n%%EOF\n"
    started = time.process_time()
    with pytest.raises(InvalidInput):
        upload_check(data, "application/pdf")
    assert time.process_time() - started < 10
