"""Rendering: view models for the templates, the Jinja environment, the JSON document."""
