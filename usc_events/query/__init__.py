"""The analysts' helpers: the corpus, date windows, sentences and plots.
"""
