"""Reliability and security scenarios (faults, load, large data, secrets, fuzzing, bad input)."""
