"""``python -m modeller`` (and the PyInstaller entry): the same as the ``modeller`` command."""

import multiprocessing

from modeller.cli import main  # absolute: PyInstaller runs this file as a script

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen app must not re-run main() in worker processes
    raise SystemExit(main())
