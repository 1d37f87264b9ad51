import os

DB_PASSWORD = os.environ["DB_PASSWORD"]
DATABASE_URL = os.getenv("DATABASE_URL")
