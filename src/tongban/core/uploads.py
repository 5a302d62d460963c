"""Uploaded files checked before anything keeps them: they open, are one format and
nothing else, run nothing, and stay within bounds once decoded (pages, pixels, bytes).

`upload_check` is for one file whose type is already known by its content (PDF, JPEG,
PNG); `submission_size_check` bounds all the files of one request together. Both raise
`InvalidInput` with `fields={"file": ...}`. Every bound is a setting read at call time
(`UPLOAD_*` in `conf/base.py`).

Nothing here decodes a whole file to look at it: images are walked by their chunks and
markers, a PDF's object graph is read by pypdf without decoding its content, and its
streams are inflated a chunk at a time against one budget for the whole file, stopping as
soon as the budget is spent.

The bounds, and why (each a setting, `conf/base.py`):

- `UPLOAD_MAX_DECODED_BYTES`, 512 MB decoded from one PDF's streams. Twelve A4 pages
  scanned at 300 dpi in lossless colour are a 14 MB file that decodes to 313 MB, so a
  20 MB file of them (the largest material) about 450; a 1 MB file of zeros that would
  decode to 1 GB is stopped after 512 MB, about a second and a half.
- `UPLOAD_MAX_PDF_PAGES`, 500 pages: more than any material; pypdf reads the page tree.
- `UPLOAD_MAX_PDF_OBJECTS`, 100,000 objects: pypdf reads some 15,000 a second, so this
  bounds the time a crafted file takes (about 6 s); a 36-page manual has 440.
- `UPLOAD_MAX_IMAGE_PIXELS`, 50 megapixels, an image or an image in a PDF: a phone's
  48-megapixel photo and an A4 page at 600 dpi (35) pass, and decoding one takes at
  most 200 MB (RGBA).
- `UPLOAD_MAX_SUBMISSION_BYTES`, 50 MB for all the files of one request: a few scans and
  photos; more is uploaded one file at a time to a draft.
"""

import io
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from tongban.core.errors import InvalidInput

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

# The code of a file that does not open; callers may answer with their own wording.
UNREADABLE = "file_unreadable"

# HTML a browser would run if it ever took the file for a page (a polyglot).
_HTML = re.compile(rb"<(?:!doctype|html|head|body|script|iframe|svg)[\s/>]", re.I)
# `stream` followed by its end of line, not the tail of `endstream`.
_STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
# What may follow a PDF's last %%EOF: padding only.
_PDF_PADDING = b" \t\r\n\f\0"
# A JPEG marker that ends entropy-coded data: 0xFF then anything but a stuffed zero, a
# restart marker or another fill byte.
_JPEG_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_JPEG_FRAMES = {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC)}
_JPEG_FRAMES |= {*range(0xCD, 0xD0)}
# Entries of a cross-reference table, and object headers: counted outside streams before
# pypdf reads them (it reads a million table entries in five seconds).
_XREF_ENTRY = re.compile(rb"\d{10} \d{5} [nf]")
# Anchored at the start of a number and bounded in width: `\d+\s+\d+` tried at every digit
# of a long run of digits took quadratic time (20 KB of digits: 3 s).
_OBJECT_HEADER = re.compile(rb"(?<![0-9])\d{1,10}\s{1,20}\d{1,5}\s{1,20}obj\b")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_MAX_CHUNKS = 200_000  # a 20 MB image in libpng's 8 KB chunks has 2,500

_FLATE = {"/FlateDecode", "/Fl"}
# Decoded whole (their output bounded by the budget): ASCII85 here, the others by pypdf.
_WHOLE = {
    "/LZWDecode": "LZWDecode",
    "/LZW": "LZWDecode",
    "/RunLengthDecode": "RunLengthDecode",
    "/RL": "RunLengthDecode",
    "/ASCII85Decode": "ASCII85Decode",
    "/A85": "ASCII85Decode",
    "/ASCIIHexDecode": "ASCIIHexDecode",
    "/AHx": "ASCIIHexDecode",
}
# pypdf's LZW and run-length decoders are pure Python, about 2 and 10 MB a second here:
# what they are given is weighed by how slow each is, against one allowance a file of
# about two seconds. (They are rare: LZW is from before 2000.)
_SLOW = {"LZWDecode": 5, "RunLengthDecode": 1}
_SLOW_ALLOWANCE = 20 * 1024 * 1024
_WHOLE_INPUT_MAX = 32 * 1024 * 1024
# ASCII85, which reportlab writes around every stream: each character less 33, five of
# them a 32-bit number.
_ASCII85_DIGITS = bytes((value - 33) % 256 for value in range(256))
_ASCII85_BLOCK = 5 * 65_536
_CHUNK = 1024 * 1024

