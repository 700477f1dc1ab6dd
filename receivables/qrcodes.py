"""QR code images: the one place that encodes a payload into a picture.

zxing-cpp (C++) encodes a payment code in well under a millisecond, mask selection
included; segno, in pure Python, took about 8 ms per code, which was most of the
cost of a reminder e-mail (see bench/send.py). The payload bytes are passed as they
are (byte mode, no ECI): the payment standards name their own character set.
"""

import io

import zxingcpp
from PIL import Image

SCALE = 4  # pixels per module: 49 modules -> a 196 px image, sharp on paper and screen


def qr_png(payload: bytes, ec_level: str = "M", scale: int = SCALE) -> bytes:
    """A black-and-white PNG of the QR code of `payload`, quiet zone included."""
    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level)
    modules = barcode.to_image(scale=1, add_quiet_zones=True)  # a byte per module: 0 or 255
    height, width = modules.shape
    # Read as bilevel straight from zxing's buffer ("1;8": a byte per pixel): no copy to bytes,
    # no grayscale image, no dithering pass.
    image = Image.frombuffer("1", (width, height), modules, "raw", "1;8", 0, 1)
    image = image.resize((width * scale, height * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    # Level 1: the same pixels, ~100 bytes more than level 6, and a cheaper deflate.
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()
