//! A compact JSON writer into a `Vec<u8>` that writes exactly the bytes of
//! `serde_json::to_writer` (the compact formatter), only faster for the output of `santei
//! batch`: strings are scanned for what needs escaping eight bytes at a time (a result line is
//! mostly Japanese names and ASCII codes, which never need it), `collect_str` values (dates)
//! are escaped per fragment instead of per character, and nothing goes through `io::Write`.
//!
//! What serde_json would refuse (a map key that is not a string or a number, say) or that this
//! writer does not handle (serde_json's private raw-value and number tokens) is an [`Error`];
//! [`write`] then truncates what it wrote and lets serde_json write the value, so the bytes and
//! the errors are always serde_json's. `tests` compares both on every shape the results use.

use serde::ser::{self, Impossible, Serialize};
use std::fmt::{self, Display};

/// The value could not be written here; serde_json writes it instead (see [`write`]).
#[derive(Debug)]
pub struct Error;

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not written by the fast JSON writer")
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(_msg: T) -> Self {
        Error
    }
}

/// Appends the compact JSON of `value` to `out`: the same bytes as
/// `serde_json::to_writer(&mut *out, value)`, and the same error when that fails.
pub fn write<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> serde_json::Result<()> {
    let start = out.len();
    match value.serialize(&mut Writer { out: &mut *out }) {
        Ok(()) => Ok(()),
        Err(Error) => {
            out.truncate(start);
            serde_json::to_writer(&mut *out, value)
        }
    }
}

/// The serializer (`&mut Writer` implements `serde::Serializer`).
pub struct Writer<'a> {
    out: &'a mut Vec<u8>,
}

type Result<T = ()> = std::result::Result<T, Error>;

