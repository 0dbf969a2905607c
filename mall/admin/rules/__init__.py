"""Commission rules: the brand's ratios and settings, with a preview of what an example order pays."""
