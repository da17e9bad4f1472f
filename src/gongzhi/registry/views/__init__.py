"""Registry pages: residents.py, households.py, delete.py (records entered by mistake) and
imports.py (the Excel import); urls.py and urls_import.py map them."""
