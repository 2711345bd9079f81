//! Field parsers shared by the typed rows and validation. Each returns a positioned error.

use crate::columns::{Col, ColType};
use crate::error::{Error, ErrorKind};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The "no end" date (`99999999` in the files).
pub const OPEN_END: NaiveDate = NaiveDate::MAX;

/// Where a row came from, for error messages.
#[derive(Clone, Copy)]
pub struct RowCtx<'a> {
    pub file: &'a str,
    pub line: u64,
}

impl RowCtx<'_> {
    pub fn err(&self, col: &Col, kind: ErrorKind) -> Error {
        Error::new(self.file, self.line, col.num, Some(col.name), kind)
    }
    pub fn bad(&self, col: &Col, value: &str, what: &'static str) -> Error {
        self.err(
            col,
            ErrorKind::Value {
                value: value.to_string(),
                what,
            },
        )
    }
}

/// Parses `yyyymmdd`. `99999999` → [`OPEN_END`].
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if s == "99999999" {
        return Some(OPEN_END);
    }
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = s[0..4].parse().ok()?;
    let m: u32 = s[4..6].parse().ok()?;
    let d: u32 = s[6..8].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Formats a date as the files do (`99999999` for the open end).
pub fn format_date(d: NaiveDate) -> String {
    if d == OPEN_END {
        "99999999".to_string()
    } else {
        d.format("%Y%m%d").to_string()
    }
}

/// Checks one field against its column type. Empty fields are accepted here (sparse rows,
/// older layouts); required fields are checked by the typed conversion.
pub fn check(ctx: RowCtx<'_>, col: &Col, v: &str) -> Result<(), Error> {
    if v.is_empty() {
        return Ok(());
    }
    let ok_code =
        |n: u8| v.len() <= n as usize && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*');
    match col.ty {
        ColType::Reserved | ColType::Text => Ok(()),
        ColType::Code(n) if ok_code(n) => Ok(()),
        ColType::Code(_) => Err(ctx.bad(col, v, "code")),
        ColType::Flag(n) if ok_code(n) => Ok(()),
        ColType::Flag(_) => Err(ctx.bad(col, v, "flag")),
        ColType::Int => v.parse::<u64>().map(|_| ()).map_err(|_| ctx.bad(col, v, "integer")),
        ColType::Dec => check_dec(ctx, col, v).map(|_| ()),
        ColType::Date => parse_date(v)
            .map(|_| ())
            .ok_or_else(|| ctx.bad(col, v, "date (yyyymmdd)")),
        ColType::DateOrZero => {
            if v.bytes().all(|b| b == b'0') || parse_date(v).is_some() {
                Ok(())
            } else {
                Err(ctx.bad(col, v, "date (yyyymmdd or 0)"))
            }
        }
    }
}

/// Most digits before the decimal point of a 点数 / 金額 column. The largest value in the staged
/// files has 9 (y_ALL20240531 ゾルゲンスマ 薬価 `167077222.00`).
pub const MAX_DEC_INT_DIGITS: usize = 10;

/// The shape of a `dec` column (masters.md: "decimal with 2 places"): digits, optionally a point
/// and one or two digits; at most [`MAX_DEC_INT_DIGITS`] digits before the point. Never
/// negative: every 点数 / 金額 in the staged files (s cols 12, 34, 58; y 12, 25; t 12, 18; about
/// 230,000 values) is `\d+\.\d\d` and ≥ 0 — a subtracted item (点数識別 8, 点数（マイナス）) and
/// a percentage reduction (6, %減算) carry a positive value and the 点数識別 says to subtract.
pub fn parse_dec(v: &str) -> Option<Decimal> {
    let (int, frac) = match v.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (v, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || int.len() > MAX_DEC_INT_DIGITS || frac.is_some_and(|f| !digits(f) || f.len() > 2) {
        return None;
    }
    Decimal::from_str(v).ok()
}

/// [`parse_dec`] with the reason when it fails: negative, too many decimal places, or not a
/// number at all.
pub fn check_dec(ctx: RowCtx<'_>, col: &Col, v: &str) -> Result<Decimal, Error> {
    if let Some(d) = parse_dec(v) {
        return Ok(d);
    }
    if let Some(abs) = v.strip_prefix('-') {
        if parse_dec(abs).is_some() {
            return Err(ctx.err(col, ErrorKind::Negative { value: v.to_string() }));
        }
    }
    if let Some((int, frac)) = v.split_once('.') {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if digits(int) && int.len() <= MAX_DEC_INT_DIGITS && digits(frac) {
            return Err(ctx.err(
                col,
                ErrorKind::DecimalPlaces {
                    value: v.to_string(),
                    places: frac.len(),
                },
            ));
        }
    }
    let int = v.split_once('.').map_or(v, |(i, _)| i);
    if int.len() > MAX_DEC_INT_DIGITS && int.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ctx.bad(col, v, "decimal number (at most 10 digits before the point)"));
    }
    Err(ctx.bad(col, v, "decimal number"))
}

