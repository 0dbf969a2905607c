"""Customer journeys (客户旅程): each customer's state and tags, journey SOPs, and the guide's daily list."""
