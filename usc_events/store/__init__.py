"""The Parquet tables, their manifest, loading, scanning, exports and metadata.
"""