/// Typed getters over one raw row; `cols` is the layout's column table.
pub struct Fields<'a> {
    pub ctx: RowCtx<'a>,
    pub raw: &'a crate::raw::RawRow,
    pub cols: &'static [Col],
}

impl<'a> Fields<'a> {
    fn col(&self, num: usize) -> &'static Col {
        &self.cols[num - 1]
    }
    pub fn str(&self, num: usize) -> &'a str {
        self.raw.col(num)
    }
    pub fn text(&self, num: usize) -> Box<str> {
        self.raw.col(num).into()
    }
    pub fn required(&self, num: usize) -> Result<&'a str, Error> {
        let v = self.raw.col(num);
        if v.is_empty() {
            Err(self.ctx.err(self.col(num), ErrorKind::Missing))
        } else {
            Ok(v)
        }
    }
    /// Integer; empty → 0 (absent in an older layout).
    pub fn int(&self, num: usize) -> Result<u32, Error> {
        let v = self.raw.col(num);
        if v.is_empty() {
            return Ok(0);
        }
        v.parse().map_err(|_| self.ctx.bad(self.col(num), v, "integer"))
    }
    /// Small numeric flag; empty → 0.
    pub fn flag(&self, num: usize) -> Result<u8, Error> {
        let v = self.raw.col(num);
        if v.is_empty() {
            return Ok(0);
        }
        v.parse().map_err(|_| self.ctx.bad(self.col(num), v, "flag"))
    }
    /// One-character alphanumeric code (e.g. 注加算通番 `A`); empty → `0`.
    pub fn ch(&self, num: usize) -> Result<u8, Error> {
        let v = self.raw.col(num);
        match v.as_bytes() {
            [] => Ok(b'0'),
            [c] if c.is_ascii_alphanumeric() => Ok(*c),
            _ => Err(self.ctx.bad(self.col(num), v, "one-character code")),
        }
    }
    pub fn dec(&self, num: usize) -> Result<Decimal, Error> {
        let v = self.required(num)?;
        check_dec(self.ctx, self.col(num), v)
    }
    pub fn date(&self, num: usize) -> Result<NaiveDate, Error> {
        let v = self.required(num)?;
        parse_date(v).ok_or_else(|| self.ctx.bad(self.col(num), v, "date (yyyymmdd)"))
    }
    /// A date or "none" (`0`, `00000000`, empty).
    pub fn opt_date(&self, num: usize) -> Result<Option<NaiveDate>, Error> {
        let v = self.raw.col(num);
        if v.bytes().all(|b| b == b'0') {
            return Ok(None);
        }
        parse_date(v)
            .map(Some)
            .ok_or_else(|| self.ctx.bad(self.col(num), v, "date (yyyymmdd or 0)"))
    }
    /// A numeric code (e.g. 9-digit 診療行為コード); empty or `0` → 0.
    pub fn num_code(&self, num: usize) -> Result<u32, Error> {
        let v = self.raw.col(num);
        if v.is_empty() {
            return Ok(0);
        }
        v.parse().map_err(|_| self.ctx.bad(self.col(num), v, "numeric code"))
    }
}
