"""Content pool (内容池): the brand's ready-to-share items, their publishing and what each one produced."""
