"""The application starts in the Fusion style without leaving QT_STYLE_OVERRIDE behind."""

from __future__ import annotations

import os
import subprocess
import sys

CHILD = """
import os
from mlcert_desktop.ui.theme import apply_theme, create_application
app = create_application(["x"])
print(app.style().metaObject().className(), os.environ.get("QT_STYLE_OVERRIDE"))
apply_theme(app)
"""


def test_created_application_uses_fusion_and_restores_the_environment():
    env = {k: v for k, v in os.environ.items() if k != "QT_STYLE_OVERRIDE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert out.split() == ["QFusionStyle", "None"]
    env["QT_STYLE_OVERRIDE"] = "windows"
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert out.split() == ["QFusionStyle", "windows"]
