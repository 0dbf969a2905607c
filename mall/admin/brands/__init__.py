"""The platform's brand pages: every brand's commission cap. Platform admins only."""
