"""The console's home (/admin): today's figures and what waits for the admin."""