# What a PDF may not do: run code, start programs, carry other files, play media, ask
# for a form engine (XFA) or send and fetch data on its own.
_ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/GoToR": "remote_action",
    "/GoToE": "embedded_file",
    "/ImportData": "remote_action",
    "/SubmitForm": "remote_action",
    "/RichMediaExecute": "rich_media",
    "/Rendition": "rich_media",
    "/Movie": "rich_media",
    "/Sound": "rich_media",
}
_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",  # the document's /Names tree of scripts
    "/EmbeddedFiles": "embedded_file",
    "/EF": "embedded_file",
    "/XFA": "xfa",
    "/RichMediaContent": "rich_media",
}
# The same names as written in the file's bytes, found outside streams even in objects
# the cross-reference leaves out (a viewer that rebuilds a damaged one finds those).
_RAW_NAMES: dict[bytes, str] = {
    b"JS": "javascript",
    b"JavaScript": "javascript",
    b"Launch": "launch",
    b"EmbeddedFile": "embedded_file",
    b"EmbeddedFiles": "embedded_file",
    b"FileAttachment": "embedded_file",
    b"GoToE": "embedded_file",
    b"GoToR": "remote_action",
    b"ImportData": "remote_action",
    b"SubmitForm": "remote_action",
    b"XFA": "xfa",
    b"RichMedia": "rich_media",
    b"RichMediaExecute": "rich_media",
}
_NAME_END = rb"(?=[\s/<>\[\]()%{}]|$)"
_LONGEST_FIRST: list[bytes] = sorted(_RAW_NAMES, key=len, reverse=True)
_RAW_NAME = re.compile(rb"/(" + b"|".join(_LONGEST_FIRST) + rb")" + _NAME_END)
# A name with #xx escapes (`/J#61vaScript` is `/JavaScript`).
_ESCAPED_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]*#[^\s/<>\[\]()%{}]*)")
_SUBTYPES = {
    "/FileAttachment": "embedded_file",
    "/RichMedia": "rich_media",
    "/Movie": "rich_media",
    "/Sound": "rich_media",
    "/Screen": "rich_media",
    "/3D": "rich_media",
    "/U3D": "rich_media",
    "/PRC": "rich_media",
}


class _Spent(Exception):
    """The decoding budget of a file ran out."""


