"""Reusable widgets of the exam and study screens."""
