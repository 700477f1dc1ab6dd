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
    pixels = barcode.to_image(scale=1, add_quiet_zones=True)
    height, width = pixels.shape
    image = Image.frombytes("L", (width, height), memoryview(pixels).tobytes()).convert("1")
    image = image.resize((width * scale, height * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
