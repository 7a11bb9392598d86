"""The users of ``benchmarks/load_mixed.py`` (run by it through locust; not on its own): a leader's mixed day with a
provincial client's API pages among it, the API pages alone, with no think time, and the floor (the health check: what the server does with no
work). ``LOAD_CONFIG`` names the JSON file the benchmark wrote: the session cookie, the API token, the year and
the measures to open."""

import json
import os
import random
from pathlib import Path

from locust import HttpUser, constant, task

CONFIG = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text())
YEAR = CONFIG["year"]


class MixedUser(HttpUser):
    """Each request one of the mixed scenario's pages, in equal shares."""

    wait_time = constant(0)

    def on_start(self):
        self.client.cookies.set(CONFIG["session_cookie"], CONFIG["session"])
        self.api_headers = {"Authorization": f"Bearer {CONFIG['token']}"}

    @task
    def measure_list(self):
        self.client.get(f"/plans/measures/?year={YEAR}", name="measure list")

    @task
    def measure(self):
        self.client.get(f"/plans/measures/{random.choice(CONFIG['measures'])}/", name="measure")

    @task
    def hazard_list(self):
        self.client.get("/safety/hazards/", name="hazard list")

    @task
    def project_list(self):
        self.client.get(f"/projects/?year={YEAR}", name="project list")

    @task
    def dashboard(self):
        self.client.get(f"/dashboard/?year={YEAR}", name="dashboard")

    @task
    def api_page(self):
        self.client.get("/api/v1/hazards/?page_size=50", headers=self.api_headers, name="API hazards page")


class ApiUser(HttpUser):
    """A provincial client pulling the API's 50-hazard pages only."""

    wait_time = constant(0)

    def on_start(self):
        self.api_headers = {"Authorization": f"Bearer {CONFIG['token']}"}

    @task
    def api_page(self):
        self.client.get("/api/v1/hazards/?page_size=50", headers=self.api_headers, name="API hazards page")


class FloorUser(HttpUser):
    """The health check only: the requests per second the server and this client reach with no work to do."""

    wait_time = constant(0)

    @task
    def health(self):
        self.client.get("/healthz/", name="floor (health check)")
