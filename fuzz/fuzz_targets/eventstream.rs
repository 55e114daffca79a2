//! Arbitrary bytes as an event stream: the incremental frame decoder (fed
//! in pieces whose size the first byte picks), every decoded message read
//! as an event of a model with blob, string, structure and header-bound
//! members and an exception, in each protocol with event streams. Framing
//! and parse errors are fine; a panic, a hang or unbounded memory is not
//! (the decoder never holds more than one capped frame and one piece).
#![no_main]

use libfuzzer_sys::fuzz_target;
use myaws_core::eventstream::decoder::FrameDecoder;
use myaws_core::eventstream::frame::MAX_FRAME_LEN;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let piece = usize::from(first).max(1) * 7;
    let models = myaws_fuzz::event_models();
    let mut decoder = FrameDecoder::new();
    for chunk in bytes.chunks(piece) {
        decoder.push(chunk);
        assert!(decoder.buffered() <= MAX_FRAME_LEN + piece);
        loop {
            match decoder.next_message() {
                Ok(Some(message)) => {
                    for (model, union) in models {
                        let _ = myaws_core::eventstream::read_event(model, *union, &message);
                    }
                    // A decoded message encodes back to a frame that decodes
                    // to the same message.
                    let again = message.encode().expect("a decoded message re-encodes");
                    assert_eq!(
                        myaws_core::eventstream::Message::decode(again).as_ref(),
                        Ok(&message)
                    );
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
    let _ = decoder.finish();
});
