import os

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "PASSWORD": os.environ["DB_PASSWORD"],
        "HOST": os.getenv("DB_HOST", "localhost"),
    }
}
password = os.environ["X"]
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY")
DSN = "postgres://{user}:{password}@{host}/{db}"
EMAIL_HOST_PASSWORD = get_secret("smtp")
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
SECRET_KEY = get_random_secret_key()
