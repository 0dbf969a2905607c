"""Partners' storefronts (我的小店): products picked from the platform's product pool, shown at /shop/<code>."""
