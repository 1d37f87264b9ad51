import os

SECRET_KEY = os.environ["SECRET_KEY"]
API_TOKEN_HEADER = "X-Api-Token"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
JWT_ALGORITHM = "HS256"
