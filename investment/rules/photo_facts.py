"""What a progress photo tells about itself, read before it is re-encoded: a perceptual hash
(to find the same picture sent again for another report) and the date the camera wrote in its
EXIF (to find a photo taken outside the month it reports). DESIGN.md §3, rules
``photo_reused`` and ``photo_date``; the checks themselves are in ``photo_checks``.

The hash is imagehash's pHash, 64 bits. Databases have no unsigned 64-bit integer, so it is
stored as the signed BIGINT with the same bits (two's complement): ``to_signed`` and
``to_unsigned`` are the one place that converts, and ``distance`` takes either form.

ImageHash's pHash (DCT of a 32×32 grey image, bits above the median) rather than a transform
of our own: its behaviour under recompression and resizing is widely relied on. It pulls
numpy, scipy and PyWavelets (about 170 MB installed, wheels, no compiler); should that be a
problem on the intranet server, a dHash in a few lines of Pillow (9×8 grey, neighbours
compared) would replace `perceptual_hash` alone, the stored hashes cleared and recomputed with
``manage.py photo_hashes``.
"""

import datetime
import re

import imagehash
from PIL import Image

HASH_BITS = 64
_MASK = (1 << HASH_BITS) - 1

# EXIF tags, in the order we trust them: when the picture was taken, when it was digitised,
# when the file was last written (a phone writes all three alike; an editor rewrites the last).
EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 36867
DATE_TIME_DIGITIZED = 36868
DATE_TIME = 306

# "2026:10:03 14:22:05" is the standard; some cameras write dashes or slashes, some pad with NULs.
_EXIF_DATE = re.compile(r"\s*(\d{4})[:\-/](\d{1,2})[:\-/](\d{1,2})")


def to_signed(value: int) -> int:
    """An unsigned 64-bit hash as the signed BIGINT a database column holds."""
    value &= _MASK
    return value - (1 << HASH_BITS) if value >> (HASH_BITS - 1) else value


def to_unsigned(value: int) -> int:
    """A stored (signed) hash back to its unsigned 64 bits."""
    return value & _MASK


def distance(a: int, b: int) -> int:
    """Hamming distance of two hashes, signed or unsigned: how many of the 64 bits differ."""
    return ((a ^ b) & _MASK).bit_count()


def perceptual_hash(image: Image.Image) -> int:
    """pHash of ``image`` as stored (signed). A JPEG re-saved at another quality or resized keeps
    nearly every bit; another picture differs in about half of them."""
    return to_signed(int(str(imagehash.phash(image)), 16))


def _exif_date(value: object) -> datetime.date | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str) or not (match := _EXIF_DATE.match(value)):
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:  # 0000:00:00, 2026:02:30 …
        return None


def taken_on(image: Image.Image) -> datetime.date | None:
    """The capture date the camera wrote into ``image``'s EXIF (the image as opened from the
    uploaded bytes, before it is re-encoded): DateTimeOriginal, else DateTimeDigitized, else
    DateTime. None when there is none or it cannot be read: a damaged EXIF block is never a
    reason to refuse or fail an upload."""
    try:
        exif = image.getexif()
        sub = exif.get_ifd(EXIF_IFD)
        candidates = [
            sub.get(DATE_TIME_ORIGINAL),
            sub.get(DATE_TIME_DIGITIZED),
            exif.get(DATE_TIME),
        ]
    except Exception:  # EXIF is whatever the sender's device (or a forger) wrote
        return None
    for value in candidates:
        if (found := _exif_date(value)) is not None:
            return found
    return None