class _Unreadable(Exception):
    """The file is not what its first bytes say."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _megabytes(size: int) -> float:
    return size / 1048576


def _unreadable() -> InvalidInput:
    return InvalidInput(
        UNREADABLE,
        _("文件无法打开，可能已损坏，请重新扫描或导出后上传。"),
        fields={"file": "unreadable"},
    )


def _mixed(what: str) -> InvalidInput:
    return InvalidInput(
        "file_mixed_formats",
        _(
            "文件中除了文档或图片本身，还夹带了其他内容（如网页或压缩包），"
            "出于安全原因不能接受。请重新扫描或导出后上传。"
        ),
        fields={"file": what},
    )


def _active(what: str) -> InvalidInput:
    return InvalidInput(
        "file_active_content",
        _(
            "PDF 中含有脚本、附件、多媒体或会自动执行的动作，出于安全原因不能接受。"
            "请用“打印为 PDF”或重新扫描生成后上传。"
        ),
        fields={"file": what},
    )


def _too_many_pixels(
    width: int, height: int, *, frames: int = 1, limit: int | None = None
) -> InvalidInput:
    if limit is None:
        limit = _setting("UPLOAD_MAX_IMAGE_PIXELS", 50_000_000)
    return InvalidInput(
        "file_too_many_pixels",
        _(
            "图片为 %(width)d×%(height)d 像素（共 %(pixels).1f 百万像素），"
            "不能超过 %(limit)d 百万像素，请缩小后上传。"
        )
        % {
            "width": width,
            "height": height,
            "pixels": width * height * frames / 1_000_000,
            "limit": limit // 1_000_000,
        },
        fields={"file": "too_many_pixels"},
    )


def _pixels_check(width: int, height: int, frames: int = 1) -> None:
    """An image (each frame of an animation counts) within the bound of pixels."""
    frames = max(frames, 1)
    if width * height * frames > _setting("UPLOAD_MAX_IMAGE_PIXELS", 50_000_000):
        raise _too_many_pixels(width, height, frames=frames)


def _zip_inside(data: bytes) -> bool:
    """Whether a ZIP reader would find an archive in `data`: an end-of-central-directory
    record in the last 64 KB (where readers look: its comment is at most that long)
    whose central directory is where it says (so a chance match of the four signature
    bytes inside compressed data is not one)."""
    position = data.find(b"PK\x05\x06", max(0, len(data) - 22 - 65_535))
    while position >= 0:
        if position + 22 <= len(data):
            size, offset = struct.unpack_from("<II", data, position + 12)
            directory = position - size
            if directory >= 0 and data.startswith(b"PK\x01\x02", directory):
                return True
            if offset < len(data) and data.startswith(b"PK\x01\x02", offset):
                return True
            if position >= 20 and data.startswith(b"PK\x06\x07", position - 20):
                return True  # ZIP64: its locator stands just before
        position = data.find(b"PK\x05\x06", position + 1)
    return False


def upload_check(data: bytes, content_type: str) -> None:
    """Refuse a file that does not open, is also another format (a polyglot), would run
    something, or decodes past the bounds; `content_type` is one of PDF, JPEG, PNG, as
    found from the content."""
    if content_type == PDF:
        check = _pdf_check
    elif content_type == JPEG:
        check = _jpeg_check
    elif content_type == PNG:
        check = _png_check
    else:
        raise InvalidInput(
            "file_type_not_allowed",
            _("只接受 PDF、JPG、PNG 文件（按文件内容判断，不看扩展名）。"),
            fields={"file": content_type or "unknown"},
        )
    if _zip_inside(data):
        raise _mixed("zip")
    try:
        check(data)
    except _Unreadable as error:
        raise _unreadable() from error


def submission_size_check(sizes: Iterable[int]) -> None:
    """Refuse the files of one request when together they pass the limit (each file has
    its own limit besides)."""
    total = sum(sizes)
    limit = _setting("UPLOAD_MAX_SUBMISSION_BYTES", 50 * 1024 * 1024)
    if total > limit:
        raise InvalidInput(
            "submission_too_large",
            _(
                "本次提交的文件共 %(size).1f MB，一次提交不能超过 %(limit)d MB。"
                "请压缩文件，或先保存草稿再逐个上传。"
            )
            % {"size": _megabytes(total), "limit": limit // 1048576},
            fields={"file": "submission_too_large"},
        )


# --- images -----------------------------------------------------------------------------


def _image_opens(data: bytes, image_format: str, size: tuple[int, int]) -> None:
    """Pillow reads the header and checks the structure (chunk checksums), decoding no
    pixel. Past twice its own MAX_IMAGE_PIXELS it will not open an image at all: that is
    a refusal for too many pixels too, whatever the setting allows."""
    from PIL import Image  # start-up: loaded on the first upload

    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            image.verify()
    except Image.DecompressionBombError as error:
        most = 2 * int(Image.MAX_IMAGE_PIXELS or 0)
        raise _too_many_pixels(*size, limit=most) from error
    except Exception as error:  # noqa: BLE001 — any failure to open is the user's file
        raise _Unreadable(str(error)) from error


def _png_check(data: bytes) -> None:
    """Chunks from the signature to IEND, and nothing after it."""
    if not data.startswith(_PNG_SIGNATURE):
        raise _Unreadable("no PNG signature")
    position = len(_PNG_SIGNATURE)
    width = height = 0
    frames = 1
    for count in range(_PNG_MAX_CHUNKS):
        if position + 12 > len(data):
            raise _Unreadable("no IEND")
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 12 + length
        if end > len(data):
            raise _Unreadable("a chunk runs past the end")
        if count == 0:
            if kind != b"IHDR" or length != 13:
                raise _Unreadable("no IHDR")
            width, height = struct.unpack_from(">II", data, position + 8)
        elif kind == b"acTL" and length >= 4:  # an animation: every frame is decoded
            (frames,) = struct.unpack_from(">I", data, position + 8)
        elif kind == b"IEND":
            if end != len(data):
                raise _mixed("trailing_data")
            _pixels_check(width, height, frames)
            _image_opens(data, "PNG", (width, height))
            return
        position = end
    raise _Unreadable("too many chunks")


def _jpeg_end(data: bytes, start: int) -> tuple[int, int, int]:
    """Walk one JPEG from its SOI at `start` by its markers (entropy-coded data is skipped
    with one search); answers the offset after its EOI, and its width and height."""
    if not data.startswith(b"\xff\xd8", start):
        raise _Unreadable("no SOI")
    position = start + 2
    width = height = 0
    while True:
        if position + 2 > len(data) or data[position] != 0xFF:
            raise _Unreadable("no EOI")
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte
            position += 1
            continue
        if marker == 0xD9:
            return position + 2, width, height
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
            continue
        if position + 4 > len(data):
            raise _Unreadable("a segment runs past the end")
        (length,) = struct.unpack_from(">H", data, position + 2)
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise _Unreadable("a segment runs past the end")
        if marker in _JPEG_FRAMES and length >= 7 and not width:
            height, width = struct.unpack_from(">HH", data, position + 5)
        position = end
        if marker == 0xDA:  # start of scan: coded data up to the next marker
            found = _JPEG_SCAN_END.search(data, position)
            if found is None:
                raise _Unreadable("no EOI")
            position = found.start()


def _samsung_trailer(data: bytes, start: int) -> bool:
    """Samsung's camera trailer (capture time, and motion photos): records, then a
    directory starting `SEFH`, then the directory's length and `SEFT` at the very end."""
    if not data.endswith(b"SEFT") or len(data) - start < 16:
        return False
    (length,) = struct.unpack_from("<I", data, len(data) - 8)
    directory = len(data) - 8 - length
    return directory >= start and data.startswith(b"SEFH", directory)


