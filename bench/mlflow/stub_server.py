"""A stand-in for an MLflow tracking server, for bench/mlflow/run.sh --smoke only: answers the REST calls
TrackingBench makes (experiments, runs, log-batch, one call per value, artifact upload) with what MLflow
would, keeps nothing, and binds to 127.0.0.1. Usage: python3 stub_server.py PORT"""
import json
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Stub(BaseHTTPRequestHandler):
    def answer(self, body):
        out = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?")[0]
        if path.endswith("/experiments/search"):
            self.answer({"experiments": []})
        elif path.endswith("/experiments/create"):
            self.answer({"experiment_id": "1"})
        elif path.endswith("/runs/create"):
            rid = uuid.uuid4().hex
            info = {"run_id": rid, "run_uuid": rid, "experiment_id": "1", "status": "RUNNING",
                    "artifact_uri": f"mlflow-artifacts:/1/{rid}/artifacts", "lifecycle_stage": "active"}
            self.answer({"run": {"info": info, "data": {}}})
        elif path.endswith("/runs/search"):
            self.answer({"runs": []})
        else:
            self.answer({})

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.answer({})

    def do_GET(self):
        self.answer({})

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Stub).serve_forever()
