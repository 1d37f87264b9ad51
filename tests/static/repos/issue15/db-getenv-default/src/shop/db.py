import os

DB_HOST = os.getenv("DB_HOST", "db.internal")
DB_PASSWORD = os.getenv("DB_PASSWORD", "hunter2-prod-2024")
REDIS_PASSWORD = os.environ.get("REDIS_PASSWORD", "r3dis-Pr0d")
