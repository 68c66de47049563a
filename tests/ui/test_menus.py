"""The menu bar: every command, its shortcut, and what it opens."""

from __future__ import annotations

import pytest

from mlcert_desktop.ui.screens.history import HistoryScreen
from mlcert_desktop.ui.screens.home import HomeScreen

MENUS = {
    "&File": ["&Import pack…:Ctrl+I", "&Restore a backup…:", "-", "&Quit:Ctrl+Q"],
    "&View": ["&History:Ctrl+H", "&Packs and keys:Ctrl+Shift+P", "H&ome:Ctrl+Shift+H"],
    "&Study": [
        "&Practice…:Ctrl+P",
        "&Due today:Ctrl+D",
        "&Missed questions:Ctrl+M",
        "&Flagged questions:",
        "&Never seen:",
        "&Weakest domain:",
        "-",
        "&Browse questions:Ctrl+B",
        "P&rogress:Ctrl+G",
    ],
    "&Help": ["&About:"],
}


def _listing(window) -> dict[str, list[str]]:
    out = {}
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        out[menu.title()] = [
            "-" if a.isSeparator() else f"{a.text()}:{a.shortcut().toString()}"
            for a in menu.actions()
        ]
    return out


def test_menus_list_every_command_with_its_shortcut(window):
    assert _listing(window) == MENUS


def test_menu_commands_open_their_screens(window, qtbot, confirmations):
    actions = {a.text(): a for m in window.menuBar().actions() for a in m.menu().actions()}
    actions["&History"].trigger()
    assert isinstance(window.stack.currentWidget(), HistoryScreen)
    actions["H&ome"].trigger()
    assert isinstance(window.stack.currentWidget(), HomeScreen)
    actions["&About"].trigger()
    assert confirmations.shown[-1][1] == "About mlcert-desktop"


def test_quit_works_while_the_menu_bar_is_hidden(window, qtbot):
    """During an exam the menu bar is hidden; the window itself holds the Quit shortcut."""
    quit_action = next(a for a in window.actions() if a.text() == "&Quit")
    window.menuBar().hide()
    quit_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible())


@pytest.fixture
def themed_app():
    """The app's own style sheet and font (the GUI tests otherwise run without them), undone
    afterwards."""
    from PySide6.QtWidgets import QApplication

    from mlcert_desktop.ui.theme import apply_theme

    app = QApplication.instance()
    font, sheet = app.font(), app.styleSheet()
    apply_theme(app)
    yield app
    app.setStyleSheet(sheet)
    app.setFont(font)


def test_every_screen_fits_a_1280_pixel_wide_screen(themed_app, window):
    """The window opens at 92 % of a 1280-pixel screen (1177 px): no screen may ask for more,
    or Qt widens the window past the screen's edge (the browser's filters once did)."""
    for name in ("history", "packs", "browser", "progress"):
        window._screen(name).show()
    window.show_home()
    for name in ("history", "packs", "browser", "progress"):
        assert window._screen(name).minimumSizeHint().width() <= 1177, name
    assert window.minimumSizeHint().width() <= 1177
