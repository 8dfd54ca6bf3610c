"""The Qt user interface: main window, canvas, panels, undo commands and the analysis worker.

Nothing here computes a number the user reads: the canvas and panels show a
``Report`` from :mod:`modeller.analysis` and change the ``Design`` only through
QUndoCommands (DESIGN section 1).
"""
