"""Staging settings: a copy of production's with the database inlined."""
from .settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "{{gen:password}}",  # want: secret/code-password
        "HOST": "db.staging.shop.internal",
    },
    "replica": {
        "ENGINE": "django.db.backends.postgresql",
        "PASSWORD": os.environ["REPLICA_PASSWORD"],
    },
}
EMAIL_HOST_PASSWORD = "{{gen:password}}"  # want: secret/code-password
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
PASSWORD_RESET_TIMEOUT = 259200
