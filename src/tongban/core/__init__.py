"""Pieces every app shares: domain errors, the platform clock."""
