import os

import redis
import structlog
from fastapi import FastAPI, Response
from fastapi.middleware.cors import CORSMiddleware
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from prometheus_fastapi_instrumentator import Instrumentator

structlog.configure(
    processors=[structlog.processors.TimeStamper(fmt="iso"), structlog.processors.JSONRenderer()]
)
log = structlog.get_logger()
audit = structlog.get_logger("audit")

app = FastAPI()
cache = redis.Redis.from_url(os.getenv("REDIS_URL", "redis://redis:6379/0"))
app.add_middleware(
    CORSMiddleware,
    allow_origins=os.getenv("CORS_ORIGINS", "http://localhost:3000").split(","),
    allow_credentials=True,
    allow_methods=["GET", "POST"],
)
provider = TracerProvider()
provider.add_span_processor(
    BatchSpanProcessor(OTLPSpanExporter(endpoint=os.getenv("OTEL_EXPORTER_OTLP_ENDPOINT")))
)
FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)
Instrumentator().instrument(app).expose(app)


@app.get("/api/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/genes/{gene_id}")
def gene(gene_id: str, response: Response) -> dict[str, str]:
    response.headers["Cache-Control"] = "public, max-age=60"
    audit.info("gene_read", gene=gene_id)
    return {"id": gene_id}