/// serde_json's escape table: 0 = written as is, else the letter after the backslash
/// (`u` = `\u00XX`).
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0A] = b'n';
    t[0x0C] = b'f';
    t[0x0D] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes of `w` is below 0x20, `"` or `\` (may say yes for a byte
/// after one that is; never no for one that is).
#[inline(always)]
fn word_needs_escape(w: u64) -> bool {
    let control = w.wrapping_sub(LO * 0x20) & !w;
    let q = w ^ (LO * b'"' as u64);
    let quote = q.wrapping_sub(LO) & !q;
    let b = w ^ (LO * b'\\' as u64);
    let backslash = b.wrapping_sub(LO) & !b;
    (control | quote | backslash) & HI != 0
}

/// Whether any byte of `bytes` must be escaped: eight bytes at a time, the last few padded
/// with a byte that never is.
#[inline(always)]
fn needs_escape(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        if word_needs_escape(w) {
            return true;
        }
    }
    let rest = words.remainder();
    if rest.is_empty() {
        return false;
    }
    let mut pad = [b'a'; 8];
    pad[..rest.len()].copy_from_slice(rest);
    word_needs_escape(u64::from_le_bytes(pad))
}

/// The escaped contents of a JSON string (no quotes), as serde_json writes them.
#[inline]
fn escape_into(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if !needs_escape(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    let mut run = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let e = ESCAPE[byte as usize];
        if e == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[run..i]);
        if e == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(byte >> 4) as usize],
                HEX[(byte & 0xF) as usize],
            ]);
        } else {
            out.extend_from_slice(&[b'\\', e]);
        }
        run = i + 1;
    }
    out.extend_from_slice(&bytes[run..]);
}

#[inline]
fn write_str(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    escape_into(out, s);
    out.push(b'"');
}

/// `Display` output gathered in a stack buffer (dates write one character at a time), then
/// escaped at once; what does not fit goes to `out` escaped fragment by fragment, as
/// serde_json's `collect_str` writes it (escaping is per byte, so the split does not matter).
struct Gather<'a> {
    out: &'a mut Vec<u8>,
    buf: [u8; 64],
    len: usize,
}

impl Gather<'_> {
    fn flush(&mut self) {
        // The buffer holds whole `&str` pieces only, so it is UTF-8.
        let text = std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default();
        escape_into(self.out, text);
        self.len = 0;
    }
}

impl fmt::Write for Gather<'_> {
    /// Dates are written one ASCII character at a time (chrono's `write_hundreds`).
    #[inline]
    fn write_char(&mut self, c: char) -> fmt::Result {
        if c.is_ascii() && self.len < self.buf.len() {
            self.buf[self.len] = c as u8;
            self.len += 1;
            Ok(())
        } else {
            self.write_str(c.encode_utf8(&mut [0u8; 4]))
        }
    }
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.len + s.len() <= self.buf.len() {
            self.buf[self.len..self.len + s.len()].copy_from_slice(s.as_bytes());
            self.len += s.len();
        } else {
            self.flush();
            escape_into(self.out, s);
        }
        Ok(())
    }
}

fn collect<T: ?Sized + Display>(out: &mut Vec<u8>, value: &T) -> Result {
    use fmt::Write as _;
    out.push(b'"');
    let mut g = Gather {
        out: &mut *out,
        buf: [0; 64],
        len: 0,
    };
    write!(g, "{value}").map_err(|_| Error)?;
    g.flush();
    out.push(b'"');
    Ok(())
}

/// A number as serde_json writes it (the same code: its integer and float formatting).
#[inline]
fn number<T: Serialize>(out: &mut Vec<u8>, v: T) -> Result {
    serde_json::to_writer(out, &v).map_err(|_| Error)
}

macro_rules! int {
    ($($f:ident: $t:ty),*) => {
        $(
            #[inline]
            fn $f(self, v: $t) -> Result {
                number(self.out, v)
            }
        )*
    };
}

impl<'a, 'b> ser::Serializer for &'a mut Writer<'b> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 'b>;
    type SerializeTuple = Compound<'a, 'b>;
    type SerializeTupleStruct = Compound<'a, 'b>;
    type SerializeTupleVariant = Compound<'a, 'b>;
    type SerializeMap = Compound<'a, 'b>;
    type SerializeStruct = Compound<'a, 'b>;
    type SerializeStructVariant = Compound<'a, 'b>;

    #[inline]
    fn serialize_bool(self, v: bool) -> Result {
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    int!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
         serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128);
    fn serialize_f32(self, v: f32) -> Result {
        number(self.out, v)
    }
    fn serialize_f64(self, v: f64) -> Result {
        number(self.out, v)
    }
    fn serialize_char(self, v: char) -> Result {
        write_str(self.out, v.encode_utf8(&mut [0u8; 4]));
        Ok(())
    }
    #[inline]
    fn serialize_str(self, v: &str) -> Result {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        self.out.push(b'[');
        for (k, b) in v.iter().enumerate() {
            if k > 0 {
                self.out.push(b',');
            }
            number(self.out, *b)?;
        }
        self.out.push(b']');
        Ok(())
    }
    #[inline]
    fn serialize_none(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    #[inline]
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.serialize_unit()
    }
    #[inline]
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        write_str(self.out, variant);
        Ok(())
    }
    #[inline]
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result {
        self.out.push(b'{');
        write_str(self.out, variant);
        self.out.push(b':');
        v.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a, 'b>> {
        self.out.push(b'[');
        if len == Some(0) {
            self.out.push(b']');
            return Ok(Compound {
                w: self,
                state: State::Empty,
                close: b"",
            });
        }
        Ok(Compound {
            w: self,
            state: State::First,
            close: b"]",
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, 'b>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'a, 'b>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'b>> {
        self.out.push(b'{');
        write_str(self.out, variant);
        self.out.push(b':');
        let mut c = self.serialize_seq(Some(len))?;
        c.close = if c.state == State::Empty { b"}" } else { b"]}" };
        Ok(c)
    }
    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a, 'b>> {
        self.out.push(b'{');
        if len == Some(0) {
            self.out.push(b'}');
            return Ok(Compound {
                w: self,
                state: State::Empty,
                close: b"",
            });
        }
        Ok(Compound {
            w: self,
            state: State::First,
            close: b"}",
        })
    }
    #[inline]
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'a, 'b>> {
        // serde_json's private tokens (raw values, arbitrary-precision numbers): its own job.
        if name.starts_with("$serde_json::private::") {
            return Err(Error);
        }
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'b>> {
        self.out.push(b'{');
        write_str(self.out, variant);
        self.out.push(b':');
        let mut c = self.serialize_map(Some(len))?;
        c.close = if c.state == State::Empty { b"}" } else { b"}}" };
        Ok(c)
    }
    fn collect_str<T: ?Sized + Display>(self, v: &T) -> Result {
        collect(self.out, v)
    }
}

#[derive(PartialEq, Eq)]
enum State {
    Empty,
    First,
    Rest,
}

/// An array or object being written.
pub struct Compound<'a, 'b> {
    w: &'a mut Writer<'b>,
    state: State,
    /// Written by `end` (`]`, `}`, and the `}` of a variant's wrapper).
    close: &'static [u8],
}

impl Compound<'_, '_> {
    #[inline]
    fn sep(&mut self) {
        if self.state != State::First {
            self.w.out.push(b',');
        }
        self.state = State::Rest;
    }
    #[inline]
    fn finish(self) -> Result {
        self.w.out.extend_from_slice(self.close);
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    #[inline]
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        self.sep();
        v.serialize(&mut *self.w)
    }
    #[inline]
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    #[inline]
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result {
        self.sep();
        k.serialize(Key(&mut *self.w.out))
    }
    #[inline]
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        self.w.out.push(b':');
        v.serialize(&mut *self.w)
    }
    #[inline]
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    #[inline]
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> Result {
        let out = &mut *self.w.out;
        let first = self.state == State::First;
        self.state = State::Rest;
        // `,"key":` in one piece when the key needs no escape (a field name never does).
        let k = key.as_bytes();
        if k.len() <= 28 && !needs_escape(k) {
            let mut piece = [0u8; 32];
            let mut n = 0;
            if !first {
                piece[0] = b',';
                n = 1;
            }
            piece[n] = b'"';
            piece[n + 1..n + 1 + k.len()].copy_from_slice(k);
            piece[n + 1 + k.len()] = b'"';
            piece[n + 2 + k.len()] = b':';
            out.extend_from_slice(&piece[..n + 3 + k.len()]);
        } else {
            if !first {
                out.push(b',');
            }
            write_str(out, key);
            out.push(b':');
        }
        v.serialize(&mut *self.w)
    }
    #[inline]
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> Result {
        ser::SerializeStruct::serialize_field(self, key, v)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

/// A map key: strings as they are, numbers and booleans quoted (serde_json's rules); anything
/// else is left to serde_json (which refuses it).
struct Key<'a>(&'a mut Vec<u8>);

/// A number key: serde_json writes the number's own text in quotes (a float only when finite).
fn quoted<T: Serialize>(out: &mut Vec<u8>, v: T) -> Result {
    out.push(b'"');
    number(out, v)?;
    out.push(b'"');
    Ok(())
}

macro_rules! quoted_int {
    ($($f:ident: $t:ty),*) => {
        $(
            fn $f(self, v: $t) -> Result {
                quoted(self.0, v)
            }
        )*
    };
}

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    #[inline]
    fn serialize_str(self, v: &str) -> Result {
        write_str(self.0, v);
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        write_str(self.0, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_bool(self, v: bool) -> Result {
        self.0.extend_from_slice(if v { b"\"true\"" } else { b"\"false\"" });
        Ok(())
    }
    quoted_int!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
                serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128);
    fn serialize_f32(self, v: f32) -> Result {
        if !v.is_finite() {
            return Err(Error);
        }
        quoted(self.0, v)
    }
    fn serialize_f64(self, v: f64) -> Result {
        if !v.is_finite() {
            return Err(Error);
        }
        quoted(self.0, v)
    }
    fn serialize_char(self, v: char) -> Result {
        write_str(self.0, v.encode_utf8(&mut [0u8; 4]));
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result {
        v.serialize(self)
    }
    fn collect_str<T: ?Sized + Display>(self, v: &T) -> Result {
        collect(self.0, v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(Error)
    }
    fn serialize_none(self) -> Result {
        Err(Error)
    }
    fn serialize_unit(self) -> Result {
        Err(Error)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        Err(Error)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(Error)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(Error)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(Error)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct> {
        Err(Error)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Error)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(Error)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(Error)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn same<T: Serialize>(v: &T) {
        let mut fast = b"prefix".to_vec();
        let r = write(&mut fast, v);
        let mut slow = b"prefix".to_vec();
        let s = serde_json::to_writer(&mut slow, v);
        assert_eq!(r.is_ok(), s.is_ok());
        assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&slow));
    }

    #[derive(Serialize)]
    enum E {
        Unit,
        New(i32),
        Tup(u8, String),
        EmptyTup(),
        Strukt { a: Option<u8>, b: Vec<u8> },
        EmptyStrukt {},
    }

    #[derive(Serialize)]
    struct S<'a> {
        s: &'a str,
        n: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        f: f64,
        g: f32,
        c: char,
        u: (),
        t: (u8, bool),
        e: Vec<E>,
        m: BTreeMap<String, i64>,
        im: BTreeMap<i32, bool>,
        bm: BTreeMap<bool, u8>,
        d: chrono::NaiveDate,
        big: i128,
        #[serde(with = "serde_bytes_like")]
        bytes: Vec<u8>,
    }

    mod serde_bytes_like {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    #[derive(Serialize)]
    struct Flat {
        #[serde(flatten)]
        tag: Tag,
        x: u8,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    enum Tag {
        Line { line: u64 },
    }

    #[test]
    fn strings_escape_as_serde_json_does() {
        let mut all = String::new();
        for c in 0u8..0x80 {
            all.push(c as char);
        }
        for s in [
            "",
            "a",
            "\"",
            "\\",
            "\u{7f}",
            "再診料",
            "ｸﾞﾗﾑ\n",
            &all,
            "12345678\"12345678\\",
            "明細書発行体制等加算\u{1}…\u{1f}",
            "\u{2028}\u{2029}😀",
        ] {
            same(&s);
            for k in 0..s.len() {
                if s.is_char_boundary(k) {
                    same(&&s[k..]);
                }
            }
        }
    }

    #[test]
    fn random_strings_escape_as_serde_json_does() {
        // Every length up to a few words, every position of an escape, ASCII and multi-byte.
        let alphabet = [
            'a', 'Z', '0', ' ', '"', '\\', '\n', '\u{1}', '\u{1f}', '\u{7f}', 'é', '再', '😀', '～',
        ];
        let mut x: u64 = 0x5EED;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 40) as usize;
            let mut t = String::new();
            let mut y = x;
            for _ in 0..len {
                y = y.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                // Mostly plain letters, as in real results.
                let k = (y >> 33) as usize % (alphabet.len() * 4);
                t.push(if k < alphabet.len() { alphabet[k] } else { 'q' });
            }
            same(&t);
        }
    }

    #[test]
    fn every_shape_is_written_as_serde_json_writes_it() {
        let mut m = BTreeMap::new();
        m.insert("1\"2".to_string(), -3);
        m.insert("二".to_string(), i64::MIN);
        let mut im = BTreeMap::new();
        im.insert(-7, true);
        let mut bm = BTreeMap::new();
        bm.insert(false, 1);
        let s = S {
            s: "x\ty",
            n: None,
            skipped: None,
            f: 0.1,
            g: 1.5e-7,
            c: '"',
            u: (),
            t: (255, false),
            e: vec![
                E::Unit,
                E::New(-1),
                E::Tup(1, "a".into()),
                E::EmptyTup(),
                E::Strukt { a: Some(2), b: vec![] },
                E::EmptyStrukt {},
            ],
            m,
            im,
            bm,
            d: chrono::NaiveDate::from_ymd_opt(2024, 7, 1).unwrap(),
            big: i128::MIN,
            bytes: vec![0, 1, 255],
        };
        same(&s);
        for f in [f64::NAN, f64::INFINITY, -0.0, 1e300, 123456789.125] {
            same(&f);
        }
        same(&Flat {
            tag: Tag::Line { line: 7 },
            x: 1,
        });
        same(&serde_json::json!({"a": [1, 2.5, null, {"b": "c"}], "d": {}}));
        same(&Vec::<u8>::new());
        same(&BTreeMap::<String, u8>::new());
    }

    #[test]
    fn what_serde_json_refuses_is_refused_the_same() {
        let mut m = BTreeMap::new();
        m.insert(vec![1u8], 1);
        same(&m);
        let mut f = BTreeMap::new();
        f.insert(OrdF(f64::NAN), 1);
        same(&f);
    }

    /// A float map key (one entry per map, so the order never matters).
    struct OrdF(f64);
    impl PartialEq for OrdF {
        fn eq(&self, _: &Self) -> bool {
            true
        }
    }
    impl Eq for OrdF {}
    impl PartialOrd for OrdF {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for OrdF {
        fn cmp(&self, _: &Self) -> std::cmp::Ordering {
            std::cmp::Ordering::Equal
        }
    }
    impl Serialize for OrdF {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            s.serialize_f64(self.0)
        }
    }
}
