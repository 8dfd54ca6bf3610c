"""The Qt user interface: the window, the canvas, the panels, editing, files and Fail-it.

Nothing here computes a number the user reads: the canvas and panels show a
``Report`` from :mod:`modeller.analysis` and change the ``Design`` only through
QUndoCommands (DESIGN section 1). How nodes, links and badges are drawn lives one
layer down in :mod:`modeller.render` (shared with the image exports).

Where to look (also in ``modeller/ui/README.md``):

- ``window/``   the app and its window: ``app`` (entry point), ``main_window``,
  ``banner``, ``start_page``, ``help``, ``worker`` (analysis off the UI thread),
  ``lifecycle`` (signals, quitting), ``crashlog`` (log, crash reports).
- ``canvas/``   the diagram's gestures and view: ``scene``, ``interactions``
  (drag, resize, link), ``view`` (zoom, pan), ``arrange`` and ``tidy``.
- ``panels/``   docked panels and their forms: ``properties``, ``fields`` (parsing
  typed values), ``palette``, ``suggest``.
- ``editing/``  changing the Design: ``commands`` (undo commands), ``editor`` (one
  undo step per gesture or menu item), ``presets_ui`` (presets dropped in).
- ``failit/``   Fail-it mode (``mode``) and the "Survives losing one zone?" panel
  (``zone_check``).
- ``files/``    ``saving`` (settings, recent files, save, autosave, recovery),
  ``locks``, ``folders``, ``paths``, ``export_actions`` (File ▸ Export/Import).
- ``insights/`` the Insights dock's charts and their sweep worker.
"""
