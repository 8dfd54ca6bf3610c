"""The one exception a refused design raises: a message naming file, place and fix."""

from __future__ import annotations


class DesignError(ValueError):
    """A design (or file) that cannot be accepted.

    ``str(err)`` is one line meant for a person: where the problem is and how to fix it.
    """

    def __init__(self, message: str, *, place: str = "", fix: str = "", file: str = "") -> None:
        self.problem = message
        self.place = place
        self.fix = fix
        self.file = file
        super().__init__(self._compose())

    def _compose(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.place:
            parts.append(self.place)
        head = ": ".join(parts)
        text = f"{head}: {self.problem}" if head else self.problem
        if self.fix:
            text += f" — {self.fix}"
        return text

    def in_file(self, file: str) -> DesignError:
        """The same refusal, now naming the file it came from."""
        return DesignError(self.problem, place=self.place, fix=self.fix, file=file)
