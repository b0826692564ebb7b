"""What a panel sends back to the model when the user presses one of its buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ButtonEvent:
    """A button press on a panel (an A2UI action event)."""

    surface_id: str
    component_id: str
    name: str
    context: dict[str, Any] = field(default_factory=dict)

    def as_frame(self) -> dict[str, Any]:
        """The dict shape ``ReasoningWorker.press_button`` takes."""
        return {"surfaceId": self.surface_id, "componentId": self.component_id, "name": self.name,
                "context": dict(self.context)}
