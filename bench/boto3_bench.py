"""boto3 peer of the Rust load drivers: same operations, same bounded loop,
same one-line JSON report (see bench/harness)."""

import argparse
import json
import resource
import sys
import threading
import time

import boto3
from botocore.config import Config

MESSAGE = "hello from the myaws benchmark"


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--op", required=True)
    p.add_argument("--endpoint", required=True)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--secs", type=float, default=10.0)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--size", type=int, default=0)
    return p.parse_args()


def make_op(args):
    session = boto3.session.Session(
        aws_access_key_id="AKIDBENCH",
        aws_secret_access_key="bench-secret",
        region_name="us-east-1",
    )
    # One client shared by every thread (boto3 clients are thread-safe); its
    # connection pool is as large as the number of threads.
    pool = max(10, args.concurrency)
    if args.op.startswith("s3-"):
        s3 = session.client(
            "s3",
            endpoint_url=args.endpoint,
            config=Config(s3={"addressing_style": "path"}, max_pool_connections=pool),
        )
        if args.op == "s3-get-small":
            return lambda: len(s3.get_object(Bucket="bench", Key="small")["Body"].read())
        if args.op == "s3-put-small":
            body = b"x" * 1024
            return lambda: (s3.put_object(Bucket="bench", Key="upload", Body=body), 1024)[1]
    if args.op == "sqs-send":
        sqs = session.client(
            "sqs", endpoint_url=args.endpoint, config=Config(max_pool_connections=pool)
        )
        url = args.endpoint + "/123456789012/bench"
        return lambda: (sqs.send_message(QueueUrl=url, MessageBody=MESSAGE), len(MESSAGE))[1]
    sys.exit(f"boto3_bench: unsupported op {args.op}")


class Tally:
    """Counts shared by the load threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ok = self.errors = self.moved = 0
        self.first_error = None

    def claim(self, n):
        """Takes one request slot; False once `n` requests were started."""
        with self.lock:
            if self.ok + self.errors + self.pending >= n:
                return False
            self.pending += 1
            return True

    pending = 0

    def done(self, moved=None, error=None):
        with self.lock:
            self.pending -= 1
            if error is None:
                self.ok += 1
                self.moved += moved
            else:
                self.errors += 1
                self.first_error = self.first_error or repr(error)


def load(op, tally, args, start):
    """One thread's bounded loop (count and time), like bench-harness's tasks."""
    while time.perf_counter() - start < args.secs and tally.claim(args.n):
        try:
            moved = op()
        except Exception as e:  # report, don't stop: the Rust drivers do the same
            tally.done(error=e)
        else:
            tally.done(moved=moved)


def main():
    args = parse()
    op = make_op(args)
    for _ in range(args.warmup):
        op()
    tally = Tally()
    cpu0 = time.process_time()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    threads = [
        threading.Thread(target=load, args=(op, tally, args, start))
        for _ in range(max(1, args.concurrency))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    user = resource.getrusage(resource.RUSAGE_SELF).ru_utime - usage0.ru_utime
    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "op": args.op, "concurrency": max(1, args.concurrency), "requests": tally.ok,
        "errors": tally.errors, "first_error": tally.first_error, "wall_s": wall,
        "cpu_s": cpu, "user_s": user, "bytes": tally.moved, "vm_hwm_kib": hwm, "vm_rss_kib": 0,
        "rss_before_kib": 0,
    }))
    sys.exit(1 if tally.errors else 0)


if __name__ == "__main__":
    main()
