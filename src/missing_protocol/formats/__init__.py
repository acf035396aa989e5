"""Readers and writers at the edge: the event log (JSONL/JSON) and national data formats."""
