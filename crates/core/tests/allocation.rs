//! Lengths declared inside a response never drive allocation: tiny CBOR
//! bodies that claim huge arrays, maps and strings are rejected after
//! allocating no more than a small, fixed amount.
//!
//! A counting global allocator records, per thread, the bytes requested while
//! a parser runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use http::HeaderMap;
use myaws_core::model::ServiceModel;
use myaws_core::protocol::de::cbor::decode;
use myaws_core::protocol::{parse_error, parse_response, Response};

struct Counting;

thread_local! {
    static TOTAL: Cell<usize> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn record(size: usize) {
    // `try_with`: the allocator may run while thread-locals are torn down.
    let _ = TOTAL.try_with(|t| t.set(t.get().saturating_add(size)));
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `(total, largest)` bytes requested on this thread while `f` runs.
fn measure(f: impl FnOnce()) -> (usize, usize) {
    TOTAL.with(|t| t.set(0));
    LARGEST.with(|l| l.set(0));
    f();
    (TOTAL.with(Cell::get), LARGEST.with(Cell::get))
}

fn unhex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

const HUGE: [&str; 8] = [
    "9bffffffffffffffff 00",
    "9b7fffffffffffffff 01 02 03",
    "bbffffffffffffffff 6141 00",
    "ba7fffffff 6141 00 6142 00",
    "5bffffffffffffffff 00",
    "7b00000000ffffffff 61",
    "a1 644c697374 9bffffffffffffffff 6161",
    "9f 9b00ffffffffffffff 00 ff",
];

#[test]
fn decoder_allocation_is_bounded_by_the_input() {
    for hex in HUGE {
        let body = unhex(hex);
        let (total, largest) = measure(|| assert!(decode(&body).is_err(), "{hex} decoded"));
        assert!(
            largest <= 64 * 1024,
            "{hex}: one allocation of {largest} bytes"
        );
        assert!(total <= 256 * 1024, "{hex}: {total} bytes allocated");
    }
}

#[test]
fn the_decoder_still_preallocates_for_honest_lengths() {
    // 1000 one-byte items: the capacity is taken from the declared length
    // (one allocation of the whole vector), not grown item by item.
    let mut body = unhex("9903e8");
    body.resize(body.len() + 1000, 0);
    let (_, largest) = measure(|| assert!(decode(&body).is_ok()));
    assert!(
        largest >= 1000 * std::mem::size_of::<u64>(),
        "largest {largest}"
    );
}

#[test]
fn response_and_error_parsing_allocate_little_for_huge_claims() {
    let model = ServiceModel::from_value(serde_json::json!({
        "metadata": {"protocol": "smithy-rpc-v2-cbor", "targetPrefix": "T"},
        "operations": {"Op": {"name": "Op", "output": {"shape": "Out"}}},
        "shapes": {
            "Out": {"type": "structure", "members": {"List": {"shape": "L"}}},
            "L": {"type": "list", "member": {"shape": "S"}},
            "S": {"type": "string"}
        }
    }))
    .unwrap();
    let op = model.operation("Op").unwrap();
    let headers = HeaderMap::new();
    for hex in HUGE {
        let body = unhex(hex);
        for status in [200, 400] {
            let response = Response {
                status,
                headers: &headers,
                body: &body,
            };
            let (total, largest) = measure(|| {
                if status == 200 {
                    assert!(parse_response(&model, op, &response).is_err(), "{hex}");
                } else {
                    assert!(parse_error(&model, op, &response).is_err(), "{hex}");
                }
            });
            assert!(
                largest <= 64 * 1024,
                "{hex}: one allocation of {largest} bytes"
            );
            assert!(total <= 256 * 1024, "{hex}: {total} bytes allocated");
        }
    }
}
