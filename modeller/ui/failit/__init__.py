""""Fail it" mode and the "Survives losing one zone?" panel."""
