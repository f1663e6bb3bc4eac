"""Retrieval: dense and keyword candidates fused, spread across articles, filtered."""
