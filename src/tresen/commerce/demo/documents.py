"""The demo shop's paperwork: invoices and return labels as real PDFs (reportlab).

A return label carries the tracking number as a Code 128 barcode (what a parcel scanner
reads) and a QR code with the return reference (what a shop's phone app reads).
"""

from io import BytesIO

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

SHOP = {
    "name": "Nordhafen Home & Style GmbH",
    "street": "Am Sandtorkai 41",
    "city": "20457 Hamburg",
    "country": "Deutschland",
    "vat_id": "DE999999999",
}
VAT_RATE = 19


def _address_lines(address: dict) -> list[str]:
    city = " ".join(v for v in (address.get("postcode", ""), address.get("city", "")) if v)
    keys = ("name", "company", "street", "street2")
    lines = [address[k] for k in keys if address.get(k)]
    return lines + [v for v in (city, address.get("country", "")) if v]


def _qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(text)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def return_label(
    *, reference: str, order_number: str, tracking_number: str, sender: dict, items: list[str]
) -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A6)
    canvas.setTitle(f"Retourenschein {reference}")
    width, height = A6
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(8 * mm, height - 12 * mm, "RETOURE / RETURN")
    canvas.setFont("Helvetica", 8)
    canvas.drawString(8 * mm, height - 17 * mm, f"{reference} · Bestellung {order_number}")
    y = height - 26 * mm
    canvas.setFont("Helvetica-Bold", 8)
    canvas.drawString(8 * mm, y, "Absender / From")
    canvas.setFont("Helvetica", 8)
    for line in _address_lines(sender):
        y -= 4 * mm
        canvas.drawString(8 * mm, y, line[:60])
    y -= 8 * mm
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(8 * mm, y, "Empfänger / To")
    canvas.setFont("Helvetica", 10)
    for line in (SHOP["name"], "Retourenabteilung", SHOP["street"], SHOP["city"]):
        y -= 5 * mm
        canvas.drawString(8 * mm, y, line)
    barcode = code128.Code128(tracking_number, barHeight=16 * mm, barWidth=0.33 * mm)
    barcode.drawOn(canvas, 6 * mm, 34 * mm)
    canvas.setFont("Helvetica", 9)
    canvas.drawCentredString(width / 2, 29 * mm, tracking_number)
    _qr(
        canvas,
        f"RETURN:{reference};ORDER:{order_number};TRACK:{tracking_number}",
        width - 34 * mm,
        height - 44 * mm,
        26 * mm,
    )
    canvas.setFont("Helvetica", 6.5)
    y = 22 * mm
    for item in items[:4]:
        canvas.drawString(8 * mm, y, item[:80])
        y -= 3.2 * mm
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def invoice(
    *,
    number: str,
    issued: str,
    order_number: str,
    billing: dict,
    lines: list[tuple],
    shipping: str,
    total: str,
    currency: str,
) -> bytes:
    """`lines`: (quantity, title, unit price, line total) as display strings."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"Rechnung {number}")
    width, height = A4
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(20 * mm, height - 25 * mm, SHOP["name"])
    canvas.setFont("Helvetica", 9)
    canvas.drawString(20 * mm, height - 31 * mm, f"{SHOP['street']} · {SHOP['city']}")
    y = height - 50 * mm
    canvas.setFont("Helvetica", 10)
    for line in _address_lines(billing):
        canvas.drawString(20 * mm, y, line)
        y -= 5 * mm
    canvas.setFont("Helvetica-Bold", 13)
    canvas.drawString(20 * mm, height - 90 * mm, f"Rechnung / Invoice {number}")
    canvas.setFont("Helvetica", 10)
    canvas.drawString(20 * mm, height - 97 * mm, f"Datum / Date: {issued}")
    canvas.drawString(20 * mm, height - 102 * mm, f"Bestellung / Order: {order_number}")
    y = height - 115 * mm
    canvas.setFont("Helvetica-Bold", 10)
    for x, text in ((20, "Menge"), (35, "Artikel"), (140, "Einzelpreis"), (170, "Summe")):
        canvas.drawString(x * mm, y, text)
    canvas.setFont("Helvetica", 10)
    for quantity, title, unit, line_total in lines:
        y -= 6 * mm
        canvas.drawString(20 * mm, y, str(quantity))
        canvas.drawString(35 * mm, y, title[:55])
        canvas.drawRightString(160 * mm, y, unit)
        canvas.drawRightString(190 * mm, y, line_total)
    y -= 10 * mm
    canvas.drawString(120 * mm, y, "Versand / Shipping")
    canvas.drawRightString(190 * mm, y, shipping)
    y -= 6 * mm
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(120 * mm, y, f"Gesamt / Total ({currency})")
    canvas.drawRightString(190 * mm, y, total)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(120 * mm, y - 5 * mm, f"inkl. {VAT_RATE} % MwSt. / incl. VAT")
    canvas.drawString(
        20 * mm,
        15 * mm,
        f"USt-IdNr. {SHOP['vat_id']} · Demo-Shop, keine echte "
        "Rechnung / demo shop, not a real invoice",
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
