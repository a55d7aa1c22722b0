"""Benchmarks of sidos: matching quality and speed against Splink, and scale."""
