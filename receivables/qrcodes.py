"""QR code images: the one place that encodes a payload into a picture.

zxing-cpp (C++) encodes a payment code in well under a millisecond, mask selection
included; segno, in pure Python, took about 8 ms per code, which was most of the
cost of a reminder e-mail (see bench/send.py). The payload bytes are passed as they
are (byte mode, no ECI): the payment standards name their own character set.

The PNG is written here rather than by Pillow: a black-and-white picture of square
modules is a few joins and one deflate, and Pillow's image, resize and encoder passes
cost twice zxing's encoding (about 0.4 ms of the 0.6 ms a reminder's code took).
"""

import struct
import zlib
from functools import lru_cache

import zxingcpp

SCALE = 4  # pixels per module: 49 modules -> a 196 px image, sharp on paper and screen
# A printed letter's codes: one pixel per module. Its style sheet sets their size on the
# page and draws them unsmoothed (image-rendering: pixelated, /Interpolate false in the
# PDF), so they print as sharp, and WeasyPrint reads and re-encodes 16 times fewer pixels
# (about 1 ms a letter, two codes).
PRINT_SCALE = 1
_BITS = bytes.maketrans(b"\x00\xff", b"01")  # zxing draws a module as 0 (dark) or 255
_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def qr_png(payload: bytes, ec_level: str = "M", scale: int = SCALE) -> bytes:
    """A black-and-white PNG of the QR code of `payload`, quiet zone included."""
    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level)
    modules = barcode.to_image(scale=1, add_quiet_zones=True)  # a byte per module
    height, width = modules.shape
    return _png(bytes(memoryview(modules)).translate(_BITS), width, height, scale)


def _png(bits: bytes, width: int, height: int, scale: int) -> bytes:
    """A 1-bit grayscale PNG (1 = white) of `bits` (b"0"/b"1", a row of `width` after
    another), each drawn as `scale` x `scale` pixels. A module row is packed once; the
    `scale - 1` pixel rows that repeat it are written with PNG's "up" filter (all
    zeros), which deflate squeezes to almost nothing."""
    widen, row_bytes = _widen(scale), (width * scale + 7) // 8
    pad, packed_len = b"0" * (-width % 8), (width + 7) // 8
    again = (b"\x02" + bytes(row_bytes)) * (scale - 1)
    rows = []
    for y in range(0, width * height, width):
        packed = int(bits[y : y + width] + pad, 2).to_bytes(packed_len, "big")
        rows.append(b"\x00" + b"".join([widen[byte] for byte in packed])[:row_bytes] + again)
    header = struct.pack(">IIBBBBB", width * scale, height * scale, 1, 0, 0, 0, 0)
    return b"".join(
        (
            _SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", _deflate(b"".join(rows))),
            _chunk(b"IEND", b""),
        )
    )


def _deflate(data: bytes) -> bytes:
    """zlib at level 6 with a 4 KiB window and its smallest hash tables: as small as
    zlib.compress for a code's few KiB, in 27 µs instead of 65 (most of which went in
    setting up its default 256 KiB of state)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 12, 2)
    return compressor.compress(data) + compressor.flush()


@lru_cache(maxsize=8)
def _widen(scale: int) -> list[bytes]:
    """For each byte, its 8 bits each repeated `scale` times (`scale` bytes)."""
    return [
        int("".join(bit * scale for bit in f"{byte:08b}"), 2).to_bytes(scale, "big")
        for byte in range(256)
    ]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
