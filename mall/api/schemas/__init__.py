"""marshmallow schemas of the API: what goes in (…In, loaded and validated) and what comes out (…Out)."""
