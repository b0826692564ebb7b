from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.ui.icons import app_icon, draw_state_icon, icons_dir, state_icon
from app.ui.states import UiState
from app.ui.theme import apply_theme
from app.ui.tray import Tray


def test_tray_follows_state_mutes_and_notifies(qtbot):
    tray = Tray()
    try:
        tray.set_state(UiState.SPEAKING)
        assert tray.icon.toolTip() == "Tandem — Speaking" and not tray.icon.icon().isNull()
        speaking = tray.icon.icon().pixmap(32, 32).toImage()
        tray.set_state(UiState.MIC_OFF)
        assert tray.icon.toolTip() == "Tandem — Mic off"
        assert tray.icon.icon().pixmap(32, 32).toImage() != speaking
        with qtbot.waitSignal(tray.mute_toggled) as sig:
            tray.mute_action.trigger()
        assert sig.args == [True]
        tray.set_muted(False)  # mirrored from the window: no signal back
        assert not tray.mute_action.isChecked()
        with qtbot.waitSignal(tray.quit_requested):
            tray.quit_action.trigger()
        tray.notify("Tandem timer", "Pasta is done")
        assert tray.notifications == [("Tandem timer", "Pasta is done")]
    finally:
        tray.close()


def test_icons_exist_for_every_state():
    folder = icons_dir()
    assert (folder / "tandem.svg").is_file() and (folder / "tandem.png").is_file()
    for state in UiState:
        assert (folder / f"tray-{state.value}.png").is_file(), state
        assert not state_icon(state).isNull()
    assert not app_icon().isNull()
    img = draw_state_icon(UiState.INTERJECTING, 64)
    centre = img.pixelColor(8, 32)
    assert centre.red() > 150 and centre.green() < 100  # drawn in the interjecting red


def test_theme_switches_at_run_time(qtbot):
    app = QApplication.instance()
    system = app.palette().color(QPalette.ColorRole.Window)
    try:
        apply_theme(app, "dark")
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
        apply_theme(app, "light")
        assert app.palette().color(QPalette.ColorRole.Window).lightness() > 180
    finally:
        apply_theme(app, "system")
    assert app.palette().color(QPalette.ColorRole.Window) == system
