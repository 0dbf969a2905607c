"""Uploaded media (product images today, content images later): checked, named by their content and kept in a
store chosen once at start (the instance folder on one host, an S3-compatible bucket behind a load balancer).
"""
