"""Pages the docs site generates from the tables: data dictionary, datasheet.
"""
