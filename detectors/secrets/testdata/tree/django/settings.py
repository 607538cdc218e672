import os

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = '{{gen:django-key}}'  # want: secret/python-secret-key

DEBUG = False
