"""Files: saving, autosave and recovery, lock files, last folder, bundled paths, export and import."""
