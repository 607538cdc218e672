import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "{{gen:token32}}")  # want: secret/python-secret-key
