"""The JSON API under /api/v1 (mall.api.blueprint): the same domain services as the pages, for mini-programs and data platforms."""
