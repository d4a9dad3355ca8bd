"""The alliance-kg web application: SPARQL endpoint, linked-data documents and pages.

The factory is `alliance_kg.server.app.create_app`; `alliance_kg.server.wsgi.serve` runs it under
waitress. Importing this package imports nothing else, so query workers stay free of Flask.
"""
