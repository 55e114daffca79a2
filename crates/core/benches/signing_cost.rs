//! The cost of SigV4 signing, for profiling: signs a thousand S3
//! `GetObject`-like requests and prints the allocations per request (from a
//! counting global allocator). Run it under callgrind for instructions:
//! `cargo bench -p myaws-core --bench signing_cost --no-run`, then
//! `valgrind --tool=callgrind target/release/deps/signing_cost-*`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, UNIX_EPOCH};

use myaws_core::credentials::Credentials;
use myaws_core::signing::{sign_request, SigningOptions};

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
        },
    )
    .unwrap();
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
}
