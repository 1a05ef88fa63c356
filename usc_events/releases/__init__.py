"""Data versions: packing a release, downloading one, and the local cache.
"""
