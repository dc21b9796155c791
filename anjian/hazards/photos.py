"""Uploaded evidence → :class:`~anjian.hazards.services.Evidence`: checked, re-encoded, located.

Photos from phones are re-encoded with Pillow before they are stored:

- the type is read from the bytes, never from the name or the browser's content type;
- the EXIF orientation is applied to the pixels, the long side is cut to 2048 px and the
  result is written as a JPEG (quality 85);
- every piece of metadata is dropped (camera, owner, comments, XMP, thumbnails, colour
  profile after conversion to sRGB) except the GPS position, which stays in the file and is
  returned as decimal ``lat``/``lng``; ``DateTimeOriginal`` is returned as ``taken_at``.

PDF documents (a signed rectification report, a plan) are kept as they are. The service
takes the SHA-256 of exactly the bytes returned here, the ones it stores.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import warnings
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from anjian.hazards.services import MAX_PHOTO_BYTES, Evidence, HazardError

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from PIL import Image as PILImage

MAX_SIDE = 2048
JPEG_QUALITY = 85
# Image formats accepted as photos. HEIF (iPhone HEIC) only opens when a Pillow plugin for it
# is installed; AVIF and MPO (multi-picture JPEG from some Android cameras) are what phones also write.
IMAGE_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF", "AVIF"})
ACCEPT = "image/*,application/pdf"

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
# GPSVersionID, GPSLatitudeRef, GPSLatitude, GPSLongitudeRef, GPSLongitude, GPSAltitudeRef, GPSAltitude
GPS_KEPT_TAGS = (0, 1, 2, 3, 4, 5, 6)
HEIF_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypheim", b"ftypheis", b"ftypmif1", b"ftypmsf1")


def evidence_from_upload(f: UploadedFile, *, field: str = "files") -> Evidence:
    """Read one uploaded file into Evidence, or raise HazardError({field: [Chinese reason]})."""
    name = _base_name(f.name or "")
    shown = name or "文件"

    def reject(message: str) -> HazardError:
        return HazardError({field: [f"“{shown}”{message}"]})

    if f.size is not None and f.size > MAX_PHOTO_BYTES:
        raise reject(f"超过 {MAX_PHOTO_BYTES // (1024 * 1024)}MB，请压缩后再上传")
    content = f.read(MAX_PHOTO_BYTES + 1)
    if len(content) > MAX_PHOTO_BYTES:
        raise reject(f"超过 {MAX_PHOTO_BYTES // (1024 * 1024)}MB，请压缩后再上传")
    if not content:
        raise reject("是空文件")
    if content.startswith(b"%PDF-"):
        return Evidence(name=name or "材料.pdf", content=content, content_type="application/pdf")
    return _photo(content, name, reject)


def _base_name(name: str) -> str:
    return os.path.basename(name.replace("\\", "/")).strip()[:120]


def _photo(content: bytes, name: str, reject: Any) -> Evidence:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            source = Image.open(io.BytesIO(content))
            if source.format not in IMAGE_FORMATS:
                raise reject("不是可接受的图片格式，请上传 JPEG、PNG、WebP 照片或 PDF 文件")
            exif = source.getexif()
            lat, lng = _gps(exif)
            taken_at = _taken_at(exif)
            gps = {tag: value for tag, value in exif.get_ifd(GPS_IFD).items() if tag in GPS_KEPT_TAGS}
            if source.format in ("JPEG", "MPO"):
                source.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at 1/2, 1/4 or 1/8 size: cheap on 50 MP photos
            source.load()
            icc = source.info.get("icc_profile")
            img = _to_srgb(ImageOps.exif_transpose(source), icc)
            img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    except HazardError:
        raise
    except Image.DecompressionBombError as exc:
        raise reject("像素过大，请用普通拍照模式重拍") from exc
    except UnidentifiedImageError as exc:
        if content[4:12] in HEIF_BRANDS:
            raise reject("是 HEIC 格式，暂不支持；请在相机设置中选择“兼容性最佳”（JPEG）后重拍") from exc
        raise reject("不是照片或 PDF 文件，请上传 JPEG、PNG、WebP 照片或 PDF 文件") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise reject("已损坏或不完整，无法读取，请重新拍摄或上传") from exc

    out_exif = Image.Exif()
    if gps and lat is not None:
        out_exif[GPS_IFD] = gps
    img.info = {}  # nothing of the original (comment, XMP, ICC, DPI) rides along into the new file
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=out_exif.tobytes() if len(out_exif) else b"")
    stem = os.path.splitext(name)[0] or "照片"
    return Evidence(
        name=f"{stem}.jpg", content=buf.getvalue(), content_type="image/jpeg", lat=lat, lng=lng, taken_at=taken_at
    )


def _to_srgb(img: PILImage.Image, icc: bytes | None) -> PILImage.Image:
    """An RGB image: transparency flattened onto white, colour converted to sRGB when profiled."""
    from PIL import Image

    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if icc and img.mode in ("RGB", "CMYK"):
        from PIL import ImageCms

        try:
            converted = ImageCms.profileToProfile(
                img, ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
            if converted is not None:
                return converted
        except (OSError, ValueError, ImageCms.PyCMSError):
            pass
    return img if img.mode == "RGB" else img.convert("RGB")


def _gps(exif: Any) -> tuple[Decimal | None, Decimal | None]:
    """Decimal degrees (WGS-84, 6 places) from the GPS IFD, or (None, None) when absent or invalid."""
    try:
        info = exif.get_ifd(GPS_IFD)
    except (KeyError, ValueError, TypeError):
        return None, None
    lat = _degrees(info.get(2), info.get(1), "S")
    lng = _degrees(info.get(4), info.get(3), "W")
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None, None
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    try:
        d, m, s = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    total = d + m / 60 + s / 3600
    if not math.isfinite(total):
        return None
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    return -total if str(ref or "").strip().upper() == negative else total


def _taken_at(exif: Any) -> dt.datetime | None:
    try:
        info = exif.get_ifd(EXIF_IFD)
    except (KeyError, ValueError, TypeError):
        return None
    raw = info.get(DATETIME_ORIGINAL)
    if not raw:
        return None
    text = (raw.decode("ascii", "ignore") if isinstance(raw, bytes) else str(raw)).strip("\x00 ")
    try:
        naive = dt.datetime.strptime(text, "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = info.get(OFFSET_TIME_ORIGINAL)
    if offset:
        try:
            return dt.datetime.fromisoformat(f"{naive.isoformat()}{str(offset).strip()}")
        except ValueError:
            pass
    return timezone.make_aware(naive, timezone.get_current_timezone())
