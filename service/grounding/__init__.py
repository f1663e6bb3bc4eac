"""Grounding, the trust logic: what a question asks, whether the passages answer it, whether
each claim says what its quote says, and where the sources disagree."""
