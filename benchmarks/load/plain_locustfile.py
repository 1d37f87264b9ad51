"""A plain locust FastHttpUser run, the reference our load stage must keep up with."""

from locust import FastHttpUser, constant, task


class Plain(FastHttpUser):
    wait_time = constant(0)

    @task
    def health(self) -> None:
        self.client.get("/api/health")
