DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "Dj4ngoPgProd2024",
        "HOST": "db.internal",
    }
}
