"""Perception surveys: ingestion, cleaning, design, estimation, weighting, indicators."""
