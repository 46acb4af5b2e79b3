"""Tests of the marketing economics package."""
