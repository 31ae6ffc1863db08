"""The baseline for bench.edge: a FastAPI app with one endpoint and nothing else."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "alive"}
