"""Reliability tests (issue 7): broken and hostile sources, interrupted builds, scale."""
