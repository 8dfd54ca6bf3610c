"""Graphics items: they live in :mod:`modeller.render.items` (the window and the image
exports draw the same items); the canvas imports them from here."""

from ....render.items import ChipItem, ContainerItem, LinkItem, NodeItem, NoteItem

__all__ = ["ChipItem", "ContainerItem", "LinkItem", "NodeItem", "NoteItem"]
