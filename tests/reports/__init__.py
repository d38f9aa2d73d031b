"""Tests of the workforce leads' reports (data, analyses, outputs)."""
