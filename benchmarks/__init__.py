"""Benchmarks (not tests): timings of the pipeline and the dashboard against stated targets."""