def _video_trailer(data: bytes, start: int) -> bool:
    """A motion photo's video (Google, Xiaomi, OPPO: an MP4 after the photo, named in its
    XMP): ISO media boxes from `ftyp` exactly to the end of the file."""
    if not data.startswith(b"ftyp", start + 4):
        return False
    position = start
    while position < len(data):
        if position + 8 > len(data):
            return False
        size, kind = struct.unpack_from(">I4s", data, position)
        if not kind.isalnum() and kind != b"uuid":
            return False
        if size == 1 and position + 16 <= len(data):
            (size,) = struct.unpack_from(">Q", data, position + 8)
        elif size == 0:
            size = len(data) - position
        if size < 8:
            return False
        position += size
    return position == len(data)


def _jpeg_check(data: bytes) -> None:
    """The photo to its EOI; after it only what cameras and phones put there: zeros, more
    JPEG images (MPF: gain maps of HDR photos, previews), Samsung's trailer or a motion
    photo's video. Anything else after the photo (a page, an archive) is refused."""
    position, width, height = _jpeg_end(data, 0)
    _pixels_check(width, height)
    size = (width, height)
    while position < len(data):
        if data.startswith(b"\xff\xd8", position):
            try:
                position, width, height = _jpeg_end(data, position)
            except _Unreadable as error:
                raise _mixed("trailing_data") from error
            _pixels_check(width, height)
        elif _samsung_trailer(data, position) or _video_trailer(data, position):
            if _HTML.search(data, position):
                raise _mixed("html")
            break
        elif data[position] == 0:
            position += 1
            while position < len(data) and data[position] == 0:
                position += 1
        else:
            raise _mixed("trailing_data")
    _image_opens(data, "JPEG", size)


# --- PDF --------------------------------------------------------------------------------


def _outside_streams(data: bytes) -> Iterator[tuple[int, int]]:
    """The spans of `data` that are not stream contents (a stream's data is taken to run
    from `stream` to the next `endstream`, whatever its /Length says)."""
    position = 0
    while (found := _STREAM_START.search(data, position)) is not None:
        yield position, found.end()
        close = data.find(b"endstream", found.end())
        if close < 0:
            return
        position = close
    yield position, len(data)


