"""Live rooms in the admin: create and edit rooms, their shelves, reports by room and the leaderboard CSV."""
