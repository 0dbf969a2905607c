"""Users: an admin signs an account out on every device (its staff, admins and partners; anyone, for the platform)."""
