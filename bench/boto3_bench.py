"""boto3 peer of the Rust load drivers: same operations, same bounded loop,
same one-line JSON report (see bench/harness)."""

import argparse
import json
import resource
import sys
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
    if args.op.startswith("s3-"):
        s3 = session.client(
            "s3",
            endpoint_url=args.endpoint,
            config=Config(s3={"addressing_style": "path"}),
        )
        if args.op == "s3-get-small":
            return lambda: len(s3.get_object(Bucket="bench", Key="small")["Body"].read())
        if args.op == "s3-put-small":
            body = b"x" * 1024
            return lambda: (s3.put_object(Bucket="bench", Key="upload", Body=body), 1024)[1]
    if args.op == "sqs-send":
        sqs = session.client("sqs", endpoint_url=args.endpoint)
        url = args.endpoint + "/123456789012/bench"
        return lambda: (sqs.send_message(QueueUrl=url, MessageBody=MESSAGE), len(MESSAGE))[1]
    sys.exit(f"boto3_bench: unsupported op {args.op}")


def main():
    args = parse()
    op = make_op(args)
    for _ in range(args.warmup):
        op()
    ok = errors = moved = 0
    first_error = None
    cpu0 = time.process_time()
    start = time.perf_counter()
    while ok + errors < args.n and time.perf_counter() - start < args.secs:
        try:
            moved += op()
            ok += 1
        except Exception as e:  # report, don't stop: the Rust drivers do the same
            errors += 1
            first_error = first_error or repr(e)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "op": args.op, "concurrency": 1, "requests": ok, "errors": errors,
        "first_error": first_error, "wall_s": wall, "cpu_s": cpu, "bytes": moved,
        "vm_hwm_kib": hwm, "vm_rss_kib": 0, "rss_before_kib": 0,
    }))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
