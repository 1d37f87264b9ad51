import os

from flask import Flask

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
    "DATABASE_URL", "postgresql://ledger:Quartz-Meadow-5190@ledger-db.internal:5432/ledger"
)


@app.get("/api/balance")
def balance():
    return {"balance": 0}
