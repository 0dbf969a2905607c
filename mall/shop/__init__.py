"""The consumer's pages of the catalog: home, a brand's page and the product page with its buy sheet.

A web package above the domains: it shows what catalog knows together with what orders adds (the buy sheet,
social proof), so the catalog domain itself never imports orders. The blueprint keeps the name "catalog",
so endpoints read catalog.home, catalog.brand, catalog.product.
"""
