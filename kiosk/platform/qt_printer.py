"""Prints slip PDFs on a system printer: QtPdf rasterises each page, QPrinter sends it (safe off the GUI thread)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.services.printing_port import PrintFailed

HINT = "请检查打印机电源和连接，或在设置中选择打印机"
# Text and a QR code need no more: an A4 page at the 1200 dpi Qt reports would be a 550 MB image.
MAX_RASTER_DPI = 300


class QtSlipPrinter:
    """The SlipPrinter port on Qt; uses no widget, so a worker thread may call it."""

    def __init__(self, printer_name: str | None = None) -> None:
        self.printer_name = printer_name or ""

    def printer_names(self) -> list[str]:
        return [info.printerName() for info in QPrinterInfo.availablePrinters()]

    def print_pdf(self, pdf_path: Path, *, copies: int = 1) -> None:
        document = QPdfDocument()
        if document.load(str(pdf_path)) != QPdfDocument.Error.None_ or document.pageCount() < 1:
            raise PrintFailed(f"回执文件无法读取：{pdf_path.name}", hint="请重新生成回执后再打印")
        info = self._printer_info()
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        printer.setDocName(pdf_path.stem)
        printer.setCopyCount(max(1, copies))
        printer.setFullPage(True)  # the PDF brings its own margins
        _fit_page(printer, document.pagePointSize(0))
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintFailed(f"打印机 {info.printerName()} 无法开始打印", hint=HINT)
        try:
            for page in range(document.pageCount()):
                if page:
                    _fit_page(printer, document.pagePointSize(page))
                    if not printer.newPage():
                        raise PrintFailed(f"打印机 {info.printerName()} 无法换页", hint=HINT)
                _paint_page(painter, printer, document, page)
        finally:
            ended = painter.end()  # the job is handed to the spooler here
            document.close()
        if not ended or printer.printerState() == QPrinter.PrinterState.Error:
            raise PrintFailed(f"打印机 {info.printerName()} 未接受打印任务", hint=HINT)

    def _printer_info(self) -> QPrinterInfo:
        if self.printer_name:
            info = QPrinterInfo.printerInfo(self.printer_name)
            if info.isNull():
                raise PrintFailed(f"未找到打印机 {self.printer_name}", hint=HINT)
        else:
            info = QPrinterInfo.defaultPrinter()
            if info.isNull():
                raise PrintFailed("未找到打印机：系统没有设置默认打印机", hint=HINT)
        return info


def _fit_page(printer: QPrinter, points: QSizeF) -> None:
    """Paper as big as the PDF page: the 80 mm receipt prints at 80 mm, A4 stays A4 (fuzzy match)."""
    landscape = points.width() > points.height()
    portrait = points.transposed() if landscape else points
    size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    layout = QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
    if not printer.setPageLayout(layout):
        raise PrintFailed(f"打印机 {printer.printerName()} 不支持此纸张尺寸", hint=HINT)


def _paint_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int) -> None:
    points = document.pagePointSize(page)
    dpi = min(printer.resolution(), MAX_RASTER_DPI)
    pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    rendered = document.render(page, pixels)
    if rendered.isNull():
        raise PrintFailed(f"回执第 {page + 1} 页无法渲染", hint="请重新生成回执后再打印")
    # QPdfDocument leaves the background transparent; some drivers print that black.
    sheet = QImage(pixels, QImage.Format.Format_RGB32)
    sheet.fill(Qt.GlobalColor.white)
    composer = QPainter(sheet)
    composer.drawImage(0, 0, rendered)
    composer.end()
    target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
    painter.drawImage(QRectF(0, 0, target.width(), target.height()), sheet)
