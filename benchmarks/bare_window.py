"""The start-up benchmark's baseline: a bare PySide6 window, shown and painted.

Prints two numbers: the seconds from its first PySide6 import to its first paint, and the
wall-clock time (time.time()) of that first paint, which the benchmark subtracts from the
moment it started the process. `python3 dev.py bench` also freezes this file with PyInstaller,
as the baseline of the frozen app's start-up.
"""

import time

t0 = time.perf_counter()

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow  # noqa: E402

app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("hello"))
window.show()
app.processEvents()
print(time.perf_counter() - t0, time.time(), flush=True)
