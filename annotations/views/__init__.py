"""Views of the annotations app, one module per feature (annotations, search, exchange)."""
