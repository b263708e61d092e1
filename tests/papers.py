"""Reading a printed PDF back: its text, its metadata, a page as an image."""

from __future__ import annotations

import pypdfium2 as pdfium

from tests.exports import export_bytes


def pdf_bytes(response) -> bytes:  # noqa: ANN001
    assert response["Content-Type"] == "application/pdf", response["Content-Type"]
    return export_bytes(response)


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, as a reader's copy-and-paste would give it."""
    doc = pdfium.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def pdf_text(data: bytes) -> str:
    """All pages' text, lines joined: a phrase a table cell wrapped reads whole again."""
    return "".join("".join(page.splitlines()) for page in pdf_pages(data))


def pdf_lines(data: bytes) -> list[str]:
    return [line for page in pdf_pages(data) for line in page.splitlines()]


def save_pages(data: bytes, folder, stem: str, scale: float = 2) -> list:  # noqa: ANN001
    """Each page as a PNG in `folder`, to look at."""
    doc = pdfium.PdfDocument(data)
    paths = []
    try:
        for i, page in enumerate(doc):
            path = folder / f"{stem}-{i + 1}.png"
            page.render(scale=scale).to_pil().save(path)
            paths.append(path)
    finally:
        doc.close()
    return paths


def pdf_metadata(data: bytes) -> dict[str, str]:
    doc = pdfium.PdfDocument(data)
    try:
        return doc.get_metadata_dict()
    finally:
        doc.close()


def page_size_mm(data: bytes, index: int = 0) -> tuple[float, float]:
    doc = pdfium.PdfDocument(data)
    try:
        width, height = doc[index].get_size()
    finally:
        doc.close()
    return round(width / 72 * 25.4), round(height / 72 * 25.4)
