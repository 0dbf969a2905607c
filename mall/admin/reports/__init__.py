"""Reports: GMV, orders, average order value and commission by day, store, guide, sharer or channel; CSV too."""
