"""What counts as a usable contact on an order: one rule, used by the form and by the checkout service."""
NAME_MAX = 40  # columns of orders.contact_name / address / note
ADDRESS_MIN = 5  # shorter than "某市某路1号" cannot be delivered to
ADDRESS_MAX = 200
NOTE_MAX = 200
