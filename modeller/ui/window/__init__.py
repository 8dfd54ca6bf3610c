"""The app and its window: start-up and shutdown, the main window, banner, start page, help, the analysis worker, logs and crash reports."""
