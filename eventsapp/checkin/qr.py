"""QR codes drawn on the server (segno, pure Python): an SVG to put in a page, a PNG for an e-mail."""
from __future__ import annotations

import io

import segno
from markupsafe import Markup


def qr_svg(data: str, *, title: str = "", scale: int = 6) -> Markup:
    """An inline <svg> of `data` (error correction M, quiet zone kept), sized by `scale` pixels per module."""
    qr = segno.make(data, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=scale, xmldecl=False, svgns=True, title=title or None, nl=False,
            svgclass="qr", lineclass=None)
    return Markup(out.getvalue().decode("utf-8"))  # segno's own markup; the title is escaped by segno


def qr_png(data: str, *, scale: int = 6) -> bytes:
    qr = segno.make(data, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=scale)
    return out.getvalue()
