"""Uploaded evidence: re-encoded JPEGs keep only their GPS position; the rest is refused in Chinese."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from anjian.hazards.photos import GPS_IFD, MAX_SIDE, evidence_from_upload
from anjian.hazards.services import MAX_PHOTO_BYTES, HazardError

MAKE, MODEL, ORIENTATION, SOFTWARE, ARTIST = 0x010F, 0x0110, 0x0112, 0x0131, 0x013B


def phone_jpeg(
    size: tuple[int, int] = (400, 300),
    *,
    lat: tuple[float, float, float] | None = (28, 42, 30.54),
    lat_ref: str = "N",
    lng: tuple[float, float, float] | None = (113, 35, 12.34),
    lng_ref: str = "E",
    orientation: int = 1,
    taken: str | None = "2026:05:01 09:30:00",
    offset: str | None = None,
    color: tuple[int, int, int] = (180, 40, 40),
) -> bytes:
    """A JPEG as a phone writes it: camera make and model, owner, software, GPS block, time taken."""
    exif = Image.Exif()
    exif[MAKE] = "Apple"
    exif[MODEL] = "iPhone 15"
    exif[SOFTWARE] = "17.4"
    exif[ARTIST] = "张三"
    exif[ORIENTATION] = orientation
    if lat is not None and lng is not None:
        exif[GPS_IFD] = {
            0: b"\x02\x02\x00\x00",
            1: lat_ref,
            2: tuple(IFDRational(round(v * 100), 100) for v in lat),
            3: lng_ref,
            4: tuple(IFDRational(round(v * 100), 100) for v in lng),
        }
    sub: dict[int, str] = {}
    if taken:
        sub[0x9003] = taken
    if offset:
        sub[0x9011] = offset
    if sub:
        exif[0x8769] = sub
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG", exif=exif, comment=b"owner: zhangsan")
    return buf.getvalue()


def upload(content: bytes, name: str = "IMG_0001.JPG", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def reopen(content: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(content))
    img.load()
    return img


def test_gps_is_read_as_decimals_and_kept_while_everything_else_goes():
    ev = evidence_from_upload(upload(phone_jpeg()))
    assert ev.content_type == "image/jpeg" and ev.name == "IMG_0001.jpg"
    # 28°42'30.54" N, 113°35'12.34" E
    assert ev.lat == Decimal("28.708483") and ev.lng == Decimal("113.586761")
    assert ev.taken_at == dt.datetime(2026, 5, 1, 1, 30, tzinfo=dt.UTC)  # 09:30 in Asia/Shanghai
    out = reopen(ev.content)
    assert out.format == "JPEG" and out.size == (400, 300)
    exif = out.getexif()
    assert set(exif) == {GPS_IFD}  # no make, model, software, owner, orientation
    gps = exif.get_ifd(GPS_IFD)
    assert gps[1] == "N" and float(gps[2][0]) == 28 and gps[3] == "E"
    assert exif.get_ifd(0x8769) == {}  # the time taken is recorded on the attachment, not left in the file
    assert "comment" not in out.info and "xmp" not in out.info and "icc_profile" not in out.info
    assert b"iPhone" not in ev.content and b"zhangsan" not in ev.content and "张三".encode() not in ev.content


def test_southern_and_western_positions_are_negative_and_the_offset_is_honoured():
    ev = evidence_from_upload(
        upload(phone_jpeg(lat=(33, 51, 0), lat_ref="S", lng=(70, 30, 0), lng_ref="W", offset="-04:00"))
    )
    assert ev.lat == Decimal("-33.850000") and ev.lng == Decimal("-70.500000")
    assert ev.taken_at == dt.datetime(2026, 5, 1, 13, 30, tzinfo=dt.UTC)


def test_a_photo_without_exif_has_no_position_and_no_time():
    buf = io.BytesIO()
    Image.new("RGB", (50, 40), (0, 0, 0)).save(buf, "JPEG")
    ev = evidence_from_upload(upload(buf.getvalue()))
    assert ev.lat is None and ev.lng is None and ev.taken_at is None
    assert reopen(ev.content).getexif() == {}


def test_orientation_is_applied_to_the_pixels():
    ev = evidence_from_upload(upload(phone_jpeg((400, 300), orientation=6)))  # rotated 90° in the camera
    out = reopen(ev.content)
    assert out.size == (300, 400) and ORIENTATION not in out.getexif()


def test_large_photos_are_cut_to_2048_on_the_long_side():
    ev = evidence_from_upload(upload(phone_jpeg((5000, 1250), lat=None)))
    assert max(reopen(ev.content).size) == MAX_SIDE
    assert reopen(ev.content).size == (2048, 512)


def test_png_with_transparency_and_webp_become_jpeg():
    buf = io.BytesIO()
    Image.new("RGBA", (60, 60), (0, 0, 255, 0)).save(buf, "PNG")
    ev = evidence_from_upload(upload(buf.getvalue(), "screen.png", "image/png"))
    out = reopen(ev.content)
    assert out.format == "JPEG" and out.mode == "RGB" and ev.name == "screen.jpg"
    assert out.getpixel((30, 30)) == (255, 255, 255)  # transparency flattened onto white
    buf = io.BytesIO()
    Image.new("RGB", (60, 60), (0, 128, 0)).save(buf, "WEBP")
    assert reopen(evidence_from_upload(upload(buf.getvalue(), "a.webp", "image/webp")).content).format == "JPEG"


def test_pdf_documents_are_kept_as_they_are():
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    ev = evidence_from_upload(upload(pdf, "整改报告.pdf", "application/pdf"))
    assert ev.content == pdf and ev.content_type == "application/pdf" and ev.name == "整改报告.pdf"


def test_oversize_files_are_refused_in_chinese():
    big = SimpleUploadedFile("big.jpg", b"\xff" * (MAX_PHOTO_BYTES + 1), content_type="image/jpeg")
    with pytest.raises(HazardError) as err:
        evidence_from_upload(big, field="photos")
    assert list(err.value.errors) == ["photos"]
    assert "超过 10MB" in err.value.errors["photos"][0] and "big.jpg" in err.value.errors["photos"][0]


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"MZ\x90\x00 not an image at all", "virus.exe", "不是照片或 PDF 文件"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "x.svg", "不是照片或 PDF 文件"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "IMG_1.HEIC", "HEIC"),
        (b"", "empty.jpg", "空文件"),
    ],
)
def test_other_files_are_refused_with_a_reason(content, name, reason):
    with pytest.raises(HazardError) as err:
        evidence_from_upload(upload(content, name, "image/jpeg"))
    assert reason in err.value.errors["files"][0]


def test_a_gif_is_an_image_but_not_an_accepted_format():
    buf = io.BytesIO()
    Image.new("P", (10, 10)).save(buf, "GIF")
    with pytest.raises(HazardError) as err:
        evidence_from_upload(upload(buf.getvalue(), "a.gif", "image/gif"))
    assert "不是可接受的图片格式" in err.value.errors["files"][0]


def test_a_truncated_photo_is_refused():
    content = phone_jpeg((800, 600), color=(10, 200, 90))
    with pytest.raises(HazardError) as err:
        evidence_from_upload(upload(content[: len(content) // 2]))
    assert "已损坏" in err.value.errors["files"][0]
