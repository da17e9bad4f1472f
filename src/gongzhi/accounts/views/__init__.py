"""Account pages: home.py (the home page) and account.py (the user's own account: password and
API tokens); login and logout are Django's own views, wired in urls.py."""
