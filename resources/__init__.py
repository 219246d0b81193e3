"""Icons, styles and example projects, installed as the package `studio.resources`.

A regular package (not a namespace one) so `importlib.resources.files` gives a real folder.
"""
