"""The report's sections, one module each: a pure function of the analysis that returns a frozen
view (text already formatted, the arrays its figure needs). No Bokeh, no Jinja here; figures
are in `reportgen.plots`, partials in `templates/`, and `reportgen.render.page` puts them
together."""
