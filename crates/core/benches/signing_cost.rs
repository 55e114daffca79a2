//! The cost of SigV4 signing, for profiling: signs a thousand S3
//! `GetObject`-like requests and prints the allocations per request (from a
//! counting global allocator), then rough times of key derivation and
//! signing (SigV4a too with `--features sigv4a`). Run it under callgrind for
//! instructions: `cargo bench -p myaws-core --bench signing_cost --no-run`,
//! then `valgrind --tool=callgrind target/release/deps/signing_cost-*`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant, UNIX_EPOCH};

use myaws_core::credentials::Credentials;
use myaws_core::signing::{sign_request, SigningAlgorithm, SigningOptions};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn request(i: usize) -> http::Request<()> {
    http::Request::builder()
        .method("GET")
        .uri(format!(
            "https://my-bucket.s3.us-east-1.amazonaws.com/some/key-{i}.txt"
        ))
        .header("user-agent", "myaws/0.1.0 md/rust")
        .header(
            "amz-sdk-invocation-id",
            "a6b6c1d2-0f3e-4c55-9d1a-3f2b7d9e8c10",
        )
        .header("amz-sdk-request", "attempt=1; max=3")
        .body(())
        .unwrap()
}

fn sign(request: &mut http::Request<()>, credentials: &Credentials) {
    sign_with(request, credentials, SigningAlgorithm::SigV4);
}

fn sign_with(
    request: &mut http::Request<()>,
    credentials: &Credentials,
    algorithm: SigningAlgorithm<'_>,
) {
    sign_request(
        request,
        &[],
        credentials,
        &SigningOptions {
            region: "us-east-1",
            name: "s3",
            s3: true,
            unsigned_payload: false,
            presign_expires: None,
            time: UNIX_EPOCH + Duration::from_secs(1_440_938_160),
            algorithm,
        },
    )
    .unwrap();
}

/// Prints the mean time of `runs` calls of `f`.
fn time(what: &str, runs: u32, mut f: impl FnMut(u32)) {
    let start = Instant::now();
    for i in 0..runs {
        f(i);
    }
    let each = start.elapsed() / runs;
    println!("{what}: {:.2} µs", each.as_secs_f64() * 1e6);
}

/// Rough times: key derivations (uncached) and whole signatures (cached
/// keys).
fn report_times(credentials: &Credentials) {
    let secret = credentials.secret_access_key();
    let when = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    time("SigV4 key derivation", 20_000, |_| {
        black_box(aws_sigv4::sign::v4::generate_signing_key(
            black_box(secret),
            when,
            "us-east-1",
            "s3",
        ));
    });
    time("SigV4 signed request", 20_000, |i| {
        sign(&mut request(i as usize), credentials)
    });
    #[cfg(feature = "sigv4a")]
    {
        let id = credentials.access_key_id();
        time("SigV4a key derivation", 20_000, |_| {
            black_box(aws_sigv4::sign::v4a::generate_signing_key(
                black_box(id),
                black_box(secret),
            ));
        });
        let algorithm = SigningAlgorithm::SigV4a { region_set: "*" };
        time("SigV4a signed request", 2_000, |i| {
            sign_with(&mut request(i as usize), credentials, algorithm)
        });
    }
}

fn main() {
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
    );
    let mut requests: Vec<_> = (0..1000).map(request).collect();
    let before = ALLOCATIONS.with(Cell::get);
    for request in &mut requests {
        sign(request, &credentials);
    }
    let allocations = ALLOCATIONS.with(Cell::get) - before;
    println!(
        "{} allocations per signed request",
        allocations as f64 / 1000.0
    );
    report_times(&credentials);
}
