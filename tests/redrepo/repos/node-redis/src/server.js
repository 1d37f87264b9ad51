const express = require("express");
const { createClient } = require("redis");

const app = express();
const store = createClient({ url: process.env.REDIS_URL });

app.get("/api/tally", async (req, res) => {
  res.json({ count: await store.incr("tally") });
});

store.connect().then(() => app.listen(4000));
