"""For contributors: validation, templates, JSON Schemas and drafts from articles.
"""
