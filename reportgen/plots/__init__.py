"""Plots: Bokeh figures built from a Sweep and diagnostic results; no statistics here."""
