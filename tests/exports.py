"""Reading an exported workbook back, as a user's Excel would."""

from __future__ import annotations

import io
import zipfile

from python_calamine import CalamineWorkbook


def export_bytes(response) -> bytes:  # noqa: ANN001
    """The body of an export response, streamed or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def export_rows(response) -> list[list[object]]:  # noqa: ANN001
    data = export_bytes(response)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def formula_cells(data: bytes) -> list[str]:
    """The <f> (formula) elements of every sheet of the workbook: none in an export."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            and b"<f>" in archive.read(name)
            or name.startswith("xl/worksheets/")
            and b"<f " in archive.read(name)
        ]
