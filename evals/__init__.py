"""Evaluation: question sets (data), a runner over the service's own answer engine, reports."""