class _Budget:
    """What a file's streams may still produce when decoded, and what the slow decoders
    may still be given."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit
        self.slow_left = _SLOW_ALLOWANCE

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise _Spent


def _inflated(chunks: Iterable[bytes], budget: _Budget) -> Iterator[bytes]:
    """Inflate a chunk at a time: never more than `_CHUNK` bytes are held, and it stops as
    soon as the budget is spent. A damaged stream ends where it breaks, as in viewers."""
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            pending = chunk
            while pending or not inflater.eof:
                out = inflater.decompress(pending, _CHUNK)
                budget.take(len(out))
                if out:
                    yield out
                pending = inflater.unconsumed_tail
                if inflater.eof or (not pending and len(out) < _CHUNK):
                    break
            if inflater.eof:
                return
    except zlib.error:
        return


def _joined(chunks: Iterable[bytes]) -> bytes:
    parts = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > _WHOLE_INPUT_MAX:
            raise _too_complex("filter_input")
        parts.append(chunk)
    return b"".join(parts)


def _ascii85_decoded(data: bytes) -> bytes:
    """ASCII85 decoded about four times as fast as Python's own `base64.a85decode`
    (22 MB a second here, a 20 MB file in a second): a block of numbers at a time."""
    import array
    import sys

    end = data.find(b"~>")
    characters = data[: end if end >= 0 else len(data)].translate(None, b" \t\r\n\f\0")
    if characters.startswith(b"<~"):
        characters = characters[2:]
    characters = characters.replace(b"z", b"!!!!!")  # four zero bytes
    padding = -len(characters) % 5
    digits = (characters + b"u" * padding).translate(_ASCII85_DIGITS)
    words = array.array("I")
    if words.itemsize != 4:  # pragma: no cover — every platform tongban runs on
        words = array.array("L")
    for start in range(0, len(digits), _ASCII85_BLOCK):
        block = digits[start : start + _ASCII85_BLOCK]
        words.extend(
            map(
                lambda a, b, c, d, e: (((a * 85 + b) * 85 + c) * 85 + d) * 85 + e,
                block[0::5],
                block[1::5],
                block[2::5],
                block[3::5],
                block[4::5],
            )
        )
    if sys.byteorder == "little":
        words.byteswap()
    out = words.tobytes()
    return out[: len(out) - padding]


def _whole_decoded(name: str, data: bytes, budget: _Budget) -> bytes:
    """One of the older filters, decoded whole within the budget."""
    from pypdf import filters
    from pypdf.errors import LimitReachedError

    budget.slow_left -= len(data) * _SLOW.get(name, 0)
    if budget.slow_left < 0:
        raise _too_complex("slow_filter")
    try:
        if name == "ASCII85Decode":
            out = _ascii85_decoded(data)
        else:
            out = getattr(filters, name).decode(data)
    except LimitReachedError as error:
        raise _Spent from error
    except Exception:  # noqa: BLE001 — a damaged stream ends where it breaks
        return b""
    budget.take(len(out))
    return out


def _ascii85_size(data: bytes) -> int:
    """What ASCII85 data decodes to, without decoding it: four bytes for five characters,
    and for each `z`."""
    end = data.find(b"~>")
    characters = data[: end if end >= 0 else len(data)].translate(None, b" \t\r\n\f\0")
    if characters.startswith(b"<~"):
        characters = characters[2:]
    zeros = characters.count(b"z")
    return (len(characters) - zeros) * 4 // 5 + zeros * 4


def _decodes(name: str) -> bool:
    return name in _FLATE or name in _WHOLE


def _stream_decode(raw: bytes, filters: list[str], budget: _Budget) -> None:
    """Decode one stream through its filters, counting what every step produces. Image
    codecs (DCT, JPX, CCITT, JBIG2) and unknown filters end the chain undecoded; a stream
    nothing decodes counts as stored."""
    chunks: Iterable[bytes] = [raw]
    if not filters or not _decodes(filters[0]):
        budget.take(len(raw))
        return
    for index, name in enumerate(filters):
        last = index + 1 == len(filters) or not _decodes(filters[index + 1])
        if name in _FLATE:
            chunks = _inflated(chunks, budget)
        elif _WHOLE.get(name) == "ASCII85Decode" and last:
            budget.take(_ascii85_size(_joined(chunks)))
            return
        elif name in _WHOLE:
            chunks = [_whole_decoded(_WHOLE[name], _joined(chunks), budget)]
        if last:
            break
    for _chunk in chunks:  # the inflating steps count as they are read
        pass


def _too_complex(what: str) -> InvalidInput:
    return InvalidInput(
        "file_too_complex",
        _(
            "PDF 结构过于复杂或使用了过时的压缩方式，无法检查。请用“打印为 PDF”或重新扫描生成后上传。"
        ),
        fields={"file": what},
    )


def _pdf_check(data: bytes) -> None:
    """Bytes first (header at byte 0, nothing after the last %%EOF, no HTML in the first
    kilobyte or outside the streams, no ZIP record outside them, no forbidden name
    outside them), then the object graph (pages, actions, attachments, images, streams)."""
    if not data.startswith(b"%PDF-"):
        raise _mixed("header")
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise _Unreadable("no %%EOF")
    if data[end + 5 :].strip(_PDF_PADDING):
        raise _mixed("trailing_data")
    if _HTML.search(data, 0, 1024):
        raise _mixed("html")
    most = _setting("UPLOAD_MAX_PDF_OBJECTS", 100_000)
    counts = {_XREF_ENTRY: 0, _OBJECT_HEADER: 0}
    for start, stop in _outside_streams(data):
        if _HTML.search(data, start, stop):
            raise _mixed("html")
        if data.find(b"PK\x05\x06", start, stop) >= 0:
            raise _mixed("zip")
        _raw_names_check(data, start, stop)
        for pattern in counts:
            for _found in pattern.finditer(data, start, stop):
                counts[pattern] += 1
                if counts[pattern] > most:
                    raise _too_complex("too_many_objects")
    _pdf_graph_check(data, most)


def _raw_names_check(data: bytes, start: int, stop: int) -> None:
    found = _RAW_NAME.search(data, start, stop)
    if found is not None:
        raise _active(_RAW_NAMES[found.group(1)])
    for escaped in _ESCAPED_NAME.finditer(data, start, stop):
        name = re.sub(
            rb"#([0-9A-Fa-f]{2})",
            lambda digits: bytes([int(digits.group(1), 16)]),
            escaped.group(1),
        )
        if name in _RAW_NAMES:
            raise _active(_RAW_NAMES[name])


def _pdf_graph_check(data: bytes, most_objects: int) -> None:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    budget = _Budget(_setting("UPLOAD_MAX_DECODED_BYTES", 512 * 1024 * 1024))
    # pypdf itself decodes only the cross-reference and object streams here, each held
    # whole in memory: at most 64 MB apiece (its default is 75), and its byte-by-byte
    # recovery of a damaged one to 256 KB of input.
    held = min(budget.limit, 64 * 1024 * 1024)
    try:
        with apply_configuration(
            zlib_maximum_output_length=held,
            lzw_maximum_output_length=held,
            run_length_maximum_output_length=held,
            brotli_maximum_output_length=held,
            zlib_maximum_recovery_input_length=256 * 1024,
        ):
            reader = PdfReader(
                io.BytesIO(data), strict=False, xref_stream_maximum_entries=most_objects
            )
            if reader.is_encrypted and not reader.decrypt(""):
                raise _Unreadable("a password is needed")
            # pypdf reads about 15,000 objects a second: this bounds the time it takes.
            if _objects_count(reader) > most_objects:
                raise _too_complex("too_many_objects")
            pages = len(reader.pages)
            if pages == 0:
                raise _Unreadable("no pages")
            most = _setting("UPLOAD_MAX_PDF_PAGES", 500)
            if pages > most:
                raise InvalidInput(
                    "file_too_many_pages",
                    _("PDF 有 %(pages)d 页，单个文件不能超过 %(limit)d 页。")
                    % {"pages": pages, "limit": most},
                    fields={"file": "too_many_pages"},
                )
            _pdf_objects_check(reader, budget)
    except _Spent as error:
        raise _decoded_too_large(budget.limit) from error
    except LimitReachedError as error:
        raise _too_complex("limit") from error
    except (InvalidInput, _Unreadable):
        raise
    except Exception as error:  # noqa: BLE001 — any failure to open is the user's file
        raise _Unreadable(str(error)) from error


def _decoded_too_large(limit: int) -> InvalidInput:
    return InvalidInput(
        "file_decompressed_too_large",
        _(
            "PDF 解压后超过 %(limit)d MB，不能接受。请用“打印为 PDF”或重新扫描生成后上传。"
        )
        % {"limit": limit // 1048576},
        fields={"file": "decompressed_too_large"},
    )


def _pdf_objects_check(reader: Any, budget: _Budget) -> None:
    """Every object the cross-reference knows, each read once: what no PDF may hold, the
    pixels of each image and the decoded size of each stream. (pypdf reads a damaged
    object as best it can, as viewers do; one it cannot read makes the file unreadable,
    since what it holds cannot be known.)"""
    from pypdf.generic import IndirectObject

    _direct_check(reader, reader.trailer, budget)
    for generation, numbers in list(reader.xref.items()):
        for number in list(numbers):
            found = reader.get_object(IndirectObject(number, generation, reader))
            _direct_check(reader, found, budget)
    for number in list(reader.xref_objStm):
        found = reader.get_object(IndirectObject(number, 0, reader))
        _direct_check(reader, found, budget)


def _objects_count(reader: Any) -> int:
    return sum(len(numbers) for numbers in reader.xref.values()) + len(
        reader.xref_objStm
    )


def _resolved(reader: Any, value: Any) -> Any:
    """`value`, or what a reference (or a short chain of them) points to."""
    from pypdf.generic import IndirectObject

    for _depth in range(8):
        if not isinstance(value, IndirectObject):
            return value
        value = reader.get_object(value)
    return None


def _name(reader: Any, value: Any) -> str:
    value = _resolved(reader, value)
    return str(value) if isinstance(value, str) else ""


def _direct_check(reader: Any, top: Any, budget: _Budget) -> None:
    """`top` and the dictionaries and arrays written inside it (references are left to
    their own turn), without recursion."""
    from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

    stack = [top]
    while stack:
        value = stack.pop()
        if isinstance(value, ArrayObject):
            stack.extend(value)
            continue
        if not isinstance(value, DictionaryObject):
            continue
        for key, what in _KEYS.items():
            if key in value:
                raise _active(what)
        action = _name(reader, value.get("/S"))
        if action in _ACTIONS:
            raise _active(_ACTIONS[action])
        subtype = _name(reader, value.get("/Subtype"))
        if subtype in _SUBTYPES:
            raise _active(_SUBTYPES[subtype])
        if _name(reader, value.get("/Type")) == "/EmbeddedFile":
            raise _active("embedded_file")
        if "/OpenAction" in value:
            _automatic_check(reader, [value["/OpenAction"]])
        if "/AA" in value:
            triggers = _resolved(reader, value["/AA"])
            if isinstance(triggers, DictionaryObject):
                _automatic_check(reader, list(triggers.values()))
        if isinstance(value, StreamObject):
            if subtype == "/Image":
                width = _resolved(reader, value.get("/Width"))
                height = _resolved(reader, value.get("/Height"))
                if isinstance(width, int) and isinstance(height, int):
                    _pixels_check(width, height)
            filters = _resolved(reader, value.get("/Filter"))
            if not isinstance(filters, list):
                filters = [] if filters is None else [filters]
            _stream_decode(value._data, [_name(reader, f) for f in filters], budget)
        stack.extend(value.values())


def _automatic_check(reader: Any, actions: list[Any]) -> None:
    """An action run by itself — on opening, or on a page, field or annotation event —
    may not open a web address either, nor may any action chained after it."""
    from pypdf.generic import DictionaryObject

    for _step in range(256):
        if not actions:
            return
        action = _resolved(reader, actions.pop())
        if not isinstance(action, DictionaryObject):
            continue  # a destination (go to a page), not an action
        if _name(reader, action.get("/S")) == "/URI":
            raise _active("automatic_uri")
        chained = _resolved(reader, action.get("/Next"))
        if isinstance(chained, list):
            actions.extend(chained)
        elif chained is not None:
            actions.append(chained)
