"""Graphics items: component boxes, region/zone containers and link arrows."""

from .container import ContainerItem
from .link import LinkItem
from .node import NodeItem

__all__ = ["ContainerItem", "LinkItem", "NodeItem"]
