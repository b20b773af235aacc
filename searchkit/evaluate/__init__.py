"""Evaluation commands: retrieval, entities and dates, each scored on a labelled set."""
