"""Graphics items: component boxes, region/zone containers, link arrows, replica chips
and text notes. The window's canvas and the image exports draw these same items."""

from .chip import ChipItem
from .container import ContainerItem
from .link import LinkItem
from .node import NodeItem
from .note import NoteItem

__all__ = ["ChipItem", "ContainerItem", "LinkItem", "NodeItem", "NoteItem"]
