"""The docked panels and their forms: properties (and the parsing of what is typed), palette, suggestions."""
