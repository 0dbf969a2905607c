"""The audit log pages (the console's view of mall.audit): changes, and who was shown personal data."""
