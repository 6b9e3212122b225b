"""Delivering: pages, shared components, exports and their routes."""
