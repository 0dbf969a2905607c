"""Products: the list, editing, images, per-product commission ratios, CSV export and import (queued jobs)."""
