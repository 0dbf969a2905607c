"""The content pool (内容池): items a brand publishes for partners to share, and what each one brought in."""
