"""Settings come from the environment; nothing secret lives in the code."""

import os

DATABASE_URL = os.environ["DATABASE_URL"]
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "")
JWT_SECRET = os.environ["JWT_SECRET"]
PAGE_SIZE = 50
