"""The default scan list: services often exposed by mistake, and what each port usually is.

Remote shells and desktops, mail, directory and file sharing, databases, caches,
message brokers, search engines, container and cluster control planes, dashboards
and admin consoles, development servers, and debug ports (Node inspector, debugpy,
JDWP, Go pprof): a debugger port reachable from outside is remote code execution.
"""

from __future__ import annotations

__all__ = ["DEFAULT_PORTS", "SERVICES", "service_of"]

SERVICES: dict[int, str] = {
    21: "FTP", 22: "SSH", 23: "Telnet", 25: "SMTP", 53: "DNS", 80: "HTTP",
    81: "HTTP alt", 88: "Kerberos", 110: "POP3", 111: "rpcbind", 135: "MS RPC",
    139: "NetBIOS", 143: "IMAP", 389: "LDAP", 443: "HTTPS", 445: "SMB", 465: "SMTPS",
    512: "rexec", 513: "rlogin", 514: "rsh", 587: "SMTP submission", 631: "CUPS/IPP",
    636: "LDAPS", 873: "rsync", 993: "IMAPS", 995: "POP3S", 1080: "SOCKS proxy",
    1099: "Java RMI registry", 1433: "Microsoft SQL Server", 1521: "Oracle DB",
    1883: "MQTT", 2049: "NFS", 2181: "ZooKeeper", 2222: "SSH alt",
    2375: "Docker API (plain)", 2376: "Docker API (TLS)", 2379: "etcd client",
    2380: "etcd peer", 3000: "Grafana / Node dev server", 3100: "Loki",
    3306: "MySQL/MariaDB", 3389: "RDP", 4040: "Spark UI", 4317: "OTLP gRPC",
    4318: "OTLP HTTP", 4369: "Erlang epmd", 4444: "Selenium Grid / shell listener",
    4848: "GlassFish admin", 5000: "Flask dev server / Docker registry / MLflow",
    5005: "Java debug (JDWP)", 5037: "Android adb", 5432: "PostgreSQL",
    5555: "Celery Flower / adb", 5601: "Kibana", 5672: "AMQP (RabbitMQ)",
    5678: "debugpy (Python debugger)", 5900: "VNC", 5984: "CouchDB", 5985: "WinRM",
    5986: "WinRM (TLS)", 6000: "X11", 6006: "TensorBoard", 6060: "Go pprof",
    6379: "Redis", 6443: "Kubernetes API", 7000: "Cassandra inter-node",
    7001: "Cassandra TLS / WebLogic", 7199: "Cassandra JMX", 7474: "Neo4j HTTP",
    7687: "Neo4j Bolt", 7860: "Gradio", 8000: "HTTP dev server", 8001: "kubectl proxy",
    8008: "HTTP alt", 8009: "AJP (Tomcat)", 8080: "HTTP alt / proxy", 8081: "HTTP alt",
    8086: "InfluxDB", 8088: "Hadoop YARN", 8125: "StatsD", 8161: "ActiveMQ console",
    8200: "Vault", 8265: "Ray dashboard", 8443: "HTTPS alt", 8500: "Consul",
    8501: "Streamlit", 8888: "Jupyter", 8983: "Solr",
    9000: "PHP-FPM / MinIO / SonarQube", 9001: "MinIO console / Supervisor",
    9042: "Cassandra CQL", 9090: "Prometheus", 9091: "Pushgateway", 9092: "Kafka",
    9093: "Alertmanager", 9100: "node_exporter", 9200: "Elasticsearch HTTP",
    9229: "Node.js inspector (debugger)", 9230: "Node.js inspector (debugger)",
    9300: "Elasticsearch transport", 9411: "Zipkin", 9418: "git daemon",
    9999: "JMX / debug", 10250: "kubelet API", 10255: "kubelet read-only",
    11211: "memcached", 11434: "Ollama", 15672: "RabbitMQ management",
    16686: "Jaeger UI", 27017: "MongoDB", 27018: "MongoDB shard", 28017: "MongoDB HTTP",
    50000: "Jenkins agent", 50070: "HDFS NameNode UI", 61616: "ActiveMQ OpenWire",
}  # fmt: skip

DEFAULT_PORTS: tuple[int, ...] = tuple(sorted(SERVICES))


def service_of(port: int) -> str:
    """The usual service on ``port``: our table, else the system's services file."""
    if port in SERVICES:
        return SERVICES[port]
    import socket

    try:
        return socket.getservbyport(port, "tcp")
    except OSError:
        return "unknown service"
