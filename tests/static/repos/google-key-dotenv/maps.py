import os

MAPS_KEY = os.environ.get("GOOGLE_API_KEY")
