"""Rendering: the page (figures embedded, templates rendered), the one Jinja environment, the
`--json` document and the Markdown summary."""
