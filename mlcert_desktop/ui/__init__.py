"""The Qt Widgets GUI. Talks to the core through ui/exam_controller.py; never writes SQL."""
