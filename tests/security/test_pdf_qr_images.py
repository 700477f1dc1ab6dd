"""A QR code in a PDF keeps its exact pixels when the fetcher hands it to WeasyPrint as
8-bit grey (printing.fetcher), and still reads back; a PNG with a transparent colour is
left as it is."""

import base64
import io

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from printing.pdf import html_to_pdf
from receivables.qrcodes import qr_png

PAYLOAD = b"BCD\n002\n1\nSCT\nAGRIFRPP\nBench SARL\nFR7630006000011234567890189\nEUR160.40"


def _img(png: bytes) -> str:
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    return f'<img src="{uri}" style="width: 34mm; image-rendering: pixelated">'


def _images(pdf: bytes) -> list:
    return [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]


def test_a_qr_code_is_printed_grey_with_its_own_pixels_and_reads_back():
    png = qr_png(PAYLOAD)
    (image,) = _images(html_to_pdf(_img(png)))
    assert image.image.mode == "L"  # one grey byte a pixel, not the RGB WeasyPrint made of 1-bit
    printed = image.image.convert("1")
    assert printed.tobytes() == Image.open(io.BytesIO(png)).convert("1").tobytes()
    assert zxingcpp.read_barcodes(image.image)[0].bytes == PAYLOAD


def test_a_png_with_a_transparent_colour_keeps_its_transparency():
    picture = Image.new("1", (8, 8), 1)
    picture.putpixel((2, 2), 0)
    out = io.BytesIO()
    picture.save(out, "PNG", transparency=1)  # white is see-through
    (image,) = _images(html_to_pdf(_img(out.getvalue())))
    assert image.indirect_reference.get_object().get("/SMask") is not None


def test_a_broken_or_huge_one_bit_png_from_a_template_is_left_to_weasyprint():
    from weasyprint.urls import URLFetcherResponse

    from printing.fetcher import _grey_qr

    def fetched(png: bytes) -> bytes:
        return _grey_qr(URLFetcherResponse("data:image/png;base64,", png)).read()

    header = bytes.fromhex("89504e470d0a1a0a0000000d49484452")  # signature, IHDR
    huge = header + (50_000).to_bytes(4, "big") * 2 + b"\x01\x00\x00\x00\x00" + b"\0" * 20
    assert fetched(huge) == huge  # 2.5 G pixels: never handed to Pillow by us
    broken = header + (10).to_bytes(4, "big") * 2 + b"\x01\x00\x00\x00\x00garbage"
    assert fetched(broken) == broken
    assert html_to_pdf(_img(broken)).startswith(b"%PDF")  # the letter still prints
