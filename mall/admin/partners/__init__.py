"""Partners: the list (approve, disable, enable), one partner's upline and downline, the customer lookup."""
