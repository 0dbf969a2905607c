"""Journeys: a brand's sequences per customer state, their steps and results, rule tags, the silent timer's days."""
