"""Plots: one Bokeh figure module per section with a figure, drawn from its view or its
diagnostic result, and the parallel plots' page script (js/); no statistics here."""
