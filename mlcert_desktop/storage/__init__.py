"""SQLite storage through sqlite-utils. Never imports Qt; the UI never writes SQL."""
