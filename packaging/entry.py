"""PyInstaller entry script: the bundled ``modeller`` is exactly the ``modeller`` command."""

import multiprocessing
import sys

from modeller.cli import main  # absolute import: PyInstaller runs this file as a script

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen worker process must not re-run main()
    sys.exit(main())
