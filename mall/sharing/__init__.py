"""The sharing kit: posters (海报), share texts and the tidying of pasted links."""
