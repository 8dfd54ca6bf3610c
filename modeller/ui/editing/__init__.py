"""Editing the Design: undo commands, the editor behind every gesture and menu item, presets dropped in."""
