"""QR codes drawn on the server: what a phone scans is what we put in."""
from eventsapp.checkin.qr import qr_png, qr_svg


def test_the_svg_is_inline_markup_with_its_title_escaped():
    svg = qr_svg("ABCDEFGHJK", title="王芳 <script>")
    assert svg.startswith("<svg") and "<title>王芳 &lt;script&gt;</title>" in svg and "<script>" not in svg


def test_the_png_is_a_png_that_grows_with_its_data():
    small, large = qr_png("ABCDEFGHJK"), qr_png("https://example.com/" + "x" * 200)
    assert small.startswith(b"\x89PNG\r\n\x1a\n") and len(large) > len(small)
