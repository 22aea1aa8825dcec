"""Views of the annotations app, one module per feature (groups, annotations, ...)."""
