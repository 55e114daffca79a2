//! A small CBOR decoder for comparing request bodies as data: map order,
//! definite or indefinite lengths and integer or float encodings of the same
//! number do not matter (botocore compares decoded bodies).

/// A decoded CBOR data item.
#[derive(Debug, Clone)]
pub enum Item {
    /// An integer (major types 0 and 1).
    Int(i128),
    /// A float of any width.
    Float(f64),
    /// A byte string (chunks joined).
    Bytes(Vec<u8>),
    /// A text string (chunks joined).
    Text(String),
    /// An array.
    Array(Vec<Item>),
    /// A map, in wire order.
    Map(Vec<(Item, Item)>),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// A tagged item.
    Tag(u64, Box<Item>),
    /// Another simple value.
    Simple(u8),
}

impl PartialEq for Item {
    fn eq(&self, other: &Item) -> bool {
        use Item::*;
        match (self, other) {
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Int(a), Float(b)) | (Float(b), Int(a)) => *a as f64 == *b,
            (Bytes(a), Bytes(b)) => a == b,
            (Text(a), Text(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Map(a), Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
            }
            (Bool(a), Bool(b)) => a == b,
            (Null, Null) | (Undefined, Undefined) => true,
            (Tag(t, a), Tag(u, b)) => t == u && a == b,
            (Simple(a), Simple(b)) => a == b,
            _ => false,
        }
    }
}

/// Decodes exactly one data item filling `bytes`.
pub fn decode(bytes: &[u8]) -> Result<Item, String> {
    let mut d = Decoder { bytes, pos: 0 };
    let item = d.item(0)?.ok_or("unexpected break")?;
    if d.pos != bytes.len() {
        return Err(format!("{} trailing bytes", bytes.len() - d.pos));
    }
    Ok(item)
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Decoder<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or("truncated")?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn uint(&mut self, info: u8) -> Result<Option<u64>, String> {
        Ok(Some(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.take(1)?[0]),
            25 => u64::from(u16::from_be_bytes(
                self.take(2)?.try_into().map_err(|_| "truncated")?,
            )),
            26 => u64::from(u32::from_be_bytes(
                self.take(4)?.try_into().map_err(|_| "truncated")?,
            )),
            27 => u64::from_be_bytes(self.take(8)?.try_into().map_err(|_| "truncated")?),
            31 => return Ok(None),
            _ => return Err(format!("reserved additional info {info}")),
        }))
    }

    /// An item, or `None` for a break.
    fn item(&mut self, depth: usize) -> Result<Option<Item>, String> {
        if depth > 256 {
            return Err("nesting too deep".into());
        }
        let first = self.take(1)?[0];
        let (major, info) = (first >> 5, first & 0x1f);
        if first == 0xff {
            return Ok(None);
        }
        let arg = self.uint(info)?;
        let len = |arg: Option<u64>| -> Result<usize, String> {
            arg.and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| "bad length".to_string())
        };
        Ok(Some(match major {
            0 => Item::Int(i128::from(arg.ok_or("indefinite integer")?)),
            1 => Item::Int(-1 - i128::from(arg.ok_or("indefinite integer")?)),
            2 | 3 => {
                let mut data = Vec::new();
                match arg {
                    Some(n) => data.extend_from_slice(self.take(len(Some(n))?)?),
                    None => loop {
                        match self.item(depth + 1)? {
                            None => break,
                            Some(Item::Bytes(b)) if major == 2 => data.extend(b),
                            Some(Item::Text(t)) if major == 3 => data.extend(t.into_bytes()),
                            Some(_) => return Err("bad chunk in indefinite string".into()),
                        }
                    },
                }
                if major == 2 {
                    Item::Bytes(data)
                } else {
                    Item::Text(String::from_utf8(data).map_err(|_| "invalid UTF-8")?)
                }
            }
            4 => {
                let mut items = Vec::new();
                match arg {
                    Some(n) => {
                        for _ in 0..n {
                            items.push(self.item(depth + 1)?.ok_or("unexpected break")?);
                        }
                    }
                    None => {
                        while let Some(i) = self.item(depth + 1)? {
                            items.push(i);
                        }
                    }
                }
                Item::Array(items)
            }
            5 => {
                let mut entries = Vec::new();
                loop {
                    if arg.is_some_and(|n| entries.len() as u64 == n) {
                        break;
                    }
                    let Some(k) = self.item(depth + 1)? else {
                        if arg.is_none() {
                            break;
                        }
                        return Err("unexpected break".into());
                    };
                    let v = self.item(depth + 1)?.ok_or("unexpected break")?;
                    entries.push((k, v));
                }
                Item::Map(entries)
            }
            6 => Item::Tag(
                arg.ok_or("indefinite tag")?,
                Box::new(self.item(depth + 1)?.ok_or("unexpected break")?),
            ),
            _ => match info {
                20 => Item::Bool(false),
                21 => Item::Bool(true),
                22 => Item::Null,
                23 => Item::Undefined,
                25 => Item::Float(half_to_f64(arg.ok_or("bad float")? as u16)),
                26 => Item::Float(f64::from(f32::from_bits(arg.ok_or("bad float")? as u32))),
                27 => Item::Float(f64::from_bits(arg.ok_or("bad float")?)),
                _ => Item::Simple(arg.ok_or("bad simple value")? as u8),
            },
        }))
    }
}

fn half_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f64::from(bits & 0x3ff);
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_compares_as_data() {
        // {_ "a": [_ 1, 2.0]} vs {"a": [1, 2]}
        let indefinite = decode(&[
            0xbf, 0x61, b'a', 0x9f, 0x01, 0xfb, 0x40, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
        ])
        .unwrap();
        let definite = decode(&[0xa1, 0x61, b'a', 0x82, 0x01, 0x02]).unwrap();
        assert_eq!(indefinite, definite);
        // Map order does not matter, values do.
        let ab = decode(&[0xa2, 0x61, b'a', 0x01, 0x61, b'b', 0x02]).unwrap();
        let ba = decode(&[0xa2, 0x61, b'b', 0x02, 0x61, b'a', 0x01]).unwrap();
        let bad = decode(&[0xa2, 0x61, b'b', 0x03, 0x61, b'a', 0x01]).unwrap();
        assert_eq!(ab, ba);
        assert_ne!(ab, bad);
        // Half floats.
        assert_eq!(
            decode(&[0xf9, 0x7c, 0x00]).unwrap(),
            Item::Float(f64::INFINITY)
        );
        assert_eq!(decode(&[0xf9, 0x3e, 0x00]).unwrap(), Item::Float(1.5));
        assert!(decode(&[0xa1, 0x61]).is_err());
        assert!(decode(&[0x01, 0x02]).is_err());
    }
}
