"""Brand API keys in the brand admin: create (shown once, scopes read and write) and revoke."""
