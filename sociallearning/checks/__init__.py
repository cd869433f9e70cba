"""Checks that the exercise test cells run: one module per exercise."""
