"""The enrolment QR code: an SVG made locally by ``qrcode`` (nothing leaves the server; the
secret must never pass through an online QR service), as a data: URI for an <img>."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg


def svg_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
