"""The web shell: security headers and health, rate limits, cache warm-up."""
