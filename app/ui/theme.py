"""Light, dark or the system's colours, switchable while the app runs."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.ColorRole.Window: "#26282b", QPalette.ColorRole.WindowText: "#e8e8e8",
    QPalette.ColorRole.Base: "#1d1f21", QPalette.ColorRole.AlternateBase: "#2c2f33",
    QPalette.ColorRole.Text: "#e8e8e8", QPalette.ColorRole.Button: "#33363a",
    QPalette.ColorRole.ButtonText: "#e8e8e8", QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#33363a",
    QPalette.ColorRole.ToolTipText: "#e8e8e8", QPalette.ColorRole.PlaceholderText: "#8a8a8a",
}


def apply_theme(app: QApplication, theme: str) -> None:
    """Apply "system", "light" or "dark" to the whole application."""
    if not hasattr(app, "_tandem_system_palette"):
        app._tandem_system_palette = QPalette(app.palette())  # type: ignore[attr-defined]
    if theme == "dark":
        app.setStyle("Fusion")
        pal = QPalette()
        for role, color in _DARK.items():
            pal.setColor(role, QColor(color))
        app.setPalette(pal)
    elif theme == "light":
        app.setStyle("Fusion")
        app.setPalette(app.style().standardPalette())
    else:
        app.setPalette(app._tandem_system_palette)  # type: ignore[attr-defined]
    app.setProperty("tandemTheme", theme)
