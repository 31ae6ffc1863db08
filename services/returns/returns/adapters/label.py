"""The printable return label: a PDF with the RMA number as a QR code and in large type."""

import io

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas


def render_label(*, rma_number: str, order_number: str, item_count: int) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=letter, invariant=True)
    page.setTitle(f"Vitrine {rma_number}")
    width, height = letter
    top = height - 25 * mm
    page.setFont("Helvetica-Bold", 20)
    page.drawString(20 * mm, top, "Vitrine - Étiquette de retour / Return label")
    page.setFont("Helvetica-Bold", 28)
    page.drawString(20 * mm, top - 18 * mm, rma_number)
    page.setFont("Helvetica", 12)
    page.drawString(20 * mm, top - 28 * mm, f"Commande / Order: {order_number}")
    page.drawString(20 * mm, top - 35 * mm, f"Articles / Items: {item_count}")
    page.drawString(20 * mm, top - 45 * mm, "Collez cette étiquette sur le colis. / Stick this label on the parcel.")
    widget = QrCodeWidget(rma_number, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = 60 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, page, width - 20 * mm - size, top - 65 * mm)
    page.showPage()
    page.save()
    return buffer.getvalue()
