"""Operating the service: Prometheus metrics, structured logs and request ids."""
