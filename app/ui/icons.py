"""The app icon and the per-state tray icons: loaded from assets/icons, drawn with QPainter if absent."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPen

from app.ui.states import LOOKS, UiState


def icons_dir() -> Path:
    """Where the bundled icons live (assets/icons)."""
    try:
        from app.paths import assets_dir

        return assets_dir() / "icons"
    except FileNotFoundError:
        return Path(__file__).resolve().parents[2] / "assets" / "icons"


def draw_state_icon(state: UiState, size: int = 64) -> QImage:
    """A round badge in the state's colour with a microphone; struck through when the mic is off."""
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64.0
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(LOOKS[state].color))
    p.drawEllipse(QRectF(2 * s, 2 * s, 60 * s, 60 * s))
    p.setBrush(QColor("white"))
    p.drawRoundedRect(QRectF(25 * s, 12 * s, 14 * s, 24 * s), 7 * s, 7 * s)
    pen = QPen(QColor("white"), 3.5 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(18 * s, 18 * s, 28 * s, 26 * s), 180 * 16, 180 * 16)
    p.drawLine(QPointF(32 * s, 44 * s), QPointF(32 * s, 51 * s))
    p.drawLine(QPointF(24 * s, 51 * s), QPointF(40 * s, 51 * s))
    if state is UiState.MIC_OFF:
        p.setPen(QPen(QColor("#ff5252"), 5 * s))
        p.drawLine(QPointF(14 * s, 14 * s), QPointF(50 * s, 50 * s))
    p.end()
    return img


def state_icon(state: UiState) -> QIcon:
    """The tray icon for ``state``."""
    path = icons_dir() / f"tray-{state.value}.png"
    if path.is_file():
        return QIcon(str(path))
    return QIcon(draw_state_icon(state).copy())


def app_icon() -> QIcon:
    """The application icon (SVG where Qt can read it, else the PNG)."""
    icon = QIcon()
    for name in ("tandem.svg", "tandem.png"):
        path = icons_dir() / name
        if path.is_file():
            icon.addFile(str(path))
    return icon if not icon.isNull() else state_icon(UiState.LISTENING)


def write_icons(folder: Path) -> list[Path]:
    """Render the app PNG from its SVG and every tray icon into ``folder`` (run once when icons change)."""
    from PySide6.QtSvg import QSvgRenderer

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size, name in ((256, "tandem.png"), (64, "tandem-64.png")):
        img = QImage(size, size, QImage.Format.Format_ARGB32)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        QSvgRenderer(str(folder / "tandem.svg")).render(p)
        p.end()
        img.save(str(folder / name))
        written.append(folder / name)
    for state in UiState:
        path = folder / f"tray-{state.value}.png"
        draw_state_icon(state).save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication([])
    for _p in write_icons(icons_dir()):
        print(_p)
