import os

MYGENE_API_TOKEN = os.environ["MYGENE_API_TOKEN"]
