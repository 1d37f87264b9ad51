"""The checklist lines the static family decides (exact texts)."""

from __future__ import annotations

STATIC_LINES = (
    "Non-root user in containers",
    "Resource limits set (CPU, memory)",
    "Container resource requests/limits tuned",
    "Health checks configured",
    "Load balancer configured with health checks",
    "Horizontal Pod Autoscaler configured (Kubernetes)",
    "CPU and memory thresholds set",
    "Minimum and maximum replica counts defined",
    "Auto-scaling configured to match demand",
    "Persistent volumes configured for data",
    "Backup storage configured",
    "Log storage and rotation configured",
    "Session affinity configured if needed",
    "Backend connection pooling optimized",
    "Blue-green or rolling deployment strategy chosen",
    "VPC/network segmentation in place",
    "API keys are rotated and not hardcoded",
    "Database credentials are secure (if using external DB)",
    "All secrets stored in secure vault (AWS Secrets Manager, etc.)",
    "Docker images are built with security scanning",
    "Security scanning passed",
    "Security: Zero critical vulnerabilities",
    "Cost allocation tags implemented",
)
