"""The diagram: a scene that mirrors the Design, its items, gestures and the view."""
