//! The drivers' command line.

/// What a driver is asked to do.
#[derive(Debug, Clone)]
pub struct Args {
    /// Operation: `s3-get-small`, `s3-put-small`, `sqs-send`, `s3-get-big`,
    /// `s3-put-big`, or `s3-client` / `sqs-client` (build that client, make
    /// no request: the loop's "requests" are no-ops).
    pub op: String,
    /// Base URL of the canned server (`http://127.0.0.1:PORT`).
    pub endpoint: String,
    /// Most requests to make in the measured loop.
    pub n: u64,
    /// Concurrent tasks (1 = sequential on a current-thread runtime).
    pub concurrency: usize,
    /// Time bound of the measured loop, in seconds.
    pub secs: f64,
    /// Unmeasured requests made first (connection set-up, lazy init).
    pub warmup: u64,
    /// Object size for the `*-big` operations, in bytes.
    pub size: u64,
    /// A PEM file of the CA to trust for an `https://` endpoint.
    pub ca_bundle: Option<String>,
}

impl Args {
    /// Parses `--op X --endpoint URL [--n N] [--concurrency C] [--secs S]
    /// [--warmup W] [--size BYTES] [--ca-bundle PEM]` from the process
    /// arguments.
    pub fn from_env() -> Result<Args, String> {
        Self::parse(std::env::args().skip(1))
    }

    /// Parses the arguments (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut out = Args {
            op: String::new(),
            endpoint: String::new(),
            n: 1000,
            concurrency: 1,
            secs: 10.0,
            warmup: 10,
            size: 256 << 20,
            ca_bundle: None,
        };
        let mut it = args.into_iter();
        while let Some(flag) = it.next() {
            let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
            match flag.as_str() {
                "--op" => out.op = value,
                "--endpoint" => out.endpoint = value,
                "--n" => out.n = value.parse().map_err(|e| bad(&e))?,
                "--concurrency" => out.concurrency = value.parse().map_err(|e| bad(&e))?,
                "--secs" => out.secs = value.parse().map_err(|e| bad(&e))?,
                "--warmup" => out.warmup = value.parse().map_err(|e| bad(&e))?,
                "--size" => out.size = value.parse().map_err(|e| bad(&e))?,
                "--ca-bundle" => out.ca_bundle = Some(value),
                _ => return Err(format!("unknown flag {flag}")),
            }
        }
        if out.op.is_empty() || out.endpoint.is_empty() {
            return Err("usage: --op OP --endpoint URL [--n N] [--concurrency C] \
                        [--secs S] [--warmup W] [--size BYTES] [--ca-bundle PEM]"
                .into());
        }
        out.concurrency = out.concurrency.max(1);
        Ok(out)
    }
}
