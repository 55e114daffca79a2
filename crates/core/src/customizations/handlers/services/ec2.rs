//! EC2's handlers (and Auto Scaling's, which shares `UserData`):
//! `UserData` sent base64-encoded, `GetConsoleOutput` decoded. The
//! `CopySnapshot` presigned URL is a [`super::super::PresignedUrl`] rule.

use base64::Engine as _;

use super::super::values::{set, slot};
use super::super::{Builtin, CallNotes, Context, Handler};
use crate::value::Value;

/// EC2's and Auto Scaling's handlers.
pub(in super::super) static HANDLERS: &[Builtin] = &[
    Builtin {
        event: "after-call.ec2.GetConsoleOutput",
        name: "decode_console_output",
        handler: Handler::Output(decode_console_output),
    },
    Builtin {
        event: "before-parameter-build.ec2.RunInstances",
        name: "base64_encode_user_data",
        handler: Handler::Params(base64_encode_user_data),
    },
    Builtin {
        event: "before-parameter-build.auto-scaling.CreateLaunchConfiguration",
        name: "base64_encode_user_data",
        handler: Handler::Params(base64_encode_user_data),
    },
];

/// `UserData` is given as text and sent base64-encoded.
fn base64_encode_user_data(
    ctx: &Context<'_>,
    input: &mut Value,
    _: &mut CallNotes,
) -> Result<(), String> {
    let Some(shape) = ctx.op.input else {
        return Ok(());
    };
    let encoded = match slot(ctx.model, shape, input, "UserData") {
        Some(Value::String(text)) => base64::engine::general_purpose::STANDARD.encode(text),
        Some(Value::Blob(bytes)) => base64::engine::general_purpose::STANDARD.encode(&**bytes),
        _ => return Ok(()),
    };
    set(ctx.model, shape, input, "UserData", Value::String(encoded));
    Ok(())
}

/// `GetConsoleOutput`'s `Output` comes base64-encoded; it is returned as
/// text (invalid UTF-8 replaced), and left as it is if it is not base64.
fn decode_console_output(ctx: &Context<'_>, _: &CallNotes, output: &mut Value) {
    let Some(shape) = ctx.op.output else {
        return;
    };
    let Some(Value::String(encoded)) = slot(ctx.model, shape, output, "Output") else {
        return;
    };
    if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        set(ctx.model, shape, output, "Output", Value::String(text));
    }
}
